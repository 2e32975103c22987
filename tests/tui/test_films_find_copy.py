"""The browser's film keys (n, e, d with confirmation and undo), the publication filter (p),
finding words in review text (f in the film, F across every film, streamed), copying a review
(y) and the palette's short lists before typing, driven with Pilot on the fixed store."""

from __future__ import annotations

import asyncio

from store.domain import ReviewDraft
from store.repository import Repository
from tests.fixed_store import RECORDS, browser, build_store, screen_text, search_settled, type_text
from tui.screens.text_intents import review_as_text
from tui.screens.confirm import ConfirmScreen
from tui.screens.film_form import FilmFormScreen
from tui.screens import find
from tui.screens.find import FindScreen, snippet


def titles(app) -> list[str]:
    return [row.film.title for row in app.browser.films.rows]


# -- films ----------------------------------------------------------------------------------------


async def test_n_adds_a_film_from_the_films_pane_and_u_takes_it_back(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, FilmFormScreen) and "New film" in screen_text(app)
        await type_text(pilot, "Night Ferry")
        await pilot.press("tab")
        await type_text(pilot, "2003")
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, FilmFormScreen)
        (film,) = store.find_films("Night Ferry", 2003)
        assert app.browser.selected_film == film.id and app.browser.films.current.film.id == film.id
        assert "Film added" in screen_text(app) and app.focused is app.browser.films
        await pilot.press("u")
        assert store.find_films("Night Ferry") == [] and "Night Ferry" not in titles(app)


async def test_a_film_the_store_refuses_keeps_the_form_open_with_the_reason_beside_the_field(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        count = store.film_count
        await pilot.press("n")
        await type_text(pilot, "Pusher")
        await pilot.press("tab")
        await type_text(pilot, "1996")
        await pilot.press("ctrl+s")
        form = app.screen
        assert isinstance(form, FilmFormScreen) and "Pusher (1996) already exists" in screen_text(app)
        assert form.focused is form.field("title") and store.film_count == count
        await pilot.press("tab")
        await type_text(pilot, "x")
        await pilot.press("ctrl+s")
        assert "is not a year" in screen_text(app) and store.film_count == count
        await pilot.press("escape")  # changes typed: it asks
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert not isinstance(app.screen, (FilmFormScreen, ConfirmScreen)) and store.film_count == count


async def test_e_on_a_film_renames_it_and_e_on_a_review_still_edits_the_review(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j")  # Pusher
        pusher = app.browser.selected_film
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FilmFormScreen) and form.field("title").value == "Pusher"
        await type_text(pilot, " II")
        await pilot.press("enter", "enter", "enter")  # enter through to the last field saves
        assert store.film(pusher).title == "Pusher II" and "Pusher II" in titles(app)
        await pilot.press("enter", "e")  # to the reviews: e edits the highlighted review
        assert app.browser.reviews_pane.editing and not isinstance(app.screen, FilmFormScreen)
        await pilot.press("escape")
        await pilot.press("shift+tab", "shift+tab", "u")  # back in the films: undo the rename
        assert store.film(pusher).title == "Pusher"


async def test_d_deletes_a_film_with_its_reviews_after_asking_and_u_brings_them_back(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j")
        pusher = app.browser.selected_film
        reviews = store.reviews(pusher)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete Pusher (1996) and its 5 reviews?" in screen_text(app)
        await pilot.press("n")  # no: nothing happens
        assert store.reviews(pusher) == reviews
        await pilot.press("d", "y")
        assert "Pusher" not in titles(app) and "Deleted Pusher (1996) and its 5 reviews" in screen_text(app)
        assert app.browser.selected_film == app.browser.films.current.film.id
        await pilot.press("u")
        assert store.reviews(pusher) == reviews and app.browser.selected_film == pusher


async def test_a_film_another_process_deletes_under_the_cursor_does_not_break_the_browser(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j")
        pusher = app.browser.selected_film
        other = Repository.open(store.path)
        try:
            other.delete_film(pusher)
        finally:
            other.close()
        assert app.browser.refresh_from_disk()  # used to raise "no film with id" redrawing the list
        await pilot.pause()
        assert "Pusher" not in titles(app)
        assert app.browser.selected_film == app.browser.films.current.film.id


# -- the publication filter --------------------------------------------------------------------------


async def test_p_filters_films_and_reviews_by_publication_and_escape_clears_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await type_text(pilot, "lantern")
        assert set(titles(app)) == {"Salt Lines", "Dead Reckoning Mall", "Bellwether Junction"}
        await pilot.press("enter")
        assert {review.publication for review in app.browser.reviews.rows} == {"The Lantern Review"}
        text = screen_text(app)
        assert "publication “lantern”" in text and "in “lantern”" in text
        await pilot.press("escape")
        assert len(titles(app)) == 6 and app.browser.publication_bar.value == ""


async def test_the_publication_bar_completes_a_name_with_right_arrow(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await type_text(pilot, "northl")
        await pilot.pause(0.2)
        await pilot.press("right")
        assert app.browser.publication_bar.value == "Northlight Weekly"


# -- finding words ---------------------------------------------------------------------------------------


async def test_f_narrows_the_selected_films_reviews_to_the_words_typed(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j", "j")  # Salt Lines
        await pilot.press("f")
        await type_text(pilot, "SEA patience")
        assert [review.critic for review in app.browser.reviews.rows] == ["Søren Vik"]
        await pilot.press("enter")
        assert "find “SEA patience”" in screen_text(app) and "holding “SEA patience”" in screen_text(app)
        await pilot.press("escape")
        assert len(app.browser.reviews.rows) == 5


async def test_F_finds_words_in_every_film_streams_them_and_goes_to_the_one_chosen(app, store):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("F")
        screen = app.screen
        assert isinstance(screen, FindScreen)
        await type_text(pilot, "the")
        await search_settled(pilot)
        expected = [r for s in store.films() for r in store.reviews(s.film.id) if "the" in r.excerpt.lower()]
        assert [row.review.id for row in screen.finds.rows] == [r.id for r in expected]
        assert f"{len(expected)} reviews found in 21 reviews" in screen_text(app)
        await pilot.press("tab", "j")
        chosen = screen.finds.current.review
        await pilot.press("enter")
        assert app.screen is app.browser
        assert app.browser.selected_film == chosen.film_id and app.browser.reviews.current.id == chosen.id
        assert app.focused is app.browser.reviews and app.browser.find_bar.value == "the"


async def test_ctrl_f_in_the_find_bar_takes_its_words_to_every_film_and_escape_stops_then_closes(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f")
        await type_text(pilot, "salt")
        await pilot.press("ctrl+f")
        screen = app.screen
        assert isinstance(screen, FindScreen) and screen.field.value == "salt"
        await search_settled(pilot)
        assert {row.film_label for row in screen.finds.rows} == {"Salt Lines (1962)"}
        screen.searching = True  # as if a long search were still under way
        await pilot.press("escape")
        assert app.screen is screen and "Stopped" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is app.browser


async def test_a_long_search_reports_progress_and_can_be_stopped_part_way(tmp_path, monkeypatch):
    monkeypatch.setattr(find, "STEP", 1)  # a step per film: many steps, keys between each
    store = build_store(tmp_path / "big.json")
    films = [store.add_film(f"Filler Film {number}") for number in range(300)]
    for film in films:
        store.add_review(film.id, ReviewDraft("A filler review."))
    app = browser(store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("F")
            screen = app.screen
            screen.search("filler")
            for _ in range(10_000):
                await asyncio.sleep(0)
                if screen.found:
                    break
            assert screen.searching and "Searching" in str(screen.query_one("#find-status").render())
            screen._stop_or_close()  # as escape does
            stopped_at = screen.found
            await pilot.pause(0.2)
            assert 0 < screen.found == stopped_at < 300 and not screen.searching
            assert "Stopped" in screen_text(app) and app.screen is screen
            await pilot.press("escape")
            assert app.screen is app.browser
    finally:
        store.close()


def test_a_find_shows_its_excerpt_from_a_little_before_the_first_word():
    text = "x" * 60 + " the word we want " + "y" * 10
    shown = snippet(text, ("word",))
    assert shown.startswith("…") and "the word we want" in shown
    assert snippet("short text", ("text",)) == "short text"


# -- copying ---------------------------------------------------------------------------------------


async def test_y_copies_the_highlighted_review_to_the_clipboard(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j", "j", "enter", "y")  # Salt Lines, first review
        review = app.browser.reviews.current
        assert app.clipboard == review_as_text(review, store.film(review.film_id))
        assert app.clipboard.startswith("Salt Lines (1962) · Zoë Brandt · The Lantern Review · 2018-05-11 · A (")
        assert app.clipboard.endswith("\nWhite and merciless salt flats.")
        assert "Copied the review by Zoë Brandt" in screen_text(app)


# -- the palette before typing --------------------------------------------------------------------


async def test_the_palette_lists_films_critics_and_weights_before_anything_is_typed(app):
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("ctrl+p")
        for _ in range(50):
            await pilot.pause(0.02)
            text = screen_text(app)
            if "Critic: Noel Murray" in text:
                break
        assert "Film: Pusher (1996)" in text  # the most reviewed film
        assert "Critic: Noel Murray" in text  # the most prolific critic
        assert "Publication weight: The New York Times (now 1.5)" in text  # a weight that is not the default


def test_the_test_stores_excerpts_are_not_taken_from_the_seed_page(seed_page):
    """The seed's excerpts are other people's sentences: the fixed store's are ours."""
    seed = seed_page.read_text(encoding="utf-8")
    for record in RECORDS:
        for review in record.reviews:
            assert review.excerpt[:40] not in seed, review.excerpt
