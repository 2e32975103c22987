"""The app probes: film_select and filter_keystroke in the headless app, and one launch per process.

Each is timed to a frame: the first frame that shows the awaited state (textual_hooks.on_frame).
The launch probe is timed from the parent's time.monotonic() just before it started this process
(one clock for every process on Linux), so interpreter start-up and imports count, as they do for
a person typing `critics`; so this module imports nothing at load beyond what the browser does."""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path
from typing import Any, Callable

from bench.common import SCREEN_SIZE, Runs, median_ms, peak_rss_mb, say, spread_of
from bench.textual_hooks import is_covered, is_quiet, key_event, key_sender, on_frame

SETTLE_TIMEOUT = 30.0


def data_shown(app) -> bool:
    """The panes show data: the repository is attached, films and the chosen film's reviews are
    listed and no loading indicator covers them."""
    try:
        screen = app.browser
    except Exception:
        return False
    if app.repository is None or screen.repository is None or screen.selected_film is None:
        return False
    films, reviews = screen.films, screen.reviews
    return bool(films.rows) and bool(reviews.rows) and not is_covered(films) and not is_covered(reviews)


# -- launch: first_paint, ready, peak_rss_mb ---------------------------------------------------------


def probe_launch(path: Path, launched: float) -> dict[str, Any]:
    """Launch the app headless on path: ms from launch to its first frame and to the first frame
    showing data (first_paint, ready), and the process's peak RSS once ready."""
    from tui.app import make_app

    app = make_app(path=path)
    marks: dict[str, float] = {}

    def frame() -> None:
        now = time.monotonic()
        marks.setdefault("first_paint", now)
        if "ready" not in marks and data_shown(app):
            marks["ready"] = now
            app.call_later(app.exit)

    on_frame(app, frame)
    app.run(headless=True, size=SCREEN_SIZE)
    if app.error is not None:
        raise RuntimeError(app.error)
    if "ready" not in marks:
        raise RuntimeError("the app exited before showing data")
    return {
        "ms": {key: round((marks[key] - launched) * 1000, 3) for key in ("first_paint", "ready")},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


# -- film_select and filter_keystroke ----------------------------------------------------------------


class PaintClock:
    """Timestamps every frame the app paints, and notes whether the state the bench waits for
    was on it."""

    def __init__(self, app) -> None:
        self.frames: list[tuple[float, bool]] = []
        self.condition: Callable[[], bool] = lambda: False
        on_frame(app, lambda: self.frames.append((time.perf_counter(), bool(self.condition()))))


async def _settled(app, clock: PaintClock, start: float, condition: Callable[[], bool]) -> tuple[float, float]:
    """Seconds from start to (the first frame that showed condition true, the last frame
    painted before the app went quiet): what the person sees first, and when everything the
    key set off (the footer's bindings, a suggestion, a scrollbar) has been drawn too."""
    clock.condition = condition
    first = len(clock.frames)
    deadline = time.perf_counter() + SETTLE_TIMEOUT
    while True:
        await asyncio.sleep(0.0005)
        frames = clock.frames[first:]
        shown = next((stamp for stamp, seen in frames if seen), None)
        if shown is not None and is_quiet(app):
            # Quiet now; give a follow-up frame (a Resize answered after layout) a tick to appear.
            count = len(clock.frames)
            await asyncio.sleep(0.002)
            if len(clock.frames) == count and is_quiet(app):
                clock.condition = lambda: False
                return shown - start, clock.frames[-1][0] - start
        if time.perf_counter() > deadline:
            raise RuntimeError("the app did not settle within %.0f s" % SETTLE_TIMEOUT)


def _escape():
    """The escape key, as the driver sends it (a key with no character)."""
    from textual import events

    return events.Key("escape", None)


async def _app_measures(path: Path, runs: Runs, critics: list[str]) -> dict[str, Any]:
    """film_select (j, runs.film_select times) then filter_keystroke (every key of each critic's
    name typed into the critic filter), sent as the driver sends keys, each timed to its frame."""
    from tui.app import make_app

    app = make_app(path=path)
    clock = PaintClock(app)
    selects: list[float] = []
    keystrokes: list[float] = []
    select_quiet: list[float] = []
    keystroke_quiet: list[float] = []
    per_key: list[tuple[str, float]] = []
    async with app.run_test(size=SCREEN_SIZE):
        start = time.perf_counter()
        await _settled(app, clock, start, lambda: data_shown(app))
        screen = app.browser
        send = key_sender(app)

        say(f"film_select x{runs.film_select} (j in the films list)")
        for _ in range(runs.film_select):
            rows, cursor = screen.films.rows, screen.films.cursor or 0
            # j to the next film; at the end of the list, g back to the first one.
            key, target = ("j", rows[cursor + 1].film.id) if cursor + 1 < len(rows) else ("g", rows[0].film.id)
            start = time.perf_counter()
            send(key_event(key))

            def shown(target=target) -> bool:
                reviews = screen.reviews.rows
                return (
                    screen.selected_film == target
                    and screen.gauge.display
                    and bool(reviews)
                    and reviews[0].film_id == target
                )

            shown_s, quiet_s = await _settled(app, clock, start, shown)
            selects.append(shown_s)
            select_quiet.append(quiet_s)

        say(f"filter_keystroke: typing {len(critics)} critic names key by key")
        for name in critics:
            send(key_event("c"))
            await _settled(app, clock, time.perf_counter(), lambda: screen.critic_bar.has_class("-open"))
            typed = ""
            for char in name:
                typed += char
                start = time.perf_counter()
                send(key_event(char))

                def filtered(typed=typed) -> bool:
                    return screen.critic_query == typed and screen.critic_bar.value == typed

                elapsed, quiet_s = await _settled(app, clock, start, filtered)
                keystrokes.append(elapsed)
                keystroke_quiet.append(quiet_s)
                per_key.append((typed, elapsed))
            send(_escape())
            await _settled(app, clock, time.perf_counter(), lambda: screen.critic_query == "")
        app.exit()
    slowest = sorted(per_key, key=lambda item: -item[1])[:5]
    return {
        "ms": {"film_select": median_ms(selects), "filter_keystroke": median_ms(keystrokes)},
        "spread": {"film_select": spread_of(selects), "filter_keystroke": spread_of(keystrokes)},
        "quiet_ms": {"film_select": median_ms(select_quiet), "filter_keystroke": median_ms(keystroke_quiet)},
        "slowest_keystrokes": [{"typed": typed, "ms": round(elapsed * 1000, 1)} for typed, elapsed in slowest],
        "critics_typed": critics,
    }


def probe_app(path: Path, runs: Runs) -> dict[str, Any]:
    """film_select and filter_keystroke in the headless app on the store at path."""
    from store.repository import Repository

    # Critic names to type, chosen from the store: the most prolific ones, ASCII or not.
    with Repository.open(path) as repository:
        counts = {name: len(repository.films(critic=name)) for name in repository.critics()}
    critics = sorted(counts, key=lambda name: (-counts[name], name))[: runs.keystroke_critics]
    gc.collect()
    return asyncio.run(_app_measures(path, runs, critics))
