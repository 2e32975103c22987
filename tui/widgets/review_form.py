"""The inline review form inside the reviews pane: add or edit one review without leaving the film."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from store.domain import Review, ReviewDraft, Sentiment
from store.grades import GradeError, parse_grade
from store.scoring import review_class
from tui.messages import ReviewFormClosed, ReviewSubmitted
from tui.plain import content, one_line, paragraph
from tui.widgets.focus import FieldInput, OwnKeys, after_keys_land, focus_now

# Field name (as the store names it in ValidationError.errors) and its label, in tab order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("critic", "Critic"),
    ("publication", "Publication"),
    ("date", "Date"),
    ("grade", "Grade"),
    ("excerpt", "Excerpt"),
    ("sentiment", "Call"),  # last: optional, and most reviews typed by hand have none
)
CALLS = ["positive", "mixed", "negative"]

GRADE_HINT = "optional · 3/4, 7.5/10, B+, ***½, 80"
CALL_HINT = "optional · positive, mixed, negative (fresh, rotten)"


class ExcerptArea(OwnKeys, TextArea):
    """The excerpt, several lines long: enter starts a line (a blank one between paragraphs is
    kept); tab goes to the next field, as everywhere in the form, never into the text."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id, compact=True, soft_wrap=True, tab_behavior="focus", highlight_cursor_line=False
        )

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.text = text
        self.move_cursor(self.document.end)


class ReviewForm(VerticalScroll, can_focus=False):
    """Critic, publication, date, grade (with a live score preview) and excerpt; ctrl+s saves."""

    # Priority, and each acts once the keys typed before it have landed (tui/widgets/focus.py):
    # they move focus or close the form, so the keys typed after them must go where they lead.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
        Binding("tab", "next_field", "Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
        # Not in the excerpt, where enter starts a new line.
        Binding("enter", "enter_field", "Next field", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    ReviewForm {
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border-top: solid $primary;
        border-title-color: $text-primary;
        border-title-style: bold;
        scrollbar-size-vertical: 1;
        & > .field { height: auto; }
        & .field > Label { width: 15; color: $text-muted; }
        & .field > Label.-current { color: $text-accent; text-style: bold; }
        & .field > Input { width: 26; }
        & .field > .note { width: 1fr; height: auto; padding-left: 1; color: $text-muted; }
        & .field > .note.-error { color: $text-error; }
        & .field > Input.-error { background: $error 25%; }
        & .field > ExcerptArea { width: 1fr; height: auto; max-height: 5; padding: 0; }
        & .field > ExcerptArea.-error { background: $error 25%; }
        & #field-excerpt > .note { width: auto; max-width: 40%; }
        & .tone-positive { color: $text-success; }
        & .tone-mixed { color: $text-warning; }
        & .tone-negative { color: $text-error; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.film_id: int | None = None
        self.review_id: int | None = None
        self._opened_with: ReviewDraft | None = None  # what the fields held when it opened
        self._source = ReviewDraft("")  # the review being edited (or a new one): what no field shows

    def compose(self) -> ComposeResult:
        for name, label in FIELDS:
            with Horizontal(classes="field", id=f"field-{name}"):
                yield Label(f"  {label}", id=f"label-{name}")
                if name == "excerpt":
                    yield ExcerptArea(id=f"input-{name}")
                else:
                    yield FieldInput(id=f"input-{name}", compact=True, select_on_focus=False)
                yield Static("", classes="note", id=f"note-{name}")

    # -- opening ----------------------------------------------------------------------------

    def open_add(self, film_id: int, film_label: str, today: date, critics: list[str], publications: list[str]) -> None:
        self.film_id, self.review_id = film_id, None
        self._prepare(f"Add a review of {one_line(film_label)}", critics, publications)
        self._fill(ReviewDraft(excerpt="", date=today.isoformat()))

    def open_edit(self, review: Review, film_label: str, critics: list[str], publications: list[str]) -> None:
        self.film_id, self.review_id = review.film_id, review.id
        who = one_line(review.critic) if review.critic else "an uncredited critic"
        self._prepare(f"Edit the review by {who} of {one_line(film_label)}", critics, publications)
        self._fill(review.as_draft())

    def _prepare(self, title: str, critics: list[str], publications: list[str]) -> None:
        self.border_title = Content(title)
        self.input("critic").suggester = SuggestFromList(critics, case_sensitive=False)
        self.input("publication").suggester = SuggestFromList(publications, case_sensitive=False)
        self.input("sentiment").suggester = SuggestFromList(CALLS, case_sensitive=False)
        self.clear_errors()

    def _fill(self, draft: ReviewDraft) -> None:
        self._source = draft
        for name, _ in FIELDS:
            widget = self.input(name)
            value = getattr(draft, name) or ""  # the excerpt with its line breaks
            widget.value = value.value if isinstance(value, Sentiment) else value
            if isinstance(widget, Input):
                widget.cursor_position = len(widget.value)
        self.scroll_home(animate=False)
        self._preview_grade(self.input("grade").value)
        focus_now(self.input("critic"))
        self._opened_with = self.draft

    @property
    def changed(self) -> bool:
        """Whether anything was typed that cancelling would lose."""
        return self._opened_with is not None and self.draft != self._opened_with

    # -- fields ----------------------------------------------------------------------------------

    def input(self, name: str) -> FieldInput | ExcerptArea:
        """The field of that name: one-line inputs, and the multi-line excerpt (both have .value)."""
        return self.query_one(f"#input-{name}", FieldInput if name != "excerpt" else ExcerptArea)

    def note(self, name: str) -> Static:
        return self.query_one(f"#note-{name}", Static)

    @property
    def draft(self) -> ReviewDraft:
        def value(name: str) -> str | None:
            return self.input(name).value.strip() or None

        # What the form does not show (top critic, source id) is kept as it was.
        kept = self._source
        return ReviewDraft(
            excerpt=self.input("excerpt").value,  # the store keeps its lines (store/text.py)
            critic=value("critic"),
            publication=value("publication"),
            date=value("date"),
            grade=value("grade"),
            sentiment=value("sentiment"),
            top_critic=kept.top_critic,
            source_id=kept.source_id,
            grade_unscored=kept.grade_unscored and value("grade") == kept.grade,
        )

    def clear_errors(self) -> None:
        for name, _ in FIELDS:
            self._set_error(name, None)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark each invalid field with its reason; focus the first one."""
        self.clear_errors()
        first = None
        for name, _ in FIELDS:
            if name in errors:
                self._set_error(name, errors[name])
                first = first or name
        unknown = {field: reason for field, reason in errors.items() if field not in dict(FIELDS)}
        if unknown:  # a rule on no single field: show it under the excerpt
            self._set_error("excerpt", "; ".join(f"{k}: {v}" for k, v in unknown.items()))
            first = first or "excerpt"
        if first:
            focus_now(self.input(first))
        self.call_after_refresh(self._show_focused)  # the reasons take room: keep the field in sight

    def _set_error(self, name: str, reason: str | None) -> None:
        widget, note = self.input(name), self.note(name)
        widget.set_class(reason is not None, "-error")
        note.set_class(reason is not None, "-error")
        if reason is not None:
            note.update(Content("✗ " + paragraph(reason)))
        elif name == "grade":
            self._preview_grade(widget.value)
        elif name == "sentiment":
            note.update(Content(CALL_HINT))
        else:
            note.update("")

    def _preview_grade(self, value: str) -> None:
        note = self.note("grade")
        if self.input("grade").has_class("-error"):
            return
        for tone in ("positive", "mixed", "negative"):
            note.remove_class(f"tone-{tone}")
        if not value.strip():
            note.update(Content(GRADE_HINT))
            return
        if self._source.grade_unscored and value.strip() == self._source.grade:
            note.update(Content("kept as written, unscored: its source gives no scale"))
            return
        try:
            score = parse_grade(value)
        except GradeError as error:
            problem = str(error).split(": ", 1)[0]
            note.update(Content.styled("not a grade yet: ", "dim") + content(problem))
            return
        cls = review_class(score)
        note.add_class(f"tone-{cls.value}")
        note.update(Content.assemble("= ", (f"{score} · {cls.value}", "bold")))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The field being typed into is marked in words too, not only by the cursor.
        for name, label in FIELDS:
            current = self.input(name).has_focus or self.input(name) is self.screen.focused
            widget = self.query_one(f"#label-{name}", Label)
            widget.update(f"› {label}" if current else f"  {label}")
            widget.set_class(current, "-current")
        # Once laid out (the form may just have opened): the focused field is always in sight.
        self.call_after_refresh(self._show_focused)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._show_focused)

    def _show_focused(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, Widget) and self in focused.ancestors:
            # Its row (label, field and the note beside it), from its top if it is taller than the form.
            row = focused.parent if isinstance(focused.parent, Horizontal) else focused
            self.scroll_to_widget(row, animate=False)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("input-")
        if event.input.has_class("-error"):
            self._set_error(name, None)
        if name == "grade":
            self._preview_grade(event.value)

    @on(TextArea.Changed)
    def _excerpt_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.has_class("-error"):
            self._set_error("excerpt", None)

    # -- actions ---------------------------------------------------------------------------------

    def _focused_index(self) -> int:
        # screen.focused, not has_focus: the latter follows Focus events, which lag fast typing.
        focused = self.screen.focused
        for index, (name, _) in enumerate(FIELDS):
            if self.input(name) is focused:
                return index
        return -1

    def _move(self, step: int) -> None:
        focus_now(self.input(FIELDS[(self._focused_index() + step) % len(FIELDS)][0]))

    def action_next_field(self) -> None:
        after_keys_land(self, lambda: self._move(1))

    def action_previous_field(self) -> None:
        after_keys_land(self, lambda: self._move(-1))

    def action_enter_field(self) -> None:
        after_keys_land(self, lambda: self._move(1))

    def action_save(self) -> None:
        # The draft is read once the keys typed before ctrl+s are in their fields.
        after_keys_land(self, self._save)

    def _save(self) -> None:
        if self.film_id is not None:
            self.post_message(ReviewSubmitted(self.film_id, self.draft, self.review_id))

    def action_cancel(self) -> None:
        after_keys_land(self, self._cancel)

    def _cancel(self) -> None:
        # With changes, the browser asks before they are lost.
        self.post_message(ReviewFormClosed(changed=self.changed))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_field" and isinstance(self.screen.focused, ExcerptArea):
            return False  # enter is a line break in the excerpt
        return True
