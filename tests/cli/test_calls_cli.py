"""The command line over issue 10's model: calls, top critics and keyed films in `add`, `edit`
and `stats --json`, and a film's key wherever `--film` is taken."""

from __future__ import annotations

import json

import pytest

from store.domain import FilmRecord, ReviewDraft, Sentiment
from store.repository import Repository
from tests.cli.test_film_commands import _files, run


@pytest.fixture
def addams(db_path):
    """Two keyed films both called The Addams Family (2019), one with six calls (five by top
    critics), and an unkeyed Heat."""
    calls = ["positive", "positive", "negative", "positive", "mixed", "positive"]
    with Repository.open(db_path) as repository:
        repository.import_films([
            FilmRecord("The Addams Family", 2019, key="the_addams_family_2019", reviews=tuple(
                ReviewDraft(f"Take {n}.", f"Critic {n}", None, None, "3/5", sentiment=call, top_critic=n < 5, source_id=f"r{n}")
                for n, call in enumerate(calls)
            )),
            FilmRecord("The Addams Family", 2019, key="addams_family"),
            FilmRecord("Heat", 1995),
        ])
    return db_path


def test_stats_json_adds_the_key_the_tomatometer_the_calls_and_the_top_critics(addams, capsys):
    code, out, _ = run(capsys, addams, "stats", "--json", "--film", "the_addams_family_2019")
    assert code == 0
    (film,) = json.loads(out)["films"]
    assert {k: film[k] for k in ("key", "tomatometer", "sentiment", "top_critics", "metascore")} == {
        "key": "the_addams_family_2019",
        "tomatometer": 67,  # 4 of 6
        "sentiment": {"positive": 4, "mixed": 1, "negative": 1, "unstated": 0},
        "top_critics": {"reviews": 5, "metascore": 60, "tomatometer": 60},  # 3 of 5
        "metascore": 60,
    }
    code, out, _ = run(capsys, addams, "stats", "--json", "--film", "Heat")
    (heat,) = json.loads(out)["films"]
    assert (heat["key"], heat["tomatometer"], heat["top_critics"]) == (None, None, {"reviews": 0, "metascore": None, "tomatometer": None})


def test_an_ambiguous_title_lists_the_candidates_with_their_keys_and_changes_nothing(addams, capsys):
    before = _files(addams)
    code, out, err = run(capsys, addams, "add", "--film", "the addams family", "--critic", "X", "--excerpt", "Y")
    assert (code, out) == (1, "")
    assert err == (
        "critics: error: several films are called 'the addams family': The Addams Family (2019) [key the_addams_family_2019], "
        "The Addams Family (2019) [key addams_family]; give the key with --film\n"
    )
    assert _files(addams) == before
    code, _, err = run(capsys, addams, "delete-film", "--film", "The Addams Family", "--year", "2019")
    assert code == 1 and "[key addams_family]" in err


def test_the_key_chooses_the_film_in_add_edit_film_and_delete_film(addams, capsys):
    code, out, _ = run(capsys, addams, "add", "--film", "addams_family", "--critic", "X", "--sentiment", "Negative",
                       "--top-critic")
    assert code == 0
    with Repository.open(addams) as repository:
        review = repository.review(int(out))
        assert (review.excerpt, review.sentiment, review.top_critic) == ("", Sentiment.NEGATIVE, True)
        assert repository.film(review.film_id).key == "addams_family"
    assert run(capsys, addams, "edit-film", "--film", "addams_family", "--title", "Addams Family Values")[:2] == (
        0, "Addams Family Values (2019)\n"
    )
    assert run(capsys, addams, "delete-film", "--film", "addams_family", "--yes")[0] == 0


def test_edit_sets_and_clears_the_call_and_the_top_critic_flag(addams, capsys):
    with Repository.open(addams) as repository:
        review_id = repository.add_review(repository.film_by_key("addams_family").id, ReviewDraft("Words.")).id
    assert run(capsys, addams, "edit", str(review_id), "--sentiment", "mixed", "--top-critic", "true")[0] == 0
    with Repository.open(addams) as repository:
        review = repository.review(review_id)
        assert (review.sentiment, review.top_critic) == (Sentiment.MIXED, True)
    assert run(capsys, addams, "edit", str(review_id), "--sentiment", "", "--top-critic", "false")[0] == 0
    with Repository.open(addams) as repository:
        review = repository.review(review_id)
        assert (review.sentiment, review.top_critic) == (None, False)
    assert run(capsys, addams, "edit", str(review_id), "--sentiment", "fresh")[0] == 0  # Rotten Tomatoes' word
    with Repository.open(addams) as repository:
        assert repository.review(review_id).sentiment is Sentiment.POSITIVE
    code, _, err = run(capsys, addams, "edit", str(review_id), "--sentiment", "great")
    assert code == 1 and "sentiment: 'great' is not a call" in err


def test_edit_reads_a_new_grade_even_where_the_old_one_was_kept_unscored(db_path, capsys):
    with Repository.open(db_path) as repository:
        film = repository.add_film("Kept", 2000)
        review = repository.add_review(film.id, ReviewDraft("Words.", grade="3 1/2 stars", grade_unscored=True))
    assert run(capsys, db_path, "edit", str(review.id), "--critic", "Someone")[0] == 0
    with Repository.open(db_path) as repository:
        assert (repository.review(review.id).grade, repository.review(review.id).score) == ("3 1/2 stars", None)
    assert run(capsys, db_path, "edit", str(review.id), "--grade", "80")[0] == 0
    with Repository.open(db_path) as repository:
        assert repository.review(review.id).score == 80


def test_an_unkeyed_film_sharing_a_keyed_films_title_is_reached_by_its_id(addams, capsys):
    """The ambiguity message named only keys, which an unkeyed film lacks: a dead end."""
    code, out, _ = run(capsys, addams, "add-film", "--title", "The Addams Family", "--year", "2019")
    film_id = int(out)
    code, _, err = run(capsys, addams, "stats", "--film", "The Addams Family", "--year", "2019")
    assert code == 1 and f"The Addams Family (2019) [no key, id {film_id}]" in err and "--film-id" in err
    assert run(capsys, addams, "add", "--film-id", str(film_id), "--critic", "Own", "--excerpt", "Mine.")[0] == 0
    code, out, _ = run(capsys, addams, "stats", "--json", "--film-id", str(film_id))
    (film,) = json.loads(out)["films"]
    assert (film["key"], film["reviews"]) == (None, 1)
    code, _, err = run(capsys, addams, "stats", "--film-id", str(film_id), "--year", "2019")
    assert code == 2 and "--year chooses among films of one title" in err  # a usage mistake
