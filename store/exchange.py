"""Export to JSON and CSV, and reading them (and pages) back as films to import."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson

from store.domain import FilmRecord, Publication, PublishedSummary, Review, ReviewDraft
from store.errors import StoreError
from store.pages import PageError, decode_page, parse_page
from store.records import PUBLISHED_FIELDS, published_to_dict
from store.repository import Repository
from store.text import clean_line, clean_optional

REVIEW_FIELDS = ("critic", "publication", "date", "grade", "score", "excerpt")
CSV_COLUMNS = (
    "title", "year", "director",
    *(f"published_{field}" for field in PUBLISHED_FIELDS),
    *REVIEW_FIELDS,
    "publication_weight",
)


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
                writer.writerow(_csv_cells([*head, *([None] * len(REVIEW_FIELDS)), None]))
            else:
                weight = repository.weight_of(review.publication) if review.publication else None
                writer.writerow(_csv_cells([*head, *(getattr(review, f) for f in REVIEW_FIELDS), weight]))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def _csv_cells(values: list[Any]) -> list[str]:
    return ["" if value is None else str(value) for value in values]


# -- reading ------------------------------------------------------------------------------


def _int_or_none(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ExchangeError(f"{where}: {value!r} is not a whole number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ExchangeError(f"{where}: {value!r} is not a whole number") from None
    if isinstance(value, float) and value != number:
        raise ExchangeError(f"{where}: {value!r} is not a whole number")
    return number


def _text_or_none(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExchangeError(f"{where}: expected text, found {value!r}")
    return value


def _weight(value: Any, where: str) -> float:
    try:
        weight = float(value)
    except (TypeError, ValueError):
        raise ExchangeError(f"{where}: weight {value!r} is not a number") from None
    if not math.isfinite(weight) or weight < 0:
        raise ExchangeError(f"{where}: weight {value!r} must be a number from 0 up")
    return weight


def _published_from(value: Any, where: str) -> PublishedSummary | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ExchangeError(f"{where}: 'published' must be an object or null")
    counts = {f: _int_or_none(value.get(f), f"{where} published {f}") for f in PUBLISHED_FIELDS[1:]}
    verdict = clean_optional(_text_or_none(value.get("verdict"), f"{where} published verdict"))
    return PublishedSummary(verdict=verdict, **counts)


def _draft(values: dict[str, Any], where: str) -> ReviewDraft:
    score = _int_or_none(values.get("score"), f"{where} score")
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
    )


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
                year=_int_or_none(film.get("year"), f"{where} year"),
                director=_text_or_none(film.get("director"), f"{where} director"),
                published=_published_from(film.get("published"), where),
                reviews=tuple(_draft(r, f"{where} review {n}") for n, r in enumerate(reviews, 1)),
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
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("title", "excerpt") if c not in (reader.fieldnames or [])]
    if missing:
        raise ExchangeError(f"{name} is not a Critics CSV export (missing columns: {', '.join(missing)})")
    films: dict[tuple[str, str], dict[str, Any]] = {}
    weights: dict[str, float] = {}
    for row in reader:
        where = f"{name}, line {reader.line_num}"
        key = (row["title"], row.get("year") or "")
        film = films.get(key)
        if film is None:
            published_values = {f: row.get(f"published_{f}") or None for f in PUBLISHED_FIELDS}
            film = films[key] = {
                "title": row["title"],
                "year": _int_or_none(row.get("year"), f"{where} year"),
                "director": row.get("director") or None,
                "published": _published_from(published_values, where) if any(published_values.values()) else None,
                "reviews": [],
            }
        if not (row.get("excerpt") or "").strip():
            continue  # a film listed without reviews
        film["reviews"].append(_draft({f: row.get(f) or None for f in REVIEW_FIELDS}, where))
        publication, weight = row.get("publication"), row.get("publication_weight")
        if publication and weight not in (None, ""):
            weights[clean_line(publication)] = _weight(weight, where)
    records = [
        FilmRecord(f["title"], f["year"], f["director"], f["published"], tuple(f["reviews"])) for f in films.values()
    ]
    # Default weights need no record; only what the user changed travels.
    publications = [Publication(n, w) for n, w in weights.items() if w != 1.0]
    return records, publications


def read_import_file(path: Path, *, title: str | None, year: int | None) -> tuple[list[FilmRecord], list[Publication]]:
    """A page (needs a title), a JSON export or a CSV export, told apart by content."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    text = decode_page(raw, str(path))
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return read_json_export(raw, str(path))
    first_line = stripped.split("\n", 1)[0]
    if first_line.startswith("title,") and "excerpt" in first_line:
        return read_csv_export(text, str(path))
    page = parse_page(text, str(path))
    if not title or not clean_line(title):
        raise PageError(f"{path}: a page does not name its film: give --title")
    return [FilmRecord(title=title, year=year, published=page.published, reviews=page.reviews)], []


__all__ = ["export_json", "export_csv", "json_chunks", "csv_chunks", "read_import_file", "read_json_export", "read_csv_export", "PageError"]
