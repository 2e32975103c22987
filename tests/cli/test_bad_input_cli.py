"""Bad input on the command line: each is refused in one line (exit 2 for a usage mistake, 1 for
a bad file or value), never a traceback or a hang, and the database's files stay byte for byte.

Arguments that are not UTF-8 go through a real process with a bytes argv (Python hands them to
the program as lone surrogates). A FIFO, /dev/zero and a 2 GiB file run in a process of their own
with a timeout and a memory cap, since without the checks they hang or eat memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from store.errors import StoreError
from store.repository import Repository
from tests.places import ROOT
from tui.cli import main
from tests.fixed_store import files

MEMORY_CAP = 1024**3  # the child's address space: reading a 2 GiB file or /dev/zero whole cannot fit
TIMEOUT = 60




def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(*argv: str | bytes) -> subprocess.CompletedProcess:
    """`critics ARGV` in a process of its own (bytes arguments go to it as they are)."""
    try:
        return subprocess.run([sys.executable, "-m", "tui.cli", *argv], capture_output=True, cwd=ROOT,
                              timeout=TIMEOUT, preexec_fn=_cap_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"critics {argv!r} still ran after {TIMEOUT} s")


def refused_by(database: Path, *argv: str | bytes, status: int = 1) -> str:
    """Run critics with argv on database: refused with status, one line on stderr, nothing on
    stdout, and the database's folder byte for byte what it was."""
    before = files(database.parent)
    result = run(*argv, "--db", str(database))
    error = result.stderr.decode("utf-8", "backslashreplace")
    assert result.returncode == status, error
    assert error.startswith("critics: error: ") and error.count("\n") == 1 and "Traceback" not in error, error
    assert len(error) < 500, error
    assert result.stdout == b""
    assert files(database.parent) == before
    return error


# -- 1. a grade of thousands of digits ------------------------------------------------------------


def test_critics_add_with_a_grade_of_thousands_of_digits_is_refused_in_one_line(database, capsys):
    before = files(database.parent)
    status = main(["add", "--film", "Kept", "--critic", "C", "--excerpt", "E", "--grade", "9" * 5000, "--db", str(database)])
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    assert captured.err.startswith("critics: error: grade: grade '999") and "more than 20 digits" in captured.err
    assert captured.err.count("\n") == 1 and len(captured.err) < 500
    assert files(database.parent) == before


def test_a_year_of_thousands_of_digits_is_refused_in_a_short_line(database, capsys):
    before = files(database.parent)
    status = main(["edit-film", "--id", "1", "--new-year", "2" * 5000, "--db", str(database)])
    captured = capsys.readouterr()
    assert status == 1 and captured.err.startswith("critics: error: year: '222") and "is not a year" in captured.err
    assert captured.err.count("\n") == 1 and len(captured.err) < 200
    with Repository.open(database) as repository, pytest.raises(StoreError, match="a number beyond 64 bits"):
        repository.add_film("Huge", 10**5000)
    assert files(database.parent) == before


# -- 2. an argument that is not UTF-8 ---------------------------------------------------------------


@pytest.mark.parametrize(("argv", "option"), [
    ([b"add", b"--film", b"Kept", b"--critic", b"\xff", b"--excerpt", b"E"], "--critic"),
    ([b"add", b"--film", b"Kept", b"--critic", b"C", b"--excerpt=Caf\xe9"], "--excerpt"),
    ([b"add", b"--film", b"K\xc3", b"--critic", b"C", b"--excerpt", b"E"], "--film"),
    ([b"add", b"--film", b"Kept", b"--critic", b"C", b"--excerpt", b"E", b"--grade", b"\xed\xa0\x80"], "--grade"),
    ([b"add-film", b"--title", b"\x80"], "--title"),
    ([b"edit", b"1", b"--publication", b"P\xfe"], "--publication"),
    ([b"edit-film", b"--id", b"1", b"--director", b"\xc0\xaf"], "--director"),
    ([b"weight", b"Pub\xff", b"2"], "PUBLICATION"),
    ([b"import", b"{page}", b"--title", b"T\xff"], "--title"),
    ([b"stats", b"--critic", b"\xff"], "--critic"),
])
def test_an_argument_that_is_not_utf8_is_refused_naming_the_option(database, tmp_path, argv, option):
    page = tmp_path / "page.txt"
    page.write_text("Critic Reviews\n\n  1. Reviewed by: A\n    Words.\n")
    argv = [bytes(page) if arg == b"{page}" else arg for arg in argv]
    error = refused_by(database, *argv, status=2)
    assert f"argument {option}: not UTF-8 text (byte 0x" in error


def test_a_file_name_that_is_not_utf8_still_names_the_file(tmp_path):
    folder = os.fsencode(tmp_path)
    database, page = folder + b"/caf\xe9.json", folder + b"/p\xe0ge.txt"
    Path(os.fsdecode(page)).write_text("Critic Reviews\n\n  1. Reviewed by: A\n    Words.\n")
    imported = run(b"import", page, b"--title", b"Film", b"--db", database)
    assert imported.returncode == 0, imported.stderr
    exported = run(b"export", b"--format", b"csv", b"--output", folder + b"/\xffout.csv", b"--db", database)
    assert exported.returncode == 0, exported.stderr
    assert b"Words." in Path(os.fsdecode(folder + b"/\xffout.csv")).read_bytes()


# -- 3. the CSV export of a long excerpt imports back -------------------------------------------


def test_a_csv_export_with_a_200000_character_excerpt_imports_back_through_the_command_line(tmp_path):
    long_excerpt = ("A long review, " * 14_000)[:200_000].strip()
    source, copy, exported = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "out.csv"
    assert main(["add-film", "--title", "Long", "--db", str(source)]) == 0
    assert main(["add", "--film", "Long", "--critic", "C", "--excerpt", long_excerpt, "--db", str(source)]) == 0
    assert main(["export", "--format", "csv", "--output", str(exported), "--db", str(source)]) == 0
    assert main(["import", str(exported), "--db", str(copy)]) == 0
    again = tmp_path / "again.csv"
    assert main(["export", "--format", "csv", "--output", str(again), "--db", str(copy)]) == 0
    assert again.read_bytes() == exported.read_bytes()


# -- 6. what is not a regular file, or is too large ----------------------------------------------


def test_a_fifo_given_to_import_is_refused_at_once(database, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    error = refused_by(database, "import", str(fifo), "--title", "T")
    assert f"cannot import {fifo}: it is a FIFO (named pipe); give a regular file" in error


@pytest.mark.parametrize(("path", "kind"), [("/dev/zero", "a character device"), ("/dev/urandom", "a character device")])
def test_an_endless_device_given_to_import_is_refused_before_reading(database, path, kind):
    error = refused_by(database, "import", path, "--title", "T")
    assert f"{path}: it is {kind}" in error


def test_a_folder_given_to_import_is_refused(database, tmp_path):
    error = refused_by(database, "import", str(tmp_path), "--title", "T")
    assert "it is a folder" in error


def test_an_import_file_over_2_gib_is_refused_with_its_size_before_reading(database, tmp_path):
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as handle:
        handle.truncate(2 * 1024**3 + 1)  # sparse: no disk space, but reading it would take 2 GiB
    error = refused_by(database, "import", str(sparse), "--title", "T")
    assert "it is 2,147,483,649 bytes" in error and "at most 2 GiB" in error
