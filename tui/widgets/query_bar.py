"""A one-line bar that asks for a filter (critic or title), live as the person types."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Label

from tui.widgets.focus import focus_now


class QueryBar(Horizontal):
    """Label and input; every change is posted, enter keeps the text, escape clears it."""

    DEFAULT_CSS = """
    QueryBar {
        height: 1;
        display: none;
        background: $boost;
        &.-open { display: block; }
        & > Label { width: auto; padding: 0 1; text-style: bold; color: $text-accent; }
        & > Input { width: 1fr; }
        & > .hint { width: auto; padding: 0 1; color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear"),
        Binding("enter", "keep", "Keep", show=True),
    ]

    class Changed(Message):
        def __init__(self, bar: QueryBar, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.value = value

        @property
        def control(self) -> QueryBar:
            return self.bar

    class Done(Message):
        """Enter (kept) or escape (cleared): the bar closes and the lists take focus back."""

        def __init__(self, bar: QueryBar, kept: bool) -> None:
            super().__init__()
            self.bar = bar
            self.kept = kept

        @property
        def control(self) -> QueryBar:
            return self.bar

    def __init__(self, label: str, hint: str, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = label
        self._hint = hint
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Label(self._label)
        yield Input(placeholder=self._placeholder, compact=True)
        yield Label(self._hint, classes="hint")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def open(self, suggester: Suggester | None = None) -> None:
        if suggester is not None:
            self.input.suggester = suggester
        self.add_class("-open")
        focus_now(self.input)
        self.input.cursor_position = len(self.input.value)

    def close(self) -> None:
        self.remove_class("-open")

    def set_value(self, value: str) -> None:
        """Set the text without announcing it (the palette and tests set filters directly)."""
        with self.input.prevent(Input.Changed):
            self.input.value = value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        self.close()
        self.post_message(self.Done(self, kept=True))

    def action_clear(self) -> None:
        if self.input.value:
            self.input.value = ""  # posts Changed(""), which clears the filter
        self.close()
        self.post_message(self.Done(self, kept=False))
