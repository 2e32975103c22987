"""Reading and writing snapshot files as a hand (or another program) would edit them: the tables
out, changed, and a snapshot written back in the current format with an index and a digest that
count what the tables hold (damage included: a record the store refuses is still written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from store.digest import Digest
from store.records import film_of_table
from store.snapshot import snapshot_chunks


def read_snapshot(path: Path) -> tuple[dict[str, Any], dict[str, dict]]:
    """The header and every table of a snapshot (indexed or not)."""
    header, *lines = path.read_bytes().splitlines()
    tables = {}
    for line in lines:
        item = orjson.loads(line)
        if isinstance(item, list) and len(item) == 2:  # a table (postings have three parts, the index is an object)
            tables[item[0]] = item[1]
    return orjson.loads(header), tables


def lenient_digest(tables: dict[str, dict]) -> Digest:
    """A digest counting every review it can (a damaged one is left out)."""
    digest = Digest()
    for name, table in tables.items():
        film_id = film_of_table(name)
        if film_id is None:
            continue
        for key, record in table.items():
            try:
                digest.add(film_id, key, record, 1)
            except (KeyError, TypeError, ValueError, AttributeError):
                pass
    return digest


def write_snapshot(path: Path, header: dict[str, Any], tables: dict[str, dict]) -> None:
    """Write tables as a snapshot of the current schema (the header's other fields kept)."""
    from store.storage import SCHEMA_VERSION

    head = dict(header) | {"tables": len(tables), "schema": SCHEMA_VERSION}
    head.pop("folded", None)
    chunks = snapshot_chunks(head, tables, lenient_digest(tables), {}, lambda piece, kind, name: piece.read())
    path.write_bytes(b"".join(chunks))


def rewrite_snapshot(path: Path, change) -> None:
    """Read the snapshot, let change(tables) edit its tables, write it back."""
    header, tables = read_snapshot(path)
    change(tables)
    write_snapshot(path, header, tables)
