"""Crashes: SIGKILL at random moments during a mixed workload that includes imports, and at
every single syscall of each kind of write.

tests/store/test_storage.py already kills a writer doing add/edit/delete/compact; here the workload
also imports pages and JSON exports (many reviews and a new film in one transaction), so each
reopen checks that an import is all-or-nothing as well as that every acknowledged change is
there, nothing is duplicated and nothing nobody wrote appears.

CRITICS_KILL_ROUNDS sets the number of random kills (default 30, as CI runs it; 200+ for a
full run). The deterministic tests kill a forked child just before each syscall of an
operation (and in the middle of each write), so every step is hit, not only the likely ones.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from store.domain import Publication, PublishedSummary, ReviewDraft
from store.exchange import export_json
from store.domain import FilmRecord
from store.repository import Repository
from tests.places import ROOT



def kill_rounds() -> int:
    return int(os.environ.get("CRITICS_KILL_ROUNDS", "30"))


# -- random kills of a real process --------------------------------------------------------------

# Every review's excerpt starts with a key that no other review ever has, so the parent can tell
# exactly which change each review came from. Each line printed after an operation returns is an
# acknowledgement: that operation is durable. "will-..." lines name the operation in flight.
WORKER = textwrap.dedent(
    r'''
    import random, sys
    from store.domain import ReviewDraft
    from store.exchange import read_json_export
    from store.pages import parse_page
    from store.domain import FilmRecord
    from store.repository import Repository

    path, run, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)

    def say(*words):
        print(*words, flush=True)

    def page_text(key, count):
        lines = [f"Mixed or average reviews - based on {count} Critics", "", "Critic Reviews", ""]
        for k in range(count):
            lines += [f"  {k + 1}. Reviewed by:\u00a0Critic {k % 4}", "    Jul 15, 2013",
                      f"    {key}/{k} " + "page text " * rng.randint(1, 40)]
        return "\n".join(lines) + "\n"

    def json_export(key, count):
        import orjson
        films = []
        for part in ("a", "b"):
            films.append({
                "title": f"Import {key} {part}", "year": 2001, "director": None,
                "published": {"verdict": "Universal acclaim", "critics": count, "positive": count,
                              "mixed": 0, "negative": 0},
                "reviews": [{"critic": f"J {k}", "publication": f"Pub {k % 3}", "date": None,
                             "grade": f"{k % 4}/4", "score": None,
                             "excerpt": f"{key}{part}/{k} " + "json text " * rng.randint(1, 40)}
                            for k in range(count)],
            })
        return orjson.dumps({"films": films, "publications": [{"name": "Pub 1", "weight": 1 + rng.randint(0, 4) / 2}]})

    with Repository.open(path) as repository:
        shared = repository.find_films("Shared")[0].id
        mine = {}   # key -> review id, for the reviews this run added and has not deleted
        say("ready")
        for n in range(100000):
            key = f"{run}.{n}"
            op = rng.choices(["add", "edit", "delete", "page", "page-shared", "json", "compact"],
                             [40, 12, 8, 12, 6, 10, 6])[0]
            if op in ("edit", "delete") and not mine:
                op = "add"
            if op == "add":
                say("will-add", key)
                review = repository.add_review(shared, ReviewDraft(f"{key} " + "x" * rng.randint(1, 400), "w", None, None, str(n % 101)))
                mine[key] = review.id
                say("add", key, review.id)
            elif op == "edit":
                target = rng.choice(sorted(mine))
                say("will-edit", target)
                repository.edit_review(mine[target], ReviewDraft(f"{target} edited {n}", "w", None, None, "50"))
                say("edit", target, n)
            elif op == "delete":
                target = rng.choice(sorted(mine))
                say("will-delete", target)
                repository.delete_review(mine.pop(target))
                say("delete", target)
            elif op in ("page", "page-shared"):
                count = rng.randint(2, 12)
                page = parse_page(page_text(key, count), "page.txt")
                title = "Shared" if op == "page-shared" else f"Import {key}"
                say("will-import", key, count, "page" if op == "page" else "shared")
                repository.import_films([FilmRecord(title, 2000, None, page.published, page.reviews)])
                say("import", key)
            elif op == "json":
                count = rng.randint(1, 8)
                records, publications = read_json_export(json_export(key, count), "export.json")
                say("will-import", key, count, "json")
                repository.import_films(records, publications)
                say("import", key)
            else:
                say("will-compact")
                repository.compact()
                say("compact")
    '''
)

KEY = re.compile(r"^(\d+\.\d+)(?:([ab])?/\d+)? ")


class Model:
    """What must be on disk, from the acknowledgements, and what may be (operations in flight)."""

    def __init__(self) -> None:
        self.reviews: dict[str, str] = {}  # key -> the exact excerpt required
        self.imports: dict[str, tuple[int, str]] = {}  # key -> (review count, kind), acknowledged
        self.maybe_add: str | None = None
        self.maybe_edit: str | None = None
        self.maybe_delete: str | None = None
        self.maybe_import: tuple[str, int, str] | None = None

    def feed(self, lines: list[str]) -> None:
        self.maybe_add = self.maybe_edit = self.maybe_delete = self.maybe_import = None
        for line in lines:
            word, *rest = line.split()
            if word == "will-add":
                self.maybe_add = rest[0]
            elif word == "add":
                self.reviews[rest[0]] = "added"
                self.maybe_add = None
            elif word == "will-edit":
                self.maybe_edit = rest[0]
            elif word == "edit":
                self.reviews[rest[0]] = f"{rest[0]} edited {rest[1]}"
                self.maybe_edit = None
            elif word == "will-delete":
                self.maybe_delete = rest[0]
            elif word == "delete":
                self.reviews.pop(rest[0], None)
                self.maybe_delete = None
            elif word == "will-import":
                self.maybe_import = (rest[0], int(rest[1]), rest[2])
            elif word == "import":
                key, count, kind = self.maybe_import
                self.imports[key] = (count, kind)
                self.maybe_import = None

    def check(self, repository: Repository) -> dict[str, int]:
        """Compare the reopened store with the model; resolve what was in flight to what is there."""
        by_key: dict[str, list[str]] = {}
        import_reviews: dict[str, int] = {}
        ids = []
        shared = repository.find_films("Shared")[0].id
        for summary in repository.films():
            for review in repository.reviews(summary.film.id):
                ids.append(review.id)
                match = KEY.match(review.excerpt)
                assert match, f"a review nobody wrote: {review.excerpt[:60]!r}"
                key = match[1]
                if "/" in review.excerpt.split(" ", 1)[0]:  # one of an import's reviews
                    import_reviews[key] = import_reviews.get(key, 0) + 1
                    assert review.critic, "an imported review lost its critic"
                else:
                    by_key.setdefault(key, []).append(review.excerpt)
                    assert review.film_id == shared
        assert len(ids) == len(set(ids)), "a review id is used twice"
        titles = [s.film.title for s in repository.films()]
        assert len(titles) == len(set(titles)), "a film was duplicated"
        for key, excerpts in by_key.items():
            assert len(excerpts) == 1, f"review {key} is stored {len(excerpts)} times"

        # Acknowledged adds and edits are there, exactly; acknowledged deletes are gone.
        if self.maybe_delete and self.maybe_delete not in by_key:
            self.reviews.pop(self.maybe_delete, None)  # the delete reached the disk
        for key, wanted in self.reviews.items():
            assert key in by_key, f"acknowledged review {key} was lost"
            got = by_key[key][0]
            if self.maybe_edit == key and got.startswith(f"{key} edited"):
                self.reviews[key] = wanted = got  # the edit in flight reached the disk
            if wanted != "added":
                assert got == wanted, f"acknowledged edit of {key} was lost"
            else:
                assert not got.startswith(f"{key} edited") or self.maybe_edit == key, f"{key} changed by nobody"
                if got.startswith(f"{key} edited"):
                    self.reviews[key] = got
        unknown = set(by_key) - set(self.reviews)
        assert unknown <= {self.maybe_add}, f"reviews nobody added: {sorted(unknown)[:5]}"
        for key in unknown:
            self.reviews[key] = "added"  # the add in flight reached the disk

        # Imports: all of an import's reviews or none; an acknowledged one in full.
        for key, (count, kind) in self.imports.items():
            expected = count * (2 if kind == "json" else 1)
            assert import_reviews.get(key, 0) == expected, f"import {key}: {import_reviews.get(key, 0)} of {expected} reviews"
        half = {}
        if self.maybe_import:
            key, count, kind = self.maybe_import
            expected = count * (2 if kind == "json" else 1)
            found = import_reviews.get(key, 0)
            assert found in (0, expected), f"import {key} is half there: {found} of {expected} reviews"
            films = [t for t in titles if t.startswith(f"Import {key}")]
            if kind != "shared":
                assert len(films) == (0 if found == 0 else (2 if kind == "json" else 1)), f"import {key}: films {films} without their reviews"
            if found:
                self.imports[key] = (count, kind)
            half = {"import_in_flight": 1, "import_landed": int(bool(found))}
        stray = set(import_reviews) - set(self.imports)
        assert not stray, f"imports nobody made: {sorted(stray)[:5]}"
        return half


def _start_worker(db_path: Path, run: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db_path), str(run), str(1000 + run)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
    )


def test_kill_9_during_adds_edits_deletes_imports_and_compactions_loses_nothing_and_halves_nothing(tmp_path):
    db_path = tmp_path / "critics.json"
    with Repository.open(db_path) as repository:
        repository.add_film("Shared", 2000)
    rounds = kill_rounds()
    rng = random.Random(5)
    model = Model()
    tally = {"kills": 0, "in_flight": 0, "imports_in_flight": 0, "imports_landed": 0, "torn_tails": 0}
    started = time.monotonic()
    for run in range(rounds):
        worker = _start_worker(db_path, run)
        assert worker.stdout.readline().strip() == "ready", "the worker did not start"
        time.sleep(rng.uniform(0.0, 0.25))
        worker.send_signal(signal.SIGKILL)
        out = worker.stdout.read()
        worker.wait()
        assert worker.returncode == -signal.SIGKILL, "the worker ended before it was killed"
        tally["kills"] += 1
        lines = out.split("\n")
        lines = [line for line in lines[:-1] if line]  # a half-printed last line acknowledged nothing
        model.feed(lines)
        if lines and lines[-1].startswith("will-"):
            tally["in_flight"] += 1
        with Repository.open(db_path) as repository:
            tally["torn_tails"] += sum("incomplete last entry" in w for w in repository.warnings)
            half = model.check(repository)
        tally["imports_in_flight"] += half.get("import_in_flight", 0)
        tally["imports_landed"] += half.get("import_landed", 0)
    elapsed = time.monotonic() - started
    with Repository.open(db_path) as repository:
        reviews = repository.review_count
    print(
        f"\nkill test: {tally['kills']} SIGKILLs in {elapsed:.1f} s; {tally['in_flight']} mid-operation, "
        f"{tally['imports_in_flight']} mid-import ({tally['imports_landed']} of them landed whole), "
        f"{tally['torn_tails']} torn journal tails dropped; {reviews} reviews, {len(model.imports)} imports survived"
    )
    assert tally["kills"] == rounds
    assert tally["in_flight"] >= rounds // 2, "most kills should land inside an operation"


# -- a kill at every syscall of each write -----------------------------------------------------

SYSCALLS = ("open", "write", "fsync", "close", "replace", "link", "unlink", "ftruncate")


def _dump(path: Path) -> tuple:
    """Everything a user can see in a database, with its ids."""
    with Repository.open(path) as repository:
        ids = [(r.id, r.film_id) for s in repository.films() for r in repository.reviews(s.film.id)]
        return export_json(repository), tuple(ids)


def _records(tag: str, count: int) -> list[FilmRecord]:
    drafts = tuple(ReviewDraft(f"{tag} {k} " + "imported " * 20, f"Critic {k}", "Pub", "2020-01-02", f"{k % 5}/4")
                   for k in range(count))
    return [
        FilmRecord(f"Film {tag}", 1999, "Someone", PublishedSummary("Mixed", count, 1, 1, 1), drafts),
        FilmRecord("Base", 2000, None, None, drafts[:2]),
    ]


def _base_database(path: Path) -> None:
    with Repository.open(path) as repository:
        film = repository.add_film("Base", 2000)
        for n in range(5):
            repository.add_review(film.id, ReviewDraft(f"base {n}", "Critic", "Pub", None, str(n * 20)))
        repository.compact()
        repository.add_review(film.id, ReviewDraft("after compaction", "Critic"))


OPERATIONS = {
    "add": lambda r: r.add_review(r.find_films("Base")[0].id, ReviewDraft("new review " * 30, "New", "Pub", "2021-02-03", "B+")),
    "edit": lambda r: r.edit_review(2, ReviewDraft("edited " * 30, "Critic", None, None, "3/4")),
    "delete": lambda r: r.delete_review(3),
    "import": lambda r: r.import_films(_records("imp", 6), [Publication("Pub", 2.0)]),
    "compact": lambda r: r.compact(),
    "weight": lambda r: r.set_publication_weight("Pub", 0.5),
    "first write": lambda r: r.add_film("Very First", 2020),
    "first import": lambda r: r.import_films(_records("first", 4)),
}


class _Recorder:
    """Wraps the os functions the storage writes with; calls fn(name, args) before each one
    that touches the database's folder (by path) or any file descriptor."""

    def __init__(self, folder: Path, before) -> None:
        self.folder = str(folder)
        self.before = before
        self.count = 0
        self.real = {name: getattr(os, name) for name in SYSCALLS}

    def _wrap(self, name):
        real = self.real[name]

        def call(*args, **kwargs):
            first = args[0] if args else None
            if isinstance(first, int) or str(first).startswith(self.folder):
                self.count += 1
                result = self.before(name, args, self.count)
                if result is not None:
                    return result
            return real(*args, **kwargs)

        return call

    def __enter__(self):
        for name in SYSCALLS:
            setattr(os, name, self._wrap(name))
        return self

    def __exit__(self, *exc):
        for name, real in self.real.items():
            setattr(os, name, real)


def _syscalls(folder: Path, operation) -> list[str]:
    seen = []
    with Repository.open(folder / "critics.json") as repository:
        with _Recorder(folder, lambda name, args, n: seen.append(name)):
            operation(repository)
    return seen


def _killed_child(folder: Path, operation, step: int, torn: bool) -> int:
    """Fork; the child runs the operation and SIGKILLs itself just before syscall number step
    (or, torn, after writing half of that write's bytes). The child's exit status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            def before(name, args, n):
                if n == step:
                    if torn and name == "write":
                        data = bytes(args[1])
                        os.write(args[0], data[: max(1, len(data) // 2)])
                    os.kill(os.getpid(), signal.SIGKILL)
                return None

            with Repository.open(folder / "critics.json") as repository:
                with _Recorder(folder, before):
                    operation(repository)
            os._exit(0)
        except BaseException:
            os._exit(3)
    deadline = time.monotonic() + 20
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"the child hung at step {step}")
        time.sleep(0.002)


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_a_kill_before_any_syscall_of_a_write_leaves_the_state_before_or_after_it(tmp_path, name):
    operation = OPERATIONS[name]
    template = tmp_path / "template"
    template.mkdir()
    if not name.startswith("first"):
        _base_database(template / "critics.json")
    before = _dump(template / "critics.json") if (template / "critics.json").exists() else None
    probe = tmp_path / "probe"
    shutil.copytree(template, probe)
    calls = _syscalls(probe, operation)
    after = _dump(probe / "critics.json")
    assert calls, "the operation wrote nothing"
    outcomes = {"before": 0, "after": 0}
    cases = [(step, False) for step in range(1, len(calls) + 1)]
    cases += [(step, True) for step, call in enumerate(calls, 1) if call == "write"]
    for step, torn in cases:
        folder = tmp_path / f"step-{step}-{'torn' if torn else 'kill'}"
        shutil.copytree(template, folder)
        status = _killed_child(folder, operation, step, torn)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"step {step}: child status {status}"
        db = folder / "critics.json"
        state = _dump(db) if db.exists() else None
        where = f"{name}: killed before syscall {step} ({calls[step - 1]}{', torn' if torn else ''})"
        empty = before is None and state is not None and state[1] == () and b'"films": []' in state[0]
        assert state in (before, after) or empty, f"{where}: the store is neither before nor after the change"
        outcomes["after" if state == after else "before"] += 1
        # Recovery: the next write works, and a reopen sees it on top of that state.
        with Repository.open(db) as repository:
            film = repository.find_films("Base") or [repository.add_film("Base", 2000)]
            repository.add_review(film[0].id, ReviewDraft("after the crash", "Survivor"))
            repository.compact()
        with Repository.open(db) as repository:
            assert repository.warnings == []
            assert any(r.excerpt == "after the crash" for r in repository.reviews(repository.find_films("Base")[0].id))
        leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
        assert leftovers == [], f"{where}: temporary files left after the next compaction: {leftovers}"
    print(f"\nkill points, {name}: {len(cases)} ({len(calls)} syscalls, {len(cases) - len(calls)} torn writes); "
          f"reopened as before {outcomes['before']}, as after {outcomes['after']}")
    if before != after:  # a compaction changes nothing a user sees
        assert outcomes["before"] and outcomes["after"], f"every kill point fell on one side of the commit: {outcomes}"
