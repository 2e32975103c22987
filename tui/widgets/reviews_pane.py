"""The reviews pane: the list, the highlighted review's full excerpt, and the inline form when open."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from store.domain import Review
from tui.plain import block, one_line
from tui.widgets.review_form import ReviewForm
from tui.widgets.review_list import NO_TEXT, UNCREDITED, ReviewList


def review_heading(review: Review) -> Content:
    """Who wrote it, where and when, and the grade as written beside its score: all literal."""
    parts: list[Content] = []
    if review.critic:
        parts.append(Content.styled(one_line(review.critic), "bold"))
    else:
        parts.append(Content.styled(UNCREDITED, "italic"))
    if review.publication:
        parts.append(Content(one_line(review.publication)))
    if review.date:
        parts.append(Content(review.date))
    if review.grade:
        grade = Content("grade ") + Content(one_line(review.grade))
        if review.score is not None:
            grade += Content(f" = {review.score}")
        parts.append(grade)
    elif review.score is not None:
        parts.append(Content(f"score {review.score}"))
    else:
        parts.append(Content("unscored"))
    if review.sentiment is not None:
        parts.append(Content(f"call {review.sentiment.value}"))
    if review.top_critic:
        parts.append(Content("top critic"))
    return Content(" · ").join(parts)


class ReviewDetail(Static):
    """The highlighted review in full, so a long excerpt is readable without leaving the pane."""

    DEFAULT_CSS = """
    ReviewDetail {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $boost;
        overflow-y: auto;
        &.-expanded { max-height: 70%; }
        &.-empty { display: none; }
    }
    """

    def show(self, review: Review | None) -> None:
        # A class, not .display: the pane's stylesheet hides the detail while the form is open.
        self.set_class(review is None, "-empty")
        if review is None:
            self.update("")
            return
        text = block(review.excerpt) if review.excerpt else Content.styled(NO_TEXT, "italic")
        self.update(review_heading(review) + Content("\n") + text)


# Rows the list keeps while the form is open (its header and the highlighted review).
LIST_ROWS_EDITING = 2


class ReviewsPane(Vertical):
    """Holds the list, the detail and the form; the screen decides what fills them. On a terminal
    too short for the form beside the other panes, the screen gives the pane the whole screen."""

    ALLOW_MAXIMIZE = True

    DEFAULT_CSS = """
    ReviewsPane {
        & > ReviewList { height: 1fr; min-height: 3; }
        &.-editing > ReviewList { min-height: 2; }
        & > ReviewForm { display: none; }
        &.-editing > ReviewForm { display: block; }
        &.-editing > ReviewDetail { display: none; }
    }
    """

    def compose(self) -> ComposeResult:
        yield ReviewList(id="reviews")
        yield ReviewDetail(id="review-detail")
        yield ReviewForm(id="review-form")

    @property
    def list(self) -> ReviewList:
        return self.query_one(ReviewList)

    @property
    def detail(self) -> ReviewDetail:
        return self.query_one(ReviewDetail)

    @property
    def form(self) -> ReviewForm:
        return self.query_one(ReviewForm)

    @property
    def editing(self) -> bool:
        return self.has_class("-editing")

    def on_resize(self, event: events.Resize) -> None:
        # The form grows with its text and notes, but never over the list's rows: a form taller
        # than what is left would run past the pane's edge, where its last fields cannot be seen.
        self.form.styles.max_height = max(1, self.content_size.height - LIST_ROWS_EDITING)

    def open_form(self) -> ReviewForm:
        self.add_class("-editing")
        return self.form

    def close_form(self) -> None:
        self.remove_class("-editing")
        self.form.clear_errors()

    def toggle_expanded(self) -> None:
        self.detail.toggle_class("-expanded")
