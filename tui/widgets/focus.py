"""Moving focus at once: Widget.focus() waits for the message queue, so keys typed quickly after
a key that moves focus (tab in the form, `c` then a name) would still reach the old widget."""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    widget.screen.set_focus(widget)
