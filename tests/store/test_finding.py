"""Finding words in review text (store/finding.py) and the repository's find, publication filter
and most prolific critics (store/queries.py)."""

from __future__ import annotations

from store.domain import ReviewDraft
from store.finding import holds, spans, words_of
from tests.fixed_store import build_store


def test_a_query_is_its_folded_words_once_each():
    assert words_of("  Søren  SALT søren ") == ("soren", "salt")
    assert words_of("   ") == ()


def test_an_excerpt_holds_a_query_when_it_holds_every_word_in_any_order_ignoring_case_and_accents():
    text = "Zoë found the SALT flats merciless."
    assert holds(text, words_of("salt zoe"))
    assert holds(text, words_of("MERCI"))  # a part of a word is enough
    assert not holds(text, words_of("salt sea"))
    assert not holds(text, ())  # a blank query finds nothing
    assert holds("Weiß", words_of("weiss")) and holds("Æon", words_of("aeon"))


def test_spans_point_into_the_text_itself_even_where_folding_changes_its_length():
    assert spans("Salt and more salt", words_of("salt")) == [(0, 4), (14, 18)]
    # ß folds to two letters: the span still covers the characters as written.
    text = "Die Straße nach Süden"
    (start, end), = spans(text, words_of("strasse"))
    assert text[start:end] == "Straße"
    (start, end), = spans(text, words_of("suden"))
    assert text[start:end] == "Süden"
    # Overlapping words merge into one span.
    assert spans("abcdef", ("abc", "cde")) == [(0, 5)]
    assert spans("", ("a",)) == [] and spans("abc", ()) == []


def test_find_reports_every_match_once_film_by_film_in_title_order(tmp_path):
    store = build_store(tmp_path / "critics.json")
    try:
        steps = list(store.find("the", step=3))
        found = [review for step in steps for review in step.found]
        assert len(steps) > 2  # it reports as it goes, not once at the end
        assert all(holds(review.excerpt, ("the",)) for review in found)
        expected = [r for summary in store.films() for r in store.reviews(summary.film.id) if holds(r.excerpt, ("the",))]
        assert [r.id for r in found] == [r.id for r in expected]
        assert steps[-1].looked_at == steps[-1].total == store.review_count
        assert [step.looked_at for step in steps] == sorted(step.looked_at for step in steps)
        (only,) = list(store.find("   "))
        assert only.found == () and only.looked_at == only.total
    finally:
        store.close()


def test_a_write_between_steps_neither_breaks_the_search_nor_repeats_a_review(tmp_path):
    store = build_store(tmp_path / "critics.json")
    try:
        search = store.find("a", step=1)
        first = next(search)
        films = [summary.film.id for summary in store.films()]
        store.delete_film(films[-1])  # a film not yet searched goes
        store.add_review(films[-2], ReviewDraft("A new one with a word."))
        rest = [review for step in search for review in step.found]
        ids = [review.id for review in first.found + tuple(rest)]
        assert len(ids) == len(set(ids))
        assert all(review.film_id != films[-1] for review in rest)
    finally:
        store.close()


def test_the_publication_filter_narrows_films_and_reviews_and_combines_with_the_critic_one(tmp_path):
    store = build_store(tmp_path / "critics.json")
    try:
        assert store.matching_publications("village") == ["The Village Voice"]
        listed = {summary.film.title for summary in store.films(publication="village voice")}
        assert listed == {"Pusher", "Salt Lines", "Bellwether Junction"}
        pusher = store.find_films("Pusher")[0].id
        assert {r.publication for r in store.reviews(pusher, publication="village")} == {"The Village Voice"}
        # Critic and publication together: one review must match both.
        assert {s.film.title for s in store.films(critic="noel", publication="village")} == set()
        assert {s.film.title for s in store.films(critic="dennis", publication="village")} == listed
        # The index follows a change.
        store.add_review(store.find_films("Dead Reckoning Mall")[0].id, ReviewDraft("x", "Ann", "The Village Voice"))
        assert "Dead Reckoning Mall" in {s.film.title for s in store.films(publication="village")}
        assert store.films(publication="no such paper").ids == []
    finally:
        store.close()


def test_the_text_filter_narrows_a_films_reviews_to_those_holding_the_words(tmp_path):
    store = build_store(tmp_path / "critics.json")
    try:
        salt = store.find_films("Salt Lines")[0].id
        assert [r.critic for r in store.reviews(salt, text="SEA patience")] == ["Søren Vik"]
        assert len(store.reviews(salt, text=" ")) == len(store.reviews(salt))  # blank: no filter
    finally:
        store.close()


def test_the_most_prolific_critics_come_first_with_their_counts(tmp_path):
    store = build_store(tmp_path / "critics.json")
    try:
        top = store.prolific_critics(3)
        assert len(top) == 3
        assert top == sorted(top, key=lambda pair: -pair[1])
        counts = {}
        for summary in store.films():
            for review in store.reviews(summary.film.id):
                if review.critic:
                    counts[review.critic] = counts.get(review.critic, 0) + 1
        assert top[0] == max(counts.items(), key=lambda pair: pair[1])
    finally:
        store.close()
