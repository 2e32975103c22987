"""Compaction in a process of its own (`python -m store.compactor PATH`), so the browser never
stalls on CPU-bound Python: the process that crossed the threshold starts it and goes on; its
next catch-up takes the new snapshot without reading it (JournaledStorage._adopt)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from store.errors import StoreError
from store.storage import JournaledStorage


def start(path: Path, journal_bytes: int) -> subprocess.Popen:
    """Compact the database at path in the background, unless its journal is already shorter
    than journal_bytes (another process compacted first); the caller polls the process."""
    return subprocess.Popen(
        [sys.executable, "-m", "store.compactor", str(path), str(journal_bytes)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a ctrl+c meant for the browser does not cut it short
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m store.compactor PATH JOURNAL_BYTES", file=sys.stderr)
        return 2
    try:
        storage = JournaledStorage(argv[0])
        try:
            if storage.journal_bytes >= int(argv[1]):  # else another process compacted meanwhile
                storage.compact()
        finally:
            storage.close()
    except StoreError as exc:
        print(f"critics: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
