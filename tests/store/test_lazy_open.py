"""Opening without reading every review: the snapshot's index and digest (store/digest.py) answer
the first screen, the filters and the profiles; a film's reviews are read when first asked for;
damage is found where it is read, named, and never copied into the next snapshot."""

from __future__ import annotations

import os

import orjson
import pytest

from store.checkup import examine
from store.domain import FilmRecord, Publication, ReviewDraft
from store.errors import StoreError
from store.records import reviews_table
from store.repository import Repository
from store.scoring import summarize_scores
from store.snapshot import TRAILER_BYTES
from store.storage import SCHEMA_VERSION, JournaledStorage
from store.views import FilmSort
from tests.index_state import fresh_indexes, index_state

PUBLICATIONS = ("The Lantern", "Reel Weekly", "Kino Post", None)


def _draft(n: int, critic: str | None = None) -> ReviewDraft:
    return ReviewDraft(
        excerpt=f"Said {n}.",
        critic=critic if critic is not None else f"Critic {n % 7}",
        publication=PUBLICATIONS[n % 4],
        grade=str(n * 13 % 101),
        sentiment=("positive", "mixed", "negative", None)[n % 4],
        top_critic=n % 3 == 0,
    )


def _store(path, films: int = 12, per_film: int = 9) -> None:
    with Repository.open(path) as repository:
        repository.import_films(
            [
                FilmRecord(f"Film {f:02}", 1990 + f, reviews=tuple(_draft(f * per_film + n) for n in range(per_film - f % 3)))
                for f in range(films)
            ],
            [Publication("The Lantern", 1.5), Publication("Reel Weekly", 0.0)],
        )
        repository.compact()


def _loaded(repository: Repository) -> list[str]:
    storage = repository._storage
    return [name for name in storage.table_names() if name.startswith("reviews/") and storage.is_loaded(name)]


def _expected_summary(repository: Repository, film_id: int, *, top: bool = False):
    records = [r for r in repository._storage.peek(reviews_table(film_id)).values() if not top or r.get("top_critic")]
    return summarize_scores(
        repository.film(film_id),
        [(r.get("score"), r.get("publication"), r.get("sentiment"), top or r.get("top_critic", False)) for r in records],
        repository.weight_of,
    )


def test_opening_and_the_first_screen_filters_and_profiles_read_no_review(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    with Repository.open(db) as repository:
        assert repository.review_count == sum(9 - f % 3 for f in range(12))
        for sort in FilmSort:
            repository.films(sort)[:]
            repository.films(sort, top_only=True)
        repository.films(critic="critic 3")[:]
        repository.films(publication="lantern")[:]
        repository.critic_profile("Critic 2")
        repository.critic_profile("Critic", top_only=True)
        repository.prolific_critics(5)
        repository.critics()
        repository.set_publication_weight("Kino Post", 2.5)  # a weight change reads no review either
        assert _loaded(repository) == []
        reviews = repository.reviews(4)  # film 4 is the fourth made: 9 - 3 % 3 reviews
        assert _loaded(repository) == [reviews_table(4)] and len(reviews) == 9
        for film_id in repository._index.films:  # the digest's numbers are the reviews' numbers
            assert repository.summary(film_id) == _expected_summary(repository, film_id)
            assert repository.summary(film_id).top_critics.metascore == _expected_summary(repository, film_id, top=True).metascore


def test_every_films_metascore_in_one_pass_equals_its_summary(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    with Repository.open(db) as repository:
        index = repository._index
        for weights in ({}, {"Kino Post": 1.1, "The Lantern": 0.0}):
            for name, weight in weights.items():
                repository.set_publication_weight(name, weight)
            plain, top = index.metascores(top=False), index.metascores(top=True)
            for film_id in index.films:
                assert plain[film_id] == index.summary(film_id).metascore
                assert top[film_id] == index.summary(film_id).top_critics.metascore
                assert top[film_id] == index.top_summary(film_id).metascore


def test_after_changes_and_a_compaction_the_index_counts_what_the_reviews_hold(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    with Repository.open(db) as repository:
        added = repository.add_review(2, _draft(500, "New Voice"))
        repository.edit_review(added.id, _draft(501, "New Voice"))
        repository.delete_review(repository.reviews(5)[0].id)
        repository.delete_film(7)
        repository.set_publication_weight("Kino Post", 3.0)
        kept = index_state(repository._index)
        repository.compact()
        assert _loaded(repository) == [reviews_table(2), reviews_table(5), reviews_table(7)][:2]
    assert examine(db).problems == []  # check compares the persisted index with the reviews
    with Repository.open(db) as repository:
        assert _loaded(repository) == []
        assert index_state(repository._index) == kept
        assert index_state(repository._index)["digest"] == index_state(fresh_indexes(repository._storage))["digest"]
        assert repository.review(added.id).critic == "New Voice"


def test_a_review_is_found_by_id_whichever_film_holds_it(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    with Repository.open(db) as repository:
        late = repository.add_review(1, _draft(900))  # film 1 now spans every id
        first_of_last = repository.reviews(12)[0]
        repository.compact()
    with Repository.open(db) as repository:
        assert repository.review(late.id).film_id == 1
        assert repository.review(first_of_last.id) == first_of_last
        assert repository.has_review(first_of_last.id) and not repository.has_review(10_000)
        repository.delete_review(late.id)
        with pytest.raises(StoreError, match="no review"):
            repository.review(late.id)
        assert repository.restore_review(late).id == late.id


def _flip_in_table(db, film_id: int) -> None:
    """Change one character of a film's excerpt in the snapshot: still valid JSON, wrong checksum."""
    data = bytearray(db.read_bytes())
    start = data.index(b'["reviews/%d",' % film_id)
    at = data.index(b"Said", start)
    data[at] = ord("S") ^ 0x20  # "said"
    db.write_bytes(bytes(data))


def test_a_damaged_film_is_refused_by_name_and_the_rest_still_works_and_is_never_copied_on(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    _flip_in_table(db, 4)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with Repository.open(db) as repository:
        assert len(repository.films()) == 12  # the films pane is whole
        with pytest.raises(StoreError, match=r"film 4 \(Film 03\).*checksum") as caught:
            repository.reviews(4)
        assert "\n" not in str(caught.value)
        assert len(repository.reviews(5)) == 9 - 4 % 3  # film 5 is the fifth made
        with pytest.raises(StoreError, match="film 4"):
            repository.compact()  # damage is never copied into a new snapshot
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    after.pop("critics.json.lock", None), before.pop("critics.json.lock", None)
    assert after == before
    assert any("fails its checksum" in problem for problem in examine(db).problems)


def test_a_damaged_index_is_refused_in_one_line_and_leaves_no_descriptor_open(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    data = bytearray(db.read_bytes())
    at = data.rindex(b'"films"')  # inside the index line
    data[at + 2] ^= 0x01
    db.write_bytes(bytes(data))
    opened = len(os.listdir("/proc/self/fd"))
    for _ in range(5):
        with pytest.raises(StoreError, match="is damaged \\(its index"):
            Repository.open(db)
    assert len(os.listdir("/proc/self/fd")) == opened
    assert any("index is damaged" in problem for problem in examine(db).problems)


def test_an_index_built_under_other_folding_rules_is_built_again_and_persisted_by_the_next_write(tmp_path):
    from tests.snapshot_files import read_snapshot

    db = tmp_path / "critics.json"
    _store(db, films=3)
    data = db.read_bytes()
    lines = data.split(b"\n")
    trailer = orjson.loads(lines[-2])
    offset, length, _crc = trailer["index"]
    index = orjson.loads(data[offset:offset + length])
    index["digest"]["rules"]["fold"] = "some older folding"
    line = orjson.dumps(index) + b"\n"
    import zlib

    rebuilt = data[:offset] + line + orjson.dumps({"index": [offset, len(line), zlib.crc32(line)]}) + b"\n"
    db.write_bytes(rebuilt)
    with Repository.open(db) as repository:
        assert repository.review_count == 9 + 8 + 7
        assert repository.critic_profile("Critic 1") is not None
        repository.add_review(1, _draft(77))
    assert db.with_name("critics.json.bak").read_bytes() == rebuilt  # the previous snapshot, kept
    header, _tables = read_snapshot(db)
    assert header["schema"] == SCHEMA_VERSION
    with Repository.open(db) as repository:
        assert _loaded(repository) == []  # the journal's add is laid over film 1, still on disk
        assert repository.review_count == 25
    assert examine(db).problems == []


def _schema_2_database(path) -> None:
    """A database as Critics wrote it before snapshots had an index: a table a line, and a
    record-level journal with the database's id."""
    review = {"excerpt": "Kept from before.", "critic": "Ada", "grade": "B", "score": 75}
    snapshot = [
        {"format": "critics", "schema": 2, "generation": 1, "tables": 3, "db": "0123456789abcdef"},
        ["films", {"1": {"title": "Old Film", "year": 1990}, "2": {"title": "Other Film"}}],
        ["meta", {"1": {"review": 2, "film": 3}}],
        ["reviews/1", {"1": review}],
    ]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in snapshot))
    from store.durable import encode_line

    second = {"excerpt": "Journalled before.", "critic": "Bo", "grade": "C", "score": 50}
    path.with_name(path.name + ".journal").write_bytes(
        encode_line({"format": "critics-journal", "schema": 2, "generation": 1, "db": "0123456789abcdef"})
        + encode_line({"db": "0123456789abcdef", "seq": 1, "ops": [["put", "reviews/2", "2", second], ["put", "meta", "1", {"review": 3, "film": 3}]]})
    )


def test_a_schema_2_database_opens_as_it_is_and_is_migrated_by_its_first_write(tmp_path):
    db = tmp_path / "critics.json"
    _schema_2_database(db)
    old = db.read_bytes()
    with Repository.open(db) as repository:
        assert [r.excerpt for r in repository.reviews(1)] == ["Kept from before."]
        assert repository.summary(2).reviews == 1
    assert db.read_bytes() == old  # reading changes nothing
    with Repository.open(db) as repository:
        repository.add_review(1, ReviewDraft("Written after.", "Cy", None, None, "A"))
    assert db.with_name("critics.json.bak").read_bytes() == old
    assert orjson.loads(db.read_bytes().split(b"\n", 1)[0])["schema"] == SCHEMA_VERSION
    with Repository.open(db) as repository:
        assert _loaded(repository) == []  # the write after the migration is laid over film 1, still on disk
        assert [r.excerpt for r in repository.reviews(1)] == ["Kept from before.", "Written after."]
        assert [r.excerpt for r in repository.reviews(2)] == ["Journalled before."]
        assert repository.critics() == ["Ada", "Bo", "Cy"]
    assert examine(db).problems == []


def test_a_snapshot_another_process_compacted_is_taken_and_films_not_read_yet_still_read(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    with Repository.open(db) as browser, Repository.open(db) as other:
        browser.add_review(1, _draft(300))  # the browser has read film 1 only
        other.refresh()
        other.compact()  # the browser's snapshot file is replaced under it
        assert browser.refresh() is False  # taken without reading it
        assert [r.excerpt for r in browser.reviews(9)] == [r.excerpt for r in other.reviews(9)]
        browser.add_review(2, _draft(301))
        browser.compact()  # copies films not read yet from the file it holds
    assert examine(db).problems == []
    with Repository.open(db) as repository:
        assert repository.review_count == sum(9 - f % 3 for f in range(12)) + 2


def test_the_snapshot_ends_with_where_its_index_is(tmp_path):
    db = tmp_path / "critics.json"
    _store(db, films=2)
    last = db.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    assert len(last) < TRAILER_BYTES and set(orjson.loads(last)) == {"index"}
    storage = JournaledStorage(db)
    try:
        assert {name for name in storage.table_names() if storage.is_loaded(name)} == {"films", "publications", "meta"}
    finally:
        storage.close()


def test_reviews_the_journal_adds_to_a_film_not_read_yet_are_laid_over_it_without_reading_it(tmp_path):
    db = tmp_path / "critics.json"
    _store(db)
    with Repository.open(db) as repository:
        before = [r.excerpt for r in repository.reviews(6)]
        added = [repository.add_review(6, _draft(700 + n)).id for n in range(3)]
        repository.edit_review(repository.reviews(8)[0].id, _draft(800))  # an edit: that film is read at open
    with Repository.open(db) as repository:
        assert _loaded(repository) == [reviews_table(8)]
        assert repository.summary(6).reviews == len(before) + 3
        assert repository.summary(6) == _expected_summary(repository, 6)
        assert _loaded(repository) == [reviews_table(8)]  # _expected_summary peeks: nothing kept
        assert [r.excerpt for r in repository.reviews(6)] == before + ["Said 700.", "Said 701.", "Said 702."]
        assert [r.id for r in repository.reviews(6)][-3:] == added
        repository.compact()
    assert examine(db).problems == []
    with Repository.open(db) as repository:
        assert _loaded(repository) == [] and repository.summary(6).reviews == len(before) + 3


def test_an_entry_refused_halfway_takes_back_what_it_laid_over_a_film_not_read_yet(tmp_path):
    from store.durable import encode_line

    db = tmp_path / "critics.json"
    _store(db)
    with Repository.open(db) as repository:
        repository.add_review(6, _draft(700))
        db_id = repository._storage._db_id
    journal = db.with_name("critics.json.journal")
    good = journal.read_bytes()
    # A second entry whose put lands on film 7 (not read) and whose removal does not apply.
    bad = encode_line({"db": db_id, "seq": 2, "ops": [["put", "reviews/7", "9999", {"excerpt": "x"}], ["del", "reviews/7", "77777"]]})
    journal.write_bytes(good + bad)
    with pytest.raises(StoreError, match="does not apply"):
        Repository.open(db)
    journal.write_bytes(good)
    with Repository.open(db) as repository:
        assert 9999 not in [r.id for r in repository.reviews(7)]
