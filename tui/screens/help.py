"""The help screen: every key, grouped by where it applies."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import KEY_HELP


def help_content() -> Content:
    width = max(len(keys) for _, rows in KEY_HELP for keys, _ in rows) + 2
    lines: list[Content] = []
    for section, rows in KEY_HELP:
        if lines:
            lines.append(Content(""))
        lines.append(Content.styled(section, "bold underline"))
        for keys, description in rows:
            lines.append(Content.styled(keys.ljust(width), "bold $text-accent") + Content(description))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]


    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Critics · keys"
            scroll.border_subtitle = "escape closes"
            yield Static(help_content())

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
