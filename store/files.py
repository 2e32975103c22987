"""Reading an import file safely: only a regular file, of bounded size, never blocking."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

from store.errors import StoreError

MAX_IMPORT_BYTES = 2 * 1024**3  # an import file larger than this is refused before reading
_READ_CHUNK = 64 * 1024**2
CSV_FIELD_LIMIT = 64 * 1024**2  # csv's default (131,072) would refuse our own long excerpts


def allow_long_fields() -> None:
    """Let csv read fields up to CSV_FIELD_LIMIT (process-wide: csv has no per-reader limit)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)

_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: Path, mode: int) -> StoreError:
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return StoreError(f"cannot import {path}: it is {kind}; give a regular file")


def _too_large(path: Path, size: int) -> StoreError:
    return StoreError(
        f"cannot import {path}: it is {size:,} bytes ({size / 1024**3:.1f} GiB); "
        f"an import file is at most {MAX_IMPORT_BYTES // 1024**3} GiB"
    )


def open_regular_file(path: Path, limit: int = MAX_IMPORT_BYTES) -> int:
    """A descriptor open for reading on a regular file of at most limit bytes; a FIFO, device
    or folder is refused before anything is read (it could block forever or never end), and so
    is a larger file. The caller closes it."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > limit:
            raise _too_large(path, info.st_size)
        # O_NONBLOCK: a FIFO put in the file's place since the stat cannot block the open.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise _not_regular(path, info.st_mode)
    return fd


def read_regular_file(path: Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of a regular file of at most limit bytes (see open_regular_file)."""
    fd = open_regular_file(path, limit)
    try:
        chunks, total = [], 0
        while chunk := os.read(fd, min(_READ_CHUNK, limit + 1 - total)):  # to the end, or one past the limit
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew since the stat
                raise _too_large(path, max(total, os.fstat(fd).st_size))
        return b"".join(chunks)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
