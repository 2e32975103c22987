"""The in-memory indexes over plain tables, without a database: what each change updates and drops."""

from __future__ import annotations

import pytest

from store.indexes import Indexes
from store.records import FILMS, META, PUBLICATIONS, WrongShape, reviews_table
from store.views import FilmSort


def _review(critic=None, score=None, publication=None, excerpt="text"):
    record = {"excerpt": excerpt}
    if critic is not None:
        record["critic"] = critic
    if publication is not None:
        record["publication"] = publication
    if score is not None:
        record["score"], record["grade"] = score, str(score)
    return record


def _tables():
    return {
        FILMS: {"1": {"title": "Salt Lines", "year": 1962}, "2": {"title": "Zebra", "year": 1990}},
        PUBLICATIONS: {"1": {"name": "The Lantern", "weight": 2.0}},
        META: {"1": {"review": 7, "film": 3}},
        reviews_table(1): {
            "1": _review("Zoë Brandt", 90, "The Lantern"),
            "2": _review("Søren Vik", 70),
            "3": _review("Zoë Brandt", 80),
            "4": _review(None, 40),
        },
        reviews_table(2): {"5": _review("Søren Vik", 20, "The Lantern"), "6": _review("Anita Gates")},
    }


def test_building_indexes_every_review_by_film_critic_and_publication():
    index = Indexes.build(_tables())
    assert index.review_film == {1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2}
    assert index.critic_films == {"Zoë Brandt": {1: 2}, "Søren Vik": {1: 1, 2: 1}, "Anita Gates": {2: 1}}
    assert index.critic_folds["Zoë Brandt"] == "zoe brandt"
    assert index.publication_counts == {"The Lantern": 2}
    assert index.weight_of("The Lantern") == 2.0 and index.weight_of("Elsewhere") == 1.0
    assert (index.next_review, index.next_film) == (7, 3)


def test_one_string_object_is_shared_by_all_of_a_critics_reviews():
    tables = _tables()
    tables[reviews_table(2)]["5"]["critic"] = "".join(["Søren", " Vik"])  # an equal, distinct object
    index = Indexes.build(tables)
    first, second = index.film_reviews[1]["2"]["critic"], index.film_reviews[2]["5"]["critic"]
    assert first == second and first is second


def test_id_counters_never_move_back_below_the_ids_in_use():
    tables = _tables()
    tables[META] = {"1": {"review": 2, "film": 1}}
    index = Indexes.build(tables)
    assert (index.next_review, index.next_film) == (7, 3)
    index.load_counters({"1": {"review": 3, "film": 2}})
    assert (index.next_review, index.next_film) == (7, 3)


def test_replacing_a_films_table_moves_its_critics_and_publications():
    index = Indexes.build(_tables())
    new = dict(index.film_reviews[2])
    del new["5"]
    new["9"] = _review("Zoë Brandt", 60)
    index.index_film(2, new)
    assert index.critic_films["Zoë Brandt"] == {1: 2, 2: 1}
    assert index.critic_films["Søren Vik"] == {1: 1}
    assert "The Lantern" in index.publication_counts and index.publication_counts["The Lantern"] == 1
    assert index.review_film[9] == 2 and 5 not in index.review_film


def test_a_films_last_review_gone_removes_the_critic_and_the_film_from_the_review_index():
    index = Indexes.build(_tables())
    index.index_film(2, None)
    assert "Anita Gates" not in index.critic_films and "Anita Gates" not in index.critic_folds
    assert 2 not in index.film_reviews and 6 not in index.review_film
    assert index.summary(2).reviews == 0


def test_a_change_to_a_film_drops_its_summary_and_the_orders_that_depend_on_reviews():
    index = Indexes.build(_tables())
    before = index.summary(1)
    by_score = index.order(FilmSort.METASCORE)
    by_title = index.order(FilmSort.TITLE)
    new = dict(index.film_reviews[1])
    new["10"] = _review("Anita Gates", 0)
    index.index_film(1, new)
    assert index.summary(1) is not before and index.summary(1).reviews == 5
    assert index.order(FilmSort.METASCORE) is not by_score
    assert index.order(FilmSort.TITLE) is by_title  # titles did not move


def test_a_weight_change_rescores_every_film():
    index = Indexes.build(_tables())
    before = index.summary(1).metascore
    assert before == 74  # (2 x 90 + 70 + 80 + 40) / 5
    index.load_publications({"1": {"name": "The Lantern", "weight": 0.5}})
    assert index.summary(1).metascore == 67  # (0.5 x 90 + 70 + 80 + 40) / 3.5 = 67.1


def test_critic_tallies_follow_a_change_to_a_film_they_reviewed():
    index = Indexes.build(_tables())
    (tally,) = index.tallies(["Søren Vik"])
    new = dict(index.film_reviews[1])
    new["2"] = _review("Søren Vik", 10)
    index.index_film(1, new)
    (after,) = index.tallies(["Søren Vik"])
    assert after != tally


def test_tallies_of_many_critics_at_once_equal_tallies_one_by_one():
    tables = _tables()
    for n in range(60):  # past the sweep threshold
        tables[reviews_table(2)][str(100 + n)] = _review(f"Critic {n:02}", n)
    together = Indexes.build(tables)
    names = sorted(together.critic_films)
    one_by_one = Indexes.build(tables)
    assert together.tallies(names) == [one_by_one.tallies([name])[0] for name in names]


@pytest.mark.parametrize(
    "table, record",
    [
        (reviews_table(1), {"excerpt": 5}),
        (reviews_table(1), {"excerpt": "x", "score": "80"}),
        (reviews_table(1), {"excerpt": "x", "critic": ["a list"]}),
        (reviews_table(1), {"excerpt": "x", "publication": 7}),
        (FILMS, {"title": 12}),
        (PUBLICATIONS, {"name": "P", "weight": "heavy"}),
    ],
)
def test_a_record_critics_did_not_write_is_refused_by_name(table, record):
    tables = _tables()
    tables[table]["99"] = record
    with pytest.raises(WrongShape):
        Indexes.build(tables)
