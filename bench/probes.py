"""The processes `critics bench` starts: `python -m tui.bench_probe MODE ARGS...`.

Each prints its answer as one JSON line on stdout (progress on stderr). The `launch` probe lives
here, with nothing imported beyond what the browser itself imports, and is timed from the
parent's time.monotonic() just before it started this process (one clock for every process on
Linux), so interpreter start-up and imports count, as they do for a person typing `critics`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

SCREEN_SIZE = (120, 40)


def emit(result: dict[str, Any]) -> None:
    """A probe's answer: one JSON line on stdout."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def _data_shown(app) -> bool:
    """The panes show data: the repository is attached, films and the chosen film's reviews are
    listed and no loading indicator covers them."""
    try:
        screen = app.browser
    except Exception:
        return False
    if app.repository is None or screen.repository is None or screen.selected_film is None:
        return False
    films, reviews = screen.films, screen.reviews
    return bool(films.rows) and bool(reviews.rows) and films._cover_widget is None and reviews._cover_widget is None


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, so unlike
    ru_maxrss it does not carry over the parent's peak through fork + exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def probe_launch(path: Path, launched: float) -> dict[str, Any]:
    """Launch the app headless on path: ms from launch to its first frame and to the first frame
    showing data (first_paint, ready), and the process's peak RSS once ready.

    A frame is a call of App._display, which the screen makes for every frame it composes
    (headless or not; headless only skips writing it to a terminal)."""
    from tui.app import make_app

    app = make_app(path=path)
    marks: dict[str, float] = {}
    original = app._display

    def display(screen, renderable) -> None:
        original(screen, renderable)
        if renderable is None:
            return
        now = time.monotonic()
        marks.setdefault("first_paint", now)
        if "ready" not in marks and _data_shown(app):
            marks["ready"] = now
            app.call_later(app.exit)

    app._display = display  # type: ignore[method-assign]
    app.run(headless=True, size=SCREEN_SIZE)
    if app.error is not None:
        raise RuntimeError(app.error)
    if "ready" not in marks:
        raise RuntimeError("the app exited before showing data")
    return {
        "ms": {key: round((marks[key] - launched) * 1000, 3) for key in ("first_paint", "ready")},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str]) -> int:
    mode, *args = argv
    if mode == "launch":
        emit(probe_launch(Path(args[0]), float(args[1])))
        return 0
    from tui.bench import probe_app, probe_peer_files, probe_peers, probe_store, runs_from_arg

    if mode == "store":
        emit(probe_store(Path(args[0]), runs_from_arg(args[1])))
    elif mode == "peerfiles":
        emit(probe_peer_files(Path(args[0]), Path(args[1])))
    elif mode == "peers":
        emit(probe_peers(Path(args[0]), Path(args[1]), args[2], runs_from_arg(args[3])))
    elif mode == "app":
        emit(probe_app(Path(args[0]), runs_from_arg(args[1])))
    else:
        print(f"bench_probe: unknown mode {mode!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
