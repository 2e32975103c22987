"""Concurrency: two processes adding 300 reviews each to one database store all 600, and the
browser open while `critics add` writes from another process shows the new review and never
drops it with a later edit of its own.

tests/store/test_storage.py has two writers of 120 reviews with edits and deletes; this is the plain
300 + 300 case the README promises, checked review by review.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from store.domain import ReviewDraft
from store.repository import Repository
from tests.places import ROOT


ADDER = textwrap.dedent(
    """
    import sys
    from store.domain import ReviewDraft
    from store.repository import Repository
    path, tag = sys.argv[1], sys.argv[2]
    with Repository.open(path) as repository:
        film = repository.find_films("Shared")[0].id
        print("ready", flush=True)
        sys.stdin.readline()  # start together
        for n in range(300):
            review = repository.add_review(film, ReviewDraft(f"{tag} {n}", tag, None, None, str(n % 101)))
            print(review.id, flush=True)
    """
)


def test_two_processes_adding_300_reviews_each_store_all_600(tmp_path):
    db = tmp_path / "critics.json"
    with Repository.open(db) as repository:
        repository.add_film("Shared", 2000)
    writers = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(db), tag], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for tag in ("left", "right")
    ]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outputs = [writer.communicate(timeout=120) for writer in writers]
    assert [w.returncode for w in writers] == [0, 0], [err for _, err in outputs]
    acknowledged = {tag: [int(line) for line in out.split()] for tag, (out, _) in zip(("left", "right"), outputs)}
    assert len(acknowledged["left"]) == len(acknowledged["right"]) == 300
    assert not set(acknowledged["left"]) & set(acknowledged["right"]), "two writers were given one id"
    with Repository.open(db) as repository:
        reviews = repository.reviews(repository.find_films("Shared")[0].id)
        assert repository.review_count == 600
    assert len({r.id for r in reviews}) == 600
    for tag in ("left", "right"):
        mine = sorted((r for r in reviews if r.critic == tag), key=lambda r: r.id)
        assert [r.id for r in mine] == acknowledged[tag]
        assert [r.excerpt for r in mine] == [f"{tag} {n}" for n in range(300)]  # each once, in order


# -- the browser and another process -----------------------------------------------------------


def _cli_add(db: Path, critic: str, excerpt: str, film: str = "Pusher") -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "add", "--film", film, "--critic", critic, "--excerpt", excerpt,
         "--grade", "B", "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


async def _wait_until(pilot, condition, seconds: float = 8.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def _critics_on_disk(db: Path, title: str = "Pusher") -> dict[str, str]:
    with Repository.open(db) as repository:
        film = repository.find_films(title)[0]
        return {r.critic or "": r.excerpt for r in repository.reviews(film.id)}


async def test_the_browser_shows_a_review_added_by_the_cli_and_its_own_edit_keeps_it(tmp_path):
    from tests.fixed_store import browser, build_store, screen_text

    store = build_store(tmp_path / "critics.json")
    app = browser(store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "j", "j")  # Pusher
            assert store.film(app.browser.selected_film).title == "Pusher"
            _cli_add(store.path, "Cli Writer", "Written from another process.")
            # No key pressed: the browser's own watch on the file picks it up.
            assert await _wait_until(pilot, lambda: "Cli Writer" in [r.critic for r in app.browser.reviews.rows]), \
                "the browser never showed the review another process added"
            assert "Cli Writer" in screen_text(app)
            assert app.browser.films.current.reviews == 6
            # Now edit another review in the browser: the CLI's review must survive it.
            await pilot.press("tab", "tab")
            assert app.browser.reviews.current.critic == "Noel Murray"
            await pilot.press("e")
            app.browser.reviews_pane.form.input("grade").value = "A-"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not app.browser.reviews_pane.editing
            on_disk = _critics_on_disk(store.path)
            assert on_disk["Cli Writer"] == "Written from another process."
            assert "Cli Writer" in [r.critic for r in app.browser.reviews.rows]
            assert [r.grade for r in app.browser.reviews.rows if r.critic == "Noel Murray"] == ["A-"]
    finally:
        store.close()
    with Repository.open(tmp_path / "critics.json") as repository:
        reviews = repository.reviews(repository.find_films("Pusher")[0].id)
        assert {r.critic for r in reviews} >= {"Cli Writer", "Noel Murray"}
        assert [r.grade for r in reviews if r.critic == "Noel Murray"] == ["A-"]
        assert len(reviews) == 6


async def test_an_edit_saved_before_the_browser_refreshes_does_not_drop_the_other_process_review(tmp_path):
    from tests.fixed_store import browser, build_store

    store = build_store(tmp_path / "critics.json")
    app = browser(store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "j", "j", "tab", "tab")  # Pusher's reviews
            await pilot.press("e")  # the form is open while the other process writes
            _cli_add(store.path, "Cli During Edit", "Added while the form was open.")
            _cli_add(store.path, "Cli Elsewhere", "Added to another film.", film="Salt Lines")
            app.browser.reviews_pane.form.input("excerpt").value = "Edited in the browser."
            await pilot.press("ctrl+s")
            await pilot.pause()
            critics = [r.critic for r in app.browser.reviews.rows]
            assert "Cli During Edit" in critics, "the browser's list lost the other process's review"
            # Add one more in the browser, then check everything on disk.
            await pilot.press("a")
            form = app.browser.reviews_pane.form
            form.input("critic").value = "Browser Adder"
            form.input("excerpt").value = "Added in the browser."
            await pilot.press("ctrl+s")
            await pilot.pause()
    finally:
        store.close()
    pusher = _critics_on_disk(tmp_path / "critics.json")
    assert pusher["Cli During Edit"] == "Added while the form was open."
    assert pusher["Noel Murray"] == "Edited in the browser."
    assert pusher["Browser Adder"] == "Added in the browser."
    assert _critics_on_disk(tmp_path / "critics.json", "Salt Lines")["Cli Elsewhere"] == "Added to another film."
    with Repository.open(tmp_path / "critics.json") as repository:
        assert repository.review_count == 21 + 3


def test_a_second_repository_sees_a_cli_add_on_refresh_and_keeps_it_through_its_own_writes(tmp_path):
    """The same promise one level down, without the browser: what the browser relies on."""
    db = tmp_path / "critics.json"
    with Repository.open(db) as repository:
        repository.add_film("Pusher", 1996)
        _cli_add(db, "Cli", "From the command line.")
        assert repository.refresh() is True
        film = repository.find_films("Pusher")[0].id
        mine = repository.add_review(film, ReviewDraft("Mine.", "Me"))
        _cli_add(db, "Cli Again", "Second.")
        repository.edit_review(mine.id, ReviewDraft("Mine, edited.", "Me"))  # catches up first
        assert [r.critic for r in repository.reviews(film)] == ["Cli", "Me", "Cli Again"]
    assert _critics_on_disk(db) == {"Cli": "From the command line.", "Me": "Mine, edited.", "Cli Again": "Second."}
