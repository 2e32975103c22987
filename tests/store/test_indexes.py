"""The in-memory indexes over plain tables, without a database: what each change updates and drops."""

from __future__ import annotations

import pytest

from store.indexes import HeldTables, Indexes
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


class Changing(HeldTables):
    """Tables in memory changed as the storage changes them: the digest counts each change."""

    def replace(self, film_id, new):
        name = reviews_table(film_id)
        old = self._tables.pop(name, None)
        if new:
            self._tables[name] = new
        self.digest.changed(name, None, old, new)


def _postings(index, critic):
    return {film_id: len(codes) for film_id, codes in index.critic_films(critic).items()}


def test_building_indexes_every_review_by_film_critic_and_publication():
    index = Indexes.build(_tables())
    assert {review: index.film_of_review(review) for review in range(1, 8)} == {1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2, 7: None}
    assert {name: _postings(index, name) for name in index.critic_counts} == {
        "Zoë Brandt": {1: 2}, "Søren Vik": {1: 1, 2: 1}, "Anita Gates": {2: 1}
    }
    assert index.critic_counts == {"Zoë Brandt": 2, "Søren Vik": 2, "Anita Gates": 1}
    assert index.critic_folds["Zoë Brandt"] == "zoe brandt"
    assert index.publication_counts == {"The Lantern": 2}
    assert index.weight_of("The Lantern") == 2.0 and index.weight_of("Elsewhere") == 1.0
    assert (index.next_review, index.next_film) == (7, 3)


def test_one_string_object_is_shared_by_all_of_a_critics_reviews():
    tables = _tables()
    tables[reviews_table(2)]["5"]["critic"] = "".join(["Søren", " Vik"])  # an equal, distinct object
    index = Indexes.build(tables)
    first, second = index.table_of(1)["2"]["critic"], index.table_of(2)["5"]["critic"]
    assert first == second and first is second


def test_id_counters_never_move_back_below_the_ids_in_use():
    tables = _tables()
    tables[META] = {"1": {"review": 2, "film": 1}}
    index = Indexes.build(tables)
    assert (index.next_review, index.next_film) == (7, 3)
    index.load_counters({"1": {"review": 3, "film": 2}})
    assert (index.next_review, index.next_film) == (7, 3)


def test_replacing_a_films_table_moves_its_critics_and_publications():
    source = Changing(_tables())
    index = Indexes.build(source)
    new = dict(index.table_of(2))
    del new["5"]
    new["9"] = _review("Zoë Brandt", 60)
    source.replace(2, new)
    index.index_film(2)
    assert _postings(index, "Zoë Brandt") == {1: 2, 2: 1}
    assert _postings(index, "Søren Vik") == {1: 1}
    assert index.publication_counts == {"The Lantern": 1}
    assert index.film_of_review(9) == 2 and index.film_of_review(5) is None


def test_a_films_last_review_gone_removes_the_critic_and_the_film_from_the_review_index():
    source = Changing(_tables())
    index = Indexes.build(source)
    source.replace(2, None)
    index.index_film(2)
    assert "Anita Gates" not in index.critic_counts and "Anita Gates" not in index.critic_folds
    assert index.film_of_review(6) is None and index.review_count == 4
    assert index.summary(2).reviews == 0


def test_a_change_to_a_film_drops_its_summary_and_the_orders_that_depend_on_reviews():
    source = Changing(_tables())
    index = Indexes.build(source)
    before = index.summary(1)
    by_score = index.order(FilmSort.METASCORE)
    by_title = index.order(FilmSort.TITLE)
    new = dict(index.table_of(1))
    new["10"] = _review("Anita Gates", 0)
    source.replace(1, new)
    index.index_film(1)
    assert index.summary(1) is not before and index.summary(1).reviews == 5
    assert index.order(FilmSort.METASCORE) is not by_score
    assert index.order(FilmSort.TITLE) is by_title  # titles did not move


def test_a_weight_change_rescores_every_film():
    index = Indexes.build(_tables())
    before = index.summary(1).metascore
    assert before == 74  # (2 x 90 + 70 + 80 + 40) / 5
    index.load_publications({"1": {"name": "The Lantern", "weight": 0.5}})
    assert index.summary(1).metascore == 67  # (0.5 x 90 + 70 + 80 + 40) / 3.5 = 67.1


def test_a_summary_from_the_digest_equals_one_scored_from_the_reviews():
    from store.scoring import summarize_scores

    tables = _tables()
    tables[reviews_table(1)]["1"] |= {"sentiment": "positive", "top_critic": True}
    tables[reviews_table(1)]["3"] |= {"sentiment": "negative", "top_critic": True}
    tables[reviews_table(2)]["6"] |= {"sentiment": "mixed"}
    for weight in (2.0, 0.0, 1.1, 1.0):
        index = Indexes.build(tables)
        index.load_publications({"1": {"name": "The Lantern", "weight": weight}})
        for film_id in (1, 2):
            records = tables[reviews_table(film_id)].values()
            expected = summarize_scores(
                index.films[film_id],
                [(r.get("score"), r.get("publication"), r.get("sentiment"), r.get("top_critic", False)) for r in records],
                index.weight_of,
            )
            assert index.summary(film_id) == expected, (weight, film_id)


def test_critic_tallies_follow_a_change_to_a_film_they_reviewed():
    source = Changing(_tables())
    index = Indexes.build(source)
    (tally,) = index.tallies(["Søren Vik"])
    new = dict(index.table_of(1))
    new["2"] = _review("Søren Vik", 10)
    source.replace(1, new)
    index.index_film(1)
    (after,) = index.tallies(["Søren Vik"])
    assert after != tally


def test_tallies_of_many_critics_at_once_equal_tallies_one_by_one():
    tables = _tables()
    for n in range(60):
        tables[reviews_table(2)][str(100 + n)] = _review(f"Critic {n:02}", n)
    together = Indexes.build(tables)
    names = sorted(together.critic_counts)
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
