"""What one import file brings, validated and ready for Repository.import_prepared."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Hashable

from store.domain import FilmRecord, Publication, ReviewDraft
from store.errors import StoreError, ValidationError
from store.grades import dataset_score
from store.records import Record, validate_draft


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

    @property
    def reviews(self) -> int:
        return sum(len(records) for _film, records in self.films)


class FilmsByKey:
    """Films in the order a file first names them, each with its reviews' records."""

    def __init__(self) -> None:
        self._films: dict[str, tuple[FilmRecord, list[Record]]] = {}

    def reviews_of(self, key: str, film: Callable[[], FilmRecord]) -> list[Record]:
        entry = self._films.get(key)
        if entry is None:
            entry = self._films[key] = (film(), [])
        return entry[1]

    def add_film(self, key: str, film: FilmRecord) -> bool:
        """Name a film (a films file); False if the file named it already (the first one stays)."""
        if key in self._films:
            return False
        self._films[key] = (film, [])
        return True

    def entries(self) -> list[tuple[FilmRecord, list[Record]]]:
        return list(self._films.values())


def dataset_record(draft: ReviewDraft, where: str, unscored: Counter[str]) -> Record:
    """A dataset review's record: validated as any draft, except that a grade which does not
    convert (docs/scoring.md) is kept as written, unscored, and counted."""
    if draft.grade is not None and dataset_score(draft.grade) is None:
        grade = draft.grade.strip()
        if grade:
            draft = ReviewDraft(
                draft.excerpt, draft.critic, draft.publication, draft.date, draft.grade,
                draft.sentiment, draft.top_critic, draft.source_id, grade_unscored=True,
            )
            unscored[grade] += 1
    record, errors = validate_draft(draft)
    if errors:
        field_name, reason = next(iter(errors.items()))
        raise DatasetError(f"{where}: {field_name}: {reason}")
    return record


def says_nothing(draft: ReviewDraft) -> bool:
    """A row with no text, no grade and no call states no review."""
    return not (draft.excerpt.strip() or (draft.grade or "").strip() or draft.sentiment)


__all__ = ["DatasetError", "Incoming", "FilmsByKey", "dataset_record", "says_nothing", "ValidationError"]
