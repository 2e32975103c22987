"""Export to JSON and CSV, and reading them (and pages) back as films to import.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or ``'``) are written with one ``'`` in front, in every column; reading a
CSV export removes exactly one leading ``'`` from every cell, so export then import is the identity.
"""

from __future__ import annotations

import csv
import io
import math
import re
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson

from store.domain import FilmRecord, Publication, PublishedSummary, Review, ReviewDraft
from store.errors import StoreError, ValidationError
from store.files import MAX_IMPORT_BYTES, allow_long_fields, read_regular_file
from store.pages import PageError, decode_page, parse_page
from store.records import MAX_WEIGHT, PUBLISHED_FIELDS, clean_year, count_error, published_to_dict
from store.repository import Repository
from store.text import clean_line, clean_optional

# A review as exported; the last three came with issue 10: exports made before lack them, and
# read as no call, not a top critic, no source id.
SCORE_FIELDS = ("critic", "publication", "date", "grade", "score", "excerpt")
CALL_FIELDS = ("sentiment", "top_critic", "source_id")
REVIEW_FIELDS = (*SCORE_FIELDS, *CALL_FIELDS)
CSV_COLUMNS = (
    "title", "year", "director",
    *(f"published_{field}" for field in PUBLISHED_FIELDS),
    *SCORE_FIELDS,
    "publication_weight",
    *CALL_FIELDS,  # appended, so a reader of the older columns still finds them in place
    "key",
)
# A spreadsheet runs a cell starting with one of these as a formula: the CSV writes a ' before it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_MAX_NUMBER_TEXT = 24  # a year, count or score written with more characters is no number of ours
_LINE_END = re.compile("\r\n|\r|\n")


class ExchangeError(StoreError):
    """An export file that cannot be read back; names the place."""


# -- writing ------------------------------------------------------------------------------


def _review_dict(review: Review) -> dict[str, Any]:
    return {field: getattr(review, field) for field in REVIEW_FIELDS}


def export_json(repository: Repository) -> bytes:
    return b"".join(json_chunks(repository))


def json_chunks(repository: Repository) -> Iterator[bytes]:
    """The JSON export a film at a time, byte for byte what orjson's OPT_INDENT_2 makes of the
    whole document, so memory holds one film's reviews, not every review twice over."""
    films, publications = repository.export_films()
    yield b'{\n  "films": '
    yield from _json_list(
        {
            "title": film.title,
            "year": film.year,
            "director": film.director,
            "key": film.key,
            "published": published_to_dict(film.published),
            "reviews": [_review_dict(review) for review in reviews],
        }
        for film, reviews in films
    )
    yield b',\n  "publications": '
    yield from _json_list({"name": p.name, "weight": p.weight} for p in publications)
    yield b"\n}\n"


def _json_list(items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A list nested one level in the document, indented as OPT_INDENT_2 would indent it."""
    separator = b"[\n"
    for item in items:
        body = orjson.dumps(item, option=orjson.OPT_INDENT_2)
        # JSON text never holds a raw newline inside a string, so every newline starts a line.
        yield separator + b"    " + body.replace(b"\n", b"\n    ")
        separator = b",\n"
    yield b"[]" if separator == b"[\n" else b"\n  ]"


def export_csv(repository: Repository) -> str:
    return "".join(csv_chunks(repository))


def csv_chunks(repository: Repository) -> Iterator[str]:
    """One review a row, a film at a time; a film with no reviews is one row with the review
    columns empty."""
    films, _ = repository.export_films()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for film, reviews in films:
        published = published_to_dict(film.published) or {}
        head = [film.title, film.year, film.director, *(published.get(f) for f in PUBLISHED_FIELDS)]
        for review in reviews or [None]:
            if review is None:
                # Every review column empty, top_critic too (a review always has true or false):
                # a film listed without reviews, told apart from a review without text.
                writer.writerow(_csv_cells([*head, *([None] * (len(REVIEW_FIELDS) + 1)), film.key]))
            else:
                weight = repository.weight_of(review.publication) if review.publication else None
                writer.writerow(_csv_cells([
                    *head, *(getattr(review, f) for f in SCORE_FIELDS), weight,
                    review.sentiment, review.top_critic, review.source_id, film.key,
                ]))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def _csv_cells(values: list[Any]) -> list[str]:
    return [_guarded(_cell(value)) for value in values]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return value.value
    return str(value)


def _guarded(cell: str) -> str:
    """A cell a spreadsheet would not run: one ' before a formula-like start (and before a ' so
    that reading removes exactly one)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


# -- reading ------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    """A value in a message: its repr, cut short (a field can be megabytes long)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number beyond 64 bits"  # repr() of a long enough int raises
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _int_or_none(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    not_whole = ExchangeError(f"{where}: {_shown(value)} is not a whole number")
    if isinstance(value, bool) or (isinstance(value, str) and len(value.strip()) > _MAX_NUMBER_TEXT):
        raise not_whole
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        raise not_whole from None
    if isinstance(value, float) and value != number:
        raise not_whole
    return number


def _year(value: Any, where: str) -> int | None:
    try:
        return clean_year(_int_or_none(value, where))
    except ValidationError as exc:
        raise ExchangeError(f"{where}: {exc.errors['year']}") from None


def _count(value: Any, where: str) -> int | None:
    number = _int_or_none(value, where)
    problem = count_error(number)
    if problem is not None:
        raise ExchangeError(f"{where}: {problem}")
    return number


def _text_or_none(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExchangeError(f"{where}: expected text, found {value!r}")
    return value


def _weight(value: Any, where: str) -> float:
    """A publication weight as `critics weight` takes it (records.valid_publication): 0-100."""
    refused = ExchangeError(f"{where} weight: {_shown(value)} is not a number from 0 to {MAX_WEIGHT:g}")
    if isinstance(value, bool):
        raise refused
    try:
        weight = float(value)
    except (TypeError, ValueError, OverflowError):
        raise refused from None
    if not math.isfinite(weight) or not 0 <= weight <= MAX_WEIGHT:
        raise refused
    return weight


def _published_from(value: Any, where: str) -> PublishedSummary | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ExchangeError(f"{where}: 'published' must be an object or null")
    counts = {f: _count(value.get(f), f"{where} published {f}") for f in PUBLISHED_FIELDS[1:]}
    verdict = clean_optional(_text_or_none(value.get("verdict"), f"{where} published verdict"))
    return PublishedSummary(verdict=verdict, **counts)


def _draft(values: dict[str, Any], where: str, top_critic: bool) -> ReviewDraft:
    score = _int_or_none(values.get("score"), f"{where} score")
    if score is not None and not 0 <= score <= 100:
        raise ExchangeError(f"{where} score: {_shown(score)} is not a score from 0 to 100")
    grade = _text_or_none(values.get("grade"), f"{where} grade")
    if score is not None and not (grade or "").strip():
        # A bare score is a grade on the 0-100 scale.
        grade = str(score)
    return ReviewDraft(
        excerpt=_text_or_none(values.get("excerpt"), f"{where} excerpt") or "",
        critic=_text_or_none(values.get("critic"), f"{where} critic"),
        publication=_text_or_none(values.get("publication"), f"{where} publication"),
        date=_text_or_none(values.get("date"), f"{where} date"),
        grade=grade,
        sentiment=_text_or_none(values.get("sentiment"), f"{where} sentiment"),
        top_critic=top_critic,
        source_id=_text_or_none(values.get("source_id"), f"{where} source_id"),
        # The export states the score: null beside a grade means the grade was kept unscored
        # (a dataset's grade of unknown scale). Where "score" is not stated at all (a file
        # written by hand), the grade is read as `critics add` reads it.
        grade_unscored="score" in values and score is None and bool((grade or "").strip()),
    )


def _json_top_critic(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ExchangeError(f"{where} top_critic: {_shown(value)} is not true or false")
    return value


def _csv_top_critic(value: str | None, where: str) -> bool:
    if value in (None, "", "false"):
        return False
    if value == "true":
        return True
    raise ExchangeError(f"{where} top_critic: {_shown(value)} is not true or false")


def read_json_export(raw: bytes, name: str) -> tuple[list[FilmRecord], list[Publication]]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ExchangeError(f"{name} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("films"), list):
        raise ExchangeError(f"{name} is not a Critics export (no \"films\" list)")
    records = []
    for index, film in enumerate(data["films"], 1):
        where = f"{name} film {index}"
        if not isinstance(film, dict) or not isinstance(film.get("title"), str):
            raise ExchangeError(f"{where}: a film needs a \"title\"")
        reviews = film.get("reviews") or []
        if not isinstance(reviews, list) or not all(isinstance(r, dict) for r in reviews):
            raise ExchangeError(f"{where}: \"reviews\" must be a list of objects")
        records.append(
            FilmRecord(
                title=film["title"],
                year=_year(film.get("year"), f"{where} year"),
                director=_text_or_none(film.get("director"), f"{where} director"),
                published=_published_from(film.get("published"), where),
                reviews=tuple(
                    _draft(r, f"{where} review {n}", _json_top_critic(r.get("top_critic"), f"{where} review {n}"))
                    for n, r in enumerate(reviews, 1)
                ),
                key=_text_or_none(film.get("key"), f"{where} key"),
            )
        )
    publications = []
    for index, item in enumerate(data.get("publications") or [], 1):
        where = f"{name} publication {index}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not clean_line(item["name"]):
            raise ExchangeError(f"{where}: a publication needs a \"name\"")
        publications.append(Publication(clean_line(item["name"]), _weight(item.get("weight", 1.0), where)))
    return records, publications


def read_csv_export(text: str, name: str) -> tuple[list[FilmRecord], list[Publication]]:
    allow_long_fields()
    # newline="": the csv module ends lines itself at LF, CRLF or a lone CR (old Mac files).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _read_csv_rows(reader, name)
    except csv.Error as exc:
        raise ExchangeError(f"{name}, line {reader.reader.line_num}: {exc}") from None  # the line it stopped at


def _read_csv_rows(reader: csv.DictReader, name: str) -> tuple[list[FilmRecord], list[Publication]]:
    missing = [c for c in ("title", "excerpt") if c not in (reader.fieldnames or [])]
    if missing:
        raise ExchangeError(f"{name} is not a Critics CSV export (missing columns: {', '.join(missing)})")
    films: dict[tuple[str, ...], dict[str, Any]] = {}
    weights: dict[str, float] = {}
    has_score = "score" in (reader.fieldnames or [])
    review_columns = (*REVIEW_FIELDS, "publication_weight")
    for raw_row in reader:
        where = f"{name}, line {reader.line_num}"
        # One leading ' removed from every cell (see _guarded), inline: millions of cells.
        row = {k: (v[1:] if v.startswith("'") else v) if isinstance(v, str) else v for k, v in raw_row.items()}
        film_key = row.get("key") or None
        # A keyed film is its key (titles repeat across keys); one without, its title and year.
        identity = ("key", film_key) if film_key is not None else ("title", row["title"], row.get("year") or "")
        film = films.get(identity)
        if film is None:
            published_values = {f: row.get(f"published_{f}") or None for f in PUBLISHED_FIELDS}
            film = films[identity] = {
                "title": row["title"],
                "year": _year(row.get("year"), f"{where} year"),
                "director": row.get("director") or None,
                "published": _published_from(published_values, where) if any(published_values.values()) else None,
                "reviews": [],
                "key": film_key,
            }
        if not any((row.get(column) or "").strip() for column in review_columns):
            continue  # a film listed without reviews (a review always has top_critic true or false)
        values = {f: row.get(f) or None for f in REVIEW_FIELDS if has_score or f != "score"}
        film["reviews"].append(_draft(values, where, _csv_top_critic(row.get("top_critic"), where)))
        publication, weight = row.get("publication"), row.get("publication_weight")
        if publication and weight not in (None, ""):
            weights[clean_line(publication)] = _weight(weight, where)
    records = [
        FilmRecord(f["title"], f["year"], f["director"], f["published"], tuple(f["reviews"]), f["key"])
        for f in films.values()
    ]
    # Default weights need no record; only what the user changed travels.
    publications = [Publication(n, w) for n, w in weights.items() if w != 1.0]
    return records, publications


def read_import_file(path: Path, *, title: str | None, year: int | None) -> tuple[list[FilmRecord], list[Publication]]:
    """A page (needs a title), a JSON export or a CSV export, told apart by content."""
    raw = read_regular_file(path)
    text = decode_page(raw, str(path))
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return read_json_export(raw, str(path))
    first_line = _LINE_END.split(stripped, 1)[0]
    if first_line.startswith("title,") and "excerpt" in first_line:
        return read_csv_export(text, str(path))
    page = parse_page(text, str(path))
    if not title or not clean_line(title):
        raise PageError(f"{path}: a page does not name its film: give --title")
    return [FilmRecord(title=title, year=year, published=page.published, reviews=page.reviews)], []


__all__ = ["export_json", "export_csv", "json_chunks", "csv_chunks", "read_import_file", "read_regular_file", "read_json_export", "read_csv_export", "PageError"]
