"""The repository: films, reviews, filters, summaries, weights and imports."""

from __future__ import annotations

import dataclasses

import pytest

from store.domain import ReviewClass, ReviewDraft, Verdict
from store.errors import StoreError, ValidationError
from store.domain import FilmRecord
from store.repository import Repository
from store.sample import open_repository
from store.views import FilmSort, ReviewSort


def _film_with(repository, title, grades, critic_prefix="Critic", year=2001, publication=None):
    film = repository.add_film(title, year)
    for n, grade in enumerate(grades):
        repository.add_review(film.id, ReviewDraft(f"Review {n} of {title}.", f"{critic_prefix} {n}", publication, None, grade))
    return film


def test_a_new_database_is_empty_and_writes_nothing_until_a_change(db_path):
    with Repository.open(db_path) as repository:
        assert (repository.film_count, repository.review_count) == (0, 0)
    assert not db_path.exists()


def test_an_added_review_is_scored_and_reopens_intact(db_path):
    with Repository.open(db_path) as repository:
        film = repository.add_film("The Glass Orchard", 2019, "Mara Ilves")
        review = repository.add_review(film.id, ReviewDraft("Luminous.", "Zoë Brandt", "Reel Quarterly", "2020-01-02", "***1/2"))
    assert review.score == 88
    with Repository.open(db_path) as repository:
        assert repository.reviews(film.id) == [review]
        assert repository.film(film.id).director == "Mara Ilves"


def test_metascore_needs_four_scored_reviews_and_follows_the_bands(repository):
    film = _film_with(repository, "Edge", ["80", "80", "80"])
    assert repository.summary(film.id).metascore is None
    repository.add_review(film.id, ReviewDraft("Fourth.", "Late Critic", None, None, "81"))
    summary = repository.summary(film.id)
    assert (summary.metascore, summary.verdict) == (80, Verdict.GENERALLY_FAVORABLE)
    assert summary.distribution.positive == 4


def test_unscored_reviews_count_as_unscored_and_never_get_a_score(repository):
    film = _film_with(repository, "Quiet", ["50", None, "40", None, "60", "45"])
    summary = repository.summary(film.id)
    assert (summary.reviews, summary.scored, summary.distribution.unscored) == (6, 4, 2)
    assert summary.distribution.mixed == 4
    assert summary.verdict is Verdict.MIXED


def test_a_publication_weight_moves_the_metascore_at_once(repository):
    film = repository.add_film("Weighted", 2000)
    for n, (score, publication) in enumerate([(90, "Big"), (50, "Small"), (50, "Small"), (50, "Small")]):
        repository.add_review(film.id, ReviewDraft(f"R{n}.", f"C{n}", publication, None, str(score)))
    assert repository.summary(film.id).metascore == 60
    repository.set_publication_weight("Big", 3)
    assert repository.summary(film.id).metascore == 70  # (270 + 150) / 6
    assert {p.name: p.weight for p in repository.publications()} == {"Big": 3.0, "Small": 1.0}


def test_invalid_fields_are_refused_with_a_reason_each_and_nothing_is_saved(repository):
    film = repository.add_film("Strict", 2000)
    with pytest.raises(ValidationError) as caught:
        repository.add_review(film.id, ReviewDraft("  ", "X", None, "15/07/2013", "great"))
    assert set(caught.value.errors) == {"excerpt", "date", "grade"}
    assert repository.review_count == 0


def test_text_is_cleaned_of_control_characters_and_surrounding_space(repository):
    film = repository.add_film("  Clean\x1b[2J Title\t", 2000)
    review = repository.add_review(film.id, ReviewDraft(" Line one\r\nline\x00 two \x9b ", "\u00a0Staff [Not Credited]\x07", None, None, None))
    assert film.title == "Clean[2J Title"
    assert review.critic == "Staff [Not Credited]"
    assert review.excerpt == "Line one\nline two"


def test_edit_keeps_the_review_in_its_place_and_rescores(repository):
    film = _film_with(repository, "Order", ["A", "B", "C"])
    first, second, third = repository.reviews(film.id)
    edited = repository.edit_review(second.id, ReviewDraft("Rewritten.", second.critic, None, None, "D"))
    assert [r.id for r in repository.reviews(film.id)] == [first.id, second.id, third.id]
    assert (edited.excerpt, edited.score) == ("Rewritten.", 25)


def test_delete_then_restore_puts_the_review_back_in_its_place(repository):
    film = _film_with(repository, "Undo", ["A", "B", "C"])
    middle = repository.reviews(film.id)[1]
    removed = repository.delete_review(middle.id)
    assert [r.id for r in repository.reviews(film.id)] == [middle.id - 1, middle.id + 1]
    repository.restore_review(removed)
    assert repository.reviews(film.id)[1] == middle


def test_critic_filter_is_case_and_accent_insensitive_across_films(repository):
    one = _film_with(repository, "One", ["A"], critic_prefix="Zoë")
    two = _film_with(repository, "Two", ["B", "C"], critic_prefix="Other")
    repository.add_review(two.id, ReviewDraft("Also.", "ZOE 0", None, None, "80"))
    assert [f.film.id for f in repository.films(critic="zoe 0")] == [one.id, two.id]
    assert [r.critic for r in repository.reviews(two.id, critic="zoë")] == ["ZOE 0"]
    assert repository.matching_critics("OTHER") == ["Other 0", "Other 1"]
    assert len(repository.films(critic="nobody")) == 0


def test_critic_profile_compares_with_each_films_metascore(repository):
    film = _film_with(repository, "Consensus", ["70", "70", "70", "70"])
    repository.add_review(film.id, ReviewDraft("High.", "Outlier", None, None, "95"))  # metascore 75
    other = _film_with(repository, "Other", ["40", "40", "40", "40"])
    repository.add_review(other.id, ReviewDraft("Same.", "Outlier", None, None, "44"))  # metascore 41
    repository.add_review(other.id, ReviewDraft("Unscored.", "Outlier", None, None, None))
    profile = repository.critic_profile("outlier")
    assert profile.names == ("Outlier",)
    assert (profile.reviews, profile.scored, profile.higher, profile.same, profile.lower) == (3, 2, 1, 1, 0)
    assert profile.mean == 69.5
    assert profile.mean_difference == 11.5  # (20 + 3) / 2
    assert repository.critic_profile("nobody") is None


def test_films_sort_by_title_metascore_year_and_review_count(repository):
    low = _film_with(repository, "b low", ["10", "10", "10", "10"], year=1990)
    high = _film_with(repository, "A high", ["90", "90", "90", "90", "90"], year=1980)
    tbd = _film_with(repository, "c tbd", ["90"], year=2020)
    ids = lambda sort: [f.film.id for f in repository.films(sort)]
    assert ids(FilmSort.TITLE) == [high.id, low.id, tbd.id]
    assert ids(FilmSort.METASCORE) == [high.id, low.id, tbd.id]
    assert ids(FilmSort.YEAR) == [tbd.id, low.id, high.id]
    assert ids(FilmSort.REVIEWS) == [high.id, low.id, tbd.id]
    assert [f.film.id for f in repository.films(title="HIGH")] == [high.id]


def test_reviews_sort_by_score_critic_publication_and_date(repository):
    film = repository.add_film("Sorts", 2000)
    for excerpt, critic, publication, when, grade in [
        ("x.", "bea", "Zine", "2001-01-01", "50"),
        ("y.", None, "Apex", "2003-01-01", None),
        ("z.", "Al", None, None, "90"),
    ]:
        repository.add_review(film.id, ReviewDraft(excerpt, critic, publication, when, grade))
    excerpts = lambda sort: [r.excerpt for r in repository.reviews(film.id, sort)]
    assert excerpts(ReviewSort.PAGE) == ["x.", "y.", "z."]
    assert excerpts(ReviewSort.SCORE) == ["z.", "x.", "y."]
    assert excerpts(ReviewSort.CRITIC) == ["z.", "x.", "y."]
    assert excerpts(ReviewSort.PUBLICATION) == ["y.", "x.", "z."]
    assert excerpts(ReviewSort.DATE) == ["y.", "x.", "z."]


def test_importing_the_same_films_twice_adds_nothing(repository):
    record = FilmRecord("Twice", 2001, reviews=(ReviewDraft("Once.", "A"), ReviewDraft("Twice.", "B", grade="B")))
    first = repository.import_films([record])
    second = repository.import_films([record])
    assert (first.films_added, first.reviews_added) == (1, 2)
    assert (second.films_added, second.reviews_added, second.reviews_skipped) == (0, 0, 2)


def test_an_import_with_one_bad_review_changes_nothing(repository, db_path):
    good = FilmRecord("Good", 2001, reviews=(ReviewDraft("Fine.", "A"),))
    bad = FilmRecord("Bad", 2001, reviews=(ReviewDraft("Fine.", "A"), ReviewDraft("Broken.", "B", grade="lots")))
    with pytest.raises(ValidationError, match="Bad review 2 grade"):
        repository.import_films([good, bad])
    assert repository.film_count == 0 and not db_path.exists()


def test_duplicate_films_and_unknown_ids_are_clear_errors(repository):
    repository.add_film("Same", 2001)
    with pytest.raises(ValidationError, match="already exists"):
        repository.add_film("same", 2001)
    repository.add_film("Same", 2002)  # another year is another film
    with pytest.raises(StoreError, match="no film with id 99"):
        repository.add_review(99, ReviewDraft("x"))
    with pytest.raises(StoreError, match="no review with id 5"):
        repository.delete_review(5)


def test_rename_film_keeps_its_reviews(repository):
    film = _film_with(repository, "Old Name", ["A"])
    renamed = repository.edit_film(film.id, title="New Name", year=1999)
    assert (renamed.title, renamed.year) == ("New Name", 1999)
    assert len(repository.reviews(film.id)) == 1
    assert repository.find_films("new name")[0].id == film.id
    assert repository.suggest_titles("New Nme") == ["New Name (1999)"]


def test_review_class_follows_the_score(repository):
    from store.scoring import review_class

    film = _film_with(repository, "Classes", ["61", "60", "39", None])
    assert [review_class(r.score) for r in repository.reviews(film.id)] == [
        ReviewClass.POSITIVE, ReviewClass.MIXED, ReviewClass.NEGATIVE, ReviewClass.UNSCORED,
    ]


def test_the_default_database_starts_with_the_sample_data(tmp_path):
    with open_repository(tmp_path / "fresh.json", seed_sample=True) as repository:
        assert repository.film_count >= 10
        verdicts = {repository.summary(f.film.id).verdict for f in repository.films()}
        assert set(Verdict) <= verdicts and None in verdicts


def test_store_never_imports_textual():
    import subprocess
    import sys

    code = "import sys, store.repository, store.exchange, store.generator, tui.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_bidi_mark_is_removed_as_text_enters_the_store():
    from store.text import clean_line

    marks = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert clean_line(f"a{marks}b") == "ab"


def test_a_review_as_a_draft_saves_back_unchanged(repository):
    film = _film_with(repository, "Round trip", ["***1/2"])
    review = repository.reviews(film.id)[0]
    assert repository.edit_review(review.id, review.as_draft()) == review


# -- folding, close titles, dates and title-key collisions ---------------------------------


def test_letters_without_a_decomposition_fold_too(repository):
    film = _film_with(repository, "Æon", ["A"], critic_prefix="Søren")
    assert repository.matching_critics("soren") == ["Søren 0"]
    assert [f.film.id for f in repository.films(critic="SOREN 0")] == [film.id]
    assert [f.id for f in repository.find_films("aeon")] == [film.id]
    assert [f.film.id for f in repository.films(title="ae")] == [film.id]
    with pytest.raises(ValidationError, match="already exists"):
        repository.add_film("AEON", 2001)


def test_close_titles_prefer_a_word_of_the_title(repository):
    repository.add_film("Pusher", 1996)
    repository.add_film("Müller's Last Summer", 2001)
    assert repository.suggest_titles("muller")[0] == "Müller's Last Summer (2001)"
    assert repository.suggest_titles("Pushr") == ["Pusher (1996)"]
    assert repository.suggest_titles("zzzz") == []


def test_a_date_that_does_not_exist_says_so(repository):
    film = repository.add_film("Calendar", 2000)
    with pytest.raises(ValidationError) as caught:
        repository.add_review(film.id, ReviewDraft("x", date="2026-02-30"))
    assert caught.value.errors["date"] == "'2026-02-30' is not a date: there is no such day"
    for shape in ("2026-W01-1", "20260101", "2026-1-01", "２０２６-01-01"):
        assert repository.validate(ReviewDraft("x", date=shape))["date"] == f"'{shape}' is not a date: use YYYY-MM-DD"


def test_a_review_dated_more_than_a_day_ahead_is_refused_when_today_is_given(repository):
    from datetime import date

    film = repository.add_film("Ahead", 2000)
    today = date(2024, 5, 1)
    with pytest.raises(ValidationError) as caught:
        repository.add_review(film.id, ReviewDraft("x", date="2024-05-03"), today=today)
    assert caught.value.errors["date"] == "'2024-05-03' is after tomorrow (today is 2024-05-01): a review cannot be dated ahead"
    assert repository.validate(ReviewDraft("x", date="2031-01-01"), today=today) == {
        "date": "'2031-01-01' is after tomorrow (today is 2024-05-01): a review cannot be dated ahead"
    }
    review = repository.add_review(film.id, ReviewDraft("x", date="2024-05-02"), today=today)  # time zones
    with pytest.raises(ValidationError):
        repository.edit_review(review.id, ReviewDraft("y", date="2025-01-01"), today=today)
    # Without today (imports, undo) the store keeps what it is given.
    assert repository.edit_review(review.id, ReviewDraft("y", date="2025-01-01")).date == "2025-01-01"
    assert repository.validate(ReviewDraft("y", date="2025-01-01")) == {}


def _two_spellings(db_path, titles):
    """A database written by an older Critics, whose folding kept these titles apart."""
    from store.records import FILMS, META, reviews_table

    tables = {FILMS: {}, META: {"1": {"review": 1, "film": 1}}}
    review = 1
    for film_id, title in titles.items():
        tables[FILMS][str(film_id)] = {"title": title, "year": 1999}
        tables[reviews_table(film_id)] = {str(review): {"excerpt": f"On {title}.", "critic": "A", "score": 70, "grade": "70"}}
        review += 1
    with Repository.open(db_path) as repository:
        repository.replace_everything(tables)


def test_films_whose_titles_now_fold_alike_are_both_kept_and_reported(db_path):
    _two_spellings(db_path, {3: "Soren", 9: "Søren", 12: "Zoe", 14: "Zoë", 20: "Other"})
    with Repository.open(db_path) as repository:
        assert repository.warnings == [
            "films 3 and 9 now share the title key 'soren' (1999): rename one (critics has no merge)",
            "films 12 and 14 now share the title key 'zoe' (1999): rename one (critics has no merge)",
        ]
        assert sorted(f.film.id for f in repository.films()) == [3, 9, 12, 14, 20]
        assert sorted(f.film.id for f in repository.films(title="soren")) == [3, 9]
        assert [f.id for f in repository.find_films("Søren")] == [9]  # the exact title picks one
        assert [f.id for f in repository.find_films("Soren")] == [3]
        assert sorted(f.id for f in repository.find_films("SOREN")) == [3, 9]
        assert len(repository.reviews(9)) == 1 and len(repository.reviews(3)) == 1
        imported = repository.import_films([FilmRecord("Søren", 1999, reviews=(ReviewDraft("Into the exact one."),))])
        assert imported.films_added == 0 and len(repository.reviews(9)) == 2 and len(repository.reviews(3)) == 1
        with pytest.raises(ValidationError, match="could be any of"):  # neither spelling: never merged
            repository.import_films([FilmRecord("SØREN", 1999, reviews=(ReviewDraft("Which one?"),))])
        assert len(repository.reviews(9)) == 2 and len(repository.reviews(3)) == 1
        repository.edit_film(9, title="Søren Returns")
        assert repository.warnings == [
            "films 12 and 14 now share the title key 'zoe' (1999): rename one (critics has no merge)",
        ]


# -- editing, deleting and restoring films ----------------------------------------------------


def test_edit_film_changes_only_what_is_given_and_none_clears(repository):
    film = repository.add_film("Heat", 1995, "Michael Mann")
    assert repository.edit_film(film.id, director="  M. Mann ") == dataclasses.replace(film, director="M. Mann")
    assert repository.edit_film(film.id, year="1996").year == 1996
    assert repository.edit_film(film.id, title="HEAT") == dataclasses.replace(film, title="HEAT", year=1996, director="M. Mann")
    cleared = repository.edit_film(film.id, year=None, director="")
    assert (cleared.title, cleared.year, cleared.director) == ("HEAT", None, None)
    assert repository.find_films("heat")[0] == cleared


def test_edit_film_refuses_a_title_and_year_another_film_has(repository):
    heat = repository.add_film("Heat", 1995)
    other = repository.add_film("Heat", 1986)
    with pytest.raises(ValidationError, match=r"Heat \(1995\) already exists"):
        repository.edit_film(other.id, year=1995)
    with pytest.raises(ValidationError, match="already exists"):
        repository.edit_film(other.id, title="héat", year=1995)
    with pytest.raises(ValidationError, match="a title is required"):
        repository.edit_film(heat.id, title="  ")
    with pytest.raises(ValidationError, match="not a year"):
        repository.edit_film(heat.id, year="soon")
    with pytest.raises(StoreError, match="no film with id 99"):
        repository.edit_film(99, title="Anything")
    assert [(f.title, f.year) for f in (repository.film(heat.id), repository.film(other.id))] == [("Heat", 1995), ("Heat", 1986)]


def test_an_edit_that_changes_nothing_writes_nothing(repository, db_path):
    film = repository.add_film("Still", 2001, "Someone")
    journal = db_path.with_name(db_path.name + ".journal")
    before = journal.read_bytes()
    repository.edit_film(film.id, title="Still", year=2001)
    assert journal.read_bytes() == before


def test_delete_film_removes_it_and_its_reviews_in_one_journal_entry(repository, db_path):
    film = _film_with(repository, "Gone", ["A", "B", "C"], publication="The Lantern")
    kept = _film_with(repository, "Kept", ["B"], critic_prefix="Critic", year=2002, publication="The Lantern")
    journal = db_path.with_name(db_path.name + ".journal")
    entries = len(journal.read_bytes().splitlines())
    removed, reviews = repository.delete_film(film.id)
    assert removed == film and [r.excerpt for r in reviews] == [f"Review {n} of Gone." for n in range(3)]
    assert len(journal.read_bytes().splitlines()) == entries + 1
    assert (repository.film_count, repository.review_count) == (1, 1)
    assert [f.film.id for f in repository.films()] == [kept.id]
    assert repository.find_films("Gone") == [] and repository.films(critic="Critic 2").ids == []
    with pytest.raises(StoreError, match=f"no film with id {film.id}"):
        repository.reviews(film.id)
    with pytest.raises(StoreError, match=f"no review with id {reviews[0].id}"):
        repository.review(reviews[0].id)
    with pytest.raises(StoreError, match="no film with id"):
        repository.delete_film(film.id)
    assert repository.add_film("Gone", 2001).id > kept.id  # ids only grow
    with Repository.open(db_path) as reopened:
        assert [f.film.title for f in reopened.films()] == ["Gone", "Kept"] and reopened.review_count == 1


def test_restore_film_puts_the_film_and_its_reviews_back_with_their_ids(repository, db_path):
    film = _film_with(repository, "Undone", ["A", None, "C"])
    summary = repository.summary(film.id)
    deleted = repository.delete_film(film.id)
    assert repository.restore_film(*deleted) == film
    assert repository.reviews(film.id) == deleted[1] and repository.summary(film.id) == summary
    with pytest.raises(StoreError, match=f"film {film.id} already exists"):
        repository.restore_film(*deleted)
    with Repository.open(db_path) as reopened:
        assert reopened.reviews(film.id) == deleted[1]


def test_restore_film_refuses_a_title_taken_since_or_a_review_id_in_use_and_changes_nothing(repository):
    film = _film_with(repository, "Twice", ["A", "B"])
    gone, reviews = repository.delete_film(film.id)
    taken = repository.add_film("twice", 2001)
    with pytest.raises(ValidationError, match="already exists"):
        repository.restore_film(gone, reviews)
    repository.delete_film(taken.id)
    with pytest.raises(StoreError, match="is of film"):
        repository.restore_film(gone, [dataclasses.replace(reviews[0], film_id=taken.id)])
    assert (repository.film_count, repository.review_count) == (0, 0)
    repository.restore_film(gone, reviews)
    with pytest.raises(StoreError, match=f"review {reviews[0].id} already exists"):
        repository.restore_film(dataclasses.replace(gone, id=gone.id + 100, title="Other"), [dataclasses.replace(reviews[0], film_id=gone.id + 100)])
    assert (repository.film_count, repository.review_count) == (1, 2)


def _disk(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _state(repository):
    return (
        [(f.film, f.reviews, f.metascore) for f in repository.films()],
        {f.film.id: repository.reviews(f.film.id) for f in repository.films()},
        repository.critics(),
        [(p.name, p.weight) for p in repository.publications()],
    )


@pytest.mark.parametrize("step", ["delete", "restore"])
def test_a_failed_delete_or_restore_of_a_film_changes_nothing_in_memory_or_on_disk(repository, db_path, monkeypatch, step):
    import os

    film = _film_with(repository, "Fragile", ["A", "B", "C"], publication="The Lantern")
    _film_with(repository, "Other", ["B"], year=2002)
    if step == "restore":
        deleted = repository.delete_film(film.id)
    before, files = _state(repository), _disk(db_path.parent)
    real_fsync, calls = os.fsync, []

    def fails_once(fd):
        calls.append(fd)
        if len(calls) == 1:
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fails_once)
    with pytest.raises(StoreError, match="nothing was saved"):
        if step == "delete":
            repository.delete_film(film.id)
        else:
            repository.restore_film(*deleted)
    assert calls and _state(repository) == before and _disk(db_path.parent) == files
    monkeypatch.setattr(os, "fsync", real_fsync)
    with Repository.open(db_path) as reopened:
        assert _state(reopened) == before


def test_the_indexes_after_deleting_and_restoring_films_equal_indexes_built_afresh(repository):
    from tests.index_state import fresh_indexes, index_state

    shared = [_film_with(repository, f"Film {n}", ["A", "B", "C", "D", "F"], publication="The Lantern", year=2000 + n) for n in range(4)]
    repository.import_films([FilmRecord("Film 1", 2001, key=f"m/{n}") for n in range(2)])  # keyed, sharing a title
    repository.set_publication_weight("The Lantern", 2)
    repository.critic_profile("Critic")  # tallies, summaries and orders cached, to be dropped
    for sort in FilmSort:
        repository.films(sort)
    one, two = repository.delete_film(shared[1].id), repository.delete_film(shared[3].id)

    def same_as_fresh():
        kept, storage = repository._index, repository._storage
        fresh = fresh_indexes(storage)
        assert index_state(kept) == index_state(fresh)
        for sort in FilmSort:
            assert kept.order(sort) == fresh.order(sort)
        for film_id in kept.films:
            assert kept.summary(film_id) == fresh.summary(film_id)
            assert kept.reviews(film_id) == fresh.reviews(film_id)
        names = sorted(kept.critic_counts)
        assert kept.tallies(names) == fresh.tallies(names)

    same_as_fresh()
    assert shared[1].id not in repository._index.critic_films("Critic 0") and repository._index.publication_counts == {"The Lantern": 10}
    repository.restore_film(*one)
    same_as_fresh()
    repository.critic_profile("Critic")
    repository.delete_film(shared[0].id)
    repository.delete_film(shared[2].id)
    repository.delete_film(one[0].id)
    same_as_fresh()
    assert repository._index.critic_counts == {} and repository._index.publication_counts == {}
    repository.restore_film(*two)
    same_as_fresh()
