"""The browser's state and rules (tui/session.py) on a real repository, without a terminal:
filters, sorts, choosing a film, saving, deleting and undoing. The `store` fixture
(tests/tui/conftest.py) is the fixed store of tests/fixed_store.py in a temporary folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from store.domain import ReviewDraft
from store.errors import StoreError, ValidationError
from store.repository import Repository
from store.views import FilmSort, ReviewSort
from tui.session import BrowserSession

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def session(store) -> BrowserSession:
    return BrowserSession(store)


def titles(session: BrowserSession) -> list[str]:
    return [row.film.title for row in session.films()]


def film_id(store: Repository, title: str) -> int:
    return store.find_films(title)[0].id


def showing(session: BrowserSession, title: str) -> int:
    """Select a film the way the screen does: list the films, then select one of them."""
    session.films()
    chosen = film_id(session.repository, title)
    session.select_film(chosen)
    return chosen


def critics(session: BrowserSession) -> list[str | None]:
    return [review.critic for review in session.reviews()]


# -- what is listed ---------------------------------------------------------------------------------


def test_a_new_session_lists_every_film_by_title_and_no_reviews_until_a_film_is_selected(session):
    listed = titles(session)
    assert listed[0].startswith("[")  # the hostile title: "[" sorts first
    assert listed[1:] == ["Bellwether Junction", "Dead Reckoning Mall", "Pusher", "Salt Lines", "The Beekeeper's Almanac"]
    assert session.selected_film is None
    assert session.reviews() == []


def test_selecting_a_film_lists_its_reviews_in_page_order(session):
    summary = session.select_film(film_id(session.repository, "Salt Lines"))
    assert summary.film.title == "Salt Lines"
    assert critics(session) == ["Zoë Brandt", "Søren Vik", "Noel Murray", "Anita Gates", "Dennis Lim"]


def test_selecting_a_film_that_is_gone_raises_and_keeps_the_selection(session):
    chosen = showing(session, "Pusher")
    with pytest.raises(StoreError):
        session.select_film(9999)
    assert session.selected_film == chosen


def test_the_critic_filter_narrows_films_and_reviews_ignoring_accents(session):
    session.set_critic_query("zoe")
    assert titles(session) == ["Bellwether Junction", "Dead Reckoning Mall", "Salt Lines"]
    showing(session, "Salt Lines")
    assert critics(session) == ["Zoë Brandt"]
    assert session.filtered and session.critic_filtered


def test_a_blank_critic_filter_narrows_nothing_but_escape_still_has_it_to_clear(session):
    session.set_critic_query("  ")
    assert len(titles(session)) == 6
    assert session.filtered and not session.critic_filtered


def test_the_title_filter_narrows_the_films_ignoring_case(session):
    session.set_title_query("SALT")
    assert titles(session) == ["Salt Lines"]
    assert session.filtered and not session.critic_filtered


def test_the_critic_and_title_filters_combine(session):
    session.set_critic_query("murray")
    assert "Bellwether Junction" not in titles(session)
    session.set_title_query("ll")
    assert titles(session) == ["Dead Reckoning Mall"]  # Bellwether has "ll" but no Murray review


def test_a_filter_matching_nothing_lists_no_films_and_nothing_can_be_added(session):
    showing(session, "Pusher")
    assert session.can_add_review
    session.set_title_query("no such film")
    assert titles(session) == []
    assert not session.can_add_review


def test_film_sorts_cycle_title_metascore_year_reviews_and_back(session):
    assert session.film_sort is FilmSort.TITLE
    cycled = [session.cycle_film_sort() for _ in range(4)]
    assert cycled == [FilmSort.METASCORE, FilmSort.YEAR, FilmSort.REVIEWS, FilmSort.TITLE]


def test_the_films_follow_the_film_sort(session):
    session.cycle_film_sort()
    assert titles(session)[:3] == ["Salt Lines", "Bellwether Junction", "Dead Reckoning Mall"]
    session.cycle_film_sort()
    assert titles(session)[0] == "The Beekeeper's Almanac"
    session.cycle_film_sort()
    assert titles(session)[:2] == ["Pusher", "Salt Lines"]


def test_review_sorts_cycle_page_score_critic_publication_date_and_back(session):
    assert session.review_sort is ReviewSort.PAGE
    cycled = [session.cycle_review_sort() for _ in range(5)]
    assert cycled == [ReviewSort.SCORE, ReviewSort.CRITIC, ReviewSort.PUBLICATION, ReviewSort.DATE, ReviewSort.PAGE]


def test_the_reviews_follow_the_review_sort_and_keep_the_film_sort(session):
    showing(session, "Salt Lines")
    session.cycle_review_sort()
    assert [review.score for review in session.reviews()] == [100, 100, 90, 90, 83]
    session.cycle_review_sort()
    assert critics(session)[0] == "Anita Gates"
    assert session.film_sort is FilmSort.TITLE


def test_choosing_a_listed_film_keeps_the_filters(session):
    session.set_critic_query("zoe")
    session.films()
    assert not session.choose_film(film_id(session.repository, "Salt Lines"))
    assert session.critic_query == "zoe"


def test_choosing_a_film_the_filters_hide_drops_them(session):
    session.set_critic_query("zoe")
    session.set_title_query("salt")
    session.films()
    assert session.choose_film(film_id(session.repository, "Pusher"))
    assert (session.critic_query, session.title_query) == ("", "")
    assert "Pusher" in titles(session)


# -- saving and deleting ----------------------------------------------------------------------------


def test_adding_a_review_selects_its_film_and_puts_it_under_the_cursor(session, store):
    pusher = film_id(store, "Pusher")
    outcome = session.save(pusher, None, ReviewDraft("Grim and funny.", critic="Ann Hornaday", grade="3/4"))
    assert outcome.message == "Review added."
    assert outcome.review == store.review(outcome.review.id)
    assert outcome.review.score == 75
    assert session.selected_film == pusher
    assert outcome.review in session.reviews()
    assert session.can_undo


def test_editing_a_review_says_it_was_saved(session, store):
    showing(session, "Dead Reckoning Mall")
    first = session.reviews()[0]
    regraded = ReviewDraft(first.excerpt, first.critic, first.publication, first.date, grade="B+")
    outcome = session.save(first.film_id, first.id, regraded)
    assert outcome.message == "Review saved."
    assert outcome.review.id == first.id and outcome.review.score == 83


def test_a_save_hidden_by_the_critic_filter_says_so(session, store):
    session.set_critic_query("zoe")
    salt_lines = showing(session, "Salt Lines")
    hidden = session.save(salt_lines, None, ReviewDraft("Someone else's view.", critic="Someone Else"))
    assert hidden.message == "Review added. (hidden by the critic filter)"
    shown = session.save(salt_lines, None, ReviewDraft("Another view.", critic="Zoë Brandt"))
    assert shown.message == "Review added."


def test_an_invalid_review_raises_with_its_reasons_and_leaves_nothing_to_undo(session, store):
    before = store.review_count
    with pytest.raises(ValidationError) as raised:
        session.save(film_id(store, "Pusher"), None, ReviewDraft("", date="2024-13-45"))
    assert set(raised.value.errors) == {"excerpt", "date"}
    assert store.review_count == before
    assert not session.can_undo


def test_deleting_a_review_that_is_gone_raises_and_leaves_nothing_to_undo(session):
    with pytest.raises(StoreError):
        session.delete(9999)
    assert not session.can_undo


def test_deleting_the_selected_films_last_review_keeps_the_film_listed_without_reviews(session, store):
    almanac = showing(session, "The Beekeeper's Almanac")
    (only,) = session.reviews()
    outcome = session.delete(only.id)
    assert outcome.message == "Review deleted · u undoes"
    assert outcome.review is None
    assert session.selected_film == almanac
    assert session.reviews() == []
    listed = session.films()
    assert listed[listed.index_of(almanac)].reviews == 0
    session.set_critic_query("murray")  # its only critic: under the filter the film is gone
    assert "The Beekeeper's Almanac" not in titles(session)


# -- undo -------------------------------------------------------------------------------------------


def test_nothing_to_undo_answers_none(session):
    assert not session.can_undo
    assert session.undo() is None


def test_undo_of_an_add_removes_the_review(session, store):
    before = store.review_count
    added = session.save(film_id(store, "Pusher"), None, ReviewDraft("Added.", critic="A. Critic")).review
    showing(session, "Salt Lines")
    outcome = session.undo()
    assert outcome.message == "Undone: the added review is gone."
    assert outcome.review is None
    assert added.id not in [review.id for review in store.reviews(added.film_id)]
    assert store.review_count == before
    assert session.selected_film == added.film_id  # back on the film the review was added to
    assert not session.can_undo


def test_undo_of_an_edit_restores_the_review_as_it_was(session, store):
    showing(session, "Dead Reckoning Mall")
    before = session.reviews()[0]
    session.save(before.film_id, before.id, ReviewDraft("Rewritten.", critic="Someone", grade="A"))
    outcome = session.undo()
    assert outcome.message == "Undone: the review is as it was."
    assert outcome.review == before
    assert store.review(before.id) == before


def test_undo_of_a_delete_brings_the_review_back_in_place(session, store):
    bellwether = showing(session, "Bellwether Junction")
    page = store.reviews(bellwether)
    session.delete(page[1].id)
    outcome = session.undo()
    assert outcome.message == "Undone: the review is back."
    assert outcome.review == page[1]
    assert store.reviews(bellwether) == page


def test_undo_takes_back_the_newest_change_first(session, store):
    pusher = film_id(store, "Pusher")
    added = session.save(pusher, None, ReviewDraft("Added.", critic="A. Critic")).review
    session.save(pusher, added.id, ReviewDraft("Edited.", critic="A. Critic"))
    session.delete(store.reviews(pusher)[0].id)
    assert session.undo().message == "Undone: the review is back."
    assert session.undo().message == "Undone: the review is as it was."
    assert store.review(added.id).excerpt == "Added."
    assert session.undo().message == "Undone: the added review is gone."
    assert session.undo() is None


def test_undo_remembers_only_the_last_hundred_changes(session, store):
    review = store.reviews(film_id(store, "Pusher"))[0]
    for number in range(101):
        session.save(review.film_id, review.id, ReviewDraft(f"Edit {number}."))
    assert len(session.history) == 100
    while session.undo() is not None:
        pass
    assert store.review(review.id).excerpt == "Edit 0."  # the first edit fell off the end


def test_an_undo_the_store_refuses_for_now_can_be_tried_again(session, store, monkeypatch):
    showing(session, "Dead Reckoning Mall")
    before = session.reviews()[0]
    session.save(before.film_id, before.id, ReviewDraft("Rewritten."))

    def locked(*args, **kwargs):
        raise StoreError("cannot write to critics.json: another program holds the lock")

    with monkeypatch.context() as fault:
        fault.setattr(store, "edit_review", locked)
        with pytest.raises(StoreError, match="holds the lock"):
            session.undo()
    assert session.can_undo  # a refused write changed nothing: the edit is still undoable
    assert session.undo().message == "Undone: the review is as it was."
    assert store.review(before.id) == before


def test_an_undo_that_can_never_work_is_dropped_so_older_changes_stay_reachable(session, store):
    pusher = film_id(store, "Pusher")
    first = store.reviews(pusher)[0]
    session.delete(first.id)
    added = session.save(pusher, None, ReviewDraft("Added.")).review
    store.delete_review(added.id)  # someone else removed it meanwhile
    with pytest.raises(StoreError):
        session.undo()
    assert session.undo().message == "Undone: the review is back."
    assert store.review(first.id) == first


def test_undoing_a_delete_someone_else_already_undid_is_dropped(session, store):
    review = store.reviews(film_id(store, "Pusher"))[0]
    session.delete(review.id)
    store.restore_review(review)  # put back meanwhile
    with pytest.raises(StoreError, match="already exists"):
        session.undo()
    assert not session.can_undo
    assert store.review(review.id) == review


# -- the rest of the store ------------------------------------------------------------------------


def test_refresh_picks_up_another_writers_review(session, store):
    pusher = film_id(store, "Pusher")
    other = Repository.open(store.path)
    try:
        other.add_review(pusher, ReviewDraft("From elsewhere.", critic="Other Process"))
    finally:
        other.close()
    assert session.refresh()
    session.select_film(pusher)
    assert "Other Process" in critics(session)
    assert not session.refresh()


def test_a_publication_weight_is_saved_and_a_bad_one_refused(session, store):
    assert session.set_publication_weight("The Village Voice", 3).weight == 3.0
    assert {p.name: p.weight for p in store.publications()}["The Village Voice"] == 3.0
    with pytest.raises(ValidationError):
        session.set_publication_weight("The Village Voice", -1)


def test_an_empty_store_lists_nothing_and_has_nothing_to_undo(repository):
    session = BrowserSession(repository)
    assert list(session.films()) == []
    assert session.reviews() == []
    assert not session.can_add_review
    assert session.undo() is None


def test_a_session_waiting_for_its_store_holds_the_defaults():
    session = BrowserSession()
    assert session.repository is None
    assert (session.film_sort, session.review_sort) == (FilmSort.TITLE, ReviewSort.PAGE)
    assert (session.critic_query, session.title_query, session.selected_film) == ("", "", None)
    assert not (session.filtered or session.can_undo or session.can_add_review)


def test_the_session_never_imports_textual_nor_the_repository():
    code = "import sys, tui.session; print(sorted(m for m in sys.modules if m.startswith(('textual', 'store.repository'))))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# -- compaction in a process of its own ------------------------------------------------------------


def test_a_save_past_the_threshold_compacts_in_another_process_and_the_next_catch_up_reads_nothing(
    tmp_path, monkeypatch
):
    from store import storage
    from tests.fixed_store import build_store

    monkeypatch.setattr(storage, "COMPACT_AFTER_BYTES", 2_000)
    monkeypatch.setattr(storage, "COMPACT_FRACTION", 1_000)
    repository = build_store(tmp_path / "critics.json")
    journal = tmp_path / "critics.json.journal"
    backup = tmp_path / "critics.json.bak"
    with repository:
        session = BrowserSession(repository)
        film = repository.films()[0].film.id
        while not repository.compaction_due:
            session.save(film, None, ReviewDraft("Filler until the journal is due.", "Filler", None, None, "B"))
        backup_before = backup.stat().st_mtime_ns if backup.exists() else None
        session.save(film, None, ReviewDraft("The write that starts it.", "Filler", None, None, "B"))
        process = session._compaction
        assert process is not None
        assert process.wait(timeout=60) == 0, process.stderr.read()
        assert backup.exists() and backup.stat().st_mtime_ns != backup_before
        index = repository._index
        reviews = repository.review_count
        assert repository.refresh() is False  # the new snapshot is taken without reading it
        assert repository._index is index and repository.review_count == reviews
        size = journal.stat().st_size
        session.save(film, None, ReviewDraft("After the compaction.", "Filler", None, None, "B"))
        assert journal.stat().st_size > size  # appended to the new journal
    with Repository.open(tmp_path / "critics.json") as reopened:
        assert reopened.review_count == reviews + 1


def test_a_review_dated_more_than_a_day_after_today_is_refused_and_changes_nothing(tmp_path):
    from datetime import date

    from tests.fixed_store import build_store

    with build_store(tmp_path / "critics.json") as repository:
        session = BrowserSession(repository, today=lambda: date(2024, 5, 1))
        film = repository.films()[0].film.id
        before = repository.review_count
        with pytest.raises(ValidationError, match="date"):
            session.save(film, None, ReviewDraft("From the future.", "Time Traveller", None, "2024-05-03", "B"))
        assert repository.review_count == before and not session.history
        assert session.save(film, None, ReviewDraft("Tomorrow, by the clock abroad.", "X", None, "2024-05-02", "B"))


# -- reversing a sort -------------------------------------------------------------------------------


def test_reversing_the_film_sort_lists_the_same_films_the_other_way_round(session):
    by_title = titles(session)
    assert session.film_sort_label == "by title ↑"
    session.reverse_film_sort()
    assert titles(session) == by_title[::-1]
    assert session.films_descending
    assert session.film_sort_label == "by title ↓"


def test_a_new_film_sort_starts_in_its_own_direction(session):
    session.reverse_film_sort()
    session.cycle_film_sort()
    assert session.film_sort is FilmSort.METASCORE
    assert not session.films_reversed
    assert session.films_descending  # the highest Metascore first, as before
    assert session.film_sort_label == "by Metascore ↓"
    by_metascore = titles(session)
    session.reverse_film_sort()
    assert titles(session) == by_metascore[::-1]
    assert session.film_sort_label == "by Metascore ↑"


def test_reversing_the_review_sort_reverses_the_reviews_and_leaves_the_films(session):
    showing(session, "Salt Lines")
    session.cycle_review_sort()
    by_score = critics(session)
    assert session.review_sort_label == "by score ↓"
    session.reverse_review_sort()
    assert critics(session) == by_score[::-1]
    assert session.review_sort_label == "by score ↑"
    assert not session.films_reversed
    session.cycle_review_sort()
    assert not session.reviews_reversed
    assert session.review_sort_label == "by critic ↑"


def test_a_reversed_film_list_still_finds_its_films(session):
    session.reverse_film_sort()
    listed = session.films()
    chosen = film_id(session.repository, "Pusher")
    assert listed[listed.index_of(chosen)].film.title == "Pusher"
    assert not session.choose_film(chosen)


# -- from a review to its critic --------------------------------------------------------------------


def test_filtering_by_a_reviews_critic_matches_exactly_that_name(session):
    showing(session, "Pusher")
    murray = next(review for review in session.reviews() if review.critic == "Noel Murray")
    assert session.filter_by_critic_of(murray) is None
    assert session.critic_query == "Noel Murray" and session.critic_exact
    assert titles(session) == ["Dead Reckoning Mall", "Pusher", "Salt Lines", "The Beekeeper's Almanac"]
    assert critics(session) == ["Noel Murray"]


def test_an_exact_critic_filter_is_not_a_part_match(session):
    session.set_critic_query("Zoë", exact=True)  # nobody is called just "Zoë"
    assert titles(session) == []
    session.set_critic_query("Zoë")
    assert titles(session) == ["Bellwether Junction", "Dead Reckoning Mall", "Salt Lines"]
    assert not session.critic_exact


def test_an_uncredited_review_has_no_critic_to_filter_by(session):
    showing(session, "Pusher")
    uncredited = next(review for review in session.reviews() if review.critic is None)
    assert "this review has no critic" in session.filter_by_critic_of(uncredited)
    assert session.critic_query == "" and not session.critic_exact


def test_clearing_the_critic_filter_drops_exactness(session):
    session.set_critic_query("Noel Murray", exact=True)
    session.set_critic_query("")
    assert not session.critic_exact


# -- films: add, edit, delete, undo ------------------------------------------------------------


def test_adding_a_film_selects_it_and_undo_takes_it_away(session, store):
    showing(session, "Pusher")
    outcome = session.add_film("Fresh Print", "2001", "Ann Director")
    (film,) = store.find_films("Fresh Print", 2001)
    assert film.director == "Ann Director" and session.selected_film == film.id
    assert "Film added" in outcome.message and not outcome.filters_dropped
    assert "Fresh Print" in titles(session)
    undone = session.undo()
    assert store.find_films("Fresh Print") == [] and "is gone" in undone.message
    assert not session.can_undo


def test_a_film_added_under_filters_that_hide_it_drops_them(session, store):
    session.set_critic_query("noel")
    session.set_title_query("salt")
    session.films()
    outcome = session.add_film("Unreviewed", None, None)
    assert outcome.filters_dropped and not session.filtered
    assert "Unreviewed" in titles(session)


def test_an_invalid_or_duplicate_film_is_refused_with_its_reasons_and_nothing_to_undo(session, store):
    count = store.film_count
    with pytest.raises(ValidationError) as blank:
        session.add_film("  ", None, None)
    assert "title" in blank.value.errors
    with pytest.raises(ValidationError) as year:
        session.add_film("Some Film", "next year", None)
    assert "year" in year.value.errors
    with pytest.raises(ValidationError) as twice:
        session.add_film("pusher", "1996", None)  # the same film, told apart by neither case nor accent
    assert "already exists" in twice.value.errors["title"]
    assert store.film_count == count and not session.can_undo


def test_editing_a_film_renames_it_and_undo_puts_the_old_name_back(session, store):
    pusher = showing(session, "Pusher")
    outcome = session.edit_film(pusher, "Pusher (Director's Cut)", "1996", "Nicolas Winding Refn")
    assert store.film(pusher).title == "Pusher (Director's Cut)" and outcome.message == "Film saved."
    assert session.edit_film(pusher, "Pusher (Director's Cut)", "1996", "Nicolas Winding Refn").message == "Nothing changed."
    undone = session.undo()
    assert store.film(pusher).title == "Pusher" and "again" in undone.message
    assert not session.can_undo


def test_deleting_a_film_takes_its_reviews_and_undo_brings_both_back_with_their_ids(session, store):
    pusher = showing(session, "Pusher")
    before = store.reviews(pusher)
    outcome = session.delete_film(pusher)
    assert f"and its {len(before)} reviews" in outcome.message
    assert session.selected_film is None and "Pusher" not in titles(session)
    assert store.review_count == 21 - len(before)
    undone = session.undo()
    assert "is back" in undone.message and session.selected_film == pusher
    assert store.reviews(pusher) == before


def test_undoing_the_add_of_a_film_that_has_reviews_now_is_refused(session, store):
    session.films()
    session.add_film("Busy Film", None, None)
    (film,) = store.find_films("Busy Film")
    store.add_review(film.id, ReviewDraft("Added from elsewhere."))
    with pytest.raises(StoreError, match="has 1 review now"):
        session.undo()
    assert store.find_films("Busy Film") and session.can_undo  # still there, and still undoable


def test_the_publication_and_text_filters_narrow_the_lists_and_escape_has_them_to_clear(session, store):
    session.set_publication_query("lantern")
    assert set(titles(session)) == {"Salt Lines", "Dead Reckoning Mall", "Bellwether Junction"}
    assert session.filtered
    showing(session, "Salt Lines")
    assert critics(session) == ["Zoë Brandt"]
    session.set_publication_query("")
    session.set_text_query("sea")
    assert critics(session) == ["Søren Vik"] and session.filtered


def test_going_to_a_found_review_drops_the_filters_that_hide_it(session, store):
    session.set_critic_query("noel")
    session.films()
    salt = film_id(store, "Salt Lines")
    vik = next(review for review in store.reviews(salt) if review.critic == "Søren Vik")
    assert session.go_to_found(vik, "sea")
    assert session.critic_query == "" and session.text_query == "sea" and session.selected_film == salt
    assert [review.id for review in session.reviews()] == [vik.id]
    murray = next(review for review in store.reviews(salt) if review.critic == "Noel Murray")
    session.set_critic_query("noel")
    assert not session.go_to_found(murray, "workers")  # listed already: the filter stays
    assert session.critic_query == "noel"
