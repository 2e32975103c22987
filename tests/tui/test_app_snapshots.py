"""SVG snapshots of the browser on the fixed store (update with: pytest tests/tui/test_app_snapshots.py --snapshot-update)."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tests.fixed_store import browser, profile_settled, search_settled, type_text


def steady_cursor(pilot) -> None:
    """A blinking cursor would make a snapshot depend on the moment it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False


async def opened(pilot) -> None:
    """Wait for the browser to hold the store: run_before can start before the app's Ready, and a
    key that acts at once (a priority binding) would find no store yet."""
    for _ in range(100):
        if pilot.app.browser.repository is not None:
            break
        await pilot.pause(0.01)
    await pilot.pause()


def test_main_screen_at_80x24(snap_compare, snapshot_store):
    assert snap_compare(browser(snapshot_store), terminal_size=(80, 24))


def test_main_screen_at_120x40(snap_compare, snapshot_store):
    assert snap_compare(browser(snapshot_store), terminal_size=(120, 40))


def test_page_summary_beside_the_computed_one_at_120x40(snap_compare, snapshot_store):
    assert snap_compare(browser(snapshot_store), terminal_size=(120, 40), press=["j", "j", "j"])


def test_critic_filter_at_80x24(snap_compare, snapshot_store):
    async def filter_by_murray(pilot):
        steady_cursor(pilot)
        await opened(pilot)
        await pilot.press("c")
        await type_text(pilot, "murr")
        await profile_settled(pilot)  # the critic profile follows once typing pauses

    assert snap_compare(browser(snapshot_store), terminal_size=(80, 24), run_before=filter_by_murray)


def test_add_form_showing_errors_at_80x24(snap_compare, snapshot_store):
    async def invalid_review(pilot):
        await opened(pilot)
        await pilot.press("j", "j", "j", "a")
        await pilot.pause()
        steady_cursor(pilot)  # after "a": the form's fields exist only once it is open
        await type_text(pilot, "Ann Hornaday")
        await pilot.press("tab", "tab")
        form = pilot.app.browser.reviews_pane.form
        form.input("date").value = "2024-02-30"
        await pilot.press("tab")
        await type_text(pilot, "7/10")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(browser(snapshot_store), terminal_size=(80, 24), run_before=invalid_review)


def test_help_screen_at_80x24(snap_compare, snapshot_store):
    assert snap_compare(browser(snapshot_store), terminal_size=(80, 24), press=["question_mark"])


def test_main_screen_at_60x15(snap_compare, snapshot_store):
    """The smallest size Critics is laid out for: the summary folded, three reviews listed."""
    assert snap_compare(browser(snapshot_store), terminal_size=(60, 15), press=["j", "j", "j", "j"])


def test_main_screen_in_a_light_theme_at_80x24(snap_compare, snapshot_store):
    async def light_theme(pilot):
        await opened(pilot)
        pilot.app.theme = "textual-light"
        await pilot.press("j", "j", "j")  # Pusher: unscored reviews, muted text, the histogram's ends

    assert snap_compare(browser(snapshot_store), terminal_size=(80, 24), run_before=light_theme)


def test_find_in_every_film_at_80x24(snap_compare, snapshot_store):
    async def find_the(pilot):
        await opened(pilot)
        await pilot.press("F")
        steady_cursor(pilot)
        await type_text(pilot, "the")
        await search_settled(pilot)
        await pilot.press("tab", "j")
        await pilot.pause()

    assert snap_compare(browser(snapshot_store), terminal_size=(80, 24), run_before=find_the)


def test_film_form_at_60x15(snap_compare, snapshot_store):
    async def new_film(pilot):
        await opened(pilot)
        await pilot.press("n")
        steady_cursor(pilot)
        await type_text(pilot, "Pusher")
        await pilot.press("tab")
        await type_text(pilot, "1996")
        await pilot.press("ctrl+s")  # refused: the reason shows beside the title
        await pilot.pause()

    assert snap_compare(browser(snapshot_store), terminal_size=(60, 15), run_before=new_film)


def test_critics_who_agree_at_80x24(snap_compare, request):
    """The taste view on the bundled sample data (its reader, Sam Reader, has critics who agree)."""
    from store.repository import Repository
    from store.sample import read_sample
    from tests.fixed_store import fixed_dir
    from tui.messages import CriticFilterChanged
    from tui.screens.taste import TasteScreen

    repository = Repository.open(fixed_dir(request.node.name[:40]) / "critics.json")
    repository.import_films(*read_sample())

    async def agree_with_sam(pilot):
        await opened(pilot)
        pilot.app.browser.post_message(CriticFilterChanged("Sam Reader"))
        await pilot.pause()
        await pilot.press("m")
        for _ in range(250):
            if isinstance(pilot.app.screen, TasteScreen) and not pilot.app.screen.computing:
                break
            await pilot.pause(0.02)
        await pilot.pause()

    try:
        assert snap_compare(browser(repository), terminal_size=(80, 24), run_before=agree_with_sam)
    finally:
        repository.close()
