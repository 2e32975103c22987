"""The `critics generate` and `critics bench` commands (no textual at import time)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable


def cmd_generate(args: argparse.Namespace) -> int:
    from store.generator import generate

    size = generate(Path(args.db).expanduser(), args.films, args.reviews, args.seed)
    print(f"generated {size.reviews} reviews of {size.films} films in {args.db}")
    return 0


def add_commands(commands: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    generate = commands.add_parser("generate", help="write a synthetic database (for benchmarks)")
    generate.add_argument("--films", type=int, required=True, metavar="F")
    generate.add_argument("--reviews", type=int, required=True, metavar="R")
    generate.add_argument("--seed", type=int, default=1, metavar="N")
    generate.add_argument("--db", metavar="PATH", required=True, help="a new database file")
    generate.set_defaults(handler=cmd_generate)
