"""The processes `critics bench` starts: `python -m bench.probes MODE ARGS...`.

Each prints its answer as one JSON line on stdout (progress on stderr). Only the chosen probe's
module is imported, so the launch probe's process loads nothing beyond what the browser itself
does and its start-up is timed as a person typing `critics` would see it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

MODES = ("store", "journal", "peerfiles", "peers", "app", "launch", "import", "command")


def emit(result: dict[str, Any]) -> None:
    """A probe's answer: one JSON line on stdout."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def run(mode: str, args: list[str]) -> dict[str, Any]:
    """The answer of probe mode for its command-line args."""
    if mode == "launch":
        from bench.app_probe import probe_launch

        return probe_launch(Path(args[0]), float(args[1]))
    if mode == "import":
        from bench.import_probe import probe_import

        return probe_import(args[0], Path(args[1]), Path(args[2]))
    if mode == "command":
        from bench.command_probe import probe_command

        return probe_command(args[0], Path(args[1]), Path(args[2]))
    from bench.common import Runs

    if mode == "store":
        from bench.store_probe import probe_store

        return probe_store(Path(args[0]), Runs.from_arg(args[1]))
    if mode == "journal":
        from bench.journal_probe import probe_journal

        return probe_journal(Path(args[0]), Runs.from_arg(args[1]))
    if mode == "peerfiles":
        from bench.peer_probe import probe_peer_files

        return probe_peer_files(Path(args[0]), Path(args[1]), tinydb="no-tinydb" not in args[2:])
    if mode == "peers":
        from bench.peer_probe import probe_peers

        return probe_peers(Path(args[0]), Path(args[1]), args[2], Runs.from_arg(args[3]))
    from bench.app_probe import probe_app

    return probe_app(Path(args[0]), Runs.from_arg(args[1]))


def main(argv: list[str]) -> int:
    mode, *args = argv
    if mode not in MODES:
        print(f"bench.probes: unknown mode {mode!r}", file=sys.stderr)
        return 2
    emit(run(mode, args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
