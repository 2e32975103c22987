"""The help screen: every key, grouped by where it applies."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget

from tui.keys import KEY_HELP
from tui.widgets.focus import after_keys_land

MIN_DESCRIPTION = 20  # narrower than this beside the keys, a description goes on the lines below them


def keys_width() -> int:
    return max(len(keys) for _, rows in KEY_HELP for keys, _ in rows) + 2


def help_content(width: int | None = None) -> Content:
    """The keys and what they do; descriptions wrap within `width` (None: one line each), under
    their own column, or below the keys when the column would be too narrow."""
    column = keys_width()
    beside = width is None or width - column >= MIN_DESCRIPTION
    lines: list[Content] = []
    for section, rows in KEY_HELP:
        if lines:
            lines.append(Content(""))
        lines.append(Content.styled(section, "bold underline"))
        for keys, description in rows:
            key = Content.styled(keys.ljust(column) if beside else keys, "bold $text-accent")
            if width is None:
                lines.append(key + Content(description))
                continue
            indent = column if beside else 2
            wrapped = textwrap.wrap(description, max(1, width - indent))
            if beside:
                lines.append(key + Content(wrapped[0]))
                wrapped = wrapped[1:]
            else:
                lines.append(key)
            lines.extend(Content(" " * indent + part) for part in wrapped)
    return Content("\n").join(lines)


class HelpText(Widget):
    """The help, wrapped to the width it is given (a small terminal wraps it instead of cutting it)."""

    DEFAULT_CSS = "HelpText { width: auto; max-width: 100%; height: auto; }"

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(cell_len(line) for line in help_content().plain.split("\n"))

    def render(self) -> Content:
        return help_content(self.size.width or None)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", priority=True),
    ]


    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Critics · keys"
            scroll.border_subtitle = "escape closes"
            yield HelpText()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        # Once the keys before it have landed; the keys after it go to the browser (focus.py).
        after_keys_land(self, lambda: self.dismiss(None))
