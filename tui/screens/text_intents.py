"""What the browser does with review text: copying a review (y) and finding words in every film
(F, or ctrl+f in the find bar), then going to the find chosen. Mixed into BrowserScreen; Textual
finds these handlers by name (on_<message>) along the class's MRO."""

from __future__ import annotations

from store.domain import Film, Review
from tui.messages import FindEverywhereRequested, ReviewCopyRequested
from tui.plain import one_line
from tui.widgets.focus import focus_now


def review_as_text(review: Review, film: Film) -> str:
    """A review as copied to the clipboard: who, where, when and the grade on a line, then the text."""
    parts = [film.label, review.critic or "uncredited", review.publication, review.date]
    if review.grade:
        parts.append(f"{review.grade} ({review.score})" if review.score is not None else review.grade)
    heading = " · ".join(part for part in parts if part)
    return f"{heading}\n{review.excerpt}" if review.excerpt else heading


class TextIntents:
    """Needs the browser's session, repository, lists, find bar and status line."""

    def on_review_copy_requested(self, event: ReviewCopyRequested) -> None:
        event.stop()
        review = self._review_or_say_why(event.review_id)
        if review is None or (repository := self.repository) is None:
            return
        self.app.copy_to_clipboard(review_as_text(review, repository.film(review.film_id)))
        who = one_line(review.critic) if review.critic else "an uncredited critic"
        self._update_status(f"Copied the review by {who} (the terminal must allow OSC 52 clipboard writes).")

    async def on_find_everywhere_requested(self, event: FindEverywhereRequested) -> None:
        event.stop()
        repository = self.repository
        if repository is None:
            return

        def chosen(review_id: int | None) -> None:
            if review_id is not None:
                self._go_to_found(review_id, screen.field.value)

        from tui.screens.find import FindScreen  # when first asked for: not needed for the first frame

        screen = FindScreen(repository, event.query)
        await self.app.push_screen(screen, chosen)  # mounted before the keys typed after F go on

    def _go_to_found(self, review_id: int, query: str) -> None:
        """A find chosen: its film selected, the film's reviews holding the words listed, and the
        review under the cursor (filters that would hide it go)."""
        review = self._review_or_say_why(review_id)
        if review is None:
            return
        if self.session.go_to_found(review, query):
            self._show_filters_dropped()
        self.find_bar.set_value(query)
        self.reload_films()
        self.films.move_to_key(review.film_id, announce=False)
        self.reload_reviews(keep=review.id)
        focus_now(self.reviews)
