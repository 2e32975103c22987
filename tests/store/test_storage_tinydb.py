"""JournaledStorage as a general TinyDB storage: ``TinyDB(path, storage=JournaledStorage)``.

What a TinyDB user relies on (durability across reopening, one durable journal line per write,
transactions, failed writes that change nothing, two instances on one file), and that TinyDB
and the repository read each other's databases. TinyDB's own test suite runs against the
storage in test_tinydb_suite.py.
"""

from __future__ import annotations

import errno
import os

import pytest
from tinydb import TinyDB, where
from tinydb.table import Document

from store.errors import StoreError
from store.repository import Repository
from store.storage import JournaledStorage


@pytest.fixture
def path(tmp_path):
    return tmp_path / "db.json"


def _open(path) -> TinyDB:
    return TinyDB(path, storage=JournaledStorage)


def _journal_lines(path) -> int:
    journal = path.with_name(path.name + ".journal")
    return len(journal.read_bytes().splitlines()) if journal.exists() else 0


def _reopened(path, table="_default") -> list[dict]:
    with _open(path) as db:
        return [dict(doc) | {"id": doc.doc_id} for doc in db.table(table).all()]


# -- durable across closing and reopening ----------------------------------------------------


def test_insert_update_remove_and_upsert_survive_reopening(path):
    with _open(path) as db:
        db.insert_multiple([{"name": "a", "n": 1}, {"name": "b", "n": 2}, {"name": "c", "n": 3}])
        db.update({"n": 20}, where("name") == "b")
        db.remove(where("name") == "c")
        db.upsert({"name": "a", "n": 10}, where("name") == "a")
        db.upsert({"name": "d", "n": 4}, where("name") == "d")
        db.upsert(Document({"name": "e"}, doc_id=9))
    assert _reopened(path) == [
        {"name": "a", "n": 10, "id": 1},
        {"name": "b", "n": 20, "id": 2},
        {"name": "d", "n": 4, "id": 4},
        {"name": "e", "id": 9},
    ]
    with _open(path) as db:
        assert db.insert({"name": "f"}) == 10  # ids go on from the largest, as with JSONStorage


def test_truncate_keeps_an_empty_table_across_reopening(path):
    with _open(path) as db:
        db.insert({"x": 1})
        db.table("other").insert({"y": 1})
        db.truncate()
        assert db.tables() == {"_default", "other"}
    with _open(path) as db:
        assert db.tables() == {"_default", "other"}
        assert db.all() == []
        assert db.insert({"x": 2}) == 1


def test_a_table_created_with_persist_empty_survives_reopening(path):
    with _open(path) as db:
        db.table("persisted", persist_empty=True)
        db.table("not-persisted")
        assert db.tables() == {"persisted"}
    with _open(path) as db:
        assert db.tables() == {"persisted"}


def test_drop_table_and_drop_tables_survive_reopening(path):
    with _open(path) as db:
        for name in ("a", "b", "c"):
            db.table(name).insert({"name": name})
        db.drop_table("b")
    with _open(path) as db:
        assert db.tables() == {"a", "c"}
        db.drop_tables()
    with _open(path) as db:
        assert db.tables() == set()


# -- one durable journal line per write -------------------------------------------------------


def test_each_tinydb_write_outside_a_transaction_is_one_journal_line(path):
    with _open(path) as db:
        db.insert({"n": 1})
        lines = _journal_lines(path)
        for write in (
            lambda: db.insert({"n": 2}),
            lambda: db.insert_multiple([{"n": 3}, {"n": 4}]),
            lambda: db.update({"n": 5}, doc_ids=[1]),
            lambda: db.upsert({"n": 6}, where("n") == 2),
            lambda: db.remove(doc_ids=[3]),
            lambda: db.table("other").insert({"n": 7}),
            lambda: db.truncate(),
            lambda: db.drop_table("other"),
        ):
            write()
            lines += 1
            assert _journal_lines(path) == lines
        db.all()
        db.search(where("n") == 1)
        db.update({"n": 1}, doc_ids=[99])  # no such document: TinyDB still writes the table back
        assert _journal_lines(path) == lines + 1


def test_tinydb_writes_inside_a_transaction_are_one_journal_line(path):
    with _open(path) as db:
        db.insert({"n": 1})
        lines = _journal_lines(path)
        with db.storage.transaction():
            db.insert({"n": 2})
            db.update({"n": 10}, doc_ids=[1])
            db.table("other").insert({"n": 3})
            assert _journal_lines(path) == lines
        assert _journal_lines(path) == lines + 1
    assert _reopened(path) == [{"n": 10, "id": 1}, {"n": 2, "id": 2}]
    assert _reopened(path, "other") == [{"n": 3, "id": 1}]


def test_a_transaction_that_raises_saves_nothing_and_puts_memory_back(path):
    with _open(path) as db:
        db.insert_multiple([{"n": 1}, {"n": 2}])
        before_disk = path.read_bytes(), path.with_name(path.name + ".journal").read_bytes()
        with pytest.raises(RuntimeError, match="changed my mind"):
            with db.storage.transaction():
                db.update({"n": 10}, doc_ids=[1])  # changes the held document in place
                db.insert({"n": 3})
                db.table("other").insert({"n": 4})
                raise RuntimeError("changed my mind")
        assert db.all() == [{"n": 1}, {"n": 2}]
        assert db.tables() == {"_default"}
        assert (path.read_bytes(), path.with_name(path.name + ".journal").read_bytes()) == before_disk
    assert _reopened(path) == [{"n": 1, "id": 1}, {"n": 2, "id": 2}]


# -- a write that fails changes nothing ------------------------------------------------------


@pytest.mark.parametrize("call", ["fsync", "write"])
def test_an_update_whose_commit_fails_leaves_memory_and_disk_as_before(path, monkeypatch, call):
    with _open(path) as db:
        db.insert_multiple([{"n": 1}, {"n": 2}])
        journal = path.with_name(path.name + ".journal")
        before_disk = path.read_bytes(), journal.read_bytes()
        real = getattr(os, call)
        failures = []

        def fail_once(fd, *args):
            if not failures:
                failures.append(fd)
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(fd, *args)

        monkeypatch.setattr(os, call, fail_once)
        with pytest.raises(StoreError, match="No space left on device; nothing was saved"):
            db.update({"n": 10}, doc_ids=[1])
        monkeypatch.setattr(os, call, real)
        assert failures
        assert db.all() == [{"n": 1}, {"n": 2}]
        assert (path.read_bytes(), journal.read_bytes()) == before_disk
        db.insert({"n": 3})  # the next write saves only itself
    assert _reopened(path) == [{"n": 1, "id": 1}, {"n": 2, "id": 2}, {"n": 3, "id": 3}]


def test_an_update_refused_before_it_is_written_leaves_memory_as_before(path, monkeypatch):
    with _open(path) as db:
        db.insert_multiple([{"n": 1}, {"n": 2}])
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda place, mode: False if mode == os.W_OK else real_access(place, mode))
        with pytest.raises(StoreError, match="is read-only; nothing was saved"):
            db.update({"n": 10}, doc_ids=[1])
        monkeypatch.setattr(os, "access", real_access)
        assert db.all() == [{"n": 1}, {"n": 2}]
        db.insert({"n": 3})  # journals the whole table: the refused update must not come with it
    assert _reopened(path) == [{"n": 1, "id": 1}, {"n": 2, "id": 2}, {"n": 3, "id": 3}]


def test_a_failed_update_whose_files_cannot_be_read_back_reports_its_own_error_and_is_never_saved(path, monkeypatch):
    with _open(path) as db:
        db.insert_multiple([{"n": 1}, {"n": 2}])
        storage = db.storage
        real_fsync = os.fsync

        def no_space(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        def unreadable():
            raise StoreError(f"cannot read {path}: Input/output error")

        monkeypatch.setattr(os, "fsync", no_space)
        monkeypatch.setattr(storage, "_load", unreadable)  # the re-read after the failed commit fails too
        with pytest.raises(StoreError, match="No space left on device; nothing was saved"):
            db.update({"n": 10}, doc_ids=[1])
        monkeypatch.setattr(os, "fsync", real_fsync)
        monkeypatch.delattr(storage, "_load")
        for _ in range(2):  # the next write reads the files first; it may be refused once, then saves
            try:
                db.insert({"n": 3})
                break
            except StoreError as exc:
                assert "nothing was saved" in str(exc)
        assert db.all() == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert [doc["n"] for doc in _reopened(path)] == [1, 2, 3]  # a refused insert used up an id


def test_a_journal_line_whose_table_is_neither_an_object_nor_null_is_refused_as_damaged(path):
    import orjson

    from store.durable import encode_line

    with _open(path) as db:
        db.insert({"n": 1})
    journal = path.with_name(path.name + ".journal")
    lines = journal.read_bytes().splitlines()
    db_id = orjson.loads(lines[0][9:])["db"]
    with journal.open("ab") as handle:  # in sequence and of this database, but not a table
        handle.write(encode_line({"db": db_id, "seq": len(lines), "ops": [["table", "_default", [1, 2]]]}))
    before = journal.read_bytes()
    with pytest.raises(StoreError, match="is damaged at byte"):
        _open(path)
    assert journal.read_bytes() == before


def test_a_document_that_is_not_json_is_refused_and_nothing_changes(path):
    with _open(path) as db:
        db.insert({"n": 1})
        lines = _journal_lines(path)
        with pytest.raises(TypeError):
            db.insert({"n": object()})
        assert db.all() == [{"n": 1}]
        assert _journal_lines(path) == lines
    assert _reopened(path) == [{"n": 1, "id": 1}]


# -- two TinyDB instances (two storages) on one file ----------------------------------------


def test_a_write_to_a_table_another_instance_changed_since_it_was_read_is_refused(path):
    with _open(path) as first, _open(path) as second:
        first.insert({"n": 1})
        second.storage.refresh()  # second has read n=1
        first.update({"n": 2}, doc_ids=[1])
        with pytest.raises(StoreError, match="'_default' was changed by another process since it was read; nothing was saved"):
            second.update({"n": 3}, doc_ids=[1])
        assert second.all() == [{"n": 2}]  # it has caught up; nothing of first's was lost
        assert _reopened(path) == [{"n": 2, "id": 1}]
        second.update({"n": 3}, doc_ids=[1])  # read again, retried: saved
        first.storage.refresh()
        assert first.all() == [{"n": 3}]
    assert _reopened(path) == [{"n": 3, "id": 1}]


def test_an_insert_into_a_table_another_instance_changed_is_refused_not_lost(path):
    with _open(path) as first, _open(path) as second:
        first.insert({"who": "first"})
        with pytest.raises(StoreError, match="changed by another process"):
            second.insert({"who": "second"})
        assert [doc["who"] for doc in second.all()] == ["first"]
        second.insert({"who": "second"})
    assert _reopened(path) == [{"who": "first", "id": 1}, {"who": "second", "id": 2}]


def test_writes_to_different_tables_from_two_instances_are_both_kept(path):
    with _open(path) as first, _open(path) as second:
        first.table("a").insert({"from": "first"})
        second.table("b").insert({"from": "second"})
        first.table("a").insert({"from": "first again"})
        second.table("b").update({"from": "second, updated"}, doc_ids=[1])
        first.storage.refresh()
        assert first.table("b").all() == [{"from": "second, updated"}]
    assert _reopened(path, "a") == [{"from": "first", "id": 1}, {"from": "first again", "id": 2}]
    assert _reopened(path, "b") == [{"from": "second, updated", "id": 1}]


def test_catching_up_between_tinydbs_read_and_its_write_does_not_write_back_a_stale_table(path):
    # As when another thread calls refresh() while a TinyDB write is under way: the write must
    # store the table it changed, not also the other tables as they were when it read them.
    with _open(path) as first, _open(path) as second:
        first.table("a").insert({"n": 1})
        second.table("b").insert({"n": 1})
        first.storage.refresh()
        second.table("b").update({"n": 2}, doc_ids=[1])

        def refresh_then_insert(table):
            first.storage.refresh()  # takes in b = 2
            table[2] = {"n": 2}

        first.table("a")._update_table(refresh_then_insert)
        assert first.table("b").all() == [{"n": 2}]
    assert _reopened(path, "b") == [{"n": 2, "id": 1}]
    assert _reopened(path, "a") == [{"n": 1, "id": 1}, {"n": 2, "id": 2}]


# -- TinyDB and the repository read each other's databases ----------------------------------


def test_a_database_written_through_tinydb_opens_in_the_repository(path):
    with _open(path) as db:
        db.insert({"note": "not a Critics table"})
        db.table("scratch").insert({"x": 1})
    with Repository.open(path) as repository:
        assert repository.film_count == 0  # _default and scratch are not Critics tables: ignored
        film = repository.add_film("Written Beside TinyDB", 2001)
    with Repository.open(path) as repository:
        assert [f.title for f in repository.find_films("Written Beside TinyDB")] == [film.title]
    assert _reopened(path) == [{"note": "not a Critics table", "id": 1}]
    assert _reopened(path, "scratch") == [{"x": 1, "id": 1}]


def test_a_critics_database_reads_through_tinydb(path):
    from store.domain import ReviewDraft

    with Repository.open(path) as repository:
        heat = repository.add_film("Heat", 1995, "Michael Mann")
        repository.add_review(heat.id, ReviewDraft("A city of cops and thieves.", "A. Critic", None, None, "90"))
        repository.compact()
        repository.add_film("Thief", 1981)
    with _open(path) as db:
        films = db.table("films").all()
        assert [(film.doc_id, film["title"], film.get("year")) for film in films] == [(heat.id, "Heat", 1995), (heat.id + 1, "Thief", 1981)]
        assert [review["excerpt"] for review in db.table(f"reviews/{heat.id}").all()] == ["A city of cops and thieves."]


def test_the_installed_tinydb_is_the_one_the_storage_is_written_against():
    import tinydb

    from store.storage import TINYDB_VERSION
    from tests.places import ROOT

    assert tinydb.__version__ == TINYDB_VERSION
    assert f'"tinydb=={TINYDB_VERSION}"' in (ROOT / "pyproject.toml").read_text()
