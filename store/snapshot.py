"""The snapshot file of schema 3: how it is written a line at a time, and where its index is.

Layout (docs/architecture.md, "Files on disk"): a header line; a line per table; a line per
critic and per publication posting of the digest (store/digest.py); the index (where each line
is, with its record count and CRC32, and the digest); and a last line saying where the index is.
Opening reads the last line, the index and the small tables; a film's reviews stay on disk
(Unloaded) until asked for. store/storage.py reads and writes snapshots through these.
"""

from __future__ import annotations

import zlib
from typing import Any, Callable, Iterator

import orjson

from store.changes import Record, Tables
from store.digest import Digest
from store.durable import Piece, SnapshotFile

TRAILER_BYTES = 256  # the last line of an indexed snapshot, where its index is, fits in these


class Unloaded:
    """A table still on disk: read (and checked) when first asked for. added holds the records the
    journal put since the snapshot under ids the snapshot cannot hold (ids only grow): laid over
    the table when it is read, so replaying adds to a large film at open reads none of it."""

    __slots__ = ("piece", "count", "added")

    def __init__(self, piece: Piece, count: int) -> None:
        self.piece, self.count = piece, count
        self.added: dict[str, Record] | None = None

    def __len__(self) -> int:
        return self.count + (len(self.added) if self.added else 0)


def index_place(file: SnapshotFile, size: int) -> tuple[int, int, int] | None:
    """(offset, length, CRC32) of the index, from the snapshot's last line; None if the file does
    not end with one (cut short, or not an indexed snapshot)."""
    tail = file.read(max(0, size - TRAILER_BYTES), min(size, TRAILER_BYTES))
    if not tail.endswith(b"\n"):
        return None
    try:
        offset, length, crc = orjson.loads(tail[:-1].rsplit(b"\n", 1)[-1])["index"]
    except (ValueError, TypeError, KeyError):
        return None
    if not all(type(value) is int for value in (offset, length, crc)):
        return None
    return offset, length, crc


def snapshot_chunks(
    header: dict[str, Any],
    tables: Tables,
    digest: Digest,
    placed: dict[tuple[str, str], tuple[int, int, int]],
    copied: Callable[[Piece, str, str], bytes],
) -> Iterator[bytes]:
    """A snapshot, a line at a time (memory holds one table's JSON, never the whole snapshot
    twice): the header, a line per table, a line per posting of the digest, the index (where
    each line is, and the digest), and a last line saying where the index is. A table or
    posting not read since the last snapshot (a Piece) is copied as its bytes by copied(piece,
    kind, name), which checks them: damage is refused, never copied on. placed gets where each
    line went."""
    position = 0

    def line(key: tuple[str, str], data: bytes) -> bytes:
        nonlocal position
        placed[key] = (position, len(data), zlib.crc32(data))
        position += len(data)
        return data

    first = orjson.dumps(header) + b"\n"
    position = len(first)
    yield first
    counts: dict[str, int] = {}
    for name, table in tables.items():
        counts[name] = len(table)
        if type(table) is Unloaded:
            yield line(("table", name), copied(table.piece, "table", name))
        else:
            yield line(("table", name), orjson.dumps([name, table]) + b"\n")
    for kind, name, data in digest.lines():
        if isinstance(data, Piece):
            data = copied(data, kind, name)
        yield line((kind, name), data)
    index = orjson.dumps({
        "tables": {name: [*placed[("table", name)][:2], counts[name], placed[("table", name)][2]] for name in tables},
        "digest": digest.index(placed),
    }) + b"\n"
    at = position
    placed[("index", "")] = (at, len(index), zlib.crc32(index))
    yield index
    yield orjson.dumps({"index": [at, len(index), zlib.crc32(index)]}) + b"\n"
