"""The import probe: `critics import` of a generated Rotten Tomatoes 2020 file into a new
database, and its plain peer on the same file (csv.reader + sqlite3 executemany into a table of
the same columns with an index on the film key, one commit), each in a fresh process: its
wall-clock time and its peak RSS."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb


def probe_import(which: str, source: Path, target: Path) -> dict[str, Any]:
    """One run of ours ("critics") or the peer ("peer"): seconds and peak RSS of this process."""
    start = time.perf_counter()
    if which == "critics":
        from tui.cli import main

        with contextlib.redirect_stdout(sys.stderr):  # the summary line; stdout carries the result
            code = main(["import", str(source), "--db", str(target)])
        if code != 0:
            raise RuntimeError(f"critics import exited {code}")
    else:
        _peer_import(source, target)
    return {"s": time.perf_counter() - start, "peak_rss_mb": round(peak_rss_mb(), 1)}


def _peer_import(source: Path, target: Path) -> None:
    import csv
    import sqlite3

    with open(source, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        connection = sqlite3.connect(target)
        connection.execute(f"CREATE TABLE reviews ({', '.join(f'{column} TEXT' for column in header)})")
        connection.execute(f"CREATE INDEX reviews_film ON reviews ({header[0]})")
        connection.executemany(f"INSERT INTO reviews VALUES ({', '.join('?' * len(header))})", reader)
        connection.commit()
        connection.close()
