"""A large import is committed as a new snapshot, not as a journal line (store/storage.py
JournaledStorage._commits_as_snapshot); faults at each of its steps: tests/reliability/test_faults.py."""

from __future__ import annotations

from store import storage as storage_module
from store.domain import FilmRecord, ReviewDraft
from store.exchange import export_json
from store.repository import Repository


def _films(count: int, reviews: int) -> list[FilmRecord]:
    return [
        FilmRecord(f"Film {n}", 2000, key=f"m/{n}", reviews=tuple(ReviewDraft(f"Words {n}.{r}.", f"Critic {r}") for r in range(reviews)))
        for n in range(count)
    ]


def _journal_lines(path) -> int:
    return len(path.with_name(path.name + ".journal").read_bytes().splitlines())


def test_a_large_import_is_one_new_snapshot_and_other_processes_read_it(db_path, monkeypatch):
    monkeypatch.setattr(storage_module, "BULK_CHANGES", 50)
    with Repository.open(db_path) as repository, Repository.open(db_path) as other:
        repository.add_film("Before", 1999)
        lines_before = _journal_lines(db_path)
        result = repository.import_films(_films(10, 9))
        assert result.reviews_added == 90
        assert _journal_lines(db_path) == 1  # only the new journal's header: the snapshot holds it all
        assert db_path.with_name(db_path.name + ".bak").exists() and lines_before == 2
        assert other.refresh() and export_json(other) == export_json(repository)
        exported = export_json(repository)
        repository.add_review(repository.film_by_key("m/1").id, ReviewDraft("Journalled again."))
        assert _journal_lines(db_path) == 2
    with Repository.open(db_path) as reopened:
        assert reopened.review_count == 91 and reopened.film_count == 11
        assert export_json(reopened) != exported and len(reopened.reviews(reopened.film_by_key("m/1").id)) == 10


def test_a_small_import_or_one_small_beside_the_store_is_a_journal_line(db_path, monkeypatch):
    monkeypatch.setattr(storage_module, "BULK_CHANGES", 50)
    with Repository.open(db_path) as repository:
        repository.import_films(_films(50, 19))  # the first: a new database's first snapshot
        assert _journal_lines(db_path) == 1
        repository.import_films(_films(2, 22))  # 44 changes: below BULK_CHANGES
        assert _journal_lines(db_path) == 2
        # About 90 changes (a film, its review and the id counters each), not a quarter of 1,000 records.
        repository.import_films([FilmRecord(f"More {n}", 2001, reviews=(ReviewDraft("x"),)) for n in range(30)])
        assert _journal_lines(db_path) == 3
        exported = export_json(repository)
    with Repository.open(db_path) as reopened:
        assert export_json(reopened) == exported


def test_a_new_table_is_one_change_and_later_changes_to_it_in_the_same_transaction_replay(db_path):
    from store.storage import JournaledStorage

    storage = JournaledStorage(db_path)
    try:
        with storage.transaction():
            storage.put("films", 1, {"title": "Seed"})
        with storage.transaction():
            storage.insert_many("reviews/1", {1: {"excerpt": "a"}, 2: {"excerpt": "b"}, 3: {"excerpt": "c"}})
            assert [c.key for c in storage.pending()] == [None]  # one whole-table change
            storage.remove("reviews/1", 2)
            storage.put("reviews/1", 3, {"excerpt": "c, edited"})
        held = dict(storage.table("reviews/1"))
    finally:
        storage.close()
    reopened = JournaledStorage(db_path)
    try:
        assert dict(reopened.table("reviews/1")) == held == {"1": {"excerpt": "a"}, "3": {"excerpt": "c, edited"}}
    finally:
        reopened.close()


def test_a_failed_transaction_takes_back_a_new_table(db_path):
    import pytest

    from store.storage import JournaledStorage

    storage = JournaledStorage(db_path)
    try:
        with pytest.raises(RuntimeError):
            with storage.transaction():
                storage.insert_many("reviews/9", {1: {"excerpt": "a"}})
                raise RuntimeError("refused")
        assert "reviews/9" not in storage.table_names()
    finally:
        storage.close()
