"""The reviews pane's list: score, critic, publication, date, grade as written and excerpt, one line each."""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.message import Message

from store.domain import Review, ReviewClass, Sentiment
from store.scoring import review_class
from tui.messages import ReviewCopyRequested, ReviewCriticRequested, ReviewDeleteRequested, ReviewFormOpened, SortCycled, SortReversed
from tui.plain import one_line
from tui.widgets.row_list import Cell, RowList
from tui.widgets.tones import BADGE_CSS, TONE_CLASSES

UNCREDITED = "uncredited"
NO_TEXT = "(no text)"
# A review's own call beside its score, readable without colour (the tone colours it too).
CALL_MARKS = {Sentiment.POSITIVE: "+", Sentiment.MIXED: "~", Sentiment.NEGATIVE: "−"}
CALL_TONES = {Sentiment.POSITIVE: ReviewClass.POSITIVE, Sentiment.MIXED: ReviewClass.MIXED,
              Sentiment.NEGATIVE: ReviewClass.NEGATIVE}


class ReviewList(RowList[Review]):
    """One film's reviews (or one critic's, under a filter)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = (
        RowList.COMPONENT_CLASSES | set(TONE_CLASSES.values()) | {"review-list--uncredited"}
    )

    DEFAULT_CSS = (
        "ReviewList {"
        + BADGE_CSS
        + "& > .review-list--uncredited { color: $text-muted; text-style: italic; } }"
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("s", "sort", "Sort", show=False),
        Binding("S", "reverse", "Reverse", show=False),
        Binding("C", "critic", "By critic", show=False),
        Binding("y", "copy", "Copy", show=False),
        Binding("enter", "expand", "Excerpt", show=False),
    ]

    empty_text = "No reviews."

    class Highlighted(Message):
        """The cursor is on another review (the excerpt below follows it)."""

        def __init__(self, review: Review | None) -> None:
            super().__init__()
            self.review = review

    class ExpandToggled(Message):
        """Enter on a review: show more (or less) of its excerpt."""

    def key_of(self, row: Review) -> Hashable:
        return row.id

    def set_rows(self, rows, *, keep=None, announce: bool = True, reset: bool = False) -> None:  # type: ignore[override]
        # The grade is shown as written: its column grows to the longest one listed (within reason).
        longest = max((cell_len(one_line(row.grade)) for row in rows if row.grade), default=5)
        self._grade_width = max(5, min(14, longest))
        super().set_rows(rows, keep=keep, announce=announce, reset=reset)

    def _widths(self, width: int) -> tuple[int, int, int, int, int, int]:
        score, date = 4, 10  # the score and the call's mark: " 75+"
        grade = min(getattr(self, "_grade_width", 7), max(5, width // 8))
        critic = max(12, min(24, width * 23 // 100))
        publication = max(9, min(22, width * 17 // 100))
        excerpt = width - score - critic - publication - date - grade - 5
        if excerpt < 12:  # narrow: the date goes first, the excerpt below the list still shows all
            excerpt += date + 1
            date = 0
        return score, critic, publication, date, grade, max(0, excerpt)

    def header_cells(self, width: int) -> list[Cell]:
        score, critic, publication, date, grade, excerpt = self._widths(width)
        return [
            self.header("", score, "right"),
            self.header("Critic", critic),
            self.header("Publication", publication),
            self.header("Date", date),
            self.header("Grade", grade),
            Cell("Excerpt", excerpt),
        ]

    def row_cells(self, row: Review, width: int) -> list[Cell]:
        score, critic, publication, date, grade, excerpt = self._widths(width)
        tone = TONE_CLASSES[review_class(row.score)]
        if row.critic:
            critic_cell = Cell(one_line(row.critic), critic)
        else:
            critic_cell = Cell(UNCREDITED, critic, style="review-list--uncredited")
        mark = CALL_MARKS.get(row.sentiment, " ") if row.sentiment else " "
        if row.score is None and row.sentiment is not None:
            tone = TONE_CLASSES[CALL_TONES[row.sentiment]]  # no score: the call gives the colour
        shown = ("–" if row.score is None else str(row.score)) + mark
        if row.excerpt:
            excerpt_cell = Cell(one_line(row.excerpt), excerpt)
        else:
            excerpt_cell = Cell(NO_TEXT, excerpt, style="review-list--uncredited")
        return [
            Cell(shown, score, "right", style=tone),
            critic_cell,
            Cell(one_line(row.publication), publication),
            Cell(row.date or "", date),
            Cell(one_line(row.grade), grade),
            excerpt_cell,
        ]

    def cursor_moved(self, row: Review | None) -> None:
        self.post_message(self.Highlighted(row))

    def action_edit(self) -> None:
        if (row := self.current) is not None:
            self.post_message(ReviewFormOpened(row.id))

    def action_delete(self) -> None:
        if (row := self.current) is not None:
            self.post_message(ReviewDeleteRequested(row.id))

    def action_sort(self) -> None:
        self.post_message(SortCycled("reviews"))

    def action_reverse(self) -> None:
        self.post_message(SortReversed("reviews"))

    def action_critic(self) -> None:
        if (row := self.current) is not None:
            self.post_message(ReviewCriticRequested(row.id))

    def action_copy(self) -> None:
        if (row := self.current) is not None:
            self.post_message(ReviewCopyRequested(row.id))

    def action_expand(self) -> None:
        self.post_message(self.ExpandToggled())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "critic", "copy") and self.current is None:
            return None  # shown greyed: nothing to act on
        return True
