"""The one place where text from the store becomes something Textual draws: always literally, never as markup."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual.content import Content

from tui.words import counted as counted  # re-exported: widgets take their words from here

# The store strips control characters on the way in; this is the second fence, so a hand-edited
# database cannot clear a real terminal (ESC) or break a row (newline). See docs/textual.md.
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u0085\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r" {2,}")

ELLIPSIS = "…"


def one_line(value: str | None) -> str:
    """Text for a one-line row: line breaks become single spaces, control characters go."""
    if not value:
        return ""
    flat = _CONTROL.sub("", _LINE_BREAKS.sub(" ", value))
    return _SPACES.sub(" ", flat).strip()


def paragraph(value: str | None) -> str:
    """Text for a wrapped block: line breaks kept, other control characters dropped."""
    if not value:
        return ""
    lines = (_CONTROL.sub("", line) for line in re.split(r"\r\n|[\r\n\u2028\u2029]", value))
    return "\n".join(lines).strip()


def text(value: str | None, style: str | Style = "") -> Text:
    """A rich Text holding the value literally, on one line."""
    return Text(one_line(value), style=style, end="")


def content(value: str | None, style: str = "") -> Content:
    """A Textual Content holding the value literally, on one line."""
    return Content.styled(one_line(value), style) if style else Content(one_line(value))


def block(value: str | None) -> Content:
    """A Textual Content holding a multi-line value literally (line breaks kept)."""
    return Content(paragraph(value))


def fit(value: str, width: int, *, align: str = "left") -> str:
    """Exactly `width` cells: truncated with an ellipsis, padded with spaces (wide characters counted)."""
    if width <= 0:
        return ""
    length = cell_len(value)
    if length > width:
        return set_cell_size(value, width - 1) + ELLIPSIS if width > 1 else ELLIPSIS
    pad = " " * (width - length)
    return pad + value if align == "right" else value + pad


def shorten_path(path: str, width: int) -> str:
    """A file path that fits `width` cells, keeping its end (the file name matters most)."""
    flat = one_line(path)
    if cell_len(flat) <= width:
        return flat
    if width <= 1:
        return ELLIPSIS[:width]
    tail = flat[-(width - 1) :]
    while cell_len(tail) > width - 1:
        tail = tail[1:]
    return ELLIPSIS + tail


def highlighted(candidate: str, offsets: Iterable[int], style: str) -> Content:
    """A command-palette line with the matched letters styled; the candidate stays literal."""
    result = Content(candidate)
    for offset in offsets:
        if offset < len(candidate) and not candidate[offset].isspace():
            result = result.stylize(style, offset, offset + 1)
    return result
