"""The browser's "Critics who agree with NAME" view (m under a one-critic filter), on the bundled
sample data, whose Sam Reader has critics who agree and films to suggest."""

from __future__ import annotations

import pytest

from store.repository import Repository
from store.sample import read_sample
from tests.fixed_store import browser, screen_text
from tests.tui.test_typing import ESCAPE, TAB, burst, settle
from tui.messages import CriticFilterChanged
from tui.screens.browser import BrowserScreen
from tui.screens.taste import FILMS, MATCHES, TasteScreen
from tui.screens.taste_intents import NOT_ONE_CRITIC


@pytest.fixture
def sample_store(tmp_path):
    with Repository.open(tmp_path / "sample.json") as repository:
        repository.import_films(*read_sample())
        yield repository


async def filtered(pilot, query: str) -> None:
    pilot.app.browser.post_message(CriticFilterChanged(query))
    await pilot.pause()
    await pilot.pause()


async def computed(pilot) -> TasteScreen:
    for _ in range(250):
        screen = pilot.app.screen
        if isinstance(screen, TasteScreen) and not screen.computing:
            break
        await pilot.pause(0.02)
    screen = pilot.app.screen
    assert isinstance(screen, TasteScreen) and not screen.computing
    await pilot.pause()
    return screen


async def test_m_opens_the_critics_who_agree_ranked_as_the_store_ranks_them(sample_store):
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await filtered(pilot, "sam")  # part of one critic's name is enough
        await pilot.press("m")
        screen = await computed(pilot)
        expected = sample_store.match("Sam Reader", limit=None).matches
        assert list(screen.match_list.rows) == list(expected)
        assert app.focused is screen.match_list
        text = screen_text(app)
        assert "Critics who agree with Sam Reader" in text
        assert expected[0].critic in text


async def test_tab_shows_what_they_loved_and_enter_goes_to_that_film(sample_store):
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await filtered(pilot, "Sam Reader")
        await pilot.press("m")
        screen = await computed(pilot)
        await pilot.press("tab")
        assert screen.tab == FILMS and app.focused is screen.films_list
        expected = sample_store.recommend("Sam Reader", limit=None).recommendations
        assert list(screen.films_list.rows) == list(expected)
        assert expected[1].film.title in screen_text(app)
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert app.browser.selected_film == expected[1].film.id
        assert app.focused is app.browser.reviews
        assert app.browser.critic_query == ""  # Sam has not reviewed it: the filter hiding it went


async def test_enter_on_a_critic_filters_by_exactly_that_critic(sample_store):
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await filtered(pilot, "Sam Reader")
        await pilot.press("m")
        screen = await computed(pilot)
        second = screen.match_list.rows[1].critic
        await pilot.press("j", "enter")
        await pilot.pause()
        await pilot.pause()
        browser_screen = app.browser
        assert isinstance(app.screen, BrowserScreen)
        assert browser_screen.critic_query == second and browser_screen.session.critic_exact
        assert browser_screen.critic_bar.input.value == second
        # The new critic is one critic too: m again is the view of those who agree with them.
        await pilot.press("m")
        again = await computed(pilot)
        assert again.critic == second


async def test_m_without_one_critic_filtered_says_so_in_the_status_line(sample_store):
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await settle(pilot, lambda: NOT_ONE_CRITIC in screen_text(app))
        assert isinstance(app.screen, BrowserScreen)
        assert NOT_ONE_CRITIC in screen_text(app)
        await pilot.press("r")  # another message in its place
        await filtered(pilot, "in")  # several critics (Marchetti, Ines ..., Ruth, Kenji ...)
        assert NOT_ONE_CRITIC not in screen_text(app)
        await pilot.press("m")
        await settle(pilot, lambda: NOT_ONE_CRITIC in screen_text(app))
        assert isinstance(app.screen, BrowserScreen)
        assert NOT_ONE_CRITIC in screen_text(app)


async def test_escape_closes_the_view(sample_store):
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await filtered(pilot, "Sam Reader")
        await pilot.press("m")
        await computed(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen) and app.browser.critic_query == "Sam Reader"


async def test_keys_typed_in_a_burst_after_m_land_in_the_view(sample_store):
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await filtered(pilot, "Sam Reader")
        films_before = app.browser.films.cursor
        # tab must switch the view's tab (not the browser's pane), escape close the view, and the
        # j after it move the browser's films cursor: nothing lost, nothing landing elsewhere.
        burst(app, "m", TAB, TAB, TAB)
        await settle(pilot, lambda: isinstance(app.screen, TasteScreen) and not app.screen.computing)
        screen = app.screen
        assert isinstance(screen, TasteScreen) and screen.tab == FILMS
        assert app.focused is screen.films_list
        burst(app, ESCAPE, "j")
        await settle(pilot, lambda: isinstance(app.screen, BrowserScreen))
        assert app.focused is app.browser.films
        assert app.browser.films.cursor == (films_before or 0) + 1


async def test_a_burst_of_m_then_tab_back_lands_on_the_critics(sample_store):
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await filtered(pilot, "Sam Reader")
        burst(app, "m", TAB, TAB)
        await settle(pilot, lambda: isinstance(app.screen, TasteScreen) and not app.screen.computing)
        screen = app.screen
        assert isinstance(screen, TasteScreen) and screen.tab == MATCHES and app.focused is screen.match_list


async def test_data_text_is_shown_literally(tmp_path):
    from store.domain import ReviewDraft

    odd = "[bold]Marked[/] Up"
    with Repository.open(tmp_path / "odd.json") as repository:
        films = [repository.add_film(f"F{n}", 2000 + n).id for n in range(6)]
        for n, film in enumerate(films):
            repository.add_review(film, ReviewDraft("x", "Plain Name", None, None, str(40 + 9 * n)))
            repository.add_review(film, ReviewDraft("x", odd, None, None, str(35 + 10 * n)))
        app = browser(repository)
        async with app.run_test(size=(80, 24)) as pilot:
            await filtered(pilot, "Plain Name")
            await pilot.press("m")
            await computed(pilot)
            assert odd in screen_text(app)


async def test_a_slow_computation_shows_a_line_and_keys_keep_working(sample_store, monkeypatch):
    import threading

    release = threading.Event()
    taste = type(sample_store).taste

    def slow(self, critic, limit=None):
        release.wait(5)
        return taste(self, critic, limit)

    monkeypatch.setattr(type(sample_store), "taste", slow)
    app = browser(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await filtered(pilot, "Sam Reader")
        await pilot.press("m")
        await settle(pilot, lambda: "Comparing every critic's scores" in screen_text(app), timeout=2)
        screen = app.screen
        assert isinstance(screen, TasteScreen) and screen.computing
        assert "Comparing every critic's scores with Sam Reader" in screen_text(app)
        await pilot.press("tab")  # keys are handled while the thread works
        assert screen.tab == FILMS
        release.set()
        await computed(pilot)
        assert screen.films_list.rows and screen.match_list.rows
        assert "Comparing" not in screen_text(app)
