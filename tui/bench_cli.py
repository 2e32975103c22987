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


def cmd_bench(args: argparse.Namespace) -> int:
    from store.errors import StoreError
    from store.generator import MAX_PER_FILM, MIN_PER_FILM
    from tui.bench import MIN_FILMS, default_films, render_table, run_bench

    films = args.films if args.films is not None else default_films(args.reviews)
    if films < MIN_FILMS or args.reviews < films * MIN_PER_FILM or args.reviews > films * MAX_PER_FILM:
        raise StoreError(
            f"bench needs at least {MIN_FILMS} films and {MIN_PER_FILM}-{MAX_PER_FILM} reviews a film "
            f"(got {args.reviews} reviews over {films} films)"
        )
    result = run_bench(args.reviews, films, seed=args.seed)
    if args.json:
        import json

        print(json.dumps(result.to_json()))
    else:
        print(render_table(result))
    return 0


def add_commands(commands: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    generate = commands.add_parser("generate", help="write a synthetic database (for benchmarks)")
    generate.add_argument("--films", type=int, required=True, metavar="F")
    generate.add_argument("--reviews", type=int, required=True, metavar="R")
    generate.add_argument("--seed", type=int, default=1, metavar="N")
    generate.add_argument("--db", metavar="PATH", required=True, help="a new database file")
    generate.set_defaults(handler=cmd_generate)

    bench = commands.add_parser(
        "bench", help="measure load, writes, queries and the browser on a fresh synthetic store, beside TinyDB, sqlite3 and orjson"
    )
    bench.add_argument("--reviews", type=int, default=200_000, metavar="R", help="reviews to generate (default 200000)")
    bench.add_argument("--films", type=int, default=None, metavar="F", help="films to generate (default R/20)")
    bench.add_argument("--seed", type=int, default=1, metavar="N")
    bench.add_argument("--json", action="store_true", help="print the numbers as JSON (progress still goes to stderr)")
    bench.set_defaults(handler=cmd_bench)
