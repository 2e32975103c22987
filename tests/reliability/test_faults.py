"""Faults at the syscall boundary: os.write / fsync / replace / ftruncate / open / link raise
ENOSPC or EIO at each step of a review add, a compaction, an import, a first write to a new
database and `critics export --output`.

For each step: the operation fails with a one-line StoreError naming the file and the reason;
the files are byte-for-byte what they were (or, once a new snapshot has been renamed into
place, hold exactly the same data); no temporary file is left; and the same Repository object
takes the next change once the fault is gone. Three kinds of fault: one failing call (a
transient error), every call failing from that step on until cleared (a full disk), and a
short write followed by ENOSPC (how a disk actually fills up mid-line).

tests/store/test_storage.py has one fsync-ENOSPC case; this walks every step.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from store.domain import Publication, ReviewDraft
from store.errors import StoreError
from store import storage as storage_module
from store.exchange import export_json
from store.domain import FilmRecord
from store.repository import Repository
from tui.cli import main

FAULTY = ("write", "fsync", "replace", "ftruncate", "open", "link")
ERRORS = {errno.ENOSPC: "No space left on device", errno.EIO: "Input/output error"}


class Faults:
    """Replaces the os functions the storage writes with. Counts the calls that touch the
    database's folder (path arguments) or any descriptor, and fails as told."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder)
        self.real = {name: getattr(os, name) for name in FAULTY}
        self.calls: list[str] = []
        self.targets: list[str] = []  # the destination of each replace (else "")
        self.fail_at: int | None = None
        self.code = errno.EIO
        self.kind = "once"  # once | from-then-on | short-write
        self.failed = 0

    def _fault(self) -> OSError:
        self.failed += 1
        return OSError(self.code, os.strerror(self.code))

    def _wrap(self, name):
        real = self.real[name]

        def call(*args, **kwargs):
            first = args[0] if args else None
            if not (isinstance(first, int) or str(first) == self.folder or str(first).startswith(self.folder + os.sep)):
                return real(*args, **kwargs)
            self.calls.append(name)
            self.targets.append(str(args[1]) if name == "replace" else "")
            step = len(self.calls)
            if self.fail_at is not None:
                if self.kind == "once" and step == self.fail_at:
                    raise self._fault()
                if self.kind == "from-then-on" and step >= self.fail_at:
                    # A full disk refuses what needs space; cutting a file shorter never does.
                    if not (self.code == errno.ENOSPC and name == "ftruncate"):
                        raise self._fault()
                if self.kind == "short-write" and name == "write" and step >= self.fail_at:
                    if step == self.fail_at:
                        data = bytes(args[1])
                        return real(args[0], data[: max(1, len(data) // 2)])
                    raise self._fault()
            return real(*args, **kwargs)

        return call

    def __enter__(self) -> "Faults":
        for name in FAULTY:
            setattr(os, name, self._wrap(name))
        return self

    def __exit__(self, *exc) -> None:
        for name, real in self.real.items():
            setattr(os, name, real)


def files(folder: Path) -> dict[str, bytes]:
    """The folder's files and their bytes (the lock file is empty and only ever created)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.endswith(".lock")}


def dump(repository: Repository) -> tuple:
    ids = [(r.id, r.film_id) for s in repository.films() for r in repository.reviews(s.film.id)]
    return export_json(repository), tuple(ids)


def reopened(path: Path) -> tuple | None:
    if not path.exists():
        return None
    with Repository.open(path) as repository:
        return dump(repository)


def build(path: Path) -> None:
    with Repository.open(path) as repository:
        film = repository.add_film("Base", 2000)
        for n in range(4):
            repository.add_review(film.id, ReviewDraft(f"base {n}", "Critic", "Pub", None, str(n * 25)))
        repository.compact()
        repository.add_review(film.id, ReviewDraft("after compaction", "Critic"))


def _import(repository: Repository):
    drafts = tuple(ReviewDraft(f"imported {k}", f"Critic {k}", "Pub", None, f"{k}/4") for k in range(4))
    return repository.import_films(
        [FilmRecord("Imported", 2010, None, None, drafts), FilmRecord("Base", 2000, None, None, drafts[:2])],
        [Publication("Pub", 2.0)],
    )


def _bulk_import(repository: Repository):
    """The import as a large one is committed: as a new snapshot, not a journal line."""
    real = storage_module.BULK_CHANGES
    storage_module.BULK_CHANGES = 4
    try:
        return _import(repository)
    finally:
        storage_module.BULK_CHANGES = real


COMMITTED_AS_SNAPSHOT = ("bulk import", "first bulk import")
OPERATIONS = {
    # name: (the operation, whether the database exists before it, warm: journal already open)
    "add": (lambda r: r.add_review(r.find_films("Base")[0].id, ReviewDraft("new", "New", None, None, "B")), True, True),
    "add after open": (lambda r: r.add_review(r.find_films("Base")[0].id, ReviewDraft("new", "New")), True, False),
    "compact": (lambda r: r.compact(), True, True),
    "import": (_import, True, True),
    "first write": (lambda r: r.add_film("First", 2020), False, False),
    "first import": (_import, False, False),
    "bulk import": (_bulk_import, True, True),
    "first bulk import": (_bulk_import, False, False),
}


def _recorded_steps(tmp_path: Path, name: str) -> tuple[list[str], list[str]]:
    operation, exists, warm = OPERATIONS[name]
    folder = tmp_path / "probe"
    folder.mkdir()
    if exists:
        build(folder / "critics.json")
    with Repository.open(folder / "critics.json") as repository:
        if warm:
            repository.refresh()
            repository.set_publication_weight("Warm", 1.0)  # opens the journal for appending
        with Faults(folder) as faults:
            operation(repository)
    return faults.calls, [Path(t).name for t in faults.targets]


CASES = [
    (name, kind, code)
    for name in OPERATIONS
    for kind in ("once", "from-then-on", "short-write")
    for code in ERRORS
    if not (kind == "short-write" and code == errno.EIO)
]


@pytest.mark.parametrize(("name", "kind", "code"), CASES, ids=[f"{n}-{k}-{errno.errorcode[c]}" for n, k, c in CASES])
def test_a_fault_at_each_step_fails_cleanly_keeps_the_last_good_state_and_the_store_usable(tmp_path, name, kind, code):
    operation, exists, warm = OPERATIONS[name]
    steps, targets = _recorded_steps(tmp_path, name)
    assert steps
    indices = [i for i, call in enumerate(steps, 1) if kind != "short-write" or call == "write"]
    # Once a new snapshot is renamed into place the data is the same but the bytes are not;
    # before that, only the .bak may have changed (to a copy of the current snapshot).
    renamed = [i for i, target in enumerate(targets, 1) if target == "critics.json"]
    exercised = 0
    for step in indices:
        folder = tmp_path / f"{kind}-{step}"
        folder.mkdir()
        db = folder / "critics.json"
        if exists:
            build(db)
        with Repository.open(db) as repository:
            if warm:
                repository.set_publication_weight("Warm", 1.0)
            before_files = files(folder)
            before = dump(repository)
            where = f"{name}, {kind} {errno.errorcode[code]} at step {step} ({steps[step - 1]})"
            with Faults(folder) as faults:
                faults.fail_at, faults.code, faults.kind = step, code, kind
                try:
                    operation(repository)
                except StoreError as error:
                    message = str(error)
                else:
                    message = None
            exercised += 1
            after_files = files(folder)
            assert not [n for n in after_files if n.endswith(".tmp")], f"{where}: temporary files left: {list(after_files)}"
            link_copied = kind == "once" and steps[step - 1] == "link"  # the .bak is copied instead
            if message is None and name in COMMITTED_AS_SNAPSHOT and (link_copied or (renamed and step > renamed[0])):
                # The new snapshot is in place: the change stands (the next write starts the
                # journal a failure left stale), in memory and on disk alike.
                assert dump(repository) != before and dump(repository) == reopened(db), where
                repository.add_review(repository.find_films("Base")[0].id, ReviewDraft("after it", "Later"))
                assert dump(repository) == reopened(db), where
                continue
            if message is None:
                # Only a failed hard link for the .bak has a way round it (a copy).
                assert kind == "once" and steps[step - 1] == "link" and faults.failed == 1, f"{where}: no error"
                assert dump(repository) == before == reopened(db), where
                continue
            assert "\n" not in message and str(db) in message, f"{where}: {message!r}"
            assert ERRORS[code] in message, f"{where}: the reason is missing from {message!r}"
            # In memory: as before.
            assert dump(repository) == before, f"{where}: the open repository changed"
            if "may still appear" in message:
                # A dead disk (EIO from then on) that refused even to cut the journal back: the
                # line may be whole in the file. Said so, and the next read takes it in whole.
                assert kind == "from-then-on" and code == errno.EIO, f"{where}: {message!r}"
                with Repository.open(db) as other:
                    assert other.warnings == [] and dump(other) != before
            # On disk: the last good state.
            elif not renamed or step < renamed[0]:
                backup = after_files.pop("critics.json.bak", None)
                old_backup = before_files.pop("critics.json.bak", None)
                assert after_files == before_files, f"{where}: files changed: {sorted(after_files)}"
                assert backup in (old_backup, before_files.get("critics.json")), f"{where}: the backup is neither"
            if "may still appear" not in message:
                assert reopened(db) in (before if exists else None, before), f"{where}: reopening shows other data"
            # The fault is gone: the same object takes the next change, durably.
            repository.refresh()
            review_film = repository.find_films("Base")
            film_id = review_film[0].id if review_film else repository.add_film("Base", 2000).id
            added = repository.add_review(film_id, ReviewDraft("once the fault is gone", "Later"))
            repository.compact()
            memory = dump(repository)
        with Repository.open(db) as again:
            assert again.review(added.id).excerpt == "once the fault is gone", where
            assert dump(again) == memory, f"{where}: what the object showed is not what was saved"
            assert again.warnings == [], f"{where}: {again.warnings}"
    assert exercised == len(indices)
    print(f"\nfaults, {name}, {kind} {errno.errorcode[code]}: {exercised} steps of {len(steps)}")


def test_a_full_disk_during_a_compaction_keeps_the_previous_backup_or_the_current_snapshot(tmp_path):
    db = tmp_path / "critics.json"
    build(db)
    with Repository.open(db) as repository:
        repository.compact()  # now there is a .bak
        snapshot = db.read_bytes()
        backup = db.with_name("critics.json.bak").read_bytes()
        with Faults(tmp_path) as faults:
            faults.fail_at, faults.code, faults.kind = 4, errno.ENOSPC, "from-then-on"  # writing the new snapshot
            with pytest.raises(StoreError, match="No space left on device; the previous state was kept"):
                repository.compact()
    assert db.read_bytes() == snapshot
    # The backup is replaced only once the new snapshot is whole on disk: a write that fails
    # midway leaves the previous backup as it was.
    assert db.with_name("critics.json.bak").read_bytes() == backup


# -- critics export --output ------------------------------------------------------------------


def test_export_output_faults_leave_the_old_file_or_the_whole_new_one_and_say_so(tmp_path, capsys):
    db = tmp_path / "db" / "critics.json"
    db.parent.mkdir()
    build(db)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "export.json"
    old = b'{"films": []}\n'
    with Repository.open(db) as repository:
        new = export_json(repository)
    # Record the steps of the whole command (opening and reading the database included).
    target.write_bytes(old)
    with Faults(tmp_path) as faults:
        assert main(["export", "--output", str(target), "--db", str(db)]) == 0
    steps = faults.calls
    assert target.read_bytes() == new
    replace_at = max(i for i, call in enumerate(steps, 1) if call == "replace")
    capsys.readouterr()
    results = []
    for code in ERRORS:
        for step in range(1, len(steps) + 1):
            target.write_bytes(old)
            with Faults(tmp_path) as faults:
                faults.fail_at, faults.code, faults.kind = step, code, "once"
                status = main(["export", "--output", str(target), "--db", str(db)])
            err = capsys.readouterr().err
            where = f"export, {errno.errorcode[code]} at step {step} ({steps[step - 1]})"
            assert not [p.name for p in out.iterdir() if p.name != "export.json"], f"{where}: temporary file left"
            assert [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")] == []
            if status == 0:
                # Only a failure to create the lock file for reading is harmless: the export
                # then reads without the lock and succeeds.
                assert steps[step - 1] == "open" and target.read_bytes() == new, where
                results.append("ok")
                continue
            assert status == 1, where
            assert err.count("\n") == 1 and err.startswith("critics: error: ") and ERRORS[code] in err, f"{where}: {err!r}"
            assert str(target) in err or str(db.parent) in err, f"{where}: {err!r}"
            if step < replace_at:
                assert target.read_bytes() == old, f"{where}: the old export was changed"
            else:
                assert target.read_bytes() in (old, new), f"{where}: a half-written export"
            results.append("error")
    assert results.count("error") >= len(steps)
    print(f"\nfaults, export --output: {len(results)} ({results.count('error')} errors, {results.count('ok')} harmless)")


def test_export_to_a_read_only_place_is_one_line_and_writes_nothing(tmp_path, capsys):
    db = tmp_path / "critics.json"
    build(db)
    target = tmp_path / "out.csv"
    real_open = os.open

    def read_only_fs(path, flags, *args, **kwargs):
        if str(path).endswith(".tmp") and flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    os.open = read_only_fs
    try:
        status = main(["export", "--format", "csv", "--output", str(target), "--db", str(db)])
    finally:
        os.open = real_open
    err = capsys.readouterr().err
    assert status == 1 and err == f"critics: error: cannot write {target}: Read-only file system\n"
    assert not target.exists()


# -- the browser keeps running ------------------------------------------------------------------


async def test_the_browser_shows_a_failed_save_keeps_the_form_and_saves_once_the_disk_recovers(tmp_path):
    from tests.fixed_store import browser, build_store, screen_text

    store = build_store(tmp_path / "critics.json")
    app = browser(store)
    notices = []
    try:
        async with app.run_test(size=(100, 30), message_hook=notices.append) as pilot:
            await pilot.press("j", "j", "j")  # Pusher
            before = files(tmp_path)
            count = store.review_count
            await pilot.press("a")
            form = app.browser.reviews_pane.form
            form.input("critic").value = "Disk Full"
            form.input("excerpt").value = "Written while the disk was full."
            with Faults(tmp_path) as faults:
                faults.fail_at, faults.code, faults.kind = 1, errno.ENOSPC, "from-then-on"
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert app.is_running and app.browser.reviews_pane.editing, "the form was lost"
                assert "No space left on device" in screen_text(app)
                assert store.review_count == count and files(tmp_path) == before
                # A delete fails the same way, as a message; the app carries on.
                await pilot.press("escape", "y", "d", "y")  # discard the form (it asks), then delete
                await pilot.pause()
                assert app.is_running and store.review_count == count
            assert files(tmp_path) == before
            await pilot.press("a")
            form = app.browser.reviews_pane.form
            form.input("critic").value = "Disk Fine"
            form.input("excerpt").value = "Written once there was room."
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not app.browser.reviews_pane.editing
            assert store.review_count == count + 1
    finally:
        store.close()
    said = [m.notification.message for m in notices if hasattr(m, "notification")]
    assert any("No space left on device" in text and "\n" not in text for text in said), f"the failed delete said: {said}"
    with Repository.open(tmp_path / "critics.json") as repository:
        critics = {r.critic for s in repository.films() for r in repository.reviews(s.film.id)}
        assert "Disk Fine" in critics and "Disk Full" not in critics
