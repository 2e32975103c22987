"""What one import file brings, validated and ready for Repository.import_prepared."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Hashable

from store.domain import FilmRecord, Publication, Sentiment
from store.errors import StoreError
from store.grades import dataset_score
from store.records import Record, date_error
from store.text import clean_optional, clean_paragraphs


class DatasetError(StoreError):
    """A dataset file that cannot be imported; names the file and, where it can, the line."""


@dataclass
class Incoming:
    """Films with their reviews' records (in file order), and what the summary line reports."""

    films: list[tuple[FilmRecord, list[Record]]] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    unscored_grades: Counter[str] = field(default_factory=Counter)  # dataset grades kept as written
    skipped: int = 0  # rows that state no review (a diary entry with neither rating nor text)
    skipped_what: str = "rows stating no review"
    # A second way a review is already present (Letterboxd's files share no id): see
    # Repository.import_prepared.
    same_entry: Callable[[Record], Hashable] | None = None


class FilmsByKey:
    """Films in the order a file first names them, each with its reviews' records."""

    def __init__(self) -> None:
        self._films: dict[str, tuple[FilmRecord, list[Record]]] = {}

    def reviews_of(self, key: str, film: Callable[[], FilmRecord]) -> list[Record]:
        entry = self._films.get(key)
        if entry is None:
            entry = self._films[key] = (film(), [])
        return entry[1]

    def keyed_reviews(self, key: str) -> list[Record]:
        """The reviews of the film of a source key (a film named by its key only, until its
        films file names it)."""
        entry = self._films.get(key)
        if entry is None:
            entry = self._films[key] = (FilmRecord(key, key=key), [])
        return entry[1]

    def add_film(self, key: str, film: FilmRecord) -> None:
        """Name a film (a films file); a key the file named already keeps its first row."""
        self._films.setdefault(key, (film, []))

    def entries(self) -> list[tuple[FilmRecord, list[Record]]]:
        return list(self._films.values())


_UNSEEN = object()
_VALUES = {sentiment: sentiment.value for sentiment in Sentiment}  # quicker than the enum's .value


class RecordMaker:
    """Dataset rows into review records by the rules of records.validate_draft (which a test holds
    it to), with what repeats in a dataset (names, dates, grades) worked out once: a million rows
    name a few thousand critics, and each name becomes one shared string (memory).

    A grade that does not convert (grades.dataset_score) is kept as written, unscored, and
    counted in unscored."""

    def __init__(self, file_name: str, unscored: Counter[str]) -> None:
        self.file_name = file_name
        self.unscored = unscored
        self._names: dict[str, str | None] = {}
        self._days: dict[str, str | None] = {}
        self._grades: dict[str, tuple[str, int | None]] = {}

    def name(self, raw: str) -> str | None:
        name = self._names.get(raw, _UNSEEN)
        if name is _UNSEEN:
            name = self._names[raw] = clean_optional(raw)
        return name  # type: ignore[return-value]

    def day(self, raw: str, line: int) -> str | None:
        day = self._days.get(raw, _UNSEEN)
        if day is _UNSEEN:
            day = clean_optional(raw)
            if day is not None:
                problem = date_error(day)
                if problem is not None:
                    raise DatasetError(f"{self.file_name}, line {line}: date: {problem}")
            self._days[raw] = day
        return day  # type: ignore[return-value]

    def grade(self, raw: str) -> tuple[str | None, int | None]:
        """(the grade as kept, its score or None)."""
        known = self._grades.get(raw)
        if known is None:
            grade = clean_optional(raw)
            if grade is None:
                return None, None
            known = self._grades[raw] = (grade, dataset_score(grade))
        if known[1] is None:
            self.unscored[known[0]] += 1
        return known

    def record(
        self, line: int, excerpt: str, critic: str | None, publication: str | None, day: str | None,
        grade: str | None, sentiment: Sentiment | None, top_critic: bool, source_id: str | None,
    ) -> Record | None:
        """The record of one review (raw text in, as the row holds it); None when the row states
        no review at all (no text, no grade, no call)."""
        record: Record = {}
        names = self._names  # looked up inline: this runs once a row, a million times
        if critic:
            name = names.get(critic, _UNSEEN)
            if name is _UNSEEN:
                name = self.name(critic)
            if name is not None:
                record["critic"] = name
        if publication:
            name = names.get(publication, _UNSEEN)
            if name is _UNSEEN:
                name = self.name(publication)
            if name is not None:
                record["publication"] = name
        if day:
            when = self.day(day, line)
            if when is not None:
                record["date"] = when
        kept = None
        if grade:
            kept, score = self.grade(grade)
            if kept is not None:
                if score is not None:
                    record["score"] = score
                record["grade"] = kept
        if sentiment is not None:
            record["sentiment"] = _VALUES[sentiment]
        if top_critic:
            record["top_critic"] = True
        if source_id:
            source = clean_optional(source_id)
            if source is not None:
                record["source_id"] = source
        text = clean_paragraphs(excerpt) if excerpt else ""
        if text:
            record["excerpt"] = text
        elif kept is None and sentiment is None:
            return None
        return record


__all__ = ["DatasetError", "Incoming", "FilmsByKey", "RecordMaker"]
