"""Durable files: atomic replacement, and the checksummed lines of the journal (docs/architecture.md)."""

from __future__ import annotations

import errno
import os
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable

import orjson


def describe(exc: OSError) -> str:
    return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes | Iterable[bytes], before_replace: Callable[[], None] | None = None) -> None:
    """Replace path with data (bytes, or chunks of them written as they come) so that a crash
    leaves either the old file or the new, never half. before_replace, if given, runs once the
    new file is whole on disk and before it takes path's place (a snapshot keeps the previous
    one as a backup only then: a write that fails midway changes nothing)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for chunk in (data,) if isinstance(data, bytes) else data:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def unreadable(line: bytes, otherwise: str) -> str:
    """Why a snapshot line does not parse, when it is more than plain damage."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text at byte {exc.start + 1}"
    if not line.endswith(b"\n"):
        return "cut short: the file is truncated"
    return otherwise


def encode_line(record: dict[str, Any]) -> bytes:
    payload = orjson.dumps(record)
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def decode_line(line: bytes) -> dict[str, Any] | None:
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


class SnapshotFile:
    """An open snapshot that pieces of it are read from, by offset (os.pread), as they are
    first asked for. Another process may replace the file meanwhile (a compaction renames a
    new one over it): the open descriptor still reads the snapshot this process took."""

    __slots__ = ("path", "fd")

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd: int | None = fd

    def read(self, offset: int, length: int) -> bytes:
        if self.fd is None:
            raise OSError(errno.EBADF, "the snapshot was closed")
        data = os.pread(self.fd, length, offset)
        if len(data) != length:
            raise OSError(errno.EIO, "the snapshot is shorter than its index says")
        return data

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __del__(self) -> None:
        self.close()


class Piece:
    """One line of a snapshot not read yet: where it is, how long, and its CRC32, so it is
    read (or copied into the next snapshot) without parsing anything else."""

    __slots__ = ("file", "offset", "length", "crc")

    def __init__(self, file: SnapshotFile, offset: int, length: int, crc: int) -> None:
        self.file, self.offset, self.length, self.crc = file, offset, length, crc

    def read(self) -> bytes:
        """The line's bytes; ValueError if they fail their checksum (damage)."""
        data = self.file.read(self.offset, self.length)
        if zlib.crc32(data) != self.crc:
            raise ValueError("it fails its checksum")
        return data
