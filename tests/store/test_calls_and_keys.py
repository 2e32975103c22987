"""The model of issue 10: a critic's own call (sentiment), top critics, source ids, reviews
without text, grades kept unscored, keyed films and the Tomatometer."""

from __future__ import annotations

import csv
import io
import json

import pytest

from store.domain import Calls, Film, FilmRecord, Review, ReviewDraft, Sentiment, TopCritics
from store.errors import ValidationError
from store.exchange import CSV_COLUMNS, export_csv, export_json, read_csv_export, read_json_export
from store.repository import Repository
from store.scoring import count_calls, summarize, tomatometer


# -- the Tomatometer, a pure function ------------------------------------------------------------


@pytest.mark.parametrize(
    ("positive", "mixed", "negative", "expected"),
    [
        (5, 0, 0, 100),
        (0, 0, 5, 0),
        (3, 0, 2, 60),
        (5, 0, 3, 63),  # 62.5 rounds half up, where round() would give 62
        (1, 0, 7, 13),  # 12.5 -> 13
        (2, 1, 2, 40),  # a mixed call counts in the denominator, never as positive
        (4, 0, 0, None),  # below 5 calls: not shown
        (0, 0, 0, None),
        (2, 1, 0, None),
        (1, 0, 2, None),
        (200, 0, 1, 100),  # 99.50 rounds up
        (199, 0, 2, 99),  # 99.00
    ],
)
def test_the_tomatometer_is_the_positive_share_of_calls_rounded_half_up_from_five_calls(positive, mixed, negative, expected):
    assert tomatometer(positive, mixed, negative) == expected


def test_the_tomatometer_refuses_negative_counts():
    with pytest.raises(ValueError):
        tomatometer(-1, 0, 6)


def test_calls_are_counted_with_the_unstated_apart():
    assert count_calls([Sentiment.POSITIVE, "negative", None, "mixed", "positive", None]) == Calls(2, 1, 1, 2)
    with pytest.raises(ValueError):
        count_calls(["fresh"])


def test_a_summary_counts_calls_and_top_critics_apart_from_the_scores():
    film = Film(1, "Called")
    calls = ["positive"] * 4 + ["negative"] * 2 + [None]
    reviews = [
        Review(i, 1, f"Words {i}.", grade="2/4", score=50, sentiment=None if c is None else Sentiment(c), top_critic=i <= 5)
        for i, c in enumerate(calls, 1)
    ]
    summary = summarize(film, reviews, lambda _name: 1.0)
    assert summary.calls == Calls(positive=4, mixed=0, negative=2, unstated=1)
    assert summary.tomatometer == 67  # 4 of 6 calls: 66.7
    assert summary.distribution.mixed == 7  # the scores say mixed; the calls are the critics' own
    assert summary.top_critics == TopCritics(reviews=5, metascore=50, tomatometer=80)


# -- reviews carry the new fields -------------------------------------------------------------


def test_call_top_critic_and_source_id_are_stored_and_read_back(db_path):
    with Repository.open(db_path) as repository:
        film = repository.add_film("Calls", 2001)
        draft = ReviewDraft("Fine.", "A Critic", None, None, "2/4", sentiment="Positive", top_critic=True, source_id=" r-1 ")
        review = repository.add_review(film.id, draft)
    with Repository.open(db_path) as reopened:
        again = reopened.review(review.id)
    assert (again.sentiment, again.top_critic, again.source_id, again.score) == (Sentiment.POSITIVE, True, "r-1", 50)
    assert again == review
    assert again.as_draft() == ReviewDraft("Fine.", "A Critic", None, None, "2/4", Sentiment.POSITIVE, True, "r-1")


def test_a_review_needs_an_excerpt_a_grade_or_a_call(repository):
    film = repository.add_film("Bare", 2002)
    only_grade = repository.add_review(film.id, ReviewDraft("", grade="B"))
    only_call = repository.add_review(film.id, ReviewDraft("  ", sentiment="negative"))
    assert (only_grade.excerpt, only_grade.score) == ("", 75)
    assert (only_call.excerpt, only_call.sentiment, only_call.score) == ("", Sentiment.NEGATIVE, None)
    with pytest.raises(ValidationError) as refused:
        repository.add_review(film.id, ReviewDraft("", critic="Nobody"))
    assert refused.value.errors == {"excerpt": "an excerpt is required"}
    assert repository.review_count == 2


def test_a_call_that_is_not_positive_mixed_or_negative_is_refused(repository):
    film = repository.add_film("Fresh", 2003)
    with pytest.raises(ValidationError) as refused:
        repository.add_review(film.id, ReviewDraft("Words.", sentiment="Great"))
    assert refused.value.errors == {
        "sentiment": "'great' is not a call: use positive, mixed or negative (fresh, rotten)"
    }
    with pytest.raises(ValidationError):
        repository.add_review(film.id, ReviewDraft("Words.", top_critic="yes"))  # type: ignore[arg-type]


def test_a_grade_kept_unscored_stays_as_written_and_unscored(repository):
    film = repository.add_film("Unscored", 2004)
    kept = repository.add_review(film.id, ReviewDraft("Words.", grade="3 1/2 stars", grade_unscored=True))
    bare = repository.add_review(film.id, ReviewDraft("Words.", grade="80", grade_unscored=True))
    assert (kept.grade, kept.score, bare.grade, bare.score) == ("3 1/2 stars", None, "80", None)
    assert bare.as_draft().grade_unscored
    assert repository.summary(film.id).distribution.unscored == 2
    # Without the flag a person's grade is read as today: a bare number is a score.
    assert repository.add_review(film.id, ReviewDraft("Words.", grade="80")).score == 80


def test_defaults_are_not_written_into_records(db_path):
    with Repository.open(db_path) as repository:
        film = repository.add_film("Plain", 2005)
        repository.add_review(film.id, ReviewDraft("Just words."))
    entry = db_path.with_name(db_path.name + ".journal").read_text().splitlines()[-1]
    assert '{"excerpt":"Just words."}' in entry  # no call, top_critic or source_id written


# -- databases written before these fields ----------------------------------------------------

OLD_SNAPSHOT = (
    b'{"format":"critics","schema":2,"generation":1,"tables":3,"db":"0123456789abcdef"}\n'
    b'["films",{"1":{"title":"Old Film","year":1999,"director":"Someone"}}]\n'
    b'["reviews/1",{"1":{"critic":"Old Critic","publication":"Old Weekly","date":"2001-02-03","grade":"3/4","score":75,'
    b'"excerpt":"Written before calls existed."},"2":{"excerpt":"Unscored and uncredited."}}]\n'
    b'["meta",{"1":{"review":3,"film":2}}]\n'
)


def test_a_database_written_before_the_new_fields_opens_with_their_defaults_and_is_not_rewritten(tmp_path):
    path = tmp_path / "old.json"
    path.write_bytes(OLD_SNAPSHOT)
    with Repository.open(path) as repository:
        film = repository.film(1)
        first, second = repository.reviews(1)
        summary = repository.summary(1)
    assert film == Film(1, "Old Film", 1999, "Someone", None, None)
    assert (first.sentiment, first.top_critic, first.source_id, first.score) == (None, False, None, 75)
    assert second == Review(2, 1, "Unscored and uncredited.")
    assert (summary.calls, summary.tomatometer, summary.top_critics) == (Calls(unstated=2), None, TopCritics())
    assert path.read_bytes() == OLD_SNAPSHOT  # read as it is: no migration
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json", "old.json.lock"]


def test_an_export_made_before_the_new_fields_imports_with_their_defaults(repository):
    old_json = {"films": [{"title": "Old", "year": 2000, "director": None, "published": None, "reviews": [
        {"critic": "C", "publication": None, "date": None, "grade": "B", "score": 75, "excerpt": "Old words."}]}],
        "publications": []}
    repository.import_films(*read_json_export(json.dumps(old_json).encode(), "old.json"))
    old_csv = (
        "title,year,director,published_verdict,published_critics,published_positive,published_mixed,"
        "published_negative,critic,publication,date,grade,score,excerpt,publication_weight\n"
        "Old CSV,2001,,,,,,,C,,,B,75,Old words.,\nEmpty,2002,,,,,,,,,,,,,\n"
    )
    result = repository.import_films(*read_csv_export(old_csv, "old.csv"))
    assert (result.films_added, result.reviews_added) == (2, 1)
    for review in repository.reviews(repository.find_films("Old")[0].id) + repository.reviews(repository.find_films("Old CSV")[0].id):
        assert (review.sentiment, review.top_critic, review.source_id, review.score) == (None, False, None, 75)
    assert repository.reviews(repository.find_films("Empty")[0].id) == []


# -- export and import carry them -------------------------------------------------------------


def _rich_store(repository: Repository) -> None:
    repository.import_films([
        FilmRecord("The Addams Family", 2019, key="the_addams_family_2019", reviews=(
            ReviewDraft("", "A", None, "2019-10-11", "3/5", sentiment="negative", top_critic=True, source_id="2618"),
            ReviewDraft("Ghoulish fun.", None, None, None, None, sentiment="positive", source_id="2619"),
            ReviewDraft("", "B", None, None, "3 1/2 stars", grade_unscored=True, sentiment="positive"),
        )),
        FilmRecord("The Addams Family", 2019, key="addams_family_2019_b", reviews=(
            ReviewDraft("=1+1 is not a formula.", "C", None, None, "80", grade_unscored=True),
        )),
        FilmRecord("m/0814255", key="m/0814255"),  # a keyed film whose title is still its key, no reviews
        FilmRecord("Untitled Listing", 2020),  # a film listed without reviews
    ])


def test_export_json_carries_calls_top_critics_source_ids_and_keys(repository):
    _rich_store(repository)
    document = json.loads(export_json(repository))
    films = {(f["key"], f["title"]): f for f in document["films"]}
    first = films[("the_addams_family_2019", "The Addams Family")]["reviews"][0]
    assert first == {"critic": "A", "publication": None, "date": "2019-10-11", "grade": "3/5", "score": 60, "excerpt": "",
                     "sentiment": "negative", "top_critic": True, "source_id": "2618"}
    assert films[(None, "Untitled Listing")]["reviews"] == []


def test_export_csv_appends_the_new_columns_and_writes_top_critic_as_true_or_false(repository):
    _rich_store(repository)
    rows = list(csv.DictReader(io.StringIO(export_csv(repository))))
    assert CSV_COLUMNS[-4:] == ("sentiment", "top_critic", "source_id", "key")
    first = next(r for r in rows if r["source_id"] == "2618")
    assert (first["sentiment"], first["top_critic"], first["key"], first["excerpt"]) == ("negative", "true", "the_addams_family_2019", "")
    assert {r["top_critic"] for r in rows if r["title"] != "Untitled Listing" and r["key"] != "m/0814255"} == {"true", "false"}
    listing = next(r for r in rows if r["title"] == "Untitled Listing")
    assert (listing["top_critic"], listing["sentiment"], listing["key"]) == ("", "", "")
    guarded = next(r for r in rows if r["key"] == "addams_family_2019_b")
    assert (guarded["excerpt"], guarded["grade"], guarded["score"]) == ("'=1+1 is not a formula.", "80", "")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_is_the_identity_with_reviews_without_text_and_films_without_reviews(tmp_path, fmt):
    with Repository.open(tmp_path / "a.json") as original:
        _rich_store(original)
        exported = export_json(original) if fmt == "json" else export_csv(original)
        counts = (original.film_count, original.review_count)
    with Repository.open(tmp_path / "b.json") as copy:
        read = read_json_export(exported, "e.json") if fmt == "json" else read_csv_export(exported, "e.csv")
        result = copy.import_films(*read)
        assert (result.films_added, result.reviews_added) == counts
        assert (export_json(copy) if fmt == "json" else export_csv(copy)) == exported
        again = copy.import_films(*(read_json_export(exported, "e.json") if fmt == "json" else read_csv_export(exported, "e.csv")))
        assert (again.films_added, again.reviews_added, again.reviews_skipped, again.films_present) == (0, 0, 4, 4)


def test_a_top_critic_cell_that_is_not_true_or_false_is_refused_with_its_line(repository):
    text = export_csv(repository) + "Film,2000,,,,,,,C,,,,,Words.,,,yes,,\n"
    with pytest.raises(Exception) as refused:
        read_csv_export(text, "bad.csv")
    assert str(refused.value) == "bad.csv, line 2 top_critic: 'yes' is not true or false"


# -- film identity by key ---------------------------------------------------------------------


def test_keyed_films_may_share_a_title_and_are_matched_by_key(repository):
    _rich_store(repository)
    assert repository.warnings == []  # two keyed films of one title are no collision
    result = repository.import_films([FilmRecord("anything", key="addams_family_2019_b", reviews=(ReviewDraft("New."),))])
    assert (result.films_added, result.films_present, result.reviews_added) == (0, 1, 1)
    film = repository.film_by_key("addams_family_2019_b")
    assert film is not None and len(repository.reviews(film.id)) == 2
    # A film without a key is its title and year, as before keys existed: it may join them,
    # and then it is what an unkeyed import of that title means.
    unkeyed = repository.add_film("The Addams Family", 2019)
    with pytest.raises(ValidationError):
        repository.add_film("the addams family", 2019)
    mine = repository.import_films([FilmRecord("The Addams Family", 2019, reviews=(ReviewDraft("Mine."),))])
    assert mine.films_present == 1 and [r.excerpt for r in repository.reviews(unkeyed.id)] == ["Mine."]


def test_a_film_without_a_key_matches_one_keyed_film_of_its_title_and_year_and_refuses_several(repository):
    repository.import_films([FilmRecord("Pusher", 1996, key="m/pusher")])
    result = repository.import_films([FilmRecord("PUSHER", 1996, reviews=(ReviewDraft("Mine.", "Me"),))])
    assert (result.films_added, result.films_present) == (0, 1)
    assert repository.film_by_key("m/pusher").title == "Pusher"  # an unkeyed record never renames it
    repository.import_films([FilmRecord("Pusher", 1996, key="m/pusher-2")])
    before = repository.review_count
    with pytest.raises(ValidationError) as refused:
        repository.import_films([FilmRecord("pusher", 1996, reviews=(ReviewDraft("Mine too.", "Me"),))])
    assert str(refused.value) == (
        "title: 'pusher' could be any of 'Pusher (1996)' [key m/pusher], 'Pusher (1996)' [key m/pusher-2]; "
        "rename one of them first"
    )
    assert repository.review_count == before


def test_a_films_file_after_its_reviews_names_the_film_and_before_them_is_matched(repository):
    repository.import_films([FilmRecord("m/1", key="m/1", reviews=(ReviewDraft("", sentiment="positive", source_id="x"),))])
    assert repository.film_by_key("m/1").title == "m/1"
    named = repository.import_films([FilmRecord("Glass Orchard", 2011, "A. Director", key="m/1")])
    assert (named.films_added, named.films_present) == (0, 1)
    assert repository.film_by_key("m/1") == Film(repository.film_by_key("m/1").id, "Glass Orchard", 2011, "A. Director", None, "m/1")
    # Reviews again, naming the film by its key only: the known title stays.
    again = repository.import_films([FilmRecord("m/1", key="m/1", reviews=(ReviewDraft("", sentiment="positive", source_id="x"),))])
    assert (again.reviews_added, again.reviews_skipped) == (0, 1)
    assert repository.film_by_key("m/1").title == "Glass Orchard"


def test_reimporting_matches_on_source_id_even_if_the_review_changed_since(repository):
    film = FilmRecord("Keyed", 2000, key="k", reviews=(ReviewDraft("Words.", source_id="r1"),))
    repository.import_films([film])
    edited = repository.reviews(repository.film_by_key("k").id)[0]
    repository.edit_review(edited.id, ReviewDraft("Edited by me.", source_id="r1"))
    result = repository.import_films([film])
    assert (result.reviews_added, result.reviews_skipped) == (0, 1)


def test_editing_a_keyed_film_keeps_its_key_and_may_share_a_title(repository):
    _rich_store(repository)
    film = repository.film_by_key("m/0814255")
    renamed = repository.edit_film(film.id, title="The Addams Family", year=2019)
    assert renamed.key == "m/0814255"
    deleted, reviews = repository.delete_film(renamed.id)
    assert repository.restore_film(deleted, reviews).key == "m/0814255"


def test_after_a_bulk_import_the_indexes_equal_indexes_built_afresh(repository):
    from store.views import FilmSort
    from tests.index_state import fresh_indexes, index_state

    _rich_store(repository)
    repository.critic_profile("A")  # tallies cached, to be dropped
    repository.import_films([
        FilmRecord("m/0814255", key="m/0814255", reviews=(ReviewDraft("Now reviewed.", "A", None, None, "B"),)),  # had none
        FilmRecord("New", 2021, reviews=tuple(ReviewDraft(f"R{n}.", "A" if n % 2 else "D", None, None, "3/4") for n in range(6))),
        FilmRecord("The Addams Family", 2019, key="the_addams_family_2019", reviews=(ReviewDraft("More.", "A"),)),
    ])
    kept, storage = repository._index, repository._storage
    fresh = fresh_indexes(storage)
    assert index_state(kept) == index_state(fresh)
    for sort in FilmSort:
        assert kept.order(sort) == fresh.order(sort)
    assert kept.tallies(["A", "D"]) == fresh.tallies(["A", "D"])
    for film_id in kept.films:
        assert kept.summary(film_id) == fresh.summary(film_id)
