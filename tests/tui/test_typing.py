"""Typing at any speed, with Pilot: keys sent in one burst (as a terminal delivers them when the app
is busy, a fast typist types, or a macro plays) land where they would have landed one by one, in
order, none lost; the filter bars hold exactly what was typed; the excerpt is a multi-line editor;
the form stays visible on small terminals.

Pilot's press() waits for the app to go idle after every key, so it never makes a burst: here the
keys of a burst go to the driver back to back (`burst`), and the test waits once, afterwards."""

from __future__ import annotations

import asyncio
import time
import unicodedata

import pytest
from textual import events
from textual.keys import _character_to_key, _get_unicode_name_from_key
from textual.widgets import Input, TextArea

from store.domain import ReviewDraft
from store.text import clean_paragraphs
from tests.fixed_store import FIXED_TODAY, browser, build_store, type_text
from tui.messages import CriticFilterChanged, FilmChosen
from tui.screens.browser import BrowserScreen, CriticTyped
from tui.screens.film_form import FilmFormScreen
from tui.screens.find import FindScreen


class Key(str):
    """A key by its name (tab, enter, ...), not literal text."""


TAB, SHIFT_TAB, ENTER, ESCAPE = Key("tab"), Key("shift+tab"), Key("enter"), Key("escape")
RIGHT, LEFT, BACKSPACE, CTRL_S = Key("right"), Key("left"), Key("backspace"), Key("ctrl+s")


def key_event(name: str) -> events.Key:
    """A named key as the driver sends it (the character as Pilot works it out)."""
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(name))
    except KeyError:
        char = name if len(name) == 1 else None
    return events.Key(name, char)


def key_events(*parts: str) -> list[events.Key]:
    """Literal text (every character a key) and Key names, in order."""
    out: list[events.Key] = []
    for part in parts:
        if isinstance(part, Key):
            out.append(key_event(str(part)))
        else:
            out.extend(events.Key(c if c.isalnum() else _character_to_key(c), c) for c in part)
    return out


def burst(app, *parts: str) -> None:
    """Every key at once, as the terminal driver posts them, nothing awaited in between."""
    for event in key_events(*parts):
        app._driver.send_message(event)


async def settle(pilot, condition=None, timeout: float = 5.0) -> None:
    """Wait until the app has worked through the burst (and condition holds, if given)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        if condition is None or condition():
            break
    for _ in range(3):
        await pilot.pause()


def slow_lists(monkeypatch, seconds: float = 0.03) -> None:
    """Every refilter as slow as a 200,000-review store's, so keys pile up behind it."""
    reload_films = BrowserScreen.reload_films

    def slow(self):
        time.sleep(seconds)
        reload_films(self)

    monkeypatch.setattr(BrowserScreen, "reload_films", slow)


def form_values(app) -> dict[str, str]:
    form = app.browser.reviews_pane.form
    return {name: form.input(name).value for name in ("critic", "publication", "date", "grade", "excerpt")}


def focused_field(app) -> str | None:
    focused = app.focused
    if isinstance(focused, (Input, TextArea)) and (focused.id or "").startswith("input-"):
        return focused.id.removeprefix("input-")
    return None


def added_reviews(store, film_id: int, before: set[int]):
    return [review for review in store.reviews(film_id) if review.id not in before]


# -- 1. the bars hold exactly what was typed ----------------------------------------------------


@pytest.mark.parametrize("typed", ["vikram ab", "noel murray", "zoe b"])
async def test_the_critic_bar_holds_exactly_what_was_typed_in_a_burst(app, typed):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        burst(app, typed)
        await settle(pilot, lambda: app.browser.critic_query == typed)
        assert app.browser.critic_bar.value == typed
        assert app.browser.critic_query == typed


@pytest.mark.parametrize("typed", ["ghost", "salt lines", "the b"])
async def test_the_title_bar_holds_exactly_what_was_typed_in_a_burst(app, typed):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        burst(app, typed)
        await settle(pilot, lambda: app.browser.title_query == typed)
        assert app.browser.title_bar.value == typed
        assert app.browser.title_query == typed


@pytest.mark.parametrize("bar_key, typed", [("c", "noel murray"), ("slash", "dead reckoning")])
@pytest.mark.parametrize("keys_at_a_time, gap", [(1, 0.005), (2, 0.01), (3, 0.02)])
async def test_a_slow_store_lags_the_lists_never_the_bar(app, monkeypatch, bar_key, typed, keys_at_a_time, gap):
    slow_lists(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(bar_key)
        bar = app.browser.critic_bar if bar_key == "c" else app.browser.title_bar
        for start in range(0, len(typed), keys_at_a_time):  # keys come quicker than the lists refilter
            burst(app, typed[start:start + keys_at_a_time])
            await asyncio.sleep(gap)
            assert typed.startswith(bar.value)  # the bar shows what was typed so far, never older text
        await settle(pilot, lambda: app.browser.critic_query + app.browser.title_query == typed)
        assert bar.value == typed
        assert app.browser.critic_query + app.browser.title_query == typed


async def test_filters_set_elsewhere_still_show_in_their_bar(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.browser
        screen.post_message(CriticFilterChanged("Noel Murray"))  # as the palette does
        await settle(pilot)
        assert screen.critic_bar.value == "Noel Murray" and screen.critic_query == "Noel Murray"
        # A film the filter hides, chosen in the palette: the filter goes, and so does its text.
        hidden = store_film_id(app, "Bellwether Junction")
        screen.post_message(FilmChosen(hidden, focus_reviews=True))
        await settle(pilot)
        assert screen.critic_query == "" and screen.critic_bar.value == ""
        await pilot.press("c")
        await type_text(pilot, "murray")
        await pilot.press("enter", "escape")  # escape in the lists drops the kept filter
        await settle(pilot)
        assert screen.critic_query == "" and screen.critic_bar.value == ""
        # A change typed before the filter was last set elsewhere is out of date when it arrives.
        screen.post_message(CriticTyped("typed before", screen.critic_bar.generation - 1))
        await settle(pilot)
        assert screen.critic_query == "" and screen.critic_bar.value == ""


def store_film_id(app, title: str) -> int:
    return app.repository.films(title=title)[0].film.id


# -- 2. keys typed ahead land where they would have landed one by one ----------------------------


def state(app) -> dict:
    """What a person sees and where the next key goes."""
    screen = app.browser
    focused = app.focused
    session = screen.session
    top = app.screen
    return {
        "screen": type(top).__name__,
        "focused": focused_field(app) or (focused.id if focused is not None else None),
        "critic bar": (screen.critic_bar.value, screen.critic_bar.has_class("-open"), screen.critic_query),
        "title bar": (screen.title_bar.value, screen.title_bar.has_class("-open"), screen.title_query),
        "publication bar": (
            screen.publication_bar.value, screen.publication_bar.has_class("-open"), session.publication_query
        ),
        "find bar": (screen.find_bar.value, screen.find_bar.has_class("-open"), session.text_query),
        "film form": top.values if isinstance(top, FilmFormScreen) else None,
        "finds": (top.field.value, top.finds.cursor) if isinstance(top, FindScreen) else None,
        "film": (screen.films.cursor, screen.selected_film, screen.film_sort, len(screen.films.rows)),
        "review": (screen.reviews.cursor, screen.review_sort),
        "form": (screen.reviews_pane.editing, form_values(app) if screen.reviews_pane.editing else None),
    }


async def one_by_one(store, *parts: str) -> dict:
    """The state the keys leave when pressed one at a time, each handled before the next."""
    app = browser(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for event in key_events(*parts):
            await pilot.press(event.key)
            # Typed slowly, no key waits for another: a hold left open (a marker lost on its way)
            # would keep the next keys from anywhere for seconds.
            assert app._hold is None, f"the keys after {event.key!r} are still held"
        await settle(pilot)
        return state(app)


async def at_once(app, pilot, *parts: str, until=None) -> dict:
    """The state the same keys leave when they all arrive together."""
    await settle(pilot)
    burst(app, *parts)
    await settle(pilot, until)
    await settle(pilot)
    return state(app)


async def spaced(app, pilot, *parts: str, ticks: int) -> None:
    """The keys one at a time with `ticks` turns of the event loop between them: somewhere between a
    burst (0) and one by one, each key arriving while the ones before it are still being handled."""
    for index, event in enumerate(key_events(*parts)):
        if index:
            for _ in range(ticks):
                await asyncio.sleep(0)
        app._driver.send_message(event)
    await settle(pilot)


BURSTS = {
    "c then a name": ("c", "salt"),
    "slash then a title": ("/", "salt"),
    "completion then tab in the form": ("a", "anit", RIGHT, TAB, "the new", RIGHT, TAB, "2"),
    "completion then enter in the bar, then a list key": ("c", "den", RIGHT, ENTER, "j"),
    "c, / and e typed inside fields": ("a", "cat/ace", TAB, "e/u a", ESCAPE, "y", "c", "c/a e"),
    "c, /, a, e and u in the excerpt": ("a", SHIFT_TAB, SHIFT_TAB, "a cue/eu", ENTER, ENTER, "c/a", SHIFT_TAB, "u"),
    "corrections": ("a", "Tesx", BACKSPACE, "t", TAB, "abc", LEFT, "x"),
    "enter in the bar then a list key": ("c", "murray", ENTER, "j"),
    "escape in the bar then a list key": ("c", "murray", ESCAPE, "j"),
    "a list key before c": ("s", "c", "noel"),
    "escape in the form, then a again": ("a", "xyz", ESCAPE, "y", "a", "q"),
    "escape in a changed form, then no": ("a", "xyz", ESCAPE, "n", "w"),
    "escape in an unchanged form, then a list key": ("a", ESCAPE, "k"),
    "p then a publication, enter, a list key": ("p", "times", ENTER, "j"),
    "f then words in the film, enter, a list key": ("j", "j", "j", "f", "the", ENTER, "j"),
    "n then escape in the film form": ("n", "Not Kept", ESCAPE, "y", "j"),
    "F then words, tab to the finds, a move": ("F", "the", TAB, "j"),
    "tab between panes, then e": ("j", TAB, TAB, "j", "e"),
    "enter on a film, then e": ("j", ENTER, "j", "e", "Edited", TAB),
    "shift+tab out of the films": ("k", SHIFT_TAB, "j", TAB, "j"),
    # Every screen closed, then a list key: it moves the films cursor at once.
    "the help, closed": ("?", ESCAPE, "j"),
    "a question mark in a bar": ("/", "why?", ENTER, "j"),
    "an unchanged film form, closed": ("n", ESCAPE, "j"),
    "a changed film form, kept, then closed": ("n", "X", ESCAPE, "n", "Y", ESCAPE, "y", "j"),
    "a review's deletion refused": (TAB, TAB, "d", "n", "j"),
    "the search everywhere, closed": ("F", "the", ESCAPE, ESCAPE, "j"),
    "the agreement view, closed": ("c", "noel murray", ENTER, "m", ESCAPE, "j"),
}


@pytest.mark.parametrize("keys", list(BURSTS.values()), ids=list(BURSTS))
async def test_keys_typed_at_once_land_where_they_land_one_by_one(store, keys):
    expected = await one_by_one(store, *keys)
    app = browser(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await at_once(app, pilot, *keys, until=lambda: state(app) == expected) == expected
    # And typed at speeds between the two, each key coming in while the ones before it are handled.
    for ticks in (1, 2):
        app = browser(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await spaced(app, pilot, *keys, ticks=ticks)
            await settle(pilot, lambda: state(app) == expected)
            assert (ticks, state(app), app._hold) == (ticks, expected, None)


# Bursts that change the store: each way of typing them gets a store of its own.
FILM_BURSTS = {
    "n, a film typed and saved, then a review of it": (
        "n", "Burst Film", TAB, "1999", ENTER, "Ann Director", CTRL_S, "a", "Q"
    ),
    "e on a film, a longer title, enter to the end": ("j", "e", " Redux", ENTER, ENTER, ENTER, "k"),
    "d on a film, yes, then a move": ("j", "d", "y", "j"),
    "d on a film, yes, then undo": ("j", "d", "y", "u"),
    "d on a review, yes, then a move": (TAB, TAB, "d", "y", "j"),
}


@pytest.mark.parametrize("keys", list(FILM_BURSTS.values()), ids=list(FILM_BURSTS))
async def test_changes_typed_at_once_land_as_they_do_one_by_one(tmp_path, keys):
    slow, quick = build_store(tmp_path / "slow.json"), build_store(tmp_path / "quick.json")
    try:
        expected = await one_by_one(slow, *keys)
        app = browser(quick)
        async with app.run_test(size=(80, 24)) as pilot:
            assert await at_once(app, pilot, *keys, until=lambda: state(app) == expected) == expected
        assert [s.film.label for s in slow.films()] == [s.film.label for s in quick.films()]
        assert slow.review_count == quick.review_count
    finally:
        slow.close()
        quick.close()


async def test_the_film_bursts_mean_what_they_say(tmp_path):
    store = build_store(tmp_path / "films.json")
    try:
        added = await one_by_one(store, *FILM_BURSTS["n, a film typed and saved, then a review of it"])
        (film,) = store.find_films("Burst Film", 1999)
        assert film.director == "Ann Director" and added["film"][1] == film.id
        assert added["form"] == (True, {"critic": "Q", "publication": "", "date": FIXED_TODAY.isoformat(),
                                        "grade": "", "excerpt": ""})
        titles = {summary.film.title for summary in store.films()}
        await one_by_one(store, *FILM_BURSTS["e on a film, a longer title, enter to the end"])
        assert len({summary.film.title for summary in store.films()} - titles) == 1
        assert any(summary.film.title.endswith(" Redux") for summary in store.films())
        before = store.film_count
        undone = await one_by_one(store, *FILM_BURSTS["d on a film, yes, then undo"])
        assert store.film_count == before and undone["screen"] == "BrowserScreen"
    finally:
        store.close()


async def test_the_bursts_above_mean_what_they_say(store):
    """The one-by-one outcomes the comparison relies on, spelled out for a few of them."""
    critic = await one_by_one(store, *BURSTS["completion then tab in the form"])
    assert critic["form"][1]["critic"] == "Anita Gates"
    assert critic["form"][1]["publication"] == "The New York Times"
    assert critic["form"][1]["date"].endswith("2") and critic["focused"] == "date"
    fields = await one_by_one(store, *BURSTS["c, / and e typed inside fields"])
    assert fields["critic bar"] == ("c/a e", True, "c/a e") and not fields["form"][0]
    kept_form = await one_by_one(store, *BURSTS["escape in a changed form, then no"])
    assert kept_form["form"][1]["critic"] == "xyzw" and kept_form["screen"] == "BrowserScreen"
    publication = await one_by_one(store, *BURSTS["p then a publication, enter, a list key"])
    assert publication["publication bar"] == ("times", False, "times") and publication["focused"] == "films"
    finds = await one_by_one(store, *BURSTS["F then words, tab to the finds, a move"])
    assert finds["screen"] == "FindScreen" and finds["finds"] == ("the", 1) and finds["focused"] == "finds"
    excerpt = await one_by_one(store, *BURSTS["c, /, a, e and u in the excerpt"])
    assert excerpt["form"][1]["excerpt"] == "a cue/eu\n\nc/a" and excerpt["form"][1]["grade"] == "u"
    fixed = await one_by_one(store, *BURSTS["corrections"])
    assert (fixed["form"][1]["critic"], fixed["form"][1]["publication"]) == ("Test", "abxc")
    kept = await one_by_one(store, *BURSTS["enter in the bar then a list key"])
    assert kept["critic bar"] == ("murray", False, "murray") and kept["focused"] == "films"
    again = await one_by_one(store, *BURSTS["escape in the form, then a again"])
    assert again["form"] == (True, {"critic": "q", "publication": "", "date": FIXED_TODAY.isoformat(),
                                    "grade": "", "excerpt": ""})
    asked = await one_by_one(store, *BURSTS["a question mark in a bar"])
    assert asked["title bar"] == ("why?", False, "why?") and asked["screen"] == "BrowserScreen"
    helped = await one_by_one(store, *BURSTS["the help, closed"])
    assert helped["screen"] == "BrowserScreen" and helped["film"][0] == 1
    edit = await one_by_one(store, *BURSTS["tab between panes, then e"])
    assert edit["form"][1]["critic"] == "Zoë Brandt" and edit["focused"] == "critic"


async def test_list_keys_arriving_mid_handling_move_as_far_as_they_say(app):
    # Found in a real terminal: three j's ended on the second film down, not the third. The
    # first j's FilmChosen, handled after the second j had moved on, put the cursor back a row,
    # and the third j moved on from there.
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        films = app.browser.films
        ids = [summary.film.id for summary in films.rows]
        for ticks in range(0, 12):
            await pilot.press("g")
            await settle(pilot)
            await spaced(app, pilot, "jjjkj", ticks=ticks)
            assert (ticks, films.cursor, app.browser.selected_film) == (ticks, 3, ids[3])

async def test_a_name_tab_and_another_name_typed_at_once_fill_two_fields(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await at_once(app, pilot, "a", "Burst Typist", TAB, "Burst Weekly",
                      until=lambda: form_values(app)["publication"] == "Burst Weekly")
        values = form_values(app)
        assert (values["critic"], values["publication"]) == ("Burst Typist", "Burst Weekly")
        assert focused_field(app) == "publication"


@pytest.mark.parametrize("slow", [False, True], ids=["quick store", "slow store"])
async def test_a_whole_review_typed_and_saved_at_once(app, store, monkeypatch, slow):
    if slow:
        slow_lists(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j")  # Pusher
        film_id = app.browser.selected_film
        before = {review.id for review in store.reviews(film_id)}
        await at_once(app, pilot, "a", "Test Critic", TAB, TAB, TAB, "B", TAB, "Scale", ENTER, "Second line.",
                      CTRL_S, "k", until=lambda: not app.browser.reviews_pane.editing)
        (added,) = added_reviews(store, film_id, before)
        assert (added.critic, added.publication, added.date, added.grade, added.excerpt) == (
            "Test Critic", None, FIXED_TODAY.isoformat(), "B", "Scale\nSecond line."
        )
        # The key after ctrl+s went to the reviews list, where the saved review had been highlighted.
        assert app.focused is app.browser.reviews
        assert app.browser.reviews.current.id != added.id
        assert app.browser.reviews.cursor == len(app.browser.reviews.rows) - 2


# -- 3. the excerpt is a multi-line editor -----------------------------------------------------------


def test_clean_paragraphs_keeps_one_blank_line_between_paragraphs():
    assert clean_paragraphs("\n\n  First. \n\n\n \t \nSecond.\x1b[2J\n\n") == "First.\n\nSecond.[2J"
    assert clean_paragraphs("a\r\n\r\nb\x0c\x0cc") == "a\n\nb\n\nc"
    assert clean_paragraphs("one\ntwo") == "one\ntwo"
    assert clean_paragraphs(" \n \n") == ""
    assert clean_paragraphs(None) == ""
    text = "a\n\n\n\nb\n \nc"
    assert clean_paragraphs(clean_paragraphs(text)) == clean_paragraphs(text) == "a\n\nb\n\nc"


async def test_appending_to_a_two_paragraph_excerpt_keeps_its_line_breaks(app, store):
    first = store.reviews(store_film_id(app, "Dead Reckoning Mall"))[0]
    store.edit_review(first.id, ReviewDraft("First paragraph.\n\nSecond paragraph.", first.critic,
                                            first.publication, first.date, first.grade))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "enter", "e", "shift+tab", "shift+tab")  # back past the call
        form = app.browser.reviews_pane.form
        assert focused_field(app) == "excerpt"
        assert form.input("excerpt").value == "First paragraph.\n\nSecond paragraph."
        await type_text(pilot, " Third.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.review(first.id).excerpt == "First paragraph.\n\nSecond paragraph. Third."


async def test_enter_in_the_excerpt_starts_a_line_tab_leaves_it_and_ctrl_s_saves(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        film_id = app.browser.selected_film
        before = {review.id for review in store.reviews(film_id)}
        await pilot.press("a", "shift+tab", "shift+tab")
        assert focused_field(app) == "excerpt"
        await type_text(pilot, "One.")
        await pilot.press("enter", "enter")
        await type_text(pilot, "Two.")
        await pilot.press("tab")
        assert focused_field(app) == "sentiment"  # tab moves on, it is not typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        (added,) = added_reviews(store, film_id, before)
        assert added.excerpt == "One.\n\nTwo."


# -- 4. small terminals --------------------------------------------------------------------------------


def assert_fully_visible(app, widget) -> None:
    """The widget is on screen whole: not clipped by a scrolled container nor off the screen."""
    geometry = app.screen.find_widget(widget)
    region = geometry.region
    assert region.height > 0 and region.width > 0, f"{widget} has no room"
    assert geometry.clip.contains_region(region), f"{widget} at {region} is clipped to {geometry.clip}"
    assert app.screen.region.contains_region(region), f"{widget} at {region} is off the screen"


async def visit_every_field(pilot, app) -> list[str]:
    seen = []
    for _ in range(6):
        await settle(pilot)
        seen.append(focused_field(app))
        assert_fully_visible(app, app.focused)
        await pilot.press("tab")
    return seen


async def test_the_form_can_be_seen_and_typed_into_at_60x15(app, store):
    async with app.run_test(size=(60, 15)) as pilot:
        await pilot.press("j", "j", "j")
        film_id = app.browser.selected_film
        before = {review.id for review in store.reviews(film_id)}
        await pilot.press("a")
        await settle(pilot)
        assert_fully_visible(app, app.browser.reviews_pane.form)
        assert await visit_every_field(pilot, app) == ["critic", "publication", "date", "grade", "excerpt", "sentiment"]
        await type_text(pilot, "Small Screen")
        await pilot.press("tab", "tab", "tab", "tab")
        await type_text(pilot, "Seen and typed.")
        assert_fully_visible(app, app.focused)
        await pilot.press("ctrl+s")
        await settle(pilot)
        (added,) = added_reviews(store, film_id, before)
        assert (added.critic, added.excerpt) == ("Small Screen", "Seen and typed.")
        assert not app.browser.reviews_pane.editing
        assert_fully_visible(app, app.browser.reviews)


async def test_the_focused_field_is_scrolled_into_view_at_80x24(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "shift+tab", "shift+tab")
        await type_text(pilot, "A first paragraph that is long enough to wrap over more than one line of the form.")
        await pilot.press("enter", "enter")
        await type_text(pilot, "A second one.")
        form = app.browser.reviews_pane.form
        form.input("date").value = "2024-02-30"
        form.input("grade").value = "great"
        await pilot.press("ctrl+s")  # errors under the fields: the form is taller than its room
        await settle(pilot)
        assert app.browser.reviews_pane.editing
        assert form.virtual_size.height > form.scrollable_content_region.height
        assert_fully_visible(app, app.focused)
        assert await visit_every_field(pilot, app) == ["date", "grade", "excerpt", "sentiment", "critic", "publication"]
        for _ in range(6):
            await pilot.press("shift+tab")
            await settle(pilot)
            assert_fully_visible(app, app.focused)


@pytest.mark.parametrize("seconds", [0.0, 0.3])
async def test_keys_typed_after_n_wait_for_the_film_form_however_slowly_it_mounts(tmp_path, monkeypatch, seconds):
    """Under load the film form can take a while to mount: the keys typed after `n` must still go
    to its title, not to a screen with nothing focused yet. (The tmux burst test once saw a film
    titled "aFirst CriticB" under the full suite's load; this holds with and without the awaited
    push, so it guards the ordering rather than reproducing that run.)"""
    on_mount = FilmFormScreen.on_mount

    async def slow_mount(self):
        await asyncio.sleep(seconds)
        on_mount(self)

    monkeypatch.setattr(FilmFormScreen, "on_mount", slow_mount)
    store = build_store(tmp_path / "slow-form.json")
    try:
        app = browser(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            burst(app, Key("n"), "Slow Mount", Key("tab"), "1999", Key("ctrl+s"))
            await settle(pilot, lambda: bool(store.find_films("Slow Mount", 1999)), timeout=10)
            assert [film.title for film in store.find_films("Slow Mount")] == ["Slow Mount"]
    finally:
        store.close()

