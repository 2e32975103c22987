"""Durability: kill -9 at any moment, two writers at once, and damaged files refused untouched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from store.domain import ReviewDraft
from store.errors import StoreError
from store.repository import Repository
from store.storage import SCHEMA_VERSION

WRITER = textwrap.dedent(
    """
    import sys
    from store.domain import ReviewDraft
    from store.repository import Repository
    path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Repository.open(path) as repository:
        film = repository.find_films("Shared")[0]
        for n in range(count):
            review = repository.add_review(film.id, ReviewDraft(f"{tag} {n} " + "x" * 300, tag, None, None, str(n % 101)))
            print(review.id, flush=True)   # acknowledged: durable before this line
            if n % 3 == 2:
                print(f"will-edit {review.id}", flush=True)
                repository.edit_review(review.id, ReviewDraft(f"{tag} {n} edited", tag, None, None, "50"))
                print(f"edit {review.id}", flush=True)
            if n % 7 == 6:
                print(f"will-delete {review.id}", flush=True)
                repository.delete_review(review.id)
                print(f"delete {review.id}", flush=True)
            if n % 25 == 24:
                repository.compact()
    """
)


def _start_writer(db_path, tag, count):
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), tag, str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _shared_film(db_path):
    with Repository.open(db_path) as repository:
        repository.add_film("Shared", 2000)


def _expected_state(lines):
    """From a writer's output: id -> 'added'/'edited' for what must be on disk, and the ids whose
    last operation was started but not acknowledged (either outcome is then correct)."""
    state, pending = {}, set()
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        if parts[0] in ("will-edit", "will-delete"):
            pending.add(int(parts[1]))
        elif parts[0] == "edit":
            state[int(parts[1])] = "edited"
            pending.discard(int(parts[1]))
        elif parts[0] == "delete":
            state.pop(int(parts[1]), None)
            pending.discard(int(parts[1]))
        elif parts[0].isdigit():
            state[int(parts[0])] = "added"
    return state, pending


def _kill_rounds():
    return int(os.environ.get("CRITICS_KILL_ROUNDS", "30"))


def test_kill_9_at_random_moments_never_loses_an_acknowledged_change(db_path):
    import random

    _shared_film(db_path)
    rng = random.Random(7)
    acknowledged: dict[int, str] = {}
    for _ in range(_kill_rounds()):
        writer = _start_writer(db_path, "w", 10_000)
        time.sleep(rng.uniform(0.15, 0.6))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        lines = out.splitlines()
        if out and not out.endswith("\n"):
            lines = lines[:-1]  # a half-printed line was not an acknowledgement
        state, pending = _expected_state(lines)
        acknowledged.update(state)
        with Repository.open(db_path) as repository:
            stored = {r.id: r for r in repository.reviews(repository.find_films("Shared")[0].id)}
            for review_id in pending:
                if review_id not in stored:  # an unacknowledged delete that did reach the disk
                    acknowledged.pop(review_id, None)
            for review_id, status in acknowledged.items():
                assert review_id in stored, f"acknowledged review {review_id} lost"
                if status == "edited":
                    assert stored[review_id].excerpt.endswith("edited")
                elif review_id in pending and stored[review_id].excerpt.endswith("edited"):
                    acknowledged[review_id] = "edited"
            # The add in flight at the kill may have reached the disk unacknowledged; never more.
            unacknowledged = set(stored) - set(acknowledged) - pending
            assert len(unacknowledged) <= 1, f"reviews nobody added appeared: {unacknowledged}"
            acknowledged.update(dict.fromkeys(unacknowledged, "added"))
            assert len(stored) == len(set(stored))
            assert all(r.excerpt and r.critic == "w" for r in stored.values())


def test_two_processes_adding_at_once_lose_nothing(db_path):
    _shared_film(db_path)
    writers = [_start_writer(db_path, tag, 120) for tag in ("left", "right")]
    outputs = [w.communicate(timeout=120) for w in writers]
    assert all(w.returncode == 0 for w in writers), [o[1] for o in outputs]
    with Repository.open(db_path) as repository:
        reviews = repository.reviews(repository.find_films("Shared")[0].id)
    expected = {tag: _expected_state(out.splitlines())[0] for tag, (out, _) in zip(("left", "right"), outputs)}
    assert sorted(r.id for r in reviews) == sorted([*expected["left"], *expected["right"]])
    assert len({r.id for r in reviews}) == len(reviews)


def test_a_second_instance_sees_the_first_ones_writes_and_keeps_them(db_path):
    with Repository.open(db_path) as first, Repository.open(db_path) as second:
        film = first.add_film("Both", 2000)
        first.add_review(film.id, ReviewDraft("From the first."))
        assert second.refresh() is True
        second.add_review(film.id, ReviewDraft("From the second."))
        first.add_review(film.id, ReviewDraft("First again."))
        second.refresh()
        assert [r.excerpt for r in second.reviews(film.id)] == ["From the first.", "From the second.", "First again."]
        assert second.refresh() is False


def test_a_compaction_by_another_process_is_picked_up(db_path):
    with Repository.open(db_path) as first, Repository.open(db_path) as second:
        film = first.add_film("Compacted", 2000)
        first.add_review(film.id, ReviewDraft("One."))
        first.compact()
        second.add_review(film.id, ReviewDraft("Two."))  # catches up first, then writes
        first.refresh()
        assert [r.excerpt for r in first.reviews(film.id)] == ["One.", "Two."]
    assert db_path.with_name(db_path.name + ".bak").exists()


def test_a_torn_journal_tail_is_dropped_and_reported(db_path):
    with Repository.open(db_path) as repository:
        film = repository.add_film("Torn", 2000)
        repository.add_review(film.id, ReviewDraft("Kept."))
    journal = db_path.with_name(db_path.name + ".journal")
    with open(journal, "ab") as handle:
        handle.write(b'0badc0de {"tables":{"reviews/1":{"9":{"exc')
    with Repository.open(db_path) as repository:
        assert [r.excerpt for r in repository.reviews(film.id)] == ["Kept."]
        assert any("incomplete last entry" in w for w in repository.warnings)
        repository.add_review(film.id, ReviewDraft("After."))
    with Repository.open(db_path) as repository:
        assert [r.excerpt for r in repository.reviews(film.id)] == ["Kept.", "After."]
        assert repository.warnings == []


def _damaged(db_path, content: bytes):
    db_path.write_bytes(content)
    return content


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b'{"format": "critics", "schema": 1, "generation": 1, "tables": {"films": {"1": {"ti', "not valid JSON"),
        (b"\x00\xff garbage", "not valid JSON"),
        (b'[1, 2, 3]', "not a Critics database"),
        (b'{"format": "critics", "schema": 1, "generation": 1, "tables": {"films": [1]}}', "damaged"),
        (json.dumps({"format": "critics", "schema": SCHEMA_VERSION + 1, "generation": 1, "tables": {}}).encode(), "newer Critics"),
    ],
)
def test_a_damaged_or_newer_database_is_refused_and_left_byte_for_byte(db_path, content, words):
    original = _damaged(db_path, content)
    with pytest.raises(StoreError) as caught:
        Repository.open(db_path)
    message = str(caught.value)
    assert words in message and str(db_path) in message and "\n" not in message
    assert db_path.read_bytes() == original
    assert not db_path.with_name(db_path.name + ".journal").exists()


def test_a_damaged_line_inside_the_journal_is_refused(db_path):
    with Repository.open(db_path) as repository:
        film = repository.add_film("Middle", 2000)
        repository.add_review(film.id, ReviewDraft("One."))
        repository.add_review(film.id, ReviewDraft("Two."))
    journal = db_path.with_name(db_path.name + ".journal")
    lines = journal.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"Middle", b"Muddle")  # checksum no longer matches
    journal.write_bytes(b"\n".join(lines))
    before = journal.read_bytes()
    with pytest.raises(StoreError, match="is damaged at byte"):
        Repository.open(db_path)
    assert journal.read_bytes() == before


def test_a_folder_or_a_missing_parent_is_a_one_line_error(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Repository.open(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        Repository.open(tmp_path / "missing" / "critics.json")


def test_a_failed_write_changes_nothing_and_the_store_keeps_working(db_path, monkeypatch):
    with Repository.open(db_path) as repository:
        film = repository.add_film("Full disk", 2000)
        repository.add_review(film.id, ReviewDraft("Before."))
        real_fsync = os.fsync

        def no_space(fd):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", no_space)
        with pytest.raises(StoreError, match="No space left on device; nothing was saved"):
            repository.add_review(film.id, ReviewDraft("Lost."))
        assert [r.excerpt for r in repository.reviews(film.id)] == ["Before."]
        monkeypatch.setattr(os, "fsync", real_fsync)
        repository.add_review(film.id, ReviewDraft("After."))
    with Repository.open(db_path) as repository:
        assert [r.excerpt for r in repository.reviews(film.id)] == ["Before.", "After."]


def test_compaction_keeps_the_previous_snapshot_as_a_backup(db_path):
    with Repository.open(db_path) as repository:
        film = repository.add_film("Backup", 2000)
        repository.compact()
        first_snapshot = db_path.read_bytes()
        repository.add_review(film.id, ReviewDraft("Later."))
        repository.compact()
    assert db_path.with_name(db_path.name + ".bak").read_bytes() == first_snapshot
    with Repository.open(db_path) as repository:
        assert repository.review_count == 1
