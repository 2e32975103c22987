"""A dataset's CSV file read a row at a time: its header, then each row with its line number.

Streaming keeps memory to the rows' own text (a 1.13M-row file is never held whole); a row with
another number of fields than the header, bytes that are not UTF-8 and csv's own errors are
refused naming the line."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Callable, Iterator

from store.datasets.incoming import DatasetError
from store.files import allow_long_fields, open_regular_file

PROGRESS_EVERY = 8192  # rows between two progress reports
Progress = Callable[[int, int], None]  # (bytes read, bytes in all)


class CsvFile:
    """An open CSV file whose header has been read; close it (or use it in a with block)."""

    def __init__(self, path: Path, progress: Progress | None = None) -> None:
        self.name = str(path)
        fd = open_regular_file(path)
        self.size = os.fstat(fd).st_size
        self._binary = os.fdopen(fd, "rb", buffering=1 << 20)
        # utf-8-sig: a BOM is dropped; newline="": csv ends lines itself (LF, CRLF or a lone CR).
        self._text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")
        self._progress = progress
        allow_long_fields()
        self._reader = csv.reader(self._text)
        header = self._next()
        if header is None:
            self.close()
            raise DatasetError(f"{self.name} is empty")
        self.header = [column.strip() for column in header]

    def __enter__(self) -> "CsvFile":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._text.close()

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise DatasetError(f"{self.name}, line {self._reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise DatasetError(f"{self.name}, near line {self._reader.line_num + 1}: not UTF-8 text") from None

    def columns(self, names: tuple[str, ...], layout: str) -> list[int]:
        """Where each named column is; a missing one refuses the file naming the columns seen."""
        missing = [name for name in names if name not in self.header]
        if missing:
            raise DatasetError(
                f"{self.name} is not a {layout} file: no column {', '.join(missing)} "
                f"(its columns: {shown_columns(self.header)})"
            )
        return [self.header.index(name) for name in names]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields) of each row; blank lines are skipped."""
        width = len(self.header)
        report = self._progress
        count = 0
        while True:
            line = self._reader.line_num + 1
            row = self._next()
            if row is None:
                break
            if len(row) != width:
                if not row:
                    continue
                raise DatasetError(f"{self.name}, line {line}: {len(row)} fields where the header has {width}")
            count += 1
            if report is not None and count % PROGRESS_EVERY == 0:
                report(self._binary.tell(), self.size)
            yield line, row
        if report is not None:
            report(self.size, self.size)


def shown_columns(header: list[str], limit: int = 12) -> str:
    """A header as a message lists it: at most limit columns, each cut short."""
    cut = [column if len(column) <= 30 else column[:27] + "..." for column in header[:limit]]
    more = f", … ({len(header)} in all)" if len(header) > limit else ""
    return ",".join(cut) + more
