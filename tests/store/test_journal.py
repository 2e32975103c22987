"""The record-level journal: one entry per changed record, each of this database and in sequence;
damage refused, never mistaken for a torn write; older databases migrated on their first write;
a linked database written through its link; no file left open or made by a refused command."""

from __future__ import annotations

import os
import random

import orjson

import pytest

from store.domain import FilmRecord, ReviewDraft
from store.durable import encode_line
from store.errors import StoreError
from store.repository import Repository
from store.storage import SCHEMA_VERSION
from tests.index_state import fresh_indexes, index_state
from tests.snapshot_files import rewrite_snapshot


def _journal(db):
    return db.with_name(db.name + ".journal")


def _entries(db) -> list[bytes]:
    return _journal(db).read_bytes().splitlines(keepends=True)


def _state(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _draft(n: int) -> ReviewDraft:
    return ReviewDraft(f"Review number {n}.", f"Critic {n % 7}", "The Lantern", "2020-01-01", str(n % 101))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "critics.json"
    with Repository.open(path) as repository:
        repository.import_films([
            FilmRecord("Small", 2000, reviews=(_draft(1),)),
            FilmRecord("Big", 2001, reviews=tuple(_draft(n) for n in range(3000))),
        ])
        repository.compact()
    return path


def test_an_add_costs_one_record_whatever_the_films_size(db):
    with Repository.open(db) as repository:
        small, big = (repository.find_films(title)[0].id for title in ("Small", "Big"))
        repository.add_review(small, _draft(5))
        to_small = len(_entries(db)[-1])
        repository.add_review(big, _draft(5))
        to_big = len(_entries(db)[-1])
    assert abs(to_big - to_small) <= 8  # the ids differ in length, nothing else
    assert to_big < 400


def test_three_thousand_adds_to_one_film_grow_the_journal_linearly(db):
    with Repository.open(db) as repository:
        big = repository.find_films("Big")[0].id
        start = _journal(db).stat().st_size
        for n in range(300):
            repository.add_review(big, _draft(n))
        per_add = (_journal(db).stat().st_size - start) / 300
    assert per_add < 400  # 3,000 adds stay near 1 MB (it was each film's whole table per add)


def test_the_indexes_kept_one_change_at_a_time_equal_indexes_built_afresh(db):
    rng = random.Random(4)
    with Repository.open(db) as repository:
        films = [repository.find_films(title)[0].id for title in ("Small", "Big")]
        added = []
        for n in range(200):
            step = rng.random()
            if step < 0.5 or not added:
                added.append(repository.add_review(rng.choice(films), _draft(rng.randrange(1000))).id)
            elif step < 0.8:
                repository.edit_review(rng.choice(added), _draft(rng.randrange(1000)))
            else:
                repository.delete_review(added.pop(rng.randrange(len(added))))
            if n % 50 == 0:
                repository.critic_profile("Critic 3")  # tallies cached, to be dropped by later changes
        kept = repository._index
        storage = repository._storage
        fresh = fresh_indexes(storage)
        assert index_state(kept) == index_state(fresh)
        for film in films:
            assert kept.summary(film) == fresh.summary(film)
        names = sorted(kept.critic_counts)
        assert kept.tallies(names) == fresh.tallies(names)


# -- damage is refused ------------------------------------------------------------------------


def _with_an_add(db):
    with Repository.open(db) as repository:
        repository.add_review(repository.find_films("Small")[0].id, _draft(9))


def test_a_complete_last_entry_that_fails_its_checksum_is_damage_not_a_torn_write(db):
    _with_an_add(db)
    data = bytearray(_journal(db).read_bytes())
    data[-20] ^= 0x01  # one flipped bit inside the last, complete entry
    _journal(db).write_bytes(bytes(data))
    before = _state(db.parent)
    with pytest.raises(StoreError, match="damaged at byte .* fails its checksum"):
        Repository.open(db)
    assert _state(db.parent) == before


def test_an_unterminated_last_entry_is_a_torn_write_dropped_with_a_warning(db):
    _with_an_add(db)
    torn = _journal(db).read_bytes()[:-7]
    _journal(db).write_bytes(torn)
    with Repository.open(db) as repository:
        assert repository.review_count == 3001
        assert any("incomplete last entry" in warning for warning in repository.warnings)


def test_a_journal_from_another_database_is_refused(db, tmp_path):
    other = tmp_path / "other" / "critics.json"
    other.parent.mkdir()
    with Repository.open(other) as repository:
        repository.import_films([FilmRecord("Small", 2000, reviews=(_draft(1),))])
    _with_an_add(db)
    _journal(db).write_bytes(_journal(other).read_bytes())
    before = _state(db.parent)
    with pytest.raises(StoreError, match="another database"):
        Repository.open(db)
    assert _state(db.parent) == before


@pytest.mark.parametrize(
    "how",
    ["swapped", "duplicated", "missing", "from another database"],
)
def test_entries_out_of_sequence_or_of_another_database_are_refused(db, how):
    with Repository.open(db) as repository:
        small = repository.find_films("Small")[0].id
        for n in range(3):
            repository.add_review(small, _draft(n))
    header, *entries = _entries(db)
    if how == "swapped":
        entries[0], entries[1] = entries[1], entries[0]
    elif how == "duplicated":
        entries.insert(1, entries[0])
    elif how == "missing":
        del entries[1]
    else:
        record = orjson.loads(entries[1][9:])
        entries[1] = encode_line(record | {"db": "0123456789abcdef"})
    _journal(db).write_bytes(header + b"".join(entries))
    before = _state(db.parent)
    with pytest.raises(StoreError, match="damaged at byte"):
        Repository.open(db)
    assert _state(db.parent) == before


# -- an older schema opens and is migrated on its first write -----------------------------------


def _schema_1_database(path):
    """A database as Critics wrote it before record-level journals: whole tables per entry."""
    film = {"title": "Old Film", "year": 1990}
    review = {"excerpt": "Kept from before.", "critic": "Ada", "grade": "B", "score": 75}
    snapshot = [
        {"format": "critics", "schema": 1, "generation": 1, "tables": 3},
        ["films", {"1": film}],
        ["meta", {"1": {"review": 2, "film": 2}}],
        ["reviews/1", {"1": review}],
    ]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in snapshot))
    second = {"excerpt": "Journalled before.", "critic": "Bo", "grade": "C", "score": 50}
    _journal(path).write_bytes(
        encode_line({"format": "critics-journal", "schema": 1, "generation": 1})
        + encode_line({"tables": {"reviews/1": {"1": review, "2": second}, "meta": {"1": {"review": 3, "film": 2}}}})
    )


def test_a_schema_1_database_opens_as_it_is_and_migrates_on_its_first_write(tmp_path):
    db = tmp_path / "critics.json"
    _schema_1_database(db)
    before = _state(tmp_path)
    with Repository.open(db) as repository:
        assert [r.excerpt for r in repository.reviews(1)] == ["Kept from before.", "Journalled before."]
    after = _state(tmp_path)
    after.pop("critics.json.lock")  # the lock file readers share
    assert after == before  # reading changes nothing
    old_snapshot = db.read_bytes()
    with Repository.open(db) as repository:
        repository.add_review(1, ReviewDraft("Written after.", "Cy", None, None, "A"))
    assert db.with_name("critics.json.bak").read_bytes() == old_snapshot
    assert orjson.loads(db.read_bytes().split(b"\n", 1)[0])["schema"] == SCHEMA_VERSION
    with Repository.open(db) as repository:
        assert [r.excerpt for r in repository.reviews(1)] == ["Kept from before.", "Journalled before.", "Written after."]


# -- a database behind a link; nothing left open or made by a refused command ------------------


def test_a_linked_database_is_written_beside_its_target_and_stays_a_link(tmp_path):
    target = tmp_path / "data" / "critics.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    with Repository.open(target) as repository:
        repository.import_films([FilmRecord("Small", 2000, reviews=(_draft(1),))])
    link.symlink_to(target)
    with Repository.open(link) as repository:
        assert repository.review_count == 1
        repository.add_review(repository.find_films("Small")[0].id, _draft(2))
        repository.compact()
    assert link.is_symlink() and link.resolve() == target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "link.json"]
    assert {"critics.json.journal", "critics.json.bak", "critics.json.lock"} <= {p.name for p in target.parent.iterdir()}
    with Repository.open(target) as repository:
        assert repository.review_count == 2


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_refused_open_leaves_no_file_descriptor_open(tmp_path):
    db = tmp_path / "critics.json"
    db.write_bytes(b'{"format": "critics", "schema": "x"}\n')
    before = _open_files()
    for _ in range(20):
        with pytest.raises(StoreError):
            Repository.open(db)
    assert _open_files() == before


def test_a_failed_command_on_a_new_path_leaves_no_lock_file(tmp_path, capsys):
    from tui.cli import main

    db = tmp_path / "new.json"
    assert main(["stats", "--film", "Nothing", "--db", str(db)]) != 0
    assert main(["add", "--film", "Nothing", "--critic", "X", "--excerpt", "Y", "--db", str(db)]) != 0
    assert list(tmp_path.iterdir()) == []


# -- every value is checked, not only shapes ------------------------------------------------------


@pytest.mark.parametrize(
    "table, key, record, words",
    [
        ("reviews/1", "7", {"excerpt": "x", "grade": "101", "score": 101}, "score outside 0-100"),
        ("reviews/1", "7", {"excerpt": "x", "grade": "-1", "score": -1}, "score outside 0-100"),
        ("publications", "1", {"name": "P", "weight": -1.0}, "weight"),
        ("publications", "1", {"name": "P", "weight": 1e300}, "weight"),
        ("films", "1", {"title": "Small", "published": {"verdict": 7}}, "page summary"),
        ("films", "1", {"title": "Small", "published": {"critics": "11"}}, "page summary"),
    ],
)
def test_a_value_out_of_range_is_refused_at_open_in_one_line(tmp_path, table, key, record, words):
    db = tmp_path / "critics.json"
    with Repository.open(db) as repository:
        repository.import_films([FilmRecord("Small", 2000, reviews=(_draft(1),))])
        repository.compact()
    rewrite_snapshot(db, lambda tables: tables.setdefault(table, {}).__setitem__(key, record))
    before = _state(tmp_path)
    if table.startswith("reviews/"):
        # A film's reviews are read (and checked) when first asked for, not at open: the film
        # is refused in one line naming it, and the rest of the database still works.
        with Repository.open(db) as repository:
            assert repository.film_count == 1
            with pytest.raises(StoreError, match=words) as caught:
                repository.reviews(1)
            assert "film 1 (Small)" in str(caught.value)
            assert repository.films()[0].film.title == "Small"  # the films pane still lists it
    else:
        with pytest.raises(StoreError, match=words) as caught:
            Repository.open(db)
        assert "left untouched" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert _state(tmp_path) == before


def test_a_deleted_reviews_id_is_never_given_again_even_without_stored_counters(tmp_path):
    db = tmp_path / "critics.json"
    with Repository.open(db) as repository:  # as a script would write it: no id counters stored
        repository.replace_everything({
            "films": {"1": {"title": "Small", "year": 2000}},
            "reviews/1": {"1": {"excerpt": "one"}, "2": {"excerpt": "two"}},
        })
        repository.delete_review(2)
    with Repository.open(db) as repository:
        assert repository.add_review(1, ReviewDraft("three")).id == 3
