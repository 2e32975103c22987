"""The browser's pure parts: plain text, the gauge's arithmetic and sentences, keys, settings, undo,
and the Line-API list drawing only what is visible."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from store.domain import Distribution, Film, FilmSummary, PublishedSummary, ReviewClass, Verdict
from tui.app import CriticsApp
from tui.keys import HELP_WIDTH, KEY_HELP
from tui.screens.taste import TasteScreen
from tui.plain import fit, highlighted, one_line, paragraph, shorten_path
from tui.screens.browser import BrowserScreen, SummaryPane
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.settings import load_settings, save_settings, settings_path_for
from tui.undo import Added, UndoHistory
from tui.widgets.film_list import FilmList
from tui.widgets.gauge import disagreement, split_bar
from tui.widgets.query_bar import QueryBar
from tui.widgets.review_form import ReviewForm
from tui.widgets.review_list import ReviewList
from tui.widgets.row_list import RowList

# -- plain text -----------------------------------------------------------------------------------


def test_one_line_turns_line_breaks_into_spaces_and_drops_terminal_escapes():
    assert one_line("line one\nline two\r\n\tthree") == "line one line two three"
    assert one_line("clear \x1b[2J screen\x07") == "clear [2J screen"
    assert one_line("Staff [Not Credited]") == "Staff [Not Credited]"
    assert one_line(None) == ""


def test_paragraph_keeps_line_breaks_but_not_control_characters():
    assert paragraph("a\x1b\nb\r\nc") == "a\nb\nc"


@given(st.text(), st.integers(min_value=0, max_value=60))
def test_fit_is_always_exactly_the_width_asked(value, width):
    assert cell_len(fit(one_line(value), width)) == width


def test_fit_marks_a_cut_with_an_ellipsis_and_counts_wide_characters():
    assert fit("Müller's Last Summer", 10) == "Müller's …"
    assert fit("東京物語", 5) == "東京…"
    assert fit("72", 4, align="right") == "  72"


def test_shorten_path_keeps_the_file_name():
    assert shorten_path("/a/very/long/directory/critics.json", 16) == "…ry/critics.json"
    assert shorten_path("/short.json", 16) == "/short.json"


def test_palette_highlighting_keeps_markup_like_names_literal():
    shown = highlighted("Critic: [bold red]x[/]", [8, 9], "reverse")
    assert shown.plain == "Critic: [bold red]x[/]"


# -- the gauge ----------------------------------------------------------------------------------


@given(
    st.integers(0, 500), st.integers(0, 500), st.integers(0, 500), st.integers(0, 500), st.integers(1, 120)
)
def test_the_bar_fills_its_width_and_shows_every_class_present(pos, mix, neg, none, width):
    counts = {ReviewClass.POSITIVE: pos, ReviewClass.MIXED: mix, ReviewClass.NEGATIVE: neg, ReviewClass.UNSCORED: none}
    cells = split_bar(counts, width)
    if sum(counts.values()) == 0:
        assert sum(cells.values()) == 0
        return
    assert sum(cells.values()) == width
    if sum(1 for n in counts.values() if n) <= width:
        assert all(cells[cls] >= 1 for cls, n in counts.items() if n)


def summary_of(published, *, pos=1, mix=0, neg=0, unscored=10, metascore=None):
    film = Film(1, "Pusher", 1996, published=published)
    distribution = Distribution(pos, mix, neg, unscored)
    verdict = None if metascore is None else next(v for v in Verdict if metascore >= v.floor)
    return FilmSummary(film, distribution.total, distribution, metascore, verdict)


def test_the_seed_page_and_the_store_disagree_in_a_plain_sentence():
    page = PublishedSummary("Generally favorable reviews", 11, 9, None, 0)
    sentence = disagreement(summary_of(page))
    assert sentence.startswith("They disagree:")
    assert "the page's verdict is “Generally favorable reviews” but the stored scores give no Metascore yet" in sentence
    assert "the page counts 9 positive, the store 1" in sentence
    assert "10 of 11 stored reviews carry no score." in sentence
    assert "critics" not in sentence  # 11 critics stated, 11 reviews stored: no difference there


def test_agreement_is_said_too_and_films_without_a_page_have_no_sentence():
    page = PublishedSummary("Universal acclaim", 4, 4, 0, 0)
    assert disagreement(summary_of(page, pos=4, unscored=0, metascore=90)) == "The page and the stored reviews agree."
    assert disagreement(summary_of(None)) is None


# -- keys ---------------------------------------------------------------------------------------

KEY_NAMES = {"pageup": "pgup", "pagedown": "pgdn", "slash": "/", "question_mark": "?"}


def help_tokens() -> set[str]:
    tokens = set()
    for _, rows in KEY_HELP:
        for keys, _ in rows:
            tokens.update(t for t in re.split(r" / |, | ", keys) if t)
    return tokens


@pytest.mark.parametrize(
    "owner",
    [CriticsApp, BrowserScreen, SummaryPane, RowList, FilmList, ReviewList, ReviewForm, QueryBar, HelpScreen, ConfirmScreen, TasteScreen],
)
def test_every_key_bound_is_on_the_help_screen(owner):
    tokens = help_tokens() | {"y", "n"}  # the delete question names its own keys
    for binding in owner.BINDINGS:
        for key in binding.key.split(","):
            assert KEY_NAMES.get(key, key) in tokens, f"{owner.__name__}: {key} is missing from tui/keys.py"


def test_each_help_line_fits_an_80_column_terminal():
    width = max(len(keys) for _, rows in KEY_HELP for keys, _ in rows) + 2
    for _, rows in KEY_HELP:
        for _, description in rows:
            assert width + len(description) <= HELP_WIDTH - 4


# -- settings and undo ---------------------------------------------------------------------------


def test_settings_sit_beside_the_database_and_survive_a_bad_file(tmp_path):
    path = settings_path_for(tmp_path / "critics.json")
    assert path == tmp_path / "critics.json.settings.json"
    assert load_settings(path) == {}
    save_settings(path, {"theme": "nord"})
    assert load_settings(path) == {"theme": "nord"}
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    path.write_text("{ broken", encoding="utf-8")
    assert load_settings(path) == {}


def test_undo_history_is_bounded_and_newest_first():
    history = UndoHistory(limit=3)
    for number in range(5):
        history.push(Added(number))  # type: ignore[arg-type]
    assert len(history) == 3
    assert history.pop().review == 4
    assert history.peek().review == 3


# -- the Line API list ---------------------------------------------------------------------------


async def test_a_list_of_100000_films_draws_only_the_rows_on_screen():
    from textual.app import App

    drawn = []

    class CountingFilmList(FilmList):
        def row_cells(self, row, width):
            drawn.append(row.film.id)
            return super().row_cells(row, width)

    rows = [
        FilmSummary(Film(i, f"Film {i:06d}", 2000), 4, Distribution(4, 0, 0, 0), 75, Verdict.GENERALLY_FAVORABLE)
        for i in range(100_000)
    ]

    class Host(App):
        def compose(self):
            yield CountingFilmList()

    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        films = app.query_one(CountingFilmList)
        films.set_rows(rows, announce=False)
        await pilot.pause()
        assert 0 < len(drawn) <= 3 * 20
        drawn.clear()
        films.focus()
        await pilot.press("G")
        await pilot.pause()
        assert films.current.film.id == 99_999
        assert 0 < len(drawn) <= 3 * 20
        assert "Film 099999" in "\n".join(s.text for s in app.screen._compositor.render_strips())


async def test_new_rows_set_without_announcing_never_announce_a_moved_cursor():
    from textual.app import App

    rows = [
        FilmSummary(Film(i, f"Film {i}", 2000), 4, Distribution(4, 0, 0, 0), 75, Verdict.GENERALLY_FAVORABLE)
        for i in range(5)
    ]
    chosen = []

    class Host(App):
        def compose(self):
            yield FilmList()

        def on_film_chosen(self, event) -> None:
            chosen.append(event.film_id)

    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        films = app.query_one(FilmList)
        films.set_rows(rows, announce=False)
        await pilot.pause()
        films.set_rows(rows[2:], announce=False)  # the row under the cursor is gone: another is current
        await pilot.pause()
        assert films.current.film.id == 2
        assert chosen == []
