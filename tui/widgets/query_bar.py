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

from store.text import fold
from tui.messages import FindEverywhereRequested
from tui.plain import content
from tui.widgets.focus import FieldInput, after_keys_land, focus_now


class BarInput(FieldInput):
    """The bar's field. A completion that does not continue the typed text (a later word of the
    name: 'vik' completes to 'Søren Vik') cannot be drawn as a ghost after it, so the bar shows
    it beside the field instead; right arrow accepts it either way (FieldInput)."""

    def watch__suggestion(self, suggestion: str) -> None:
        # Textual dispatches SuggestionReady to Input's own handler after any subclass's, so
        # the suggestion is judged once it is set.
        if suggestion and not fold(suggestion).startswith(fold(self.value)):
            self._suggestion = ""
        else:
            suggestion = ""
        if isinstance(self.parent, QueryBar):
            self.parent.show_completion(suggestion)


class QueryBar(Horizontal):
    """Label and input; every change is posted, enter keeps the text, escape clears it.

    The text in the input is what was typed, always: the screen's filter follows it (Changed) and
    only a filter set elsewhere (the palette, escape in the lists) is written back (set_value)."""

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

    # Priority: both close the bar and send focus back to the lists, so they act once the keys
    # typed before them are in the input, and before the keys after them go anywhere. (Enter
    # stays out of the footer, as when the input's own enter hid it: the bar's hint names it.)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear", priority=True),
        Binding("enter", "keep", "Keep", show=False, priority=True),
    ]

    class Changed(Message):
        """The text changed by typing; generation: how many times it had been set from elsewhere."""

        def __init__(self, bar: QueryBar, value: str, generation: int) -> None:
            super().__init__()
            self.bar = bar
            self.value = value
            self.generation = generation

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
        self._note = ""  # what the text set from elsewhere means ("exactly Zoë Brandt"), until typing
        self._placeholder = placeholder
        self.generation = 0  # set_value calls: a change typed before the last one is out of date

    def compose(self) -> ComposeResult:
        yield Label(self._label)
        yield BarInput(placeholder=self._placeholder, compact=True)
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

    def set_value(self, value: str, *, note: str = "") -> None:
        """Set the text without announcing it (the palette and tests set filters directly); note
        says in the hint what the text means, until the next keystroke."""
        self.generation += 1
        self._note = note
        with self.input.prevent(Input.Changed):
            self.input.value = value
        self.show_completion("")

    @property
    def hint(self) -> str:
        return str(self.query_one(".hint", Label).content)

    def show_completion(self, name: str) -> None:
        """Name a completion the field cannot show after the typed text ('' for none)."""
        hint = self.query_one(".hint", Label)
        if name:
            hint.update(content(f"→ {name} · enter keep · esc clear"))
        elif self._note:
            hint.update(content(f"{self._note} · enter keep · esc clear"))
        else:
            hint.update(content(self._hint))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._note = ""  # typed: the text means what it says
        self.show_completion("")  # until the new text's completion is ready
        self.post_message(self.Changed(self, event.value, self.generation))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._keep()

    def action_keep(self) -> None:
        after_keys_land(self, self._keep)

    def action_clear(self) -> None:
        after_keys_land(self, self._clear)

    def _keep(self) -> None:
        self.close()
        self.post_message(self.Done(self, kept=True))

    def _clear(self) -> None:
        if self.input.value:
            self.input.value = ""  # posts Changed(""), which clears the filter
        self.close()
        self.post_message(self.Done(self, kept=False))


class FindBar(QueryBar):
    """The bar that finds words in the selected film's reviews; ctrl+f takes its words to the
    search across every film."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "everywhere", "In every film", show=False, priority=True),
    ]

    def action_everywhere(self) -> None:
        after_keys_land(self, self._everywhere)

    def _everywhere(self) -> None:
        self.close()
        self.post_message(self.Done(self, kept=True))
        self.post_message(FindEverywhereRequested(self.input.value))
