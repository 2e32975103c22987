"""Small terminals: from 60x15 up, the reviews keep at least three rows on screen, the films pane
never cuts a Metascore, the summary folds to a line or two when its pane is short, and the help
wraps instead of being cut. 80x24 and 160x48 stay as they were."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widget import Widget

from store.domain import FilmRecord, ReviewDraft
from tests.fixed_store import browser, profile_settled, screen_text, type_text
from tui.app import CriticsApp
from tui.keys import KEY_HELP
from tui.widgets.tones import metascore_label

SIZES = [(60, 15), (60, 20), (80, 15), (80, 23), (80, 24), (100, 18), (119, 15), (120, 15), (120, 24),
         (160, 15), (160, 24), (160, 48)]

SALT_LINES = 4  # the fifth film by title: five scored reviews, no page summary
PUSHER = 3  # a page summary beside the computed one, four unscored reviews


def visible_region(app: CriticsApp, widget: Widget) -> Region:
    """The part of a widget the terminal shows (its region clipped by its containers)."""
    geometry = app.screen.find_widget(widget)
    return geometry.region.intersection(geometry.clip)


def lines_in(app: CriticsApp, region: Region) -> list[str]:
    """The screen's text inside a region, a line per row."""
    rows = screen_text(app).split("\n")
    return [rows[y][region.x : region.right] for y in range(region.y, region.bottom)]


def review_rows_shown(app: CriticsApp) -> int:
    """Rows of the reviews list on screen, not counting its header."""
    reviews = app.browser.reviews
    region = visible_region(app, reviews)
    if region.y != reviews.region.y:  # the header itself is cut off
        return 0
    return sum(1 for line in lines_in(app, region)[1:] if line.strip())


async def choose(pilot, film: int) -> None:
    await pilot.press(*["j"] * film)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("film", [SALT_LINES, PUSHER], ids=["Salt Lines", "Pusher"])
async def test_at_least_three_reviews_stay_on_screen(app, size, film):
    async with app.run_test(size=size) as pilot:
        await choose(pilot, film)
        assert len(app.browser.reviews.rows) == 5
        assert review_rows_shown(app) >= 3, screen_text(app)


@pytest.mark.parametrize("size", [(60, 15), (80, 15), (100, 18)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_three_reviews_stay_on_screen_with_the_critic_bar_open(app, size):
    async with app.run_test(size=size) as pilot:
        await choose(pilot, SALT_LINES)
        await pilot.press("c")
        await type_text(pilot, "e")  # every one of Salt Lines' five critics
        await profile_settled(pilot)
        assert len(app.browser.reviews.rows) == 5
        assert review_rows_shown(app) >= 3, screen_text(app)


def more_films(count: int) -> list[FilmRecord]:
    """Films enough to make the films list scroll (its scroll bar takes a column) at any size tested."""
    grades = ("A", "B", "C-", "9/10", "2/4", "3.5/5", "F", "B+")
    return [
        FilmRecord(
            f"Extra Film {number:02d}",
            1970 + number,
            reviews=tuple(
                ReviewDraft(excerpt=f"Review {n}.", critic=f"Critic {n}", publication="Weekly", date="2020-01-01",
                            grade="A" if number % 7 == 0 else grades[(number + n) % len(grades)])
                for n in range(4)
            ),
        )
        for number in range(count)
    ]


@pytest.mark.parametrize("size", [(60, 15), (60, 20), (80, 24), (119, 15), (160, 48)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_films_pane_never_cuts_a_metascore(store, size):
    store.import_films(more_films(40))
    app = browser(store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        films = app.browser.films
        assert films.virtual_size.height > films.scrollable_content_region.height  # it scrolls
        assert any(row.metascore == 100 for row in films.rows)  # the widest number
        checked: set[int] = set()
        while len(checked) < len(films.rows):  # a page at a time, every film passes through the pane
            region = visible_region(app, films)
            top = round(films.scroll_offset.y)
            for number, line in enumerate(lines_in(app, region)[1:]):
                index = top + number
                if index >= len(films.rows):
                    break
                label = metascore_label(films.rows[index].metascore)
                assert re.search(rf"(?<!\S){label}(?!\S)", line), f"{label} is cut in {line!r}"
                checked.add(index)
            await pilot.press("pagedown")


async def test_the_summary_folds_to_a_line_at_60x15(app):
    async with app.run_test(size=(60, 15)) as pilot:
        await choose(pilot, SALT_LINES)
        text = screen_text(app)
        assert "92  Universal acclaim · 5 reviews" in text
        assert "■5 ■0 ■0 ░0" in text
        assert "based on 5 reviews" not in text


async def test_the_critic_profile_folds_to_a_line_at_60x15(app):
    async with app.run_test(size=(60, 15)) as pilot:
        await pilot.press("c")
        await type_text(pilot, "Noel Murray")
        await profile_settled(pilot)
        text = screen_text(app)
        assert re.search(r"Noel Murray · \d reviews · mean \d", text)
        assert "vs Metascore" in text


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_80x24_and_160x48_show_the_whole_gauge_and_the_highlighted_review(app, size):
    async with app.run_test(size=size) as pilot:
        await choose(pilot, SALT_LINES)
        text = screen_text(app)
        assert "based on 5 reviews" in text
        assert "■ 5 positive" in text or "■5 pos" in text
        assert "White and merciless salt flats." in text  # the detail below the list
        assert review_rows_shown(app) == 5


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (160, 48)], ids=["60x15", "80x24", "160x48"])
async def test_the_help_wraps_to_the_terminal_instead_of_being_cut(app, size):
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = app.screen.query_one(VerticalScroll).children[0]  # what the help screen shows
        region = visible_region(app, help_text)
        assert region.width == help_text.region.width  # not clipped on either side
        assert help_text.region.right <= size[0]
        drawn = help_text.render().plain
        assert max(cell_len(line) for line in drawn.split("\n")) <= region.width
        words = drawn.split()
        for section, rows in KEY_HELP:
            for keys, description in rows:
                for word in (*section.split(), *keys.split(), *description.split()):
                    assert word in words, f"{word!r} of {description!r} is not on the help screen"
