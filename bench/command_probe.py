"""The command probe: one `critics stats --json` (every film) or `critics export` of the whole
store, in a fresh process: its wall-clock time and its peak RSS (the export's target is a
memory bound: it streams film by film)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb

COMMANDS = {
    "stats_json": lambda db, out: ["stats", "--json", "--db", str(db)],
    "export": lambda db, out: ["export", "--format", "json", "--output", str(out), "--db", str(db)],
}


def probe_command(name: str, db: Path, folder: Path) -> dict[str, Any]:
    from tui.cli import main

    out = folder / "export.json"
    start = time.perf_counter()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        code = main(COMMANDS[name](db, out))
    seconds = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"critics {name} exited {code}")
    with contextlib.suppress(FileNotFoundError):
        out.unlink()
    return {"s": seconds, "peak_rss_mb": round(peak_rss_mb(), 1)}
