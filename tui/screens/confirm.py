"""A yes/no question before something is deleted."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.focus import after_keys_land


class ConfirmScreen(ModalScreen[bool]):
    """Shows a question (Content, so data inside stays literal); y or enter says yes."""

    # Priority, answering once the keys typed before have landed: the keys typed after the answer
    # go where it leads (the form again, the lists), not to this screen on its way out.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", priority=True),
        Binding("n,escape", "answer(False)", "No", priority=True),
    ]


    def __init__(self, question: Content, title: str = "Delete?") -> None:
        super().__init__()
        self._question = question
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self._title
            yield Static(self._question, id="confirm-question")
            yield Static(Content("y / enter: yes    n / escape: no"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        after_keys_land(self, lambda: self.dismiss(yes))
