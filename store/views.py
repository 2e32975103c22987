"""How the repository's answers are ordered and handed out: cheap to import (the browser's
first frame needs these names long before the store itself is loaded)."""

from __future__ import annotations

from enum import Enum
from typing import Callable, Sequence

from store.domain import FilmSummary, Review
from store.text import fold


class FilmSort(Enum):
    TITLE = "title"
    METASCORE = "metascore"
    YEAR = "year"
    REVIEWS = "reviews"


class ReviewSort(Enum):
    PAGE = "page"
    SCORE = "score"
    CRITIC = "critic"
    PUBLICATION = "publication"
    DATE = "date"


class FilmList(Sequence[FilmSummary]):
    """Films in a chosen order whose summaries are computed only when read: a list pane
    shows a screenful of 10,000 films, so scoring them all up front would be wasted."""

    __slots__ = ("ids", "_summary")

    def __init__(self, ids: list[int], summary: Callable[[int], FilmSummary]) -> None:
        self.ids = ids
        self._summary = summary

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._summary(i) for i in self.ids[index]]
        return self._summary(self.ids[index])

    def reversed(self) -> FilmList:
        """The same films the other way round (a new list of ids: the index's orders are shared)."""
        return FilmList(self.ids[::-1], self._summary)

    def index_of(self, film_id: int) -> int | None:
        """Where a film stands in this list, or None."""
        try:
            return self.ids.index(film_id)
        except ValueError:
            return None


def sort_reviews(reviews: list[Review], sort: ReviewSort) -> list[Review]:
    """Reviews in the given order (in place; page order is the order given). Unscored,
    uncredited and undated reviews come last; ties keep page order."""
    if sort is ReviewSort.SCORE:
        reviews.sort(key=lambda r: (r.score is None, -(r.score or 0)))
    elif sort is ReviewSort.CRITIC:
        reviews.sort(key=lambda r: (r.critic is None, fold(r.critic or "")))
    elif sort is ReviewSort.PUBLICATION:
        reviews.sort(key=lambda r: (r.publication is None, fold(r.publication or "")))
    elif sort is ReviewSort.DATE:
        reviews.sort(key=lambda r: r.date or "", reverse=True)
    return reviews
