"""`critics add-film`, `edit-film`, `delete-film`, `edit` and `delete`: films made and changed
from the command line, reviews changed by the id `add` printed, and one-line errors that change
nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from store.repository import Repository
from tui.cli import main


def run(capsys, db, *args):
    """(exit status, stdout, stderr) of `critics ARGS --db DB`, run in this process."""
    code = main([*args, "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def _files(db):
    return {p.name: p.read_bytes() for p in sorted(db.parent.iterdir()) if p.is_file()}


@pytest.fixture
def heat(db_path, capsys):
    """Heat (1995) by Michael Mann with two reviews (ids 1 and 2), and Heat (1986) with none."""
    assert run(capsys, db_path, "add-film", "--title", "Heat", "--year", "1995", "--director", "Michael Mann")[:2] == (0, "1\n")
    assert run(capsys, db_path, "add-film", "--title", "Heat", "--year", "1986")[:2] == (0, "2\n")
    add = ("add", "--film", "heat", "--year", "1995")
    assert run(capsys, db_path, *add, "--critic", "Roger Ebert", "--publication", "Sun-Times", "--grade", "4/4",
               "--date", "1995-12-15", "--excerpt", "A great film.")[:2] == (0, "1\n")
    assert run(capsys, db_path, *add, "--critic", "Janet Maslin", "--grade", "B", "--excerpt", "Long.")[:2] == (0, "2\n")
    return db_path


# -- add-film ---------------------------------------------------------------------------------


def test_add_film_prints_the_new_films_id_and_add_then_finds_it(db_path, capsys):
    assert run(capsys, db_path, "add-film", "--title", "  The Glass Orchard ", "--year", "2019", "--director", "Mara Ilves") == (0, "1\n", "")
    assert run(capsys, db_path, "add-film", "--title", "Pusher") == (0, "2\n", "")
    assert run(capsys, db_path, "add", "--film", "the glass orchard", "--critic", "X", "--excerpt", "Y")[:2] == (0, "1\n")
    with Repository.open(db_path) as repository:
        orchard, pusher = repository.film(1), repository.film(2)
        assert (orchard.title, orchard.year, orchard.director) == ("The Glass Orchard", 2019, "Mara Ilves")
        assert (pusher.title, pusher.year, pusher.director) == ("Pusher", None, None)
        assert len(repository.reviews(1)) == 1


def test_add_film_refuses_a_title_and_year_that_exist_ignoring_case_and_accents(heat, capsys):
    before = _files(heat)
    assert run(capsys, heat, "add-film", "--title", "HÉAT", "--year", "1995") == (
        1, "", "critics: error: title: HÉAT (1995) already exists\n"
    )
    assert _files(heat) == before
    assert run(capsys, heat, "add-film", "--title", "Heat", "--year", "2024")[:2] == (0, "3\n")  # another year, another film


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (("--title", "  "), 1, "title: a title is required"),
        (("--title", "Old", "--year", "1500"), 1, "1500 is not a plausible film year"),
        (("--title", "Old", "--year", "soon"), 2, "invalid int value"),
        (("--year", "2000"), 2, "--title"),
    ],
)
def test_add_film_refuses_a_bad_title_or_year_in_one_line(db_path, capsys, args, status, words):
    code, out, err = run(capsys, db_path, "add-film", *args)
    assert (code, out) == (status, "") and words in err and err.count("\n") == 1
    assert not db_path.exists()


# -- edit-film --------------------------------------------------------------------------------


def test_edit_film_chosen_by_title_and_year_changes_only_what_is_given(heat, capsys):
    assert run(capsys, heat, "edit-film", "--film", "heat", "--year", "1995", "--title", "Heat: Director's Cut") == (
        0, "Heat: Director's Cut (1995)\n", ""
    )
    with Repository.open(heat) as repository:
        film = repository.film(1)
        assert (film.title, film.year, film.director) == ("Heat: Director's Cut", 1995, "Michael Mann")
        assert len(repository.reviews(1)) == 2


def test_edit_film_chosen_by_id_changes_the_year_and_director_and_empty_clears_them(heat, capsys):
    assert run(capsys, heat, "edit-film", "--id", "1", "--new-year", "1996", "--director", "M. Mann") == (0, "Heat (1996)\n", "")
    assert run(capsys, heat, "edit-film", "--id", "1", "--new-year", "", "--director", "") == (0, "Heat\n", "")
    with Repository.open(heat) as repository:
        film = repository.film(1)
        assert (film.title, film.year, film.director) == ("Heat", None, None)


def test_edit_film_refuses_the_title_and_year_of_another_film(heat, capsys):
    before = _files(heat)
    assert run(capsys, heat, "edit-film", "--id", "2", "--new-year", "1995") == (
        1, "", "critics: error: title: Heat (1995) already exists\n"
    )
    assert _files(heat) == before


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("--film", "heat", "--title", "X"), 1, "several films are called 'heat' (1995, 1986): add --year"),
        (("--film", "Haet", "--year", "1995", "--title", "X"), 1, "no film called 'Haet'; did you mean: Heat (1995), Heat (1986)?"),
        (("--id", "9", "--title", "X"), 1, "no film with id 9"),
        (("--id", "1", "--year", "1995", "--title", "X"), 2, "--year chooses among films of one title: give --film, not --id"),
        (("--id", "1",), 2, "nothing to change: give --title, --new-year or --director"),
        (("--id", "1", "--new-year", "later"), 1, "year: 'later' is not a year"),
        (("--id", "1", "--title", ""), 1, "title: a title is required"),
    ],
)
def test_edit_film_errors_are_one_line_and_change_nothing(heat, capsys, args, status, message):
    before = _files(heat)
    assert run(capsys, heat, "edit-film", *args) == (status, "", f"critics: error: {message}\n")
    assert _files(heat) == before


@pytest.mark.parametrize("command", ["edit-film", "delete-film"])
@pytest.mark.parametrize("args", [(), ("--film", "Heat", "--id", "1")])
def test_a_film_is_chosen_by_exactly_one_of_film_and_id(heat, capsys, command, args):
    code, out, err = run(capsys, heat, command, *args, "--title", "X") if command == "edit-film" else run(capsys, heat, command, *args)
    assert (code, out) == (2, "") and "--film" in err and "--id" in err and err.count("\n") == 1


# -- delete-film ------------------------------------------------------------------------------


def test_delete_film_with_reviews_needs_yes_and_says_how_many_would_go(heat, capsys):
    before = _files(heat)
    assert run(capsys, heat, "delete-film", "--film", "Heat", "--year", "1995") == (
        1, "", "critics: error: Heat (1995) has 2 reviews that would be deleted with it: add --yes to delete them all\n"
    )
    assert _files(heat) == before
    assert run(capsys, heat, "delete-film", "--film", "Heat", "--year", "1995", "--yes") == (
        0, "deleted Heat (1995) and its 2 reviews\n", ""
    )
    with Repository.open(heat) as repository:
        assert [f.film.label for f in repository.films()] == ["Heat (1986)"] and repository.review_count == 0
        assert repository.critics() == []
    assert run(capsys, heat, "edit", "1", "--grade", "B")[2] == "critics: error: no review with id 1\n"


def test_delete_film_without_reviews_needs_no_yes_and_ids_are_not_reused(heat, capsys):
    assert run(capsys, heat, "delete-film", "--id", "2") == (0, "deleted Heat (1986) and its 0 reviews\n", "")
    assert run(capsys, heat, "delete-film", "--id", "2") == (1, "", "critics: error: no film with id 2\n")
    assert run(capsys, heat, "add-film", "--title", "Heat", "--year", "1986")[:2] == (0, "3\n")


# -- edit and delete a review -----------------------------------------------------------------


def test_edit_changes_only_the_given_fields_and_empty_clears_them(heat, capsys):
    assert run(capsys, heat, "edit", "1", "--grade", "3/4", "--publication", "") == (
        0, "edited review 1 of Heat (1995) by Roger Ebert\n", ""
    )
    with Repository.open(heat) as repository:
        review = repository.review(1)
        assert (review.critic, review.publication, review.date, review.grade, review.score, review.excerpt) == (
            "Roger Ebert", None, "1995-12-15", "3/4", 75, "A great film."
        )
        assert [r.id for r in repository.reviews(1)] == [1, 2]  # still in its place
    assert run(capsys, heat, "edit", "1", "--grade", "", "--critic", "", "--date", "", "--excerpt", "Rewritten.") == (
        0, "edited review 1 of Heat (1995) by an uncredited critic\n", ""
    )
    with Repository.open(heat) as repository:
        review = repository.review(1)
        assert (review.critic, review.date, review.grade, review.score, review.excerpt) == (None, None, None, None, "Rewritten.")
        assert repository.critics() == ["Janet Maslin"]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("99", "--grade", "B"), 1, "no review with id 99"),
        (("1", "--excerpt", " ", "--grade", ""), 1, "excerpt: an excerpt is required"),
        (("1", "--grade", "superb"), 1, "grade: cannot read grade 'superb'"),
        (("1", "--date", "2026-02-30"), 1, "date: '2026-02-30' is not a date: there is no such day"),
        (("1",), 2, "nothing to change: give --critic, --publication, --date, --grade, --excerpt, --sentiment or --top-critic"),
        (("one", "--grade", "B"), 2, "argument ID: invalid int value: 'one'"),
    ],
)
def test_edit_errors_are_one_line_and_change_nothing(heat, capsys, args, status, message):
    before = _files(heat)
    code, out, err = run(capsys, heat, "edit", *args)
    assert (code, out) == (status, "") and err.startswith(f"critics: error: {message}") and err.count("\n") == 1
    assert _files(heat) == before


def test_edit_refuses_a_date_after_tomorrow_as_add_does(heat, capsys):
    ahead = (date.today() + timedelta(days=2)).isoformat()
    code, _, err = run(capsys, heat, "edit", "2", "--date", ahead)
    assert code == 1 and "a review cannot be dated ahead" in err
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert run(capsys, heat, "edit", "2", "--date", tomorrow)[0] == 0


def test_delete_removes_a_review_by_id_and_says_what_went(heat, capsys):
    assert run(capsys, heat, "delete", "2") == (0, "deleted review 2 of Heat (1995) by Janet Maslin\n", "")
    assert run(capsys, heat, "delete", "2") == (1, "", "critics: error: no review with id 2\n")
    with Repository.open(heat) as repository:
        assert [r.id for r in repository.reviews(1)] == [1] and repository.critics() == ["Roger Ebert"]
    assert run(capsys, heat, "add", "--film", "heat", "--year", "1995", "--critic", "X", "--excerpt", "Y")[:2] == (0, "3\n")


# -- every write compacts when due, after printing --------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("add-film", "--title", "New"),
        ("edit-film", "--id", "2", "--director", "Someone"),
        ("delete-film", "--id", "1", "--yes"),
        ("edit", "1", "--grade", "C"),
        ("delete", "1"),
    ],
)
def test_each_write_compacts_after_printing_once_the_journal_is_due(heat, capsys, monkeypatch, args):
    from store import storage

    monkeypatch.setattr(storage, "COMPACT_AFTER_BYTES", 1)
    monkeypatch.setattr(storage, "COMPACT_FRACTION", 1_000_000)
    backup = heat.with_name(heat.name + ".bak")
    assert not backup.exists()
    code, out, err = run(capsys, heat, *args)
    assert (code, err) == (0, "") and out.count("\n") == 1
    assert backup.exists()
    journal = heat.with_name(heat.name + ".journal")
    assert len(journal.read_bytes().splitlines()) == 1  # just the new journal's header
