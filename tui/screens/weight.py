"""Asks for a publication's weight in the Metascore."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store.domain import Publication
from tui.plain import one_line
from tui.widgets.focus import after_keys_land


class WeightScreen(ModalScreen[float | None]):
    # Priority, acting once the keys typed before have landed (tui/widgets/focus.py): the weight
    # read is all that was typed, and the keys after go to the browser, not to this screen.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "set", "Set", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]


    def __init__(self, publication: Publication) -> None:
        super().__init__()
        self._publication = publication

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Publication weight"
            yield Static(
                Content("Weight of ")
                + Content.styled(one_line(self._publication.name), "bold")
                + Content(f" in the Metascore (now {self._publication.weight:g}, default 1):")
            )
            yield Input(value=f"{self._publication.weight:g}", type="number", compact=True, id="weight-input")
            yield Static("", id="weight-error")
            yield Static(Content("enter: set    escape: cancel"), id="weight-keys")

    def action_set(self) -> None:
        after_keys_land(self, self._set)

    def _set(self) -> None:
        try:
            weight = float(self.query_one("#weight-input", Input).value)
        except ValueError:
            weight = -1.0
        if not weight >= 0 or weight == float("inf"):
            self.query_one("#weight-error", Static).update(Content("A weight is a number, 0 or more."))
            return
        self.dismiss(weight)

    def action_cancel(self) -> None:
        after_keys_land(self, lambda: self.dismiss(None))
