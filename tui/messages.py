"""One message per user intent: keys, mouse and the command palette post these, one handler acts."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from store.domain import ReviewDraft


@dataclass
class FilmChosen(Message):
    """Show this film's reviews and summary (focus_reviews: also move to the reviews pane).

    move: which move of the films cursor posted it (None: chosen elsewhere). Keys typed quickly move
    the cursor again before this is handled; only the latest move's choice is acted on."""

    film_id: int
    focus_reviews: bool = False
    move: int | None = None


@dataclass
class CriticFilterChanged(Message):
    """Show only what critics matching this text reviewed; empty text clears the filter."""

    query: str


@dataclass
class ExactCriticChosen(CriticFilterChanged):
    """Filter by the critic named exactly query, and no other (C on a review)."""


@dataclass
class TitleFilterChanged(Message):
    """Show only films whose title matches this text; empty text clears the search."""

    query: str


@dataclass
class SortCycled(Message):
    """Move the named pane ("films" or "reviews") to its next sort order."""

    pane: str


@dataclass
class SortReversed(Message):
    """List the named pane ("films" or "reviews") the other way round, in the same sort."""

    pane: str


@dataclass
class ReviewFormOpened(Message):
    """Open the inline review form: a new review, or the review with this id for editing."""

    review_id: int | None = None


@dataclass
class ReviewSubmitted(Message):
    """Save what the inline form holds: a new review for film_id, or an edit of review_id."""

    film_id: int
    draft: ReviewDraft
    review_id: int | None = None


@dataclass
class ReviewFormClosed(Message):
    """The inline form was cancelled (changed: with changes typed, which are lost only once the
    person says so)."""

    changed: bool = False


@dataclass
class ReviewCriticRequested(Message):
    """Filter by exactly this review's critic (C on a review)."""

    review_id: int


@dataclass
class ReviewDeleteRequested(Message):
    """Delete this review (after the person confirms)."""

    review_id: int


@dataclass
class UndoRequested(Message):
    """Undo the last add, edit or delete."""


@dataclass
class PublicationWeightChanged(Message):
    """Give this publication a new weight in the Metascore."""

    publication: str
    weight: float


@dataclass
class RefreshRequested(Message):
    """Pick up what other processes wrote to the database."""


@dataclass
class FilmFormOpened(Message):
    """Open the film form: a new film (film_id None), or this film's title, year and director."""

    film_id: int | None = None


@dataclass
class FilmDeleteRequested(Message):
    """Delete this film and its reviews (after the person confirms)."""

    film_id: int


@dataclass
class ReviewCopyRequested(Message):
    """Copy this review (critic, publication, date, grade and excerpt) to the clipboard."""

    review_id: int


@dataclass
class FindEverywhereRequested(Message):
    """Open the search of every film's review text, starting from this query."""

    query: str = ""


@dataclass
class TasteMatchRequested(Message):
    """Open the critics who agree with this critic, and the films they loved that the critic has
    not reviewed."""

    critic: str
