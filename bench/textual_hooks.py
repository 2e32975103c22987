"""Every private Textual name the bench relies on, and nothing else.

The bench clocks frames, waits for the screen to go quiet and sends keys the way the terminal
driver does; Textual has no public API for these, so they reach into its internals (App._display,
App._driver, Widget._cover_widget, the Screen's pending-work flags, MessagePump queues,
textual.keys._character_to_key). They hold for textual 8.2.8, which pyproject.toml pins exactly:
check each one here before moving the pin. Textual is imported only inside the functions.
"""

from __future__ import annotations

from typing import Any, Callable


def on_frame(app, callback: Callable[[], None]) -> None:
    """Call callback right after each frame app paints.

    Wraps App._display, which the screen calls once for every frame it composes (headless or
    not; headless only skips writing it to a terminal). A None renderable is not a frame."""
    original = app._display

    def display(screen, renderable) -> None:
        original(screen, renderable)
        if renderable is not None:
            callback()

    app._display = display  # type: ignore[method-assign]


def is_covered(widget) -> bool:
    """A cover (the loading indicator) hides the widget's content."""
    return widget._cover_widget is not None


def is_quiet(app) -> bool:
    """Nothing left that would change the screen: no messages queued, no running workers, no
    pending layout/repaint and no callbacks waiting for the next refresh."""
    screen = app.screen
    if screen._layout_required or screen._repaint_required or screen._scroll_required or screen._dirty_widgets:
        return False
    if screen._callbacks:
        return False
    for node in (app, *screen.walk_children(with_self=True)):
        if node._message_queue.qsize() or node._next_callbacks:
            return False
    return not any(worker.is_running or worker.state.name == "PENDING" for worker in app.workers)


def key_sender(app) -> Callable[[Any], None]:
    """Send a key event to a running app as its terminal driver would (App._driver)."""
    driver = app._driver
    assert driver is not None
    return driver.send_message


def key_event(char: str):
    """A key press as the terminal driver would send it (as Pilot builds it)."""
    from textual import events
    from textual.keys import _character_to_key

    key = char if char.isalnum() else _character_to_key(char)
    return events.Key(key, char)

