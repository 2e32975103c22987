"""`critics check` and `critics repair`: read every record of a database and say what is damaged;
repair copies the damaged files aside first, then rebuilds from what is intact and says exactly
what it dropped. Nothing repairs automatically: opening a damaged database is refused."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from store.durable import decode_line, encode_line, write_atomically
from store.errors import StoreError
from store.indexes import Indexes
from store.records import FILMS, META, PUBLICATIONS, WrongShape, check_reviews, film_from_record, film_of_table
from store.changes import Tables, apply_op, undo_change
from store.digest import RULES as DIGEST_RULES, Digest
from store.durable import SnapshotFile
from store.snapshot import snapshot_chunks
from store.storage import JOURNAL_FORMAT, SCHEMA_VERSION, SNAPSHOT_FORMAT


@dataclass
class Checkup:
    """What a database holds that can be read, and every problem found on the way."""

    path: Path
    problems: list[str] = field(default_factory=list)  # damage: one line each, saying what is lost
    notes: list[str] = field(default_factory=list)  # not damage (a torn last entry, a stale journal)
    tables: Tables = field(default_factory=dict)
    generation: int = 0
    db_id: str | None = None
    entries: int = 0

    @property
    def films(self) -> int:
        return len(self.tables.get(FILMS, {}))

    @property
    def reviews(self) -> int:
        return sum(len(table) for name, table in self.tables.items() if film_of_table(name) is not None)


def examine(path: Path) -> Checkup:
    """Read the snapshot and the journal record by record; changes nothing."""
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    checkup = Checkup(path)
    try:
        snapshot = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path} does not exist") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    _read_snapshot(checkup, snapshot)
    journal = path.with_name(path.name + ".journal")
    try:
        _read_journal(checkup, journal.read_bytes(), journal)
    except FileNotFoundError:
        pass
    except OSError as exc:
        checkup.problems.append(f"{journal}: cannot be read ({exc.strerror or exc}): every change since the last compaction is lost")
    for name in list(checkup.tables):
        _keep_valid_records(checkup, name)
    return checkup


def _read_snapshot(checkup: Checkup, data: bytes) -> None:
    where = checkup.path
    first, _, rest = data.partition(b"\n")
    try:
        header = orjson.loads(first)
        if not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
            raise ValueError
        generation, schema = header["generation"], header["schema"]
        if type(generation) is not int or type(schema) is not int:
            raise ValueError
    except (ValueError, KeyError):
        raise StoreError(
            f"{where} has no readable Critics header, so it cannot be rebuilt; restore {where.name}.bak"
        ) from None
    if schema > SCHEMA_VERSION:
        raise StoreError(f"{where} was written by a newer Critics (schema {schema}); upgrade Critics")
    checkup.generation = generation
    checkup.db_id = header.get("db") if isinstance(header.get("db"), str) else None
    lines = rest.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    index = _read_index(checkup, data, len(first) + 1) if schema >= 3 else None
    crcs = {at: crc for at, _length, _count, crc in index["tables"].values()} if index else {}
    tables_read = 0
    position = len(first) + 1
    for number, line in enumerate(lines, 2):
        at, position = position, position + len(line) + 1
        try:
            item = orjson.loads(line)
            if schema >= 3 and (isinstance(item, dict) or (isinstance(item, list) and len(item) == 3)):
                continue  # the index, where it is, and the postings: checked by _read_index
            name, table = item
            if not isinstance(name, str) or not isinstance(table, dict):
                raise ValueError
        except (ValueError, TypeError):
            checkup.problems.append(f"{where} line {number}: unreadable ({len(line)} bytes): its table is lost")
            tables_read += 1
            continue
        tables_read += 1
        if at in crcs and zlib.crc32(line + b"\n") != crcs[at]:
            checkup.problems.append(
                f"{where} line {number} ({name}) fails its checksum: its records that still read are kept, each checked"
            )
        checkup.tables[name] = table
    if isinstance(header.get("tables"), int) and tables_read < header["tables"]:
        missing = header["tables"] - tables_read
        checkup.problems.append(f"{where}: cut short, {missing} table(s) missing at its end are lost")
    if index is not None:
        _compare_digest(checkup, index)


def _read_index(checkup: Checkup, data: bytes, start: int) -> dict[str, Any] | None:
    """An indexed snapshot's index (schema 3), or None with a problem saying it is damaged."""
    try:
        offset, length, crc = orjson.loads(data.rstrip(b"\n").rsplit(b"\n", 1)[-1])["index"]
        line = data[offset:offset + length]
        if zlib.crc32(line) != crc:
            raise ValueError("it fails its checksum")
        index = orjson.loads(line)
        if not isinstance(index.get("tables"), dict) or not isinstance(index.get("digest"), dict):
            raise ValueError("it is not an index")
        return index
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        checkup.problems.append(
            f"{checkup.path}: its index is damaged ({exc}): repair builds it again from the reviews (none is lost)"
        )
        return None


def _compare_digest(checkup: Checkup, index: dict[str, Any]) -> None:
    """Whether the index counts what the snapshot's reviews hold (before the journal)."""
    if index["digest"].get("rules") != DIGEST_RULES:
        checkup.notes.append(f"{checkup.path}: its index was built under other rules: the next write builds it again")
        return
    try:
        fd = os.open(checkup.path, os.O_RDONLY)
        file = SnapshotFile(checkup.path, fd)
        try:
            persisted = Digest.load(index["digest"], file).state()
        finally:
            file.close()
        # Every review that can be counted is (a damaged one is reported by _keep_valid_records).
        counted = Digest()
        for name, table in checkup.tables.items():
            film_id = film_of_table(name)
            for key, record in table.items() if film_id is not None else ():
                try:
                    counted.add(film_id, key, record, 1)
                except (KeyError, TypeError, ValueError, AttributeError):
                    pass
        fresh = counted.state()
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        checkup.problems.append(
            f"{checkup.path}: its index is damaged ({exc}): repair builds it again from the reviews (none is lost)"
        )
        return
    if persisted != fresh:
        checkup.problems.append(
            f"{checkup.path}: its index does not count what its reviews hold: repair builds it again (no review is lost)"
        )


def _read_journal(checkup: Checkup, data: bytes, journal: Path) -> None:
    lines = data.split(b"\n")
    tail = lines.pop()
    if tail:
        checkup.notes.append(f"{journal}: an incomplete last entry ({len(tail)} bytes) from an interrupted write is dropped")
    offset = 0
    schema = 1
    expected = 1
    for index, line in enumerate(lines):
        record = decode_line(line)
        here = f"{journal} at byte {offset}"
        offset += len(line) + 1
        if index == 0:
            if record is None or record.get("format") != JOURNAL_FORMAT or type(record.get("generation")) is not int:
                checkup.problems.append(f"{here}: not a journal header: every change since the last compaction is lost")
                return
            if record.get("db") not in (None, checkup.db_id):
                checkup.problems.append(f"{journal} belongs to another database: ignored (its changes are not this database's)")
                return
            if record["generation"] < checkup.generation:
                checkup.notes.append(f"{journal} is older than the snapshot, which holds it: ignored")
                return
            if record["generation"] > checkup.generation:
                checkup.problems.append(f"{journal} is newer than the snapshot (an older copy?): its changes are lost")
                return
            schema = record.get("schema", 1) if type(record.get("schema", 1)) is int else 1
            continue
        if record is None:
            checkup.problems.append(f"{here}: an entry fails its checksum: that change is lost")
            expected += 1  # it held the entry due here, most likely: the next one is not out of sequence
            continue
        if schema < 2:
            tables = record.get("tables")
            ops = [["table", name, table] for name, table in tables.items()] if isinstance(tables, dict) else None
        else:
            if record.get("db") != checkup.db_id:
                checkup.problems.append(f"{here}: an entry of another database: ignored")
                continue
            if record.get("seq") != expected:
                checkup.problems.append(f"{here}: entry {record.get('seq')!r} where entry {expected} was due (applied in file order)")
            expected = record["seq"] + 1 if type(record.get("seq")) is int else expected + 1
            ops = record.get("ops")
        if not _apply_all(checkup.tables, ops):
            checkup.problems.append(f"{here}: an entry that does not apply: that change is lost")
            continue
        checkup.entries += 1


def _apply_all(tables: Tables, ops: Any) -> bool:
    """Apply an entry's operations, all or none."""
    if not isinstance(ops, list):
        return False
    done = []
    try:
        for op in ops:
            done.append(apply_op(tables, op))
    except ValueError:
        for change in reversed(done):
            undo_change(tables, change)
        return False
    return True


def _keep_valid_records(checkup: Checkup, name: str) -> None:
    """Drop the records of a table that Critics would refuse, one problem line each."""
    table = checkup.tables[name]
    film_id = film_of_table(name)
    for key, record in list(table.items()):
        try:
            if name == FILMS:
                film_from_record(key, record)
            elif name == PUBLICATIONS:
                Indexes().load_publications({key: record})
            elif name == META:
                Indexes().load_counters({key: record})
            elif film_id is not None:
                check_reviews(film_id, {key: record})
            else:
                return  # a table Critics does not use (a TinyDB script's): kept as it is
        except (WrongShape, KeyError, TypeError, ValueError, AttributeError) as exc:
            del table[key]
            what = f"review {key} of film {film_id}" if film_id is not None else f"record {key} of {name!r}"
            checkup.problems.append(f"{checkup.path}: {what} is damaged ({exc}): dropped")
    if not table:
        del checkup.tables[name]


def repair(path: Path) -> tuple[Checkup, list[Path]]:
    """Copy the database's files aside, then rebuild it from what is intact (under its lock);
    the checkup that says what was dropped, and the copies."""
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    if not path.is_file():
        raise StoreError(f"{path} does not exist")
    lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    rebuilt = False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        checkup = examine(path)
        if not checkup.problems:
            return checkup, []
        stamp = time.strftime("%Y%m%dT%H%M%S")
        copies = []
        for original in (path, path.with_name(path.name + ".journal")):
            if original.exists():
                copy = original.with_name(f"{original.name}.damaged-{stamp}")
                shutil.copy2(original, copy)
                copies.append(copy)
        generation = checkup.generation + 1
        db_id = checkup.db_id or os.urandom(8).hex()
        header = {"format": SNAPSHOT_FORMAT, "schema": SCHEMA_VERSION, "generation": generation,
                  "tables": len(checkup.tables), "db": db_id}
        body = b"".join(
            snapshot_chunks(header, checkup.tables, Digest.build(checkup.tables), {}, lambda *_piece: b"")
        )
        # The snapshot first: until the new journal replaces the old one, that is stale and ignored.
        write_atomically(path, body)
        rebuilt = True
        write_atomically(
            path.with_name(path.name + ".journal"),
            encode_line({"format": JOURNAL_FORMAT, "schema": SCHEMA_VERSION, "generation": generation, "db": db_id}),
        )
        return checkup, copies
    except OSError as exc:
        done = "it was rebuilt, and its old journal is ignored" if rebuilt else "it was left as it was"
        raise StoreError(f"could not finish repairing {path}: {exc.strerror or exc}; {done}") from None
    finally:
        os.close(lock)
