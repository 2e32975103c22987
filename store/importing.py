"""`critics import FILE`: which layout a file is (by its header, or as --format says), read into
films and reviews ready for the repository (docs/datasets.md lists the layouts)."""

from __future__ import annotations

import csv
import os
from collections import Counter
import re
from pathlib import Path
from typing import Callable

from store.datasets import letterboxd, rt
from store.datasets.csvfile import Progress, shown_columns
from store.datasets.incoming import DatasetError, Incoming
from store.exchange import read_csv_export, read_json_export
from store.domain import FilmRecord
from store.files import open_regular_file, read_regular_file
from store.pages import PageError, decode_page, parse_page
from store.records import valid_film_record
from store.text import clean_line

# Each layout's reader; page, json and csv are Critics' own (store/pages.py, store/exchange.py).
DATASETS: dict[str, Callable[..., Incoming]] = {
    "rt2020": rt.read_reviews_2020,
    "rt2020-films": rt.read_films_2020,
    "rt2023": rt.read_reviews_2023,
    "rt2023-films": rt.read_films_2023,
}
FORMATS = ("page", "json", "csv", *DATASETS, "letterboxd")
_PEEK_BYTES = 64 * 1024
# A first line that is a CSV header: at least three comma-separated names (a page's first line
# is a sentence: "Generally favorable reviews - based on 11 Critics").
_HEADER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ ]{0,39}")


def detect(header: list[str]) -> str | None:
    """The layout a CSV header names, or None."""
    columns = tuple(header)
    if columns[:1] == ("title",) and "excerpt" in columns:
        return "csv"
    if columns == rt.RT2020:
        return "rt2020"
    if columns[: len(rt.RT2020_FILMS)] == rt.RT2020_FILMS:
        return "rt2020-films"
    if columns == rt.RT2023:
        return "rt2023"
    if columns[: len(rt.RT2023_FILMS)] == rt.RT2023_FILMS:
        return "rt2023-films"
    if columns in letterboxd.HEADERS:
        return "letterboxd"
    return None


def _first_line(path: Path) -> str:
    fd = open_regular_file(path)
    try:
        head = os.read(fd, _PEEK_BYTES)
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    return re.split("\r\n|\r|\n", text, maxsplit=1)[0]


def sniff(path: Path) -> str:
    """The layout of a file by its beginning: json, a known CSV header, else a page. A first
    line that is a CSV header of no known layout is refused naming those accepted."""
    first = _first_line(path)
    if first.startswith("{"):
        return "json"
    header = [column.strip() for column in next(csv.reader([first]), [])]
    layout = detect(header)
    if layout is not None:
        return layout
    if len(header) >= 3 and all(_HEADER_NAME.fullmatch(column) for column in header):
        raise DatasetError(
            f"{path} has a header of no layout critics knows (its columns: {shown_columns(header)}); "
            f"accepted: {', '.join(FORMATS)} (see critics import --help)"
        )
    return "page"


def read_import(
    path: Path,
    *,
    layout: str | None = None,
    title: str | None = None,
    year: int | None = None,
    critic: str | None = None,
    progress: Progress | None = None,
) -> tuple[str, Incoming]:
    """The layout of path (detected unless given) and what it brings, validated; nothing is
    written. Any bad row refuses the whole file, naming its line."""
    chosen = layout or sniff(path)
    if chosen == "letterboxd":
        return chosen, letterboxd.read_export(path, critic, progress)
    if chosen in DATASETS:
        return chosen, DATASETS[chosen](path, progress)
    raw = read_regular_file(path)
    text = decode_page(raw, str(path))  # UTF-8 (a BOM allowed), else refused in one line
    if chosen == "json":
        records, publications = read_json_export(raw, str(path))
    elif chosen == "csv":
        records, publications = read_csv_export(text, str(path))
    else:
        page = parse_page(text, str(path))
        if not title or not clean_line(title):
            raise PageError(f"{path}: a page does not name its film: give --title")
        records, publications = [FilmRecord(title=title, year=year, published=page.published, reviews=page.reviews)], []
    # Grades an export states as kept unscored (score null beside them) are counted as a dataset's are.
    unscored = Counter(
        (draft.grade or "").strip() for record in records for draft in record.reviews if draft.grade_unscored
    )
    films = [valid_film_record(record) for record in records]
    return chosen, Incoming(films=films, publications=publications, unscored_grades=unscored)
