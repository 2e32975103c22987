"""The browser's state and rules without its widgets: the filters and sorts, the selected film, and
what saving, deleting and undoing a review do. Plain Python that never imports Textual, so these
rules are tested without a terminal and the browser's screen only draws what they answer."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar


from store.domain import Film, FilmSummary, Publication, Review, ReviewDraft
from store.errors import StoreError
from store.views import FilmList, FilmSort, ReviewSort
from tui.words import counted
from tui.undo import Added, Change, Deleted, Edited, FilmAdded, FilmDeleted, FilmEdited, UndoHistory

if TYPE_CHECKING:
    # Only for annotations: the repository module is heavy, and the first frame must not wait for it.
    from store.repository import Repository

# The order `s` cycles through, and the name each sort has on its pane.
FILM_SORTS = {
    FilmSort.TITLE: "title",
    FilmSort.METASCORE: "Metascore",
    FilmSort.YEAR: "year",
    FilmSort.REVIEWS: "reviews",
}
REVIEW_SORTS = {
    ReviewSort.PAGE: "page order",
    ReviewSort.SCORE: "score",
    ReviewSort.CRITIC: "critic",
    ReviewSort.PUBLICATION: "publication",
    ReviewSort.DATE: "date",
}
# Which sorts put the largest first by default (the others: A to Z, oldest or first on the page first).
DESCENDING = {FilmSort.METASCORE, FilmSort.YEAR, FilmSort.REVIEWS, ReviewSort.SCORE, ReviewSort.DATE}
NO_CRITIC = "Uncredited: this review has no critic."
HIDDEN_BY_CRITIC_FILTER = " (hidden by the critic filter)"
HIDDEN_BY_FILTERS = " (hidden by the filters)"

SortT = TypeVar("SortT", FilmSort, ReviewSort)


def next_in(order: dict[SortT, str], current: SortT) -> SortT:
    sorts = list(order)
    return sorts[(sorts.index(current) + 1) % len(sorts)]


def sort_label(order: dict[SortT, str], sort: SortT, descending: bool) -> str:
    """How a pane names its order: "by title ↑", "by score ↓"."""
    return f"by {order[sort]} {'↓' if descending else '↑'}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the screen shows after a change, besides the film the session now has selected: the
    status message and the review to put under the cursor (None when the change took one away)."""

    message: str
    review: Review | None = None
    filters_dropped: bool = False  # the filters hid the film the change is about, so they went


class BrowserSession:
    """What the browser is looking at and the rules of changing it; the repository arrives once it
    is open (a large store opens in a worker while the screen is already drawn)."""

    def __init__(
        self,
        repository: Repository | None = None,
        *,
        undo_limit: int = 100,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.repository = repository
        self.today = today  # a review dated more than a day after it is refused
        self.film_sort = FilmSort.TITLE
        self.review_sort = ReviewSort.PAGE
        self.films_reversed = False  # S: the sort's own order, the other way round
        self.reviews_reversed = False
        self.critic_query = ""
        self.critic_exact = False  # the critic filter is one critic's whole name (C on a review)
        self.title_query = ""
        self.publication_query = ""
        self.text_query = ""  # find in the selected film's review text (f)
        self.top_only = False  # t: the lists, the gauge and the profile count top critics alone
        self.selected_film: int | None = None
        self.history = UndoHistory(undo_limit)
        self._listed: FilmList | None = None
        self._compaction: subprocess.Popen | None = None

    def attach(self, repository: Repository) -> None:
        self.repository = repository

    @property
    def _store(self) -> Repository:
        if self.repository is None:
            raise RuntimeError("the browser has no repository yet")
        return self.repository

    # -- what the person may do next --------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self.history)

    @property
    def can_add_review(self) -> bool:
        """A film is selected among the films listed."""
        return self.selected_film is not None and bool(self._listed)

    # -- filters and sorts ------------------------------------------------------------------

    @property
    def filtered(self) -> bool:
        """Some filter is set (escape has something to clear)."""
        return bool(self.critic_query or self.title_query or self.publication_query or self.text_query)

    @property
    def critic_filtered(self) -> bool:
        """The critic filter narrows the lists (blank text does not): the summary shows a profile."""
        return bool(self.critic_query.strip())

    def set_critic_query(self, query: str, *, exact: bool = False) -> None:
        """Filter by critics whose names contain query (exact: by the critic named exactly query)."""
        self.critic_query = query
        self.critic_exact = exact and bool(query)

    def filter_by_critic_of(self, review: Review) -> str | None:
        """C on a review: filter by exactly its critic. The status message when it cannot (an
        uncredited review); None when the filter is set."""
        if not review.critic:
            return NO_CRITIC
        self.set_critic_query(review.critic, exact=True)
        return None

    def set_title_query(self, query: str) -> None:
        self.title_query = query

    def set_publication_query(self, query: str) -> None:
        """Filter films and reviews by publications whose names contain query."""
        self.publication_query = query

    def toggle_top_only(self) -> bool:
        """Top critics only, or everyone again; whether it is on now."""
        self.top_only = not self.top_only
        return self.top_only

    def set_text_query(self, query: str) -> None:
        """List only the selected film's reviews whose text holds query's words (store/finding.py)."""
        self.text_query = query

    def cycle_film_sort(self) -> FilmSort:
        """The next film sort, in its own direction."""
        self.film_sort = next_in(FILM_SORTS, self.film_sort)
        self.films_reversed = False
        return self.film_sort

    def cycle_review_sort(self) -> ReviewSort:
        """The next review sort, in its own direction."""
        self.review_sort = next_in(REVIEW_SORTS, self.review_sort)
        self.reviews_reversed = False
        return self.review_sort

    def reverse_film_sort(self) -> None:
        self.films_reversed = not self.films_reversed

    def reverse_review_sort(self) -> None:
        self.reviews_reversed = not self.reviews_reversed

    @property
    def films_descending(self) -> bool:
        """Whether the films are listed largest (or last) first, as the header's arrow shows."""
        return (self.film_sort in DESCENDING) != self.films_reversed

    @property
    def reviews_descending(self) -> bool:
        return (self.review_sort in DESCENDING) != self.reviews_reversed

    @property
    def film_sort_label(self) -> str:
        return sort_label(FILM_SORTS, self.film_sort, self.films_descending)

    @property
    def review_sort_label(self) -> str:
        return sort_label(REVIEW_SORTS, self.review_sort, self.reviews_descending)

    # -- what is listed ---------------------------------------------------------------------

    def films(self) -> FilmList:
        """The films to list, in the film sort and narrowed by both filters; remembered, so that
        choosing a film can tell whether it is listed without filtering every film again."""
        self._listed = self._listing()
        return self._listed

    def _listing(self) -> FilmList:
        listing = self._store.films(
            self.film_sort,
            critic=self.critic_query or None,
            title=self.title_query or None,
            critic_exact=self.critic_exact,
            publication=self.publication_query or None,
            top_only=self.top_only,
        )
        return listing.reversed() if self.films_reversed else listing

    def reviews(self) -> list[Review]:
        """The selected film's reviews in the review sort, narrowed by the critic filter."""
        if self.selected_film is None:
            return []
        reviews = self._store.reviews(
            self.selected_film,
            self.review_sort,
            critic=self.critic_query or None,
            critic_exact=self.critic_exact,
            publication=self.publication_query or None,
            text=self.text_query or None,
            top_only=self.top_only,
        )
        if self.reviews_reversed:
            reviews.reverse()
        return reviews

    def choose_film(self, film_id: int) -> bool:
        """A film chosen where the lists do not show it (the command palette) drops the filters that
        hide it; True if they were dropped and the films must be listed again."""
        if self._listed is not None and self._listed.index_of(film_id) is not None:
            return False
        self._drop_list_filters()
        return True

    def go_to_found(self, review: Review, query: str) -> bool:
        """A review found across every film is chosen: its film is selected and its reviews are
        narrowed to the words found (query). True if the filters that hid it were dropped."""
        self.text_query = query
        self.selected_film = review.film_id
        if self._lists(review):
            return False
        self._drop_list_filters()
        return True

    def _drop_list_filters(self) -> None:
        """The filters that can hide a film (critic, publication, title) go; finding words in the
        selected film's reviews and top critics only stay, as the person set them."""
        self.critic_query = self.title_query = self.publication_query = ""
        self.critic_exact = False

    def select_film(self, film_id: int) -> FilmSummary:
        """Make this film the one whose reviews are listed; StoreError if it is gone."""
        summary = self._store.summary(film_id, top_only=self.top_only)
        self.selected_film = film_id
        return summary

    # -- changes ----------------------------------------------------------------------------

    def save(self, film_id: int, review_id: int | None, draft: ReviewDraft) -> Outcome:
        """Add a review to the film (review_id None) or edit one; either can be undone.
        Raises ValidationError (per field) or StoreError, having changed nothing."""
        store = self._store
        if review_id is None:
            saved = store.add_review(film_id, draft, today=self.today())
            self.history.push(Added(saved))
            self._compact_if_due()
            return self._showing(saved, "Review added.")
        before = store.review(review_id)
        saved = store.edit_review(review_id, draft, today=self.today())
        self.history.push(Edited(before, saved))
        self._compact_if_due()
        return self._showing(saved, "Review saved.")

    def delete(self, review_id: int) -> Outcome:
        """Delete a review (undo brings it back in place); StoreError if that cannot be done."""
        deleted = self._store.delete_review(review_id)
        self.history.push(Deleted(deleted))
        self._compact_if_due()
        return Outcome("Review deleted · u undoes")

    def add_film(self, title: str, year: str | None, director: str | None) -> Outcome:
        """Add a film and select it (dropping the filters that would hide it); undo takes it away.
        Raises ValidationError (per field: a title is required, a year is a year, a film with the
        same title and year exists) or StoreError, having changed nothing."""
        film = self._store.add_film(title, year or None, director or None)
        self.history.push(FilmAdded(film))
        self._compact_if_due()
        return self._selecting(film, "Film added: a adds its first review.")

    def edit_film(self, film_id: int, title: str, year: str | None, director: str | None) -> Outcome:
        """Rename a film (or change its year or director); undo puts back what it was."""
        before = self._store.film(film_id)
        after = self._store.edit_film(film_id, title=title, year=year or None, director=director or None)
        if after != before:
            self.history.push(FilmEdited(before, after))
            self._compact_if_due()
            return self._selecting(after, "Film saved.")
        return self._selecting(after, "Nothing changed.")

    def delete_film(self, film_id: int) -> Outcome:
        """Delete a film with all its reviews (undo brings back both, ids and all)."""
        film, reviews = self._store.delete_film(film_id)
        self.history.push(FilmDeleted(film, tuple(reviews)))
        self._compact_if_due()
        if self.selected_film == film_id:
            self.selected_film = None
        gone = f" and its {counted(len(reviews), 'review')}" if reviews else ""
        return Outcome(f"Deleted {film.label}{gone} · u undoes")

    def _selecting(self, film: Film, message: str) -> Outcome:
        """The film becomes the selected one; filters that would hide it go (a film just added or
        brought back is what the person wants to see)."""
        self.selected_film = film.id
        if (self.critic_query or self.title_query or self.publication_query) and self._listing().index_of(film.id) is None:
            self._drop_list_filters()
            return Outcome(message, filters_dropped=True)
        return Outcome(message)

    def undo(self) -> Outcome | None:
        """Take back the newest change; None when there is nothing to undo. Raises StoreError if the
        store refuses: the change stays undoable unless the store shows it never can be again."""
        change = self.history.pop()
        if change is None:
            return None
        try:
            outcome = self._revert(change)
            self._compact_if_due()
            return outcome
        except StoreError:
            if self._still_undoable(change):
                self.history.push(change)  # a StoreError changed nothing: `u` may try again
            raise

    def _revert(self, change: Change) -> Outcome:
        store = self._store
        if isinstance(change, FilmAdded):
            reviews = len(store.reviews(change.film.id))
            if reviews:
                # Undo never takes away more than the change it undoes.
                raise StoreError(f"{change.film.label} has {counted(reviews, 'review')} now (d deletes it with them)")
            store.delete_film(change.film.id)
            if self.selected_film == change.film.id:
                self.selected_film = None
            return Outcome(f"Undone: {change.film.label} is gone.")
        if isinstance(change, FilmEdited):
            before = change.before
            restored = store.edit_film(before.id, title=before.title, year=before.year, director=before.director)
            return self._selecting(restored, f"Undone: the film is {restored.label} again.")
        if isinstance(change, FilmDeleted):
            restored = store.restore_film(change.film, change.reviews)
            return self._selecting(restored, f"Undone: {restored.label} is back.")
        if isinstance(change, Added):
            store.delete_review(change.review.id)
            self.selected_film = change.review.film_id
            return Outcome("Undone: the added review is gone.")
        if isinstance(change, Edited):
            restored = store.edit_review(change.before.id, change.before.as_draft())
            return self._showing(restored, "Undone: the review is as it was.")
        restored = store.restore_review(change.review)
        return self._showing(restored, "Undone: the review is back.")

    def _still_undoable(self, change: Change) -> bool:
        """Whether the store still holds what the change left (another process may have deleted
        the review, or its film): if not, trying again can never work and would block older changes."""
        if isinstance(change, FilmDeleted):
            return not self._has_film(change.film.id)
        if isinstance(change, (FilmAdded, FilmEdited)):
            return self._has_film(change.film.id if isinstance(change, FilmAdded) else change.before.id)
        if isinstance(change, Deleted):
            return not self._has_review(change.review.id) and self._has_film(change.review.film_id)
        return self._has_review(change.before.id if isinstance(change, Edited) else change.review.id)

    def _has_review(self, review_id: int) -> bool:
        try:
            self._store.review(review_id)
        except StoreError:
            return False
        return True

    def _has_film(self, film_id: int) -> bool:
        try:
            self._store.film(film_id)
        except StoreError:
            return False
        return True

    def _showing(self, review: Review, message: str) -> Outcome:
        """The review's film becomes the selected one; say so when the critic filter hides the review."""
        self.selected_film = review.film_id
        if (self.critic_query or self.publication_query or self.text_query) and not self._lists(review):
            message += HIDDEN_BY_CRITIC_FILTER if not (self.publication_query or self.text_query) else HIDDEN_BY_FILTERS
        return Outcome(message, review)

    def _lists(self, review: Review) -> bool:
        """Whether the lists show this review: its film among the films, it among the film's reviews."""
        if self._listing().index_of(review.film_id) is None:
            return False
        reviews = self._store.reviews(
            review.film_id,
            critic=self.critic_query or None,
            critic_exact=self.critic_exact,
            publication=self.publication_query or None,
            text=self.text_query or None,
            top_only=self.top_only,
        )
        return any(listed.id == review.id for listed in reviews)

    def set_publication_weight(self, publication: str, weight: float) -> Publication:
        """How much the publication counts in every Metascore; StoreError if refused."""
        publication = self._store.set_publication_weight(publication, weight)
        self._compact_if_due()
        return publication

    def _compact_if_due(self) -> None:
        """Once the journal outgrows its snapshot, compact in a process of its own: compaction is
        CPU-bound Python that would stall keys here. The next catch-up takes its snapshot without
        reading it; one that fails changed nothing and is started again by a later write."""
        running = self._compaction is not None and self._compaction.poll() is None
        if not running and self._store.compaction_due:
            from store import compactor  # here, not at start-up: it brings in the whole storage

            self._compaction = compactor.start(self._store.path, self._store.journal_bytes)

    def refresh(self) -> bool:
        """Pick up other processes' writes; True if anything changed."""
        return self._store.refresh()
