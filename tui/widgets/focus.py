"""Keys typed ahead (docs/textual.md, "Key routing and type-ahead"): Textual hands each key to the
widget focused when the key arrives, before the keys ahead of it have been handled. What keeps a
burst of keys where it would have gone one key at a time:

- `focus_now`: Widget.focus() waits for the message queue; this moves focus at once.
- `after_keys_land`: for a priority binding that moves focus or changes where keys go (tab, `c`,
  enter and escape in a bar or the form, ctrl+s ...). The App holds back the keys behind it, runs
  the action once every key before it has been handled where it went, and then routes the held
  keys (tui/app.py, `CriticsApp.hold_keys_until`).
- `OwnKeys` (and `FieldInput`): a text field that acts on its own key bindings (backspace, the
  arrows, home, end ...) when the key reaches it, in order with the letters around it. Textual
  acts on them later, once the key has bubbled up to the App, against whatever is focused by then.
- `FieldInput` accepts a completion (right arrow) for the text it holds when the key reaches it,
  not for the suggestion a worker may still be computing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea


def focus_now(widget: Widget) -> None:
    widget.screen.set_focus(widget)


def is_text_field(widget: Widget | None) -> bool:
    """A widget that takes printable keys as text: `c` or `/` there is a letter, not a command."""
    return isinstance(widget, (Input, TextArea))


def after_keys_land(node: Widget, action: Callable[[], Any]) -> None:
    """Run action once every key typed before the current one has been handled, keeping the keys
    typed after it until then (outside the browser's App: at once)."""
    hold = getattr(node.app, "hold_keys_until", None)
    if hold is None:
        action()
    else:
        hold(action)


class OwnKeys:
    """Mixed into a text field: its own bindings act when the key reaches it (in typing order)."""

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # text: the field's own handler inserts it
        widget: Widget = self  # type: ignore[assignment]
        for binding in widget._bindings.key_to_bindings.get(event.key, ()):
            if await widget.app.run_action(binding.action, widget):
                event.prevent_default()  # handled: neither the field's handler nor a binding up the DOM
                event.stop()
                return


class FieldInput(OwnKeys, Input):
    """A one-line field for typing ahead: keys act in the order typed; right arrow at the end
    accepts the completion of exactly the text typed so far."""

    async def action_cursor_right(self, select: bool = False) -> None:
        suggester = self.suggester
        if not select and suggester is not None and self.value and self.cursor_at_end and self.selection.is_empty:
            typed = self.value if suggester.case_sensitive else self.value.casefold()
            suggestion = await suggester.get_suggestion(typed)
            if suggestion and len(suggestion) > len(self.value):
                self.value = suggestion
                self.cursor_position = len(suggestion)
                return
        super().action_cursor_right(select)
