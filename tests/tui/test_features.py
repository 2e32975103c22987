"""The browser's newer features, driven from the keyboard with Pilot on the fixed store
(tests/fixed_store.py): reversing a sort, undo with nothing to undo, from a review to its
critic, and counts that read right."""

from __future__ import annotations

from store.domain import FilmRecord, ReviewDraft
from store.repository import Repository
from store.views import FilmSort, ReviewSort
from tests.fixed_store import FIXED_TODAY, HOSTILE_TITLE, browser, screen_text
from tui.app import CriticsApp
from tui.plain import counted


def titles(app: CriticsApp) -> list[str]:
    return [row.film.title for row in app.browser.films.rows]


def review_critics(app: CriticsApp) -> list[str | None]:
    return [row.critic for row in app.browser.reviews.rows]


def header(app: CriticsApp, widget) -> str:
    return widget.render_line(0).text


# -- sorting you can see and reverse ----------------------------------------------------------


async def test_the_films_header_shows_the_sort_and_its_direction(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Title ▲" in header(app, app.browser.films)
        assert "Films · by title ↑" in screen_text(app)
        await pilot.press("s")  # Metascore, highest first
        assert "MS ▼" in header(app, app.browser.films)
        assert "Title ▲" not in header(app, app.browser.films)
        assert "Films · by Metascore ↓" in screen_text(app)


async def test_S_reverses_the_films_and_shows_the_top_of_the_list(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        by_title = titles(app)
        await pilot.press("j", "j")
        await pilot.press("S")
        assert titles(app) == by_title[::-1]
        assert app.browser.film_sort is FilmSort.TITLE
        assert app.browser.films.cursor == 0
        assert app.browser.selected_film == app.browser.films.current.film.id
        assert "Title ▼" in header(app, app.browser.films)
        assert "Films · by title ↓" in screen_text(app)
        await pilot.press("S")  # and back
        assert titles(app) == by_title
        assert titles(app)[0] == HOSTILE_TITLE


async def test_a_new_sort_shows_the_top_of_the_list_in_its_own_direction(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("S", "j", "j", "s")
        assert app.browser.film_sort is FilmSort.METASCORE
        assert not app.browser.session.films_reversed
        assert app.browser.films.cursor == 0
        assert "MS ▼" in header(app, app.browser.films)
        await pilot.press("s")  # year: the widened column still shows its arrow
        assert "Year ▼" in header(app, app.browser.films)
        await pilot.press("s")
        assert "Revs ▼" in header(app, app.browser.films)


async def test_S_in_the_reviews_pane_reverses_the_reviews_only(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "j", "enter")  # Salt Lines
        page_order = review_critics(app)
        await pilot.press("j", "j", "S")
        assert review_critics(app) == page_order[::-1]
        assert app.browser.reviews.cursor == 0
        assert app.browser.review_sort is ReviewSort.PAGE
        assert "by page order ↓" in screen_text(app)
        assert not app.browser.session.films_reversed
        await pilot.press("s")  # score, highest first: the score column shows it
        assert app.browser.reviews.cursor == 0
        assert "▼" in header(app, app.browser.reviews)
        assert "by score ↓" in screen_text(app)
        await pilot.press("S")
        assert "▲" in header(app, app.browser.reviews)
        assert "by score ↑" in screen_text(app)
        await pilot.press("s")
        assert "Critic ▲" in header(app, app.browser.reviews)


# -- undo with nothing to undo ----------------------------------------------------------------


def footer_undo(app: CriticsApp):
    """The footer's `u`: (shown, enabled)."""
    active = app.screen.active_bindings.get("u")
    return (active is not None and active.binding.show, active is not None and active.enabled)


async def test_u_with_nothing_to_undo_says_so_and_the_footer_keeps_undo_greyed(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert footer_undo(app) == (True, False)
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo." in screen_text(app)
        assert footer_undo(app) == (True, False)


async def test_u_still_undoes_when_there_is_something_to_undo(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "d")  # the first film's first review, deleted
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert footer_undo(app) == (True, True)
        count = len(app.browser.reviews.rows)
        await pilot.press("u")
        await pilot.pause()
        assert len(app.browser.reviews.rows) == count + 1
        assert "Undone" in screen_text(app)
        assert "Nothing to undo." not in screen_text(app)
        assert footer_undo(app) == (True, False)


async def test_u_is_a_letter_in_a_text_field_even_with_nothing_to_undo(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c", "u")
        await pilot.pause()
        assert app.browser.critic_bar.value == "u"
        assert "Nothing to undo." not in screen_text(app)


# -- from a review to its critic --------------------------------------------------------------


async def test_C_on_a_review_filters_by_exactly_its_critic(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "j", "enter")  # Salt Lines: Zoë Brandt's review first
        assert app.browser.reviews.current.critic == "Zoë Brandt"
        await pilot.press("C")
        await pilot.pause()
        assert app.browser.critic_query == "Zoë Brandt"
        assert app.browser.session.critic_exact
        assert app.browser.critic_bar.value == "Zoë Brandt"
        assert app.browser.critic_bar.hint.startswith("exactly Zoë Brandt")
        assert "critic exactly Zoë Brandt" in screen_text(app)
        assert titles(app) == ["Bellwether Junction", "Dead Reckoning Mall", "Salt Lines"]
        assert review_critics(app) == ["Zoë Brandt"]
        assert app.focused is app.browser.reviews  # C moves no focus


async def test_C_matches_the_whole_name_not_a_part_of_others(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "enter")  # Pusher: Noel Murray first
        await pilot.press("C")
        await pilot.pause()
        assert app.browser.critic_query == "Noel Murray"
        assert set(review_critics(app)) == {"Noel Murray"}
        assert "Staff [Not Credited]" not in review_critics(app)


async def test_typing_in_the_critic_bar_after_C_is_a_part_match_again(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "j", "enter", "C")
        await pilot.pause()
        await pilot.press("c", "z", "o")  # the bar opens with its text selected: typing replaces it
        await pilot.pause()
        assert app.browser.critic_query == "zo"
        assert not app.browser.session.critic_exact
        assert "exactly" not in app.browser.critic_bar.hint
        await pilot.press("escape")
        await pilot.pause()
        assert app.browser.critic_query == ""


async def test_C_on_an_uncredited_review_says_it_has_no_critic(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "enter", "j")  # Pusher's second review is uncredited
        assert app.browser.reviews.current.critic is None
        await pilot.press("C")
        await pilot.pause()
        assert "this review has no critic" in screen_text(app)
        assert app.browser.critic_query == ""


async def test_C_in_the_films_pane_or_a_text_field_does_not_filter(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        assert app.browser.critic_query == ""
        await pilot.press("c", "C")
        await pilot.pause()
        assert app.browser.critic_bar.value == "C"
        assert not app.browser.session.critic_exact


# -- plurals and counts that read right -------------------------------------------------------


def test_counts_agree_with_their_nouns():
    assert counted(1, "film") == "1 film"
    assert counted(2, "film") == "2 films"
    assert counted(0, "review") == "0 reviews"
    assert counted(1, "scored review") == "1 scored review"


async def test_one_film_with_one_review_reads_in_the_singular(tmp_path):
    repository = Repository.open(tmp_path / "critics.json")
    repository.import_films(
        (FilmRecord("Lone Film", 2001, None, None, (ReviewDraft("Only one.", "Solo Critic", None, None, "B"),)),), ()
    )
    try:
        app = browser(repository)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            text = screen_text(app)
            assert "1 film · 1 review" in text
            assert "1 films" not in text and "1 reviews" not in text
            assert "1 scored review of 4 needed" in text
    finally:
        repository.close()


async def test_the_gauge_says_it_counts_scored_reviews_and_how_many_are_unscored(app, store):
    salt_lines = store.find_films("Salt Lines")[0].id
    store.add_review(salt_lines, ReviewDraft("No grade given.", "Unscored Critic", None, None, None), today=FIXED_TODAY)
    async with app.run_test(size=(160, 40)) as pilot:  # wide: the sentence on one line
        await pilot.pause()
        await pilot.press("j", "j", "j")  # Pusher: 1 scored of 5
        assert "1 scored review of 4 needed" in screen_text(app)
        await pilot.press("j")  # Salt Lines: 5 scored, 1 unscored
        text = screen_text(app)
        assert "based on 5 scored reviews, 1 unscored" in text
        assert "critics (" not in text
        await pilot.press("k", "k")  # Dead Reckoning Mall: every review scored
        assert "based on 4 reviews" in screen_text(app)
