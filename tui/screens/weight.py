"""Asks for a publication's weight in the Metascore."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store.domain import Publication
from tui.plain import one_line


class WeightScreen(ModalScreen[float | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]


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

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            weight = float(event.value)
        except ValueError:
            weight = -1.0
        if not weight >= 0 or weight == float("inf"):
            self.query_one("#weight-error", Static).update(Content("A weight is a number, 0 or more."))
            return
        self.dismiss(weight)

    def action_cancel(self) -> None:
        self.dismiss(None)
