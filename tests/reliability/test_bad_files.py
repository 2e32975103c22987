"""Bad files and places, through Repository.open, every `critics` command and the browser.

Each one: a one-line error naming the file and what is wrong, a non-zero exit (the browser: a
message and exit code 1), and every file left byte-for-byte as it was. tests/store/test_storage.py
covers a few damaged snapshots at the Repository level; here are the rest (truncations at
several points, wrong shapes down to single records, non-UTF-8, read-only places as a real
unprivileged user) and the command line for all of them.

Read-only: the suite runs as root, for whom chmod stops nothing, so the real test runs the
command as the unprivileged user nobody with `setpriv` (skipped where that is impossible); a
second test simulates a read-only file system by making os.open raise EROFS for writes.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from store.domain import Publication, ReviewDraft
from store.errors import StoreError
from store.domain import FilmRecord
from store.repository import Repository
from store.storage import SCHEMA_VERSION
from tui.cli import main
from tests.places import ROOT

HEADER = b'{"format":"critics","schema":1,"generation":1,"tables":%d}\n'


def build(path: Path) -> None:
    """Three films over several snapshot lines, then a journal on top of the snapshot."""
    with Repository.open(path) as repository:
        drafts = tuple(ReviewDraft(f"Excerpt {n}.", f"Critic {n % 3}", "Pub", "2020-01-0%d" % (n + 1), f"{n}/4") for n in range(4))
        repository.import_films(
            [FilmRecord("Alpha", 2001, None, None, drafts), FilmRecord("Beta", 2002, None, None, drafts[:2]),
             FilmRecord("Gamma", 2003)],
            [Publication("Pub", 1.5)],
        )
        repository.compact()
        repository.add_review(repository.find_films("Gamma")[0].id, ReviewDraft("In the journal.", "Late"))


def state(folder: Path) -> dict[str, bytes]:
    """Every file in the folder and its bytes; the (empty) lock file may be created, nothing else."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.endswith(".lock")}


def critics(*args: str, user: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*(user or []), sys.executable, "-m", "tui.cli", *args],
                          capture_output=True, text=True, cwd=ROOT)


def good_snapshot(tmp_path: Path) -> bytes:
    source = tmp_path / "source" / "critics.json"
    source.parent.mkdir()
    build(source)
    with Repository.open(source) as repository:
        repository.compact()
    return source.read_bytes()


def _cut(at):
    def make(snapshot: bytes) -> bytes:
        lines = snapshot.split(b"\n")
        return snapshot[: at(lines, len(lines[0]) + 1)]
    return make


def _record(line: bytes, tables: int = 2):
    films = b'["films",{"1":{"title":"A","year":2000}}]\n'
    return lambda snapshot: HEADER % tables + films + line


# name: (how to make the snapshot from a good one, words the error must contain)
SNAPSHOTS = {
    "truncated in the header": (_cut(lambda lines, h: h // 2), "truncated"),
    "truncated after the header": (_cut(lambda lines, h: h), "truncated or damaged (no index"),
    "truncated in the first table": (_cut(lambda lines, h: h + len(lines[1]) // 2), "truncated"),
    "truncated at a line end": (_cut(lambda lines, h: h + len(lines[1]) + 1), "truncated or damaged (no index"),
    "truncated two bytes short": (lambda s: s[:-2], "truncated"),
    "empty": (lambda s: b"", "is empty"),
    "garbage bytes": (lambda s: b"\xff\xfe\x00 garbage " * 50, "not UTF-8"),
    "binary junk": (lambda s: bytes(range(256)) * 4, "not valid JSON"),
    "garbage text": (lambda s: b"{ this is not json\n", "not valid JSON"),
    "a JSON list": (lambda s: b"[1, 2, 3]\n", "not a Critics database"),
    "a JSON string": (lambda s: b'"critics"\n', "not a Critics database"),
    "an object without the header": (lambda s: b'{"films": {}}\n', "not a Critics database"),
    "an export given as the database": (lambda s: b'{\n  "films": [],\n  "publications": []\n}\n', "not a Critics database"),
    "a table that is an object": (lambda s: HEADER % 1 + b'{"films": {}}\n', "damaged at line 2"),
    "a table of lists": (lambda s: HEADER % 1 + b'["films", {"1": [1, 2]}]\n', "damaged"),
    "a film title that is a number": (lambda s: HEADER % 1 + b'["films",{"1":{"title":5}}]\n', "film 1 has the wrong shape"),
    "a film with no title": (lambda s: HEADER % 1 + b'["films",{"1":{"year":2000}}]\n', "wrong shape"),
    "a review with no excerpt, grade or call": (_record(b'["reviews/1",{"1":{"critic":"C"}}]\n'), "review 1 of film 1 has the wrong shape"),
    "a score that is text": (_record(b'["reviews/1",{"1":{"excerpt":"E","score":"high"}}]\n'), "wrong shape"),
    "a critic that is a list": (_record(b'["reviews/1",{"1":{"excerpt":"E","critic":["a"]}}]\n'), "'critic' that is not text"),
    "a review id that is not a number": (_record(b'["reviews/1",{"x":{"excerpt":"E"}}]\n'), "wrong shape"),
    "a publication with no weight": (lambda s: HEADER % 1 + b'["publications",{"1":{"name":"P"}}]\n', "wrong shape"),
    "counters that are text": (_record(b'["meta",{"1":{"review":"x","film":2}}]\n'), "id counters"),
    "a newer schema": (lambda s: s.replace(b'"schema":%d' % SCHEMA_VERSION, b'"schema":%d' % (SCHEMA_VERSION + 1), 1), "newer Critics"),
    "a schema that is not a number": (lambda s: s.replace(b'"schema":%d' % SCHEMA_VERSION, b'"schema":"1"', 1), "no valid schema"),
    "latin-1 text": (lambda s: HEADER % 1 + '["films",{"1":{"title":"Café"}}]\n'.encode("latin-1"), "not UTF-8"),
    "UTF-16": (lambda s: s.decode().encode("utf-16"), "not UTF-8"),
}

COMMANDS = [
    ("stats",),
    ("stats", "--json", "--critic", "Critic"),
    ("export", "--format", "csv"),
    ("add", "--film", "Alpha", "--critic", "X", "--excerpt", "Y"),
    ("weight", "Pub", "2"),
    ("compact",),
    ("import", "{page}", "--title", "Delta"),
]


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "page.txt"
    page.write_text("Critic Reviews\n\n  1. Reviewed by: Someone\n    A review.\n", encoding="utf-8")
    return page


class _Result:
    def __init__(self, returncode: int, stderr: str, stdout: str) -> None:
        self.returncode, self.stderr, self.stdout = returncode, stderr, stdout


def run_main(capsys, *args: str) -> _Result:
    """The `critics` command in this process (quick): its exit code and output."""
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return _Result(code, out.err, out.out)


def _assert_one_line_error(result, *words, codes=(1,)):
    err = result.stderr
    assert result.returncode in codes, (result.returncode, err, result.stdout)
    assert err.startswith("critics: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, (word, err)


@pytest.mark.parametrize("name", list(SNAPSHOTS))
def test_a_bad_snapshot_is_refused_by_every_command_in_one_line_and_left_byte_for_byte(tmp_path, capsys, name):
    make, words = SNAPSHOTS[name]
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "critics.json"
    db.write_bytes(make(good_snapshot(tmp_path)))
    before = state(folder)
    with pytest.raises(StoreError) as caught:
        Repository.open(db)
    message = str(caught.value)
    assert words in message and str(db) in message and "\n" not in message, message
    page = _page(tmp_path)
    for command in COMMANDS:
        args = [part.replace("{page}", str(page)) for part in command]
        _assert_one_line_error(run_main(capsys, *args, "--db", str(db)), str(db), words)
        assert state(folder) == before, f"{name}: `critics {command[0]}` changed the files"
    # And once as a real process: the exit status and stderr a script sees.
    _assert_one_line_error(critics("add", "--film", "Alpha", "--critic", "X", "--excerpt", "Y", "--db", str(db)), str(db), words)
    assert state(folder) == before


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("a newer journal", lambda j: j.replace(b'"schema":1', b'"schema":9'), "newer Critics"),
        ("not a journal", lambda j: b"hello\nworld\n", "damaged at byte 0"),
        ("not UTF-8", lambda j: b"\xff\xfe\x00" + j, "damaged at byte 0"),
    ],
)
def test_a_bad_journal_is_refused_in_one_line_and_left_byte_for_byte(tmp_path, name, make, words):
    db = tmp_path / "critics.json"
    build(db)
    journal = db.with_name("critics.json.journal")
    if name == "a newer journal":  # the header line is checksummed: rewrite it whole
        import orjson

        from store.durable import encode_line

        first, rest = journal.read_bytes().split(b"\n", 1)
        journal.write_bytes(encode_line(orjson.loads(first[9:]) | {"schema": 9}) + rest)
    else:
        journal.write_bytes(make(journal.read_bytes()))
    before = state(tmp_path)
    with pytest.raises(StoreError, match=words):
        Repository.open(db)
    for command in (("stats",), ("add", "--film", "Alpha", "--critic", "X", "--excerpt", "Y"), ("compact",)):
        _assert_one_line_error(critics(*command, "--db", str(db)), str(journal), words)
    assert state(tmp_path) == before


def test_a_journal_without_its_snapshot_asks_for_the_backup(tmp_path):
    db = tmp_path / "critics.json"
    build(db)
    db.unlink()
    before = state(tmp_path)
    result = critics("add", "--film", "Alpha", "--critic", "X", "--excerpt", "Y", "--db", str(db))
    _assert_one_line_error(result, str(db), "is missing", "critics.json.bak")
    assert state(tmp_path) == before


def test_a_folder_given_as_the_database_is_refused_by_every_command(tmp_path, capsys):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    (folder / "inside.txt").write_bytes(b"kept")
    page = _page(tmp_path)
    for command in COMMANDS:
        args = [part.replace("{page}", str(page)) for part in command]
        _assert_one_line_error(run_main(capsys, *args, "--db", str(folder)), str(folder), "is a folder")
    _assert_one_line_error(critics("stats", "--db", str(folder)), str(folder), "is a folder")
    assert [p.name for p in folder.iterdir()] == ["inside.txt"]


def test_a_missing_parent_folder_is_refused_and_not_created(tmp_path, capsys):
    db = tmp_path / "missing" / "deeper" / "critics.json"
    page = _page(tmp_path)
    for command in COMMANDS:
        args = [part.replace("{page}", str(page)) for part in command]
        _assert_one_line_error(run_main(capsys, *args, "--db", str(db)), str(db.parent), "does not exist")
    _assert_one_line_error(critics("add", "--film", "A", "--critic", "X", "--excerpt", "Y", "--db", str(db)), str(db.parent), "does not exist")
    assert not (tmp_path / "missing").exists()


def test_a_missing_folder_for_export_output_is_refused(tmp_path):
    db = tmp_path / "critics.json"
    build(db)
    target = tmp_path / "nowhere" / "out.json"
    _assert_one_line_error(critics("export", "--output", str(target), "--db", str(db)), str(target), "does not exist", codes=(1, 2))
    assert not target.parent.exists()


def test_a_non_utf8_import_file_is_refused_naming_it_and_the_database_is_untouched(tmp_path):
    db = tmp_path / "db" / "critics.json"
    db.parent.mkdir()
    build(db)
    before = state(db.parent)
    for name, raw in (("page.txt", "Critic Reviews\n  1. Reviewed by: Zoë\n    Très bien.\n".encode("latin-1")),
                      ("export.json", b'{"films": [{"title": "Caf\xe9"}]}'),
                      ("export.csv", b"title,excerpt\nCaf\xe9,Bon\n")):
        source = tmp_path / name
        source.write_bytes(raw)
        _assert_one_line_error(critics("import", str(source), "--title", "X", "--db", str(db)), str(source), "not UTF-8")
        assert source.read_bytes() == raw
    assert state(db.parent) == before


# -- read-only files and folders ------------------------------------------------------------


def _nobody() -> list[str]:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run a command as the unprivileged user nobody")
    user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*user, sys.executable, "-c", "import store, tui"], capture_output=True, cwd=ROOT)
    if probe.returncode != 0:
        pytest.skip(f"nobody cannot run this Python: {probe.stderr.decode()[-200:]}")
    return user


@pytest.fixture
def nobody_folder():
    """A folder nobody (uid 65534) owns, outside pytest's root-only tmp folder."""
    base = Path(tempfile.mkdtemp(prefix="critics-ro-", dir="/tmp"))
    base.chmod(0o755)
    folder = base / "db"
    folder.mkdir()
    yield folder
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(base)


@pytest.mark.parametrize("what", ["file", "folder", "every file"])
def test_a_read_only_database_as_an_unprivileged_user_reads_but_refuses_every_write(nobody_folder, what):
    user = _nobody()
    db = nobody_folder / "critics.json"
    build(db)
    page = _page(nobody_folder.parent)
    page.chmod(0o644)
    for path in (nobody_folder, *nobody_folder.iterdir()):
        os.chown(path, 65534, 65534)
    if what == "file":
        db.chmod(0o444)  # the journal beside it stays writable: still nothing may change
    elif what == "every file":
        for path in nobody_folder.iterdir():
            path.chmod(0o444)
    else:
        nobody_folder.chmod(0o555)
    before = state(nobody_folder)
    reads = critics("stats", "--json", "--db", str(db), user=user)
    assert reads.returncode == 0 and '"Alpha"' in reads.stdout, reads.stderr
    assert critics("export", "--db", str(db), user=user).returncode == 0
    for command in COMMANDS[3:]:
        args = [part.replace("{page}", str(page)) for part in command]
        result = critics(*args, "--db", str(db), user=user)
        _assert_one_line_error(result, str(db), "read-only")
        assert state(nobody_folder) == before, f"`critics {command[0]}` changed a read-only {what}"


def test_a_read_only_file_system_refuses_writes_in_one_line(tmp_path, monkeypatch, capsys):
    """Simulated: os.open fails with EROFS for anything opened for writing."""
    db = tmp_path / "critics.json"
    build(db)
    before = state(tmp_path)
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert main(["stats", "--db", str(db)]) == 0
    capsys.readouterr()
    page = _page(tmp_path)
    for command in COMMANDS[3:]:
        args = [part.replace("{page}", str(page)) for part in command]
        assert main([*args, "--db", str(db)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(db) in err and "Read-only file system" in err, err
    with Repository.open(db) as repository:
        with pytest.raises(StoreError, match="Read-only file system"):
            repository.add_review(1, ReviewDraft("No."))
        assert repository.review_count == 7
    monkeypatch.undo()
    assert state(tmp_path) == {**before, "page.txt": page.read_bytes()}


# -- the backup kept before a compaction -----------------------------------------------------


def test_compact_keeps_exactly_the_previous_snapshot_as_the_one_backup_and_it_opens(tmp_path):
    db = tmp_path / "critics.json"
    build(db)  # build compacted once already
    first = db.read_bytes()
    assert critics("compact", "--db", str(db)).returncode == 0
    second = db.read_bytes()
    assert db.with_name("critics.json.bak").read_bytes() == first
    assert critics("add", "--film", "Beta", "--critic", "X", "--excerpt", "After.", "--db", str(db)).returncode == 0
    assert critics("compact", "--db", str(db)).returncode == 0
    assert db.with_name("critics.json.bak").read_bytes() == second
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "critics.json", "critics.json.bak", "critics.json.journal", "critics.json.lock",
    ]
    # The backup is a database on its own: restoring it is a copy.
    restored = tmp_path / "restored" / "critics.json"
    restored.parent.mkdir()
    shutil.copyfile(db.with_name("critics.json.bak"), restored)
    with Repository.open(restored) as old, Repository.open(db) as new:
        assert old.review_count == new.review_count - 1
        assert [s.film.title for s in old.films()] == [s.film.title for s in new.films()]


# -- the browser --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["truncated in the first table", "garbage bytes", "a newer schema",
                                  "a review with no excerpt, grade or call", "latin-1 text", "an export given as the database"])
async def test_the_browser_on_a_bad_file_shows_why_and_exits_1_leaving_it_untouched(tmp_path, name):
    from tui.app import make_app

    make, words = SNAPSHOTS[name]
    db = tmp_path / "db" / "critics.json"
    db.parent.mkdir()
    db.write_bytes(make(good_snapshot(tmp_path)))
    before = state(db.parent)
    app = make_app(path=db)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app.return_code is not None:
                break
            await pilot.pause(0.02)
    assert app.return_code == 1
    assert app.error and "\n" not in app.error and str(db) in app.error and words in app.error
    assert state(db.parent) == before


async def test_the_browser_on_a_folder_or_a_missing_parent_exits_1(tmp_path):
    from tui.app import make_app

    for path, words in ((tmp_path, "is a folder"), (tmp_path / "missing" / "critics.json", "does not exist")):
        app = make_app(path=path)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(200):
                if app.return_code is not None:
                    break
                await pilot.pause(0.02)
        assert app.return_code == 1 and words in app.error and "\n" not in app.error
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("suffix", ["", ".journal", ".bak"])
def test_export_output_onto_the_database_itself_is_refused(tmp_path, suffix):
    db = tmp_path / "critics.json"
    build(db)
    with Repository.open(db) as repository:
        repository.compact()  # there is a .bak
    before = state(tmp_path)
    target = tmp_path / ".." / tmp_path.name / f"critics.json{suffix}"  # the same file by another spelling
    result = critics("export", "--output", str(target), "--db", str(db))
    _assert_one_line_error(result, str(target), "the database's own file", codes=(2,))
    assert state(tmp_path) == before
