"""A TinyDB storage that makes each change durable in milliseconds and survives kill -9.

This is the only module that knows TinyDB's internals (docs/tinydb.md says what the stock
storage does and why it is not enough; docs/architecture.md has the formats). The data lives
in two files beside each other:

- ``critics.json``: an atomic snapshot (temp file, fsync, os.replace, fsync of the folder);
- ``critics.json.journal``: an append-only journal, one checksummed line per committed
  transaction holding the new content of every table it changed; fsynced before a write
  returns.

Every transaction holds an exclusive flock on ``critics.json.lock`` and first catches up with
what other processes appended, so two processes never lose each other's writes. A journal
line that was torn by a crash is the last one (appends are serialised by the lock); it is
dropped on open and reported. Compaction folds the journal into a new snapshot, keeping the
previous snapshot as ``critics.json.bak``.

Two ways in:
- the repository's: ``put`` / ``remove`` / ``insert_many`` / ``table`` inside ``transaction()``;
- TinyDB's: ``TinyDB(path, storage=JournaledStorage)``. Outside ``transaction()`` each TinyDB
  write is its own durable transaction; inside one, it joins it. A write is refused if another
  process changed the same table since TinyDB read it; a write that fails leaves memory as the
  files have it. An empty table is kept (``truncate()``, ``persist_empty``); a journal line
  writes null for a dropped one. Each write journals the whole table it changed, so a TinyDB
  user calls ``compact()`` now and then (tests/store/test_storage_tinydb.py;
  tests/store/test_tinydb_suite.py runs TinyDB's own suite against this storage).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping

import orjson
from tinydb.storages import Storage

from store.errors import StoreError

SCHEMA_VERSION = 1
SNAPSHOT_FORMAT = "critics"
JOURNAL_FORMAT = "critics-journal"

Record = dict[str, Any]
Tables = dict[str, dict[str, Record]]
_EMPTY: dict[str, Record] = {}


class Reloaded(frozenset):
    """The set of changed tables when everything was re-read (another process compacted)."""


def _describe(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace path with data so that a crash leaves either the old file or the new, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _unreadable(line: bytes, otherwise: str) -> str:
    """Why a snapshot line does not parse, when it is more than plain damage."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text at byte {exc.start + 1}"
    if not line.endswith(b"\n"):
        return "cut short: the file is truncated"
    return otherwise


def _encode_line(record: dict[str, Any]) -> bytes:
    payload = orjson.dumps(record)
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def _decode_line(line: bytes) -> dict[str, Any] | None:
    """The record of one journal line, or None if the line is damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    payload = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(payload):
            return None
        record = orjson.loads(payload)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


class _HandedOut(dict):
    """The outer dict read() hands to TinyDB, remembering the tables it held then."""

    __slots__ = ("handed_out",)

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.handed_out = dict(tables)


class JournaledStorage(Storage):
    """TinyDB storage: in-memory tables, journal + snapshot on disk (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backup_path = self.path.with_name(self.path.name + ".bak")
        self.warnings: list[str] = []
        self._tables: Tables = {}
        self._generation = 0
        self._snapshot_id: tuple[int, ...] | None = None
        self._journal_id: tuple[int, ...] | None = None
        self._journal_offset = 0
        self._journal_fd: int | None = None
        self._lock_fd: int | None = None
        self._touched: set[str] | None = None
        self._before: dict[str, Any] = {}
        self._reload_on_rollback = False
        self._stale_journal = False
        self._torn_tail = 0
        self._broken: str | None = None
        # flock is per open file, so threads of this process also need a lock of their own.
        self._thread_lock = threading.Lock()
        self._check_location()
        with self._locked(for_write=False):
            self._load()

    # -- TinyDB's Storage interface -------------------------------------------------------

    def read(self) -> Tables:
        """What this process holds (``refresh()`` catches up with other processes; every
        write does so first). A new outer dict each time, remembering the tables it held:
        TinyDB puts the table it writes into it before calling write(), which tells the
        changed tables by identity."""
        return _HandedOut(self._tables)

    def write(self, data: Tables) -> None:
        # The tables as read() handed them to TinyDB (drop_tables() passes a dict of its own):
        # compared with those, and not with what this storage holds now, a catch-up between
        # TinyDB's read and its write (another thread's refresh()) is not written back as a change.
        base = data.handed_out if isinstance(data, _HandedOut) else dict(self._tables)
        changed = {name for name in data.keys() | base.keys() if data.get(name) is not base.get(name)}
        if not changed:
            return
        if self._touched is not None:  # inside transaction(): the write joins it
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
        for fd in (self._journal_fd, self._lock_fd):
            if fd is not None:
                os.close(fd)
        self._journal_fd = self._lock_fd = None

    def _take_tinydb_tables(self, data: Tables, names: set[str]) -> None:
        # TinyDB's update() changes documents in place, inside tables this storage holds, so
        # the tables kept for a rollback may already be changed: a failed commit re-reads the
        # files instead.
        self._reload_on_rollback = True
        for name in names:
            self._stage(name)
            if name in data:
                self._tables[name] = data[name]  # an empty table too: TinyDB lists it (truncate, persist_empty)
            else:
                self._tables.pop(name, None)

    # -- the repository's interface (inside transaction()) ----------------------------------

    def table(self, name: str) -> Mapping[str, Record]:
        """One table as held now (empty if it does not exist); never change it in place."""
        return self._tables.get(name, _EMPTY)

    def table_names(self) -> list[str]:
        return list(self._tables)

    def touched(self) -> frozenset[str]:
        """The tables changed so far in the current transaction."""
        return frozenset(self._touched or ())

    def put(self, name: str, doc_id: int, record: Record) -> None:
        """Insert or replace one record."""
        self._writable(name)[str(doc_id)] = record

    def remove(self, name: str, doc_id: int) -> None:
        table = self._writable(name)
        del table[str(doc_id)]
        if not table:
            del self._tables[name]  # an empty table is no table (as in the snapshot)

    def insert_many(self, name: str, records: Mapping[int, Record]) -> None:
        self._writable(name).update((str(doc_id), record) for doc_id, record in records.items())

    def _stage(self, name: str) -> None:
        if self._touched is None:
            raise StoreError("internal error: a write outside a transaction was refused")
        if name not in self._touched:
            self._touched.add(name)
            self._before[name] = self._tables.get(name)

    def _writable(self, name: str) -> dict[str, Record]:
        """The table to change: on its first change in a transaction a copy replaces it, so the
        one held before stays as it was (the rollback, and the repository's indexes, keep it)."""
        first = self._touched is not None and name not in self._touched
        self._stage(name)
        table = self._tables.get(name)
        if first or table is None:
            table = self._tables[name] = dict(table or ())
        return table

    # -- public -----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[frozenset[str]]:
        """Lock, catch up with other processes (yielding the tables they changed), then
        commit every table written inside as one durable journal line, or roll back."""
        if self._touched is not None:
            raise StoreError("internal error: transactions do not nest")
        with self._locked(for_write=True):
            changed = self._catch_up_or_repair()
            self._touched = set()
            self._before = {}
            self._reload_on_rollback = False
            try:
                yield changed
                if self._touched:
                    self._commit(self._touched)
            except BaseException:
                self._roll_back()
                raise
            finally:
                self._touched = None
                self._before = {}
                self._reload_on_rollback = False

    def _roll_back(self) -> None:
        """Put back the tables as they were before the transaction (under its lock)."""
        if self._reload_on_rollback:
            self._reread()
            return
        # put/remove/insert_many replaced each table with a copy on its first change and records
        # are never changed in place, so the tables kept by _stage are the state before.
        for name, table in self._before.items():
            if table is None:
                self._tables.pop(name, None)
            else:
                self._tables[name] = table

    def _reread(self) -> None:
        """Read the files afresh after a failed TinyDB write (under the lock), without hiding
        why it failed: if they cannot be read now, memory holds what could be read (never the
        failed change) and the next transaction reads them afresh."""
        try:
            self._load()
        except (OSError, StoreError) as exc:
            self._broken = f"{self.path} could not be read again after a failed write ({exc})"

    def refresh(self) -> frozenset[str]:
        """Catch up with what other processes committed; the names of the tables changed."""
        if not self.path.exists() and self._snapshot_id is None:
            return frozenset()
        with self._locked(for_write=False):
            return self._catch_up()

    def compact(self) -> frozenset[str]:
        """Fold the journal into a new snapshot (the previous one kept as the .bak file);
        the tables other processes had changed, which the caller must take in."""
        with self._locked(for_write=True):
            changed = self._catch_up_or_repair()
            self._write_snapshot(self._generation + 1)
            return changed

    def replace_all(self, tables: Tables) -> None:
        """Write tables as the whole database in one atomic snapshot (bulk loads)."""
        with self._locked(for_write=True):
            self._catch_up()
            self._tables.clear()
            self._tables.update(tables)
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
            try:
                self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                if for_write:
                    raise StoreError(f"cannot write to {self.path}: {_describe(exc)} ({self.lock_path})") from None
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
        self._snapshot_id = self._journal_id = None
        self._journal_offset = 0
        self._stale_journal = False
        self._torn_tail = 0
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                tables, generation = self._parse_snapshot(handle)
        except FileNotFoundError:
            if self.journal_path.exists():
                raise StoreError(
                    f"{self.path} is missing but its journal {self.journal_path} exists; "
                    f"restore the snapshot (or {self.backup_path.name}) before opening"
                ) from None
            return
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {_describe(exc)}") from None
        self._tables.update(tables)
        self._generation = generation
        self._snapshot_id = self._snapshot_file_id(st)
        self._read_journal(initial=True)

    def _parse_snapshot(self, handle: BinaryIO) -> tuple[Tables, int]:
        """Header line, then one line per table: parsed a line at a time, so memory never
        holds the whole file and its objects at once."""
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
            raise StoreError(f"{where} is not valid JSON (line 1: {_unreadable(first, 'not a header')}); it was left untouched") from None
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
        generation, count = header.get("generation"), header.get("tables")
        if not isinstance(generation, int) or not isinstance(count, int):
            raise StoreError(f"{where} is damaged (generation or table count missing); it was left untouched")
        tables: Tables = {}
        for number, line in enumerate(handle, 2):
            try:
                name, table = orjson.loads(line)
            except (orjson.JSONDecodeError, ValueError, TypeError):
                reason = _unreadable(line, "not a table")
                raise StoreError(f"{where} is damaged at line {number} ({reason}); it was left untouched") from None
            if not isinstance(name, str) or not isinstance(table, dict):
                raise StoreError(f"{where} is damaged at line {number} (not a table); it was left untouched")
            # The records' shape is checked by the repository as it indexes them: one visit each.
            tables[name] = table
        if len(tables) != count:
            raise StoreError(
                f"{where} is truncated or damaged ({len(tables)} of {count} tables); it was left untouched"
            )
        return tables, generation

    def _read_journal(self, *, initial: bool) -> set[str]:
        """Apply journal lines past the offset read so far; the tables they changed."""
        try:
            fd = os.open(self.journal_path, os.O_RDONLY)
        except FileNotFoundError:
            return set()
        except OSError as exc:
            raise StoreError(f"cannot read {self.journal_path}: {_describe(exc)}") from None
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
        changed: set[str] = set()
        offset = self._journal_offset
        lines = data.split(b"\n")
        tail = lines.pop()  # after the last newline: b"" unless a line was torn
        for number, line in enumerate(lines):
            record = _decode_line(line)
            is_last = number == len(lines) - 1 and not tail
            if record is None:
                if is_last:
                    tail = line + b"\n"
                    break
                raise StoreError(
                    f"{self.journal_path} is damaged at byte {offset}; it was left untouched"
                )
            if offset == 0:
                if record.get("format") != JOURNAL_FORMAT or not isinstance(record.get("generation"), int):
                    raise StoreError(f"{self.journal_path} is not a Critics journal; it was left untouched")
                if record.get("schema", 0) > SCHEMA_VERSION:
                    raise StoreError(f"{self.journal_path} was written by a newer Critics; upgrade Critics to open it")
                if record["generation"] > self._generation:
                    raise StoreError(
                        f"{self.journal_path} is newer than {self.path.name} (was the snapshot replaced by an "
                        f"older copy?); both were left untouched"
                    )
                if record["generation"] < self._generation:
                    # Left over from before a compaction that the snapshot already holds.
                    self._journal_offset = len(data) - len(tail)
                    self._stale_journal = True
                    self._torn_tail = 0
                    return changed
                self._stale_journal = False
            elif not self._stale_journal:
                tables = record.get("tables")
                if not isinstance(tables, dict):
                    raise StoreError(f"{self.journal_path} is damaged at byte {offset}; it was left untouched")
                for name, table in tables.items():
                    if table is None:  # dropped; an empty table is {} (older journals wrote null for it too)
                        self._tables.pop(name, None)
                    elif isinstance(table, dict):
                        self._tables[name] = table
                    else:
                        raise StoreError(f"{self.journal_path} is damaged at byte {offset}; it was left untouched")
                    changed.add(name)
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
        return changed

    def _catch_up(self) -> frozenset[str]:
        """Bring memory up to date with the files (under the lock)."""
        try:
            snap = self._snapshot_file_id(os.stat(self.path))
        except FileNotFoundError:
            snap = None
        if snap != self._snapshot_id:
            self._load()
            return Reloaded(self._tables)
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            return frozenset()
        if self._journal_id is not None and self._file_id(st) != self._journal_id:
            self._load()
            return Reloaded(self._tables)
        if st.st_size < self._journal_offset:
            self._load()
            return Reloaded(self._tables)
        if st.st_size == self._journal_offset + self._torn_tail:
            return frozenset()
        return frozenset(self._read_journal(initial=False))

    def _catch_up_or_repair(self) -> frozenset[str]:
        """_catch_up, or after an append that could not be cut back, read the files afresh
        (under the lock): a torn line is then dropped as a torn tail and cut off by the next
        append, and a whole one is taken in like any other process's change."""
        if not self._broken:
            return self._catch_up()
        self._load()
        self._broken = None
        return Reloaded(self._tables)

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

    def _commit(self, names: set[str]) -> None:
        record = {"tables": {name: self._tables.get(name) for name in sorted(names)}}  # null: dropped
        line = _encode_line(record)
        try:
            fd = self._open_journal_for_append()
            written = 0
            view = memoryview(line)
            while written < len(line):
                written += os.write(fd, view[written:])
            os.fsync(fd)
        except OSError as exc:
            self._undo_partial_append()
            if self._broken:
                raise StoreError(
                    f"could not save to {self.path}: {_describe(exc)}; the journal could not be cut back "
                    f"either, so this change may still appear when the database is next read"
                ) from None
            raise StoreError(f"could not save to {self.path}: {_describe(exc)}; nothing was saved") from None
        self._journal_offset += len(line)
        self._journal_id = self._file_id(os.fstat(fd))

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
            self._broken = f"{self.journal_path} could not be cut back after a failed write ({_describe(exc)})"

    def _new_journal(self) -> None:
        header = _encode_line({"format": JOURNAL_FORMAT, "schema": SCHEMA_VERSION, "generation": self._generation})
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        write_atomically(self.journal_path, header)
        self._journal_id = self._file_id(os.stat(self.journal_path))
        self._journal_offset = len(header)
        self._stale_journal = False
        self._torn_tail = 0

    def _write_snapshot(self, generation: int, tables: Tables | None = None) -> None:
        content = self._tables if tables is None else tables
        header = {"format": SNAPSHOT_FORMAT, "schema": SCHEMA_VERSION, "generation": generation, "tables": len(content)}
        body = b"\n".join([orjson.dumps(header), *(orjson.dumps([name, table]) for name, table in content.items())]) + b"\n"
        try:
            self._remove_leftovers()
            if self._snapshot_id is not None and self.path.exists():
                self._keep_backup()
            write_atomically(self.path, body)
            self._generation = generation
            self._snapshot_id = self._snapshot_file_id(os.stat(self.path))
            # Until the new journal is in place the old one is stale: never append to it.
            self._stale_journal = True
            self._new_journal()
        except OSError as exc:
            raise StoreError(f"could not save to {self.path}: {_describe(exc)}; the previous state was kept") from None

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
