"""What `u` can take back: the browser's own adds, edits and deletes of reviews and films, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from store.domain import Film, Review


@dataclass(frozen=True, slots=True)
class Added:
    review: Review


@dataclass(frozen=True, slots=True)
class Edited:
    before: Review
    after: Review


@dataclass(frozen=True, slots=True)
class Deleted:
    review: Review


@dataclass(frozen=True, slots=True)
class FilmAdded:
    film: Film


@dataclass(frozen=True, slots=True)
class FilmEdited:
    before: Film
    after: Film


@dataclass(frozen=True, slots=True)
class FilmDeleted:
    """A film deleted with its reviews: undo brings back both, with their ids."""

    film: Film
    reviews: tuple[Review, ...]


Change = Added | Edited | Deleted | FilmAdded | FilmEdited | FilmDeleted


class UndoHistory:
    """A bounded stack of changes; undoing one removes it (there is no redo)."""

    def __init__(self, limit: int = 100) -> None:
        self._changes: list[Change] = []
        self._limit = limit

    def __bool__(self) -> bool:
        return bool(self._changes)

    def __len__(self) -> int:
        return len(self._changes)

    def push(self, change: Change) -> None:
        self._changes.append(change)
        del self._changes[: -self._limit]

    def pop(self) -> Change | None:
        return self._changes.pop() if self._changes else None

    def peek(self) -> Change | None:
        return self._changes[-1] if self._changes else None
