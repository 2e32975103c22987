"""A TinyDB storage that makes each change durable in milliseconds and survives kill -9.

This is the only module that knows TinyDB's internals (docs/tinydb.md says what the stock
storage does and why it is not enough; docs/architecture.md has the formats). The data lives
in two files beside each other:

- ``critics.json``: an atomic snapshot (temp file, fsync, os.replace, fsync of the folder);
- ``critics.json.journal``: an append-only journal, one checksummed line per committed
  transaction holding its changes record by record (a put or a removal of one review, film or
  publication; a whole table only for a TinyDB write), with the database's id and a sequence
  number; fsynced before a write returns.

Every transaction holds an exclusive flock on ``critics.json.lock`` and first catches up with
what other processes appended, so two processes never lose each other's writes. Only an
unterminated last line is a torn write (appends are serialised by the lock): it is dropped on
open and reported. A complete line that fails its checksum, a line of another database, or
lines out of sequence are damage: the open is refused, files untouched. Compaction folds the
journal into a new snapshot, keeping the previous snapshot as ``critics.json.bak``; the first
write to a database of an older schema does the same (the migration).

Two ways in:
- the repository's: ``put`` / ``remove`` / ``insert_many`` / ``table`` inside ``transaction()``;
- TinyDB's: ``TinyDB(path, storage=JournaledStorage)``. Outside ``transaction()`` each TinyDB
  write is its own durable transaction; inside one, it joins it. A write is refused if another
  process changed the same table since TinyDB read it; a write that fails leaves memory as the
  files have it. An empty table is kept (``truncate()``, ``persist_empty``); a journal line
  writes null for a dropped one. Each TinyDB write journals the whole table it changed (its
  update() changes documents in place, so no record-level difference can be told), so a
  TinyDB user calls ``compact()`` now and then (tests/store/test_storage_tinydb.py;
  tests/store/test_tinydb_suite.py runs TinyDB's own suite against this storage).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping

import orjson
from tinydb.storages import Storage

# The TinyDB this storage is written against (pinned in pyproject.toml): write() tells the
# changed tables by identity because Table._update_table puts a new dict for the table it writes
# into the dict read() gave it (docs/tinydb.md); tests/store/test_tinydb_suite.py runs this
# version's own test suite against the storage. A new TinyDB means re-reading that code first.
TINYDB_VERSION = "4.9.0"

from store.changes import Change, Changes, Record, Reloaded, Tables, apply_op, op_of, undo_change
from store.digest import RULES as DIGEST_RULES, Digest, is_review_table
from store.durable import Piece, SnapshotFile, decode_line, describe, encode_line, unreadable, write_atomically
from store.errors import StoreError
from store.records import WrongShape, film_of_table
from store.snapshot import Unloaded, index_place, snapshot_chunks

# 1: a journal line holds whole tables. 2: record-level journal lines with the database's id
# and a sequence number; the snapshot names the database. 3: the snapshot ends with an index
# (where each table is, and the digest: store/digest.py), so opening reads no review.
SCHEMA_VERSION = 3
# Automatic compaction: once the journal is past a sixteenth of what opening reads of the
# snapshot (its index and its small tables; the whole file for a snapshot without an index), and
# past 64 KiB, so a small database does not compact at every few writes. Replaying a journal
# costs about 2.5 times what reading as many bytes of the index does (tests and the bench's
# growth measure), so this keeps an open within about 1.2x of the compacted store's.
COMPACT_FRACTION = 16
COMPACT_AFTER_BYTES = 64 << 10
# A transaction that changes a quarter of all records is committed as a new snapshot (below).
BULK_FRACTION = 4
# A transaction of at least this many changes, and a quarter of all records, is committed as a
# new snapshot (a large import): see JournaledStorage._commits_as_snapshot.
BULK_CHANGES = 4096
SNAPSHOT_FORMAT = "critics"
JOURNAL_FORMAT = "critics-journal"

_EMPTY: dict[str, Record] = {}
class _HandedOut(dict):
    """The outer dict read() hands to TinyDB, remembering the tables it held then."""

    __slots__ = ("handed_out",)

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.handed_out = dict(tables)


def _ops(changes: Changes) -> list[list[Any]]:
    """A transaction's journal operations. A whole-table change writes the table as it is at the
    commit (tables are never copied), so the record changes to that table after it in the same
    transaction are already in it and are left out: replayed, a "del" of a record the table no
    longer holds would read as damage."""
    whole: set[str] = set()
    ops = []
    for change in changes:
        if change.key is None:
            whole.add(change.table)
        elif change.table in whole:
            continue
        ops.append(op_of(change))
    return ops


class JournaledStorage(Storage):
    """TinyDB storage: in-memory tables, journal + snapshot on disk (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        # A link to a database works on its target: journal, lock and backup live beside the
        # target, and a compaction replaces the target, so the link stays a link.
        self.path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backup_path = self.path.with_name(self.path.name + ".bak")
        self.warnings: list[str] = []
        self._tables: Tables = {}  # a table not read yet is Unloaded
        self.digest = Digest()
        self._snapshot_file: SnapshotFile | None = None
        self._rewrite_on_write = False  # a digest built under other rules: the next write persists it
        self._open_bytes = 0  # what opening reads of the snapshot (compaction_due)
        self._snapshot_max_review = 1 << 62  # the snapshot holds no review id above this
        self._generation = 0
        self._snapshot_id: tuple[int, ...] | None = None
        self._journal_id: tuple[int, ...] | None = None
        self._journal_offset = 0
        self._journal_fd: int | None = None
        self._lock_fd: int | None = None
        self._schema = SCHEMA_VERSION
        self._db_id: str | None = None
        self._sequence = 0  # of the last journal line read or written
        self._pending: Changes | None = None  # the open transaction's changes, in order
        self._reload_on_rollback = False
        self._stale_journal = False
        self._torn_tail = 0
        self._broken: str | None = None
        self._made_lock = False
        # flock is per open file, so threads of this process also need a lock of their own.
        self._thread_lock = threading.Lock()
        self._check_location()
        try:
            with self._locked(for_write=False):
                self._load()
        except BaseException:
            self.close()  # a refused open keeps no file open and leaves no lock file behind
            raise

    # -- TinyDB's Storage interface -------------------------------------------------------

    def read(self) -> Tables:
        """What this process holds (``refresh()`` catches up with other processes; every
        write does so first). A new outer dict each time, remembering the tables it held:
        TinyDB puts the table it writes into it before calling write(), which tells the
        changed tables by identity."""
        self._load_all()
        return _HandedOut(self._tables)

    def write(self, data: Tables) -> None:
        # The tables as read() handed them to TinyDB (drop_tables() passes a dict of its own):
        # compared with those, and not with what this storage holds now, a catch-up between
        # TinyDB's read and its write (another thread's refresh()) is not written back as a change.
        base = data.handed_out if isinstance(data, _HandedOut) else dict(self._tables)
        changed = {name for name in data.keys() | base.keys() if data.get(name) is not base.get(name)}
        if not changed:
            return
        if self._pending is not None:  # inside transaction(): the write joins it
            self._take_tinydb_tables(data, changed)
            return
        entered = False
        try:
            with self.transaction():
                entered = True
                for name in changed:
                    now, read = self._tables.get(name), base.get(name)
                    if now is not read and now != read:
                        raise StoreError(
                            f"could not save to {self.path}: table {name!r} was changed by another process since "
                            f"it was read; nothing was saved (read it again and retry)"
                        )
                self._take_tinydb_tables(data, changed)
        except BaseException:
            if not entered:
                # Refused before the transaction began (read-only, damaged files): TinyDB's
                # update() has already changed documents in place in the tables held here.
                with self._locked(for_write=False):
                    self._reread()
            raise

    def close(self) -> None:
        if self._snapshot_file is not None:
            self._snapshot_file.close()
            self._snapshot_file = None
        for fd in (self._journal_fd, self._lock_fd):
            if fd is not None:
                os.close(fd)
        self._journal_fd = self._lock_fd = None
        if self._made_lock and self._snapshot_id is None and not self.path.exists():
            try:  # nothing was ever written: leave no lock file for a database that never was
                os.unlink(self.lock_path)
            except OSError:
                pass
        self._made_lock = False

    def _take_tinydb_tables(self, data: Tables, names: set[str]) -> None:
        # TinyDB's update() changes documents in place, inside tables this storage holds, so
        # the tables kept for a rollback may already be changed: a failed commit re-reads the
        # files instead.
        self._reload_on_rollback = True
        for name in sorted(names):
            old = self._tables.get(name)
            if name in data:
                self._tables[name] = new = data[name]  # an empty table too: TinyDB lists it (truncate, persist_empty)
            else:
                self._tables.pop(name, None)
                new = None
            self._log(Change(name, None, old, new))
        if any(is_review_table(name) for name in names):
            # TinyDB changed those documents in place: what they held before is gone, so the
            # digest is counted again (a script's write; the repository never writes this way).
            self._build_digest()

    # -- the repository's interface (inside transaction()) ----------------------------------

    def table(self, name: str) -> Mapping[str, Record]:
        """One table as held now (empty if it does not exist), read from the snapshot and
        checked when first asked for (StoreError naming the film if it is damaged); never
        change it in place."""
        table = self._tables.get(name, _EMPTY)
        if type(table) is Unloaded:
            table = self._tables[name] = self._read_table(name, table)
        return table

    def peek(self, name: str) -> Mapping[str, Record]:
        """Like table(), but a table still on disk is read without being kept (an export or a
        search reads every film once: keeping them all would hold the whole database)."""
        table = self._tables.get(name, _EMPTY)
        if type(table) is Unloaded:
            return self._read_table(name, table)
        return table

    def is_loaded(self, name: str) -> bool:
        return type(self._tables.get(name)) is not Unloaded

    def _read_table(self, name: str, unloaded: Unloaded) -> dict[str, Record]:
        try:
            found, table = orjson.loads(unloaded.piece.read())
            if found != name or type(table) is not dict or len(table) != unloaded.count:
                raise ValueError("it is not the table the index says")
            film_id = film_of_table(name)
            if film_id is not None:
                self.digest.check(film_id, table)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise StoreError(f"{self.path} is damaged: {self._table_label(name)} cannot be read ({exc}); "
                             f"the rest can be (`critics check` says what is damaged)") from None
        if unloaded.added:
            table.update(unloaded.added)  # checked as the journal was replayed
        return table

    def _table_label(self, name: str) -> str:
        film_id = film_of_table(name)
        if film_id is None:
            return f"the table {name!r}"
        film = self._tables.get("films", {}).get(str(film_id)) if self.is_loaded("films") else None
        title = film.get("title") if isinstance(film, dict) else None
        return f"the reviews of film {film_id}" + (f" ({title})" if isinstance(title, str) else "")

    def _load_all(self) -> None:
        for name, table in list(self._tables.items()):
            if type(table) is Unloaded:
                self._tables[name] = self._read_table(name, table)

    def table_names(self) -> list[str]:
        return list(self._tables)

    def pending(self) -> Changes:
        """The changes made so far in the open transaction, in order."""
        return Changes(self._pending or ())

    def put(self, name: str, doc_id: int, record: Record) -> None:
        """Insert or replace one record."""
        table = self.table(name) if name in self._tables else None
        if table is None:
            table = self._tables[name] = {}
        key = str(doc_id)
        change = Change(name, key, table.get(key), record)
        self._log(change)
        table[key] = record  # type: ignore[index]
        self.digest.changed(name, key, change.old, record)

    def remove(self, name: str, doc_id: int) -> None:
        table = self.table(name)
        key = str(doc_id)
        old = table[key]
        self._log(Change(name, key, old, None))
        del table[key]  # type: ignore[attr-defined]
        if not table:
            del self._tables[name]  # the repository keeps no empty table (nor does the snapshot)
        self.digest.changed(name, key, old, None)

    def insert_many(self, name: str, records: Mapping[int, Record]) -> None:
        """Insert or replace many records of one table (put's changes, logged in one step). A
        table that does not exist yet is logged as one whole-table change, not one per record
        (a large import's films: a million changes fewer in memory)."""
        if self._pending is None:
            raise StoreError("internal error: a write outside a transaction was refused")
        table = self.table(name) if name in self._tables else None
        if table is None:
            if records:
                table = self._tables[name] = {str(doc_id): record for doc_id, record in records.items()}
                self._pending.append(Change(name, None, None, table))
                self.digest.changed(name, None, None, table)
            return
        get = table.get
        changes = [Change(name, str(doc_id), get(str(doc_id)), record) for doc_id, record in records.items()]
        self._pending.extend(changes)
        table.update((change.key, change.new) for change in changes)  # type: ignore[attr-defined]
        for change in changes:
            self.digest.changed(name, change.key, change.old, change.new)

    def _log(self, change: Change) -> None:
        if self._pending is None:
            raise StoreError("internal error: a write outside a transaction was refused")
        self._pending.append(change)

    # -- public -----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Changes]:
        """Lock, catch up with other processes (yielding what they changed), then commit every
        change made inside as one durable journal line, or roll back."""
        if self._pending is not None:
            raise StoreError("internal error: transactions do not nest")
        with self._locked(for_write=True):
            caught = self._catch_up_or_repair()
            if (self._schema < SCHEMA_VERSION or self._rewrite_on_write) and self._snapshot_id is not None:
                self._migrate()
            self._pending = Changes()
            self._reload_on_rollback = False
            try:
                yield caught
                if self._pending and self._commits_as_snapshot(self._pending):
                    self._commit_as_snapshot()
                elif self._pending:
                    self._commit(self._pending)
            except BaseException:
                self._roll_back()
                raise
            finally:
                self._pending = None
                self._reload_on_rollback = False

    def _roll_back(self) -> None:
        """Put back the tables as they were before the transaction (under its lock)."""
        if self._reload_on_rollback:
            self._reread()
            return
        # Records are never changed in place, so undoing each change, newest first, restores
        # every table (the same dict objects) exactly, and the digest with them.
        for change in reversed(self._pending or ()):
            undo_change(self._tables, change)
            self.digest.changed(change.table, change.key, change.new, change.old)

    def _migrate(self) -> None:
        """The first write to a database of an older schema: a snapshot in this schema first
        (the previous one kept as the .bak file), then the write goes to a journal of this schema."""
        self._write_snapshot(self._generation + 1, folded=True)

    def _reread(self) -> None:
        """Read the files afresh after a failed TinyDB write (under the lock), without hiding
        why it failed: if they cannot be read now, memory holds what could be read (never the
        failed change) and the next transaction reads them afresh."""
        try:
            self._load()
        except (OSError, StoreError) as exc:
            self._broken = f"{self.path} could not be read again after a failed write ({exc})"

    def refresh(self) -> Changes:
        """Catch up with what other processes committed; what they changed."""
        if not self.path.exists() and self._snapshot_id is None:
            return Changes()
        with self._locked(for_write=False):
            return self._catch_up()

    def compact(self) -> Changes:
        """Fold the journal into a new snapshot (the previous one kept as the .bak file);
        what other processes had changed, which the caller must take in."""
        with self._locked(for_write=True):
            caught = self._catch_up_or_repair()
            self._write_snapshot(self._generation + 1, folded=True)
            return caught

    def compaction_due(self) -> bool:
        """Whether the journal has outgrown its snapshot (docs/architecture.md: a sixteenth of
        what opening reads of the snapshot, and at least COMPACT_AFTER_BYTES)."""
        return self._journal_offset > max(COMPACT_AFTER_BYTES, self._open_bytes // COMPACT_FRACTION)

    @property
    def journal_bytes(self) -> int:
        """How much journal this process has read or written past the snapshot."""
        return self._journal_offset

    @property
    def snapshot_bytes(self) -> int:
        return self._snapshot_id[3] if self._snapshot_id is not None else 0

    def replace_all(self, tables: Tables) -> None:
        """Write tables as the whole database in one atomic snapshot (bulk loads)."""
        with self._locked(for_write=True):
            self._catch_up()
            self._tables.clear()
            self._tables.update(tables)
            self._build_digest()
            self._write_snapshot(self._generation + 1)

    # -- locking ----------------------------------------------------------------------------

    def _check_location(self) -> None:
        folder = self.path.parent
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a Critics database file")
        if not folder.is_dir():
            raise StoreError(f"cannot open {self.path}: the folder {folder} does not exist")

    def _check_writable(self) -> None:
        """Refuse to change a database whose file or folder was made read-only (a writable
        journal beside it would otherwise still take changes, and a compaction replace it)."""
        for place, what in ((self.path, "the file"), (self.path.parent, "the folder")):
            if not os.access(place, os.W_OK) and (place.exists() or what == "the folder"):
                raise StoreError(f"cannot write to {self.path}: {what} {place} is read-only; nothing was saved")

    @contextmanager
    def _locked(self, *, for_write: bool) -> Iterator[None]:
        if for_write:
            self._check_writable()
        with self._thread_lock:
            with self._file_locked(for_write=for_write):
                yield

    @contextmanager
    def _file_locked(self, *, for_write: bool) -> Iterator[None]:
        if self._lock_fd is None:
            if not for_write and not self.path.exists() and not self.lock_path.exists():
                yield  # nothing to read yet: no lock file is made for a database that is not there
                return
            try:
                made = not self.lock_path.exists()
                self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
                self._made_lock = self._made_lock or made
            except OSError as exc:
                if for_write:
                    raise StoreError(f"cannot write to {self.path}: {describe(exc)} ({self.lock_path})") from None
                # A read-only place: reading without the lock is safe enough, since
                # snapshots are replaced atomically and a torn journal tail is ignored.
                yield
                return
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    # -- reading ----------------------------------------------------------------------------

    @staticmethod
    def _file_id(st: os.stat_result) -> tuple[int, ...]:
        return (st.st_dev, st.st_ino)

    @staticmethod
    def _snapshot_file_id(st: os.stat_result) -> tuple[int, ...]:
        # A snapshot is never changed after its rename, so its mtime and size tell two apart
        # even when a later snapshot reuses a freed inode number (the .bak link frees it).
        return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)

    def _load(self) -> None:
        """Read snapshot and journal into memory; refuse anything damaged or too new."""
        self._tables = {}
        self._generation = 0
        self._schema = SCHEMA_VERSION
        self._db_id = None
        self._sequence = 0
        self._snapshot_id = self._journal_id = None
        self._journal_offset = 0
        self._stale_journal = False
        self._torn_tail = 0
        self.digest = Digest()
        self._rewrite_on_write = False
        self._snapshot_max_review = 1 << 62
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        if self._snapshot_file is not None:
            self._snapshot_file.close()  # tables not read yet hold it: they are dropped with it
            self._snapshot_file = None
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                tables, generation, self._schema, self._db_id = self._parse_snapshot(handle, st.st_size)
        except FileNotFoundError:
            if self.journal_path.exists():
                raise StoreError(
                    f"{self.path} is missing but its journal {self.journal_path} exists; "
                    f"restore the snapshot (or {self.backup_path.name}) before opening"
                ) from None
            return
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {describe(exc)}") from None
        self._tables.update(tables)
        self._generation = generation
        self._snapshot_id = self._snapshot_file_id(st)
        if self._schema < 3:
            self._open_bytes = st.st_size
        if self._schema < 3 or self._rewrite_on_write:
            self._build_digest()
        self._read_journal(initial=True)

    def _build_digest(self) -> None:
        """Count the digest from every review (a database without one, or one built under other
        rules): reads every table, checking each record."""
        self._load_all()
        try:
            self.digest = Digest.build(self._tables)
        except (WrongShape, KeyError, TypeError, ValueError, AttributeError) as exc:
            detail = str(exc) if isinstance(exc, WrongShape) else f"a record has the wrong shape: {type(exc).__name__} {exc}"
            raise StoreError(f"{self.path} is damaged ({detail}); it was left untouched") from None

    def _parse_snapshot(self, handle: BinaryIO, size: int) -> tuple[Tables, int, int, str | None]:
        """Header line, then one line per table: parsed a line at a time, so memory never
        holds the whole file and its objects at once. An indexed snapshot (schema 3) is read
        by its index instead: its small tables now, each film's reviews when first asked for."""
        where = str(self.path)
        first = handle.readline()
        if not first.strip():
            raise StoreError(f"{where} is empty; it was left untouched")
        try:
            header = orjson.loads(first)
        except orjson.JSONDecodeError:
            if first.strip() in (b"{", b"["):  # pretty-printed JSON: most likely an export
                raise StoreError(
                    f"{where} is not a Critics database (no \"format\": \"critics\" header; if it is an export, "
                    f"`critics import` reads it); it was left untouched"
                ) from None
            raise StoreError(f"{where} is not valid JSON (line 1: {unreadable(first, 'not a header')}); it was left untouched") from None
        if not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
            raise StoreError(f"{where} is not a Critics database (no \"format\": \"critics\" header); it was left untouched")
        schema = header.get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool):
            raise StoreError(f"{where} has no valid schema version; it was left untouched")
        if schema > SCHEMA_VERSION:
            raise StoreError(
                f"{where} was written by a newer Critics (schema {schema}; this one reads up to "
                f"{SCHEMA_VERSION}); upgrade Critics to open it"
            )
        generation, count, db_id = header.get("generation"), header.get("tables"), header.get("db")
        if not isinstance(generation, int) or not isinstance(count, int):
            raise StoreError(f"{where} is damaged (generation or table count missing); it was left untouched")
        if (schema >= 2) != isinstance(db_id, str):
            raise StoreError(f"{where} is damaged (its database id is missing or wrong); it was left untouched")
        if schema >= 3:
            return self._parse_indexed(handle, size, count), generation, schema, db_id
        tables: Tables = {}
        for number, line in enumerate(handle, 2):
            try:
                name, table = orjson.loads(line)
            except (orjson.JSONDecodeError, ValueError, TypeError):
                reason = unreadable(line, "not a table")
                raise StoreError(f"{where} is damaged at line {number} ({reason}); it was left untouched") from None
            if not isinstance(name, str) or not isinstance(table, dict):
                raise StoreError(f"{where} is damaged at line {number} (not a table); it was left untouched")
            # The records' shape is checked by the repository as it indexes them: one visit each.
            tables[name] = table
        if len(tables) != count:
            raise StoreError(
                f"{where} is truncated or damaged ({len(tables)} of {count} tables); it was left untouched"
            )
        return tables, generation, schema, db_id

    def _parse_indexed(self, handle: BinaryIO, size: int, count: int) -> Tables:
        """The index (located by the last line), then the tables that are not a film's reviews;
        those stay on disk (Unloaded) until asked for, and the digest comes from the index."""
        where = str(self.path)
        file = SnapshotFile(self.path, os.dup(handle.fileno()))
        try:
            where_index = index_place(file, size)
            if where_index is None:
                raise StoreError(f"{where} is truncated or damaged (no index at its end); it was left untouched")
            offset, length, crc = where_index
            index = orjson.loads(Piece(file, offset, length, crc).read())
            placed = index["tables"]
            if len(placed) != count:
                raise ValueError(f"{len(placed)} of {count} tables")
            tables: Tables = {}
            self._open_bytes = length
            for name, (at, length, records, crc) in placed.items():
                unloaded = Unloaded(Piece(file, at, length, crc), records)
                if is_review_table(name):
                    tables[name] = unloaded  # type: ignore[assignment]
                else:
                    tables[name] = self._read_table(name, unloaded)
                    self._open_bytes += length
            if index["digest"].get("rules") == DIGEST_RULES:
                self.digest = Digest.load(index["digest"], file)
                self._snapshot_max_review = self.digest.max_review
            else:
                self._rewrite_on_write = True  # built again by _load, persisted by the next write
        except StoreError:
            file.close()
            raise
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            file.close()
            raise StoreError(f"{where} is damaged (its index: {exc}); it was left untouched") from None
        self._snapshot_file = file
        return tables

    def _read_journal(self, *, initial: bool) -> Changes:
        """Apply journal lines past the offset read so far; the changes they made."""
        try:
            fd = os.open(self.journal_path, os.O_RDONLY)
        except FileNotFoundError:
            return Changes()
        except OSError as exc:
            raise StoreError(f"cannot read {self.journal_path}: {describe(exc)}") from None
        try:
            st = os.fstat(fd)
            os.lseek(fd, self._journal_offset, os.SEEK_SET)
            chunks = []
            while chunk := os.read(fd, 1 << 22):
                chunks.append(chunk)
        finally:
            os.close(fd)
        self._journal_id = self._file_id(st)
        data = b"".join(chunks)
        changes = Changes()
        offset = self._journal_offset
        lines = data.split(b"\n")
        tail = lines.pop()  # after the last newline: b"" unless the last append was torn
        for line in lines:
            # A complete line (its newline written last) that fails its checksum is damage,
            # never a torn write: refused, so no acknowledged change is silently dropped.
            record = decode_line(line)
            if record is None:
                self._refuse_journal(offset, "a complete entry fails its checksum")
            if offset == 0:
                if self._read_header(record, len(data) - len(tail)):
                    return changes  # a stale journal: the snapshot already holds it
            elif not self._stale_journal:
                self._apply_entry(record, offset, changes)
            offset += len(line) + 1
        self._journal_offset = offset
        if tail:
            # A crash tore the last append: it was never acknowledged, so dropping it loses nothing.
            self._torn_tail = len(tail)
            if initial:
                self.warnings.append(
                    f"{self.journal_path}: dropped an incomplete last entry ({len(tail)} bytes) left by an interrupted write"
                )
        else:
            self._torn_tail = 0
        return changes

    def _refuse_journal(self, offset: int, why: str) -> None:
        raise StoreError(f"{self.journal_path} is damaged at byte {offset} ({why}); it was left untouched")

    def _read_header(self, record: dict[str, Any], end: int) -> bool:
        """Check the journal's first line against the snapshot; True if the journal is stale."""
        schema = record.get("schema", 1)
        if record.get("format") != JOURNAL_FORMAT or type(record.get("generation")) is not int or type(schema) is not int:
            raise StoreError(f"{self.journal_path} is not a Critics journal; it was left untouched")
        if schema > SCHEMA_VERSION:
            raise StoreError(f"{self.journal_path} was written by a newer Critics; upgrade Critics to open it")
        if record.get("db") is not None and record.get("db") != self._db_id:
            raise StoreError(
                f"{self.journal_path} belongs to another database than {self.path.name}; both were left untouched"
            )
        if record["generation"] > self._generation:
            raise StoreError(
                f"{self.journal_path} is newer than {self.path.name} (was the snapshot replaced by an "
                f"older copy?); both were left untouched"
            )
        if record["generation"] < self._generation:
            # Left over from before a compaction that the snapshot already holds.
            self._journal_offset = end
            self._stale_journal = True
            self._torn_tail = 0
            return True
        if schema != self._schema or record.get("db") != self._db_id:
            raise StoreError(
                f"{self.journal_path} belongs to another database than {self.path.name}; both were left untouched"
            )
        self._stale_journal = False
        self._sequence = 0
        return False

    def _apply_entry(self, record: dict[str, Any], offset: int, changes: Changes) -> None:
        """Apply one committed entry: all of its changes, or none (the open is refused)."""
        if self._schema < 2:
            tables = record.get("tables")
            if not isinstance(tables, dict) or not all(t is None or isinstance(t, dict) for t in tables.values()):
                self._refuse_journal(offset, "not an entry")
            for name, table in tables.items():
                changes.append(apply_op(self._tables, ["table", name, table]))
            return
        if record.get("db") != self._db_id:
            self._refuse_journal(offset, "an entry of another database")
        if record.get("seq") != self._sequence + 1:
            self._refuse_journal(offset, f"entry {record.get('seq')!r} where entry {self._sequence + 1} was due")
        ops = record.get("ops")
        if not isinstance(ops, list):
            self._refuse_journal(offset, "not an entry")
        done = Changes()
        try:
            for op in ops:
                change = None
                unloaded = self._tables.get(op[1]) if isinstance(op, list) and len(op) > 1 and isinstance(op[1], str) else None
                if type(unloaded) is Unloaded:
                    change = self._put_unread(unloaded, op)
                    if change is None:
                        self.table(op[1])  # an edit or a removal: read the film before it changes
                if change is None:
                    change = apply_op(self._tables, op)
                try:
                    self.digest.changed(change.table, change.key, change.old, change.new)  # checks the record first
                except BaseException:
                    self._undo(change)
                    raise
                done.append(change)
        except (ValueError, TypeError, KeyError, AttributeError):
            for change in reversed(done):
                self._undo(change)
                self.digest.changed(change.table, change.key, change.new, change.old)
            self._refuse_journal(offset, "an entry that does not apply")
        self._sequence += 1
        changes.extend(done)

    def _put_unread(self, unloaded: Unloaded, op: list[Any]) -> Change | None:
        """A journal put of a record under an id the snapshot cannot hold (past its highest id),
        to a table not read yet: laid over it (Unloaded.added) instead of reading the table."""
        if op[0] != "put" or len(op) != 4 or not isinstance(op[2], str) or not isinstance(op[3], dict):
            return None
        key = op[2]
        if not key.isdigit() or int(key) <= self._snapshot_max_review or (unloaded.added and key in unloaded.added):
            return None
        if unloaded.added is None:
            unloaded.added = {}
        unloaded.added[key] = op[3]
        return Change(op[1], key, None, op[3])

    def _undo(self, change: Change) -> None:
        table = self._tables.get(change.table)
        if type(table) is Unloaded and change.key is not None and table.added and change.key in table.added:
            del table.added[change.key]
            return
        undo_change(self._tables, change)

    def _catch_up(self) -> Changes:
        """Bring memory up to date with the files (under the lock)."""
        try:
            snap = self._snapshot_file_id(os.stat(self.path))
        except FileNotFoundError:
            snap = None
        if snap != self._snapshot_id and not self._adopt():
            self._load()
            return Reloaded()
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            return Changes()
        if self._journal_id is not None and self._file_id(st) != self._journal_id:
            self._load()
            return Reloaded()
        if st.st_size < self._journal_offset:
            self._load()
            return Reloaded()
        if st.st_size == self._journal_offset + self._torn_tail:
            return Changes()
        return self._read_journal(initial=False)

    def _adopt(self) -> bool:
        """Take a snapshot another process compacted from exactly what this one holds, reading
        only its header (the browser's background compaction); False if it must be read whole."""
        if self._snapshot_id is None or self._stale_journal:
            return False
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                header = orjson.loads(handle.readline())
        except (OSError, ValueError):
            return False
        if not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
            return False
        schema, generation, db_id = header.get("schema"), header.get("generation"), header.get("db")
        if type(schema) is not int or not self._schema <= schema <= SCHEMA_VERSION or type(generation) is not int:
            return False
        if header.get("folded") != {"generation": self._generation, "offset": self._journal_offset}:
            return False
        if not isinstance(db_id, str) or self._db_id not in (None, db_id):
            return False
        self._snapshot_id = self._snapshot_file_id(st)
        self._generation, self._schema, self._db_id = generation, schema, db_id
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        self._journal_id, self._journal_offset, self._sequence, self._torn_tail = None, 0, 0, 0
        return True

    def _catch_up_or_repair(self) -> Changes:
        """_catch_up, or after an append that could not be cut back, read the files afresh
        (under the lock): a torn line is then dropped as a torn tail and cut off by the next
        append, and a whole one is taken in like any other process's change."""
        if not self._broken:
            return self._catch_up()
        self._load()
        self._broken = None
        return Reloaded()

    # -- writing ----------------------------------------------------------------------------

    def _open_journal_for_append(self) -> int:
        if self._snapshot_id is None:
            # A new database: the snapshot comes first, so a journal never stands alone.
            self._write_snapshot(1, tables={})
        if self._stale_journal or self._journal_id is None:
            self._new_journal()
        if self._journal_fd is None:
            self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND)
        if self._torn_tail:
            os.ftruncate(self._journal_fd, self._journal_offset)
            os.fsync(self._journal_fd)
            self._torn_tail = 0
        return self._journal_fd

    def _commit(self, changes: Changes) -> None:
        try:
            fd = self._open_journal_for_append()
            line = encode_line({"db": self._db_id, "seq": self._sequence + 1, "ops": _ops(changes)})
            written = 0
            view = memoryview(line)
            while written < len(line):
                written += os.write(fd, view[written:])
            os.fsync(fd)
        except OSError as exc:
            self._undo_partial_append()
            if self._broken:
                raise StoreError(
                    f"could not save to {self.path}: {describe(exc)}; the journal could not be cut back "
                    f"either, so this change may still appear when the database is next read"
                ) from None
            raise StoreError(f"could not save to {self.path}: {describe(exc)}; nothing was saved") from None
        self._journal_offset += len(line)
        self._journal_id = self._file_id(os.fstat(fd))
        self._sequence += 1

    def _undo_partial_append(self) -> None:
        """After a failed append, cut the journal back to its last good line."""
        if self._journal_fd is None:
            return
        try:
            if os.fstat(self._journal_fd).st_size != self._journal_offset:
                os.ftruncate(self._journal_fd, self._journal_offset)
            try:
                os.fsync(self._journal_fd)
            except OSError:
                pass  # the size is right in the file; the next append's fsync makes it durable
            if os.fstat(self._journal_fd).st_size != self._journal_offset:
                raise OSError(errno.EIO, "the journal could not be cut back")
        except OSError as exc:
            # A torn line would be dropped as a torn tail on the next open, but appending
            # after it would bury it mid-journal: the next write reads the files afresh first.
            self._broken = f"{self.journal_path} could not be cut back after a failed write ({describe(exc)})"

    def _new_journal(self) -> None:
        header = encode_line(
            {"format": JOURNAL_FORMAT, "schema": self._schema, "generation": self._generation, "db": self._db_id}
        )
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        write_atomically(self.journal_path, header)
        self._journal_id = self._file_id(os.stat(self.journal_path))
        self._journal_offset = len(header)
        self._sequence = 0
        self._stale_journal = False
        self._torn_tail = 0

    def _write_snapshot(self, generation: int, tables: Tables | None = None, *, folded: bool = False) -> None:
        content = self._tables if tables is None else tables
        db_id = self._db_id or os.urandom(8).hex()  # a database keeps its id across compactions
        header: dict[str, Any] = {
            "format": SNAPSHOT_FORMAT, "schema": SCHEMA_VERSION, "generation": generation, "tables": len(content), "db": db_id,
        }
        if folded and self._snapshot_id is not None:
            # What this snapshot holds: the previous one and its journal up to here. A process
            # that had read exactly that far takes the new snapshot without reading it.
            header["folded"] = {"generation": self._generation, "offset": self._journal_offset}
        placed: dict[tuple[str, str], tuple[int, int, int]] = {}
        digest = self.digest if tables is None else Digest.build(content)
        try:
            self._remove_leftovers()
            backup = self._keep_backup if self._snapshot_id is not None and self.path.exists() else None
            write_atomically(self.path, self._snapshot_chunks(header, content, digest, placed), backup)
            self._took_snapshot(generation, db_id)
            if tables is None:
                self._placed(placed)
            self._new_journal()
        except OSError as exc:
            raise StoreError(f"could not save to {self.path}: {describe(exc)}; the previous state was kept") from None

    def _snapshot_chunks(
        self, header: dict[str, Any], tables: Tables, digest: Digest, placed: dict[tuple[str, str], tuple[int, int, int]]
    ) -> Iterator[bytes]:
        for name, table in list(tables.items()):
            if type(table) is Unloaded and table.added:
                tables[name] = self._read_table(name, table)  # what the journal laid over it, merged

        def copied(piece: Piece, kind: str, name: str) -> bytes:
            label = self._table_label(name) if kind == "table" else f"the index of the {kind} {name!r}"
            return self._copied(piece, label)

        return snapshot_chunks(header, tables, digest, placed, copied)

    def _copied(self, piece: Piece, label: str) -> bytes:
        try:
            return piece.read()
        except ValueError as exc:
            raise StoreError(f"{self.path} is damaged: {label} {exc}; nothing was written (`critics check` says more)") from None

    def _placed(self, placed: dict[tuple[str, str], tuple[int, int, int]]) -> None:
        """The snapshot just written holds every table and posting: what is not read yet is read
        from it from now on, so the previous file is let go."""
        old = self._snapshot_file
        file = SnapshotFile(self.path, os.open(self.path, os.O_RDONLY))
        self._open_bytes = placed.get(("index", ""), (0, 0, 0))[1] + sum(
            where[1] for (kind, name), where in placed.items() if kind == "table" and not is_review_table(name)
        )
        for name, table in self._tables.items():
            if type(table) is Unloaded:
                self._tables[name] = Unloaded(Piece(file, *placed[("table", name)]), table.count)  # type: ignore[assignment]
        self.digest.placed({key: Piece(file, *where) for key, where in placed.items() if key[0] in ("critic", "publication")})
        self._snapshot_max_review = self.digest.max_review
        self._snapshot_file = file
        if old is not None:
            old.close()

    def _took_snapshot(self, generation: int, db_id: str) -> None:
        """The snapshot of generation is in place: this process holds it."""
        self._generation = generation
        self._schema, self._db_id = SCHEMA_VERSION, db_id
        self._snapshot_id = self._snapshot_file_id(os.stat(self.path))
        # Until the new journal is in place the old one is stale: never append to it.
        self._stale_journal = True

    def _commits_as_snapshot(self, changes: Changes) -> bool:
        """Whether a transaction is committed as a new snapshot rather than a journal line: one
        that changes at least BULK_CHANGES records (a new table counts its records) and a quarter
        of all (a large import), whose
        line would make compaction due at once. The snapshot is what that compaction would write
        anyway: half the writing, and no line as large as the import in memory."""
        changed = sum(len(change.new) if change.key is None and change.new else 1 for change in changes)
        if changed < BULK_CHANGES:
            return False
        records = sum(len(table) for table in self._tables.values())
        return changed * BULK_FRACTION >= records

    def _commit_as_snapshot(self) -> None:
        """Commit the open transaction by writing every table as the next snapshot (atomically:
        the rename is the commit). Not marked as folding a journal, so every other process reads
        it whole. After the rename the change stands, even if the folder's fsync or the new
        journal then fails (the next write starts the journal; the old one is an older
        generation, which is ignored)."""
        generation = self._generation + 1 if self._snapshot_id is not None else 1
        db_id = self._db_id or os.urandom(8).hex()
        previous = self._snapshot_id
        header = {"format": SNAPSHOT_FORMAT, "schema": SCHEMA_VERSION, "generation": generation,
                  "tables": len(self._tables), "db": db_id}
        placed: dict[tuple[str, str], tuple[int, int, int]] = {}
        try:
            self._remove_leftovers()
            backup = self._keep_backup if previous is not None and self.path.exists() else None
            write_atomically(self.path, self._snapshot_chunks(header, self._tables, self.digest, placed), backup)
        except OSError as exc:
            if not self._replaced_since(previous):
                raise StoreError(f"could not save to {self.path}: {describe(exc)}; nothing was saved") from None
        self._took_snapshot(generation, db_id)
        try:
            self._placed(placed)
        except (OSError, KeyError):
            pass  # the snapshot stands; tables not read yet are read from the previous file
        try:
            self._new_journal()
        except OSError:
            pass  # _stale_journal stays set: the next append starts the journal

    def _replaced_since(self, previous: tuple[int, ...] | None) -> bool:
        """Whether the snapshot file is no longer the one this process last held."""
        try:
            return self._snapshot_file_id(os.stat(self.path)) != previous
        except OSError:
            return False

    def _remove_leftovers(self) -> None:
        """Delete temporary files a killed writer left behind (.critics.json.<pid>.tmp and the
        journal's and backup's): only writers holding the lock make them, and we hold it now."""
        pattern = re.compile(rf"\.+{re.escape(self.path.name)}(\.journal|\.bak)?(\.\d+\.tmp)+")
        try:
            names = os.listdir(self.path.parent)
        except OSError:
            return
        for name in names:
            if pattern.fullmatch(name):
                try:
                    os.unlink(self.path.parent / name)
                except OSError:
                    pass

    def _keep_backup(self) -> None:
        tmp = self.backup_path.with_name(f".{self.backup_path.name}.{os.getpid()}.tmp")
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        try:
            try:
                os.link(self.path, tmp)  # a hard link: the old snapshot is never rewritten
            except OSError:
                write_atomically(tmp, self.path.read_bytes())
            os.replace(tmp, self.backup_path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        try:
            # rename() between two links to one file does nothing (the .bak already was this
            # snapshot, after an interrupted compaction): the temporary link stays; remove it.
            os.unlink(tmp)
        except FileNotFoundError:
            pass

