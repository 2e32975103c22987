"""Letterboxd exports (reviews.csv, diary.csv, ratings.csv): one person's own reviews, imported
as one critic. Facts relied on (docs/datasets.md): `Rating` is 0.5-5 in half stars (blank:
unrated); `Review` is HTML; films have no id, so they match by title and year; the three files
overlap, and an entry of one matches an entry of another by its `Letterboxd URI` or by its film,
date and rating."""

from __future__ import annotations

import html
import re
from fractions import Fraction
from pathlib import Path

from store.datasets.csvfile import CsvFile, Progress
from store.datasets.incoming import DatasetError, FilmsByKey, Incoming, RecordMaker
from store.domain import FilmRecord
from store.errors import ValidationError
from store.records import Record, clean_year
from store.text import clean_line

REVIEWS = ("Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date")
DIARY = ("Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date")
RATINGS = ("Date", "Name", "Year", "Letterboxd URI", "Rating")
HEADERS = (REVIEWS, DIARY, RATINGS)

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK = re.compile(r"</?(?:p|blockquote|div)(?:\s[^>]*)?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain_text(review: str) -> str:
    """A Letterboxd review's HTML as plain text: <br /> a line break, a paragraph or a quote a
    paragraph of its own, other tags dropped, entities read (after the tags are gone, so an
    escaped "&lt;i&gt;" stays as the text "<i>")."""
    text = _BREAK.sub("\n", review)
    text = _BLOCK.sub("\n\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)  # clean_paragraphs (via the draft) keeps one blank line between paragraphs


def _grade(rating: str) -> str | None:
    """A half-star rating as the grade "4.5/5" (a bare 4.5 would read as 4.5 out of 100)."""
    text = rating.strip()
    if not text:
        return None
    try:
        stars = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return text  # not a rating: kept as written, unscored, and counted
    if stars * 2 != int(stars * 2) or not 0 < stars <= 5:
        return text
    return f"{text}/5"


def same_entry(record: Record) -> tuple:
    """The other way an entry is already present: the same film (the table it is in), the same
    date and the same rating."""
    return (record.get("critic"), record.get("date"), record.get("grade"))


def read_export(path: Path, critic: str | None, progress: Progress | None = None) -> Incoming:
    if critic is None or not clean_line(critic):
        raise DatasetError(f"{path} is a Letterboxd export of one person's reviews: name them with --critic NAME")
    incoming = Incoming(same_entry=same_entry, skipped_what="diary entries without rating or review")
    films = FilmsByKey()
    with CsvFile(path, progress) as source:
        maker = RecordMaker(source.name, incoming.unscored_grades)
        logged, name, year_at, uri, rating = source.columns(RATINGS, "Letterboxd")
        review_at = source.header.index("Review") if "Review" in source.header else None
        watched_at = source.header.index("Watched Date") if "Watched Date" in source.header else None
        for line, row in source.rows():
            where = f"{source.name}, line {line}"
            title = clean_line(row[name])
            if not title:
                raise DatasetError(f"{where}: no film name")
            try:
                year = clean_year(row[year_at].strip() or None)
            except ValidationError as exc:
                raise DatasetError(f"{where}: Year: {exc.errors['year']}") from None
            text = plain_text(row[review_at]) if review_at is not None else ""
            when = (row[watched_at] if watched_at is not None else "").strip() or row[logged]
            # A plain diary entry (neither rating nor text) states no review: None, counted.
            record = maker.record(line, text, critic, None, when, _grade(row[rating]) or "", None, False, row[uri])
            if record is None:
                incoming.skipped += 1
                continue
            films.reviews_of(f"{title}\0{year}", lambda: FilmRecord(title, year)).append(record)
    incoming.films = films.entries()
    return incoming
