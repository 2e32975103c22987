"""`critics check` reads every record and reports damage, changing nothing; `critics repair`
copies the damaged files aside, rebuilds from what is intact and says exactly what it dropped."""

from __future__ import annotations

import orjson
import pytest

from store.checkup import examine, repair
from store.domain import FilmRecord, ReviewDraft
from store.errors import StoreError
from store.repository import Repository
from tests.snapshot_files import rewrite_snapshot


def _state(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "critics.json"
    with Repository.open(path) as repository:
        repository.import_films([
            FilmRecord("Alpha", 2000, reviews=(ReviewDraft("First.", "Ada", None, None, "B"),)),
            FilmRecord("Beta", 2001, reviews=(ReviewDraft("Second.", "Bo", None, None, "C"),)),
        ])
        repository.compact()
        alpha = repository.find_films("Alpha")[0].id
        for word in ("one", "two", "three"):
            repository.add_review(alpha, ReviewDraft(f"Added {word}.", "Cy", None, None, "A"))
    return path


def _excerpts(path) -> list[str]:
    with Repository.open(path) as repository:
        return sorted(r.excerpt for film in repository.films() for r in repository.reviews(film.film.id))


def test_a_healthy_database_checks_clean_and_check_changes_nothing(db):
    before = _state(db.parent)
    checkup = examine(db)
    assert checkup.problems == [] and checkup.films == 2 and checkup.reviews == 5 and checkup.entries == 3
    assert _state(db.parent) == before
    assert repair(db)[1] == []  # nothing to repair: nothing copied
    assert _state(db.parent) == before


def test_a_damaged_journal_entry_is_reported_then_repair_drops_exactly_that_change(db):
    journal = db.with_name("critics.json.journal")
    lines = journal.read_bytes().splitlines(keepends=True)
    damaged = bytearray(lines[2])
    damaged[20] ^= 0x01  # the second add's entry, in the middle of the journal
    journal.write_bytes(b"".join([*lines[:2], bytes(damaged), *lines[3:]]))
    with pytest.raises(StoreError, match="damaged"):
        Repository.open(db)
    before = _state(db.parent)
    checkup = examine(db)
    assert _state(db.parent) == before
    assert any("fails its checksum" in problem for problem in checkup.problems)
    checkup, copies = repair(db)
    assert {copy.name.split(".damaged-")[0] for copy in copies} == {"critics.json", "critics.json.journal"}
    assert copies[1].read_bytes() == before["critics.json.journal"]  # the damaged files, kept aside
    assert _excerpts(db) == ["Added one.", "Added three.", "First.", "Second."]
    assert examine(db).problems == []


def test_a_damaged_record_in_the_snapshot_is_dropped_alone(db):
    def damage(tables):
        beta = next(name for name, table in tables.items() if any(r.get("excerpt") == "Second." for r in table.values()))
        for record in tables[beta].values():
            record["score"] = 250

    rewrite_snapshot(db, damage)
    checkup = examine(db)
    assert len(checkup.problems) == 1 and "is damaged" in checkup.problems[0]
    repair(db)
    assert _excerpts(db) == ["Added one.", "Added three.", "Added two.", "First."]


def test_an_unreadable_table_line_is_reported_with_its_line_number(db):
    header, films, *rest = db.read_bytes().splitlines(keepends=True)
    lines = [header, films, *rest]
    lines[2] = b"[\"reviews/2\", {\"1\": {oops\n"
    db.write_bytes(b"".join(lines))
    checkup = examine(db)
    assert any("line 3: unreadable" in problem for problem in checkup.problems)


def test_a_snapshot_without_a_readable_header_cannot_be_rebuilt_and_says_so(db):
    db.write_bytes(b"garbage\n" + db.read_bytes())
    with pytest.raises(StoreError, match="restore critics.json.bak"):
        repair(db)
