"""The status line: active filters, what is listed, and the database file."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from tui.plain import counted, one_line, shorten_path


class StatusLine(Horizontal):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
        color: $text-muted;
        & > #status-state { width: 1fr; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
        & > #status-path { width: auto; padding: 0 1; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._path = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-state")
        yield Static("", id="status-path")

    def show_state(
        self,
        *,
        critic: str = "",
        critic_exact: bool = False,
        publication: str = "",
        title: str = "",
        text: str = "",
        top_only: bool = False,
        films_listed: int,
        films_total: int,
        reviews_total: int,
        message: str = "",
    ) -> None:
        parts: list[Content] = []
        if message:
            parts.append(Content(one_line(message)))
        if critic and critic_exact:
            parts.append(Content.styled("critic ", "bold") + Content(f"exactly {one_line(critic)}"))
        elif critic:
            parts.append(Content.styled("critic ", "bold") + Content(f"\u201c{one_line(critic)}\u201d"))
        if publication:
            parts.append(Content.styled("publication ", "bold") + Content(f"\u201c{one_line(publication)}\u201d"))
        if title:
            parts.append(Content.styled("title ", "bold") + Content(f"\u201c{one_line(title)}\u201d"))
        if top_only:
            parts.append(Content.styled("top critics only", "bold"))
        if text:
            parts.append(Content.styled("find ", "bold") + Content(f"\u201c{one_line(text)}\u201d"))
        if films_listed == films_total:
            parts.append(Content(f"{counted(films_total, 'film')} · {counted(reviews_total, 'review')}"))
        else:
            listed = f"{films_listed} of {counted(films_total, 'film')}"
            parts.append(Content(f"{listed} · {counted(reviews_total, 'review')}"))
        self.query_one("#status-state", Static).update(Content(" · ").join(parts))

    def show_message(self, message: str) -> None:
        """A line on its own (opening the database, its progress)."""
        self.query_one("#status-state", Static).update(Content(one_line(message)))

    def show_path(self, path: Path | str) -> None:
        self._path = str(path)
        self._draw_path()

    def on_resize(self, event: events.Resize) -> None:
        self._draw_path()

    def _draw_path(self) -> None:
        room = max(16, self.size.width // 3)
        shown = shorten_path(self._path, room)
        self.query_one("#status-path", Static).update(Content(shown))
        self.query_one("#status-path", Static).styles.width = cell_len(shown) + 2 if shown else 0
