"""Every theme Textual ships keeps every character readable: the main screen (at 60x15, 80x24 and
120x40), the review form, the critic profile with a suggested name, the title bar, the help and the
delete question are drawn in each one, and every cell holding a visible character (text, and the
lines, bars and glyphs around it) must stand out from its background by at least 3:1 (WCAG's
contrast ratio).

The cells come from the compositor (what the terminal would be sent). The ansi-* themes use the
terminal's own colours, which are not known here, so they are left out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color
from textual.screen import ModalScreen

from store.domain import ReviewDraft
from tests.fixed_store import profile_settled, search_settled, type_text
from tui.app import CriticsApp

MINIMUM_CONTRAST = 3.0
DIM_FACTOR = 0.5  # how far dim text moves towards its background (Textual's DimFilter blends half way)

RGB = tuple[int, int, int]


def relative_luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = rgb
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: RGB, second: RGB) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(color: RichColor | None, default: RGB) -> RGB:
    if color is None or color.is_default:
        return default
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def cell_colours(style: Style | None, foreground: RGB, background: RGB) -> tuple[RGB, RGB]:
    """The colours a terminal shows for a cell: defaults resolved, reverse and dim applied."""
    style = style or Style()
    fg, bg = rgb(style.color, foreground), rgb(style.bgcolor, background)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = tuple(round(b + (f - b) * DIM_FACTOR) for f, b in zip(fg, bg))  # type: ignore[assignment]
    return fg, bg


def theme_defaults(app: CriticsApp) -> tuple[RGB, RGB]:
    variables = app.get_css_variables()
    return Color.parse(variables["foreground"]).rgb, Color.parse(variables["background"]).rgb


def hard_to_read(app: CriticsApp) -> list[str]:
    """Every run of visible characters on screen whose contrast is under the minimum, described."""
    foreground, background = theme_defaults(app)
    screen = app.screen
    # Behind a dialog the screen below is faded on purpose (ModalScreen's backdrop): only the
    # dialog itself must be readable.
    dialogs = [child.region for child in screen.children] if isinstance(screen, ModalScreen) else None
    found = []
    for y, strip in enumerate(screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            text, style, control = segment
            if control:
                continue
            inside = dialogs is None or any(region.contains(x, y) for region in dialogs)
            if text.strip() and inside:
                fg, bg = cell_colours(style, foreground, background)
                ratio = contrast(fg, bg)
                if ratio < MINIMUM_CONTRAST:
                    found.append(f"({x},{y}) {text.strip()[:30]!r}: {ratio:.2f} ({fg} on {bg})")
            x += segment.cell_length
    # Words before lines and corners (box drawing), so a report shows the text first.
    return sorted(found, key=lambda line: all("\u2500" <= char <= "\u259f" for char in line.split("'")[1]))


def checked_themes(app: CriticsApp) -> list[str]:
    """Every theme the app offers, but the ones drawn in the terminal's own colours."""
    return sorted(name for name in app.available_themes if not name.startswith("ansi-"))


async def on_pusher(pilot) -> None:
    """The film with the most to show: a page summary, unscored reviews, a histogram."""
    await pilot.press("j", "j", "j")


async def review_form(pilot) -> None:
    await pilot.press("tab", "tab")  # the reviews pane
    await pilot.press("a")
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False


async def critic_profile(pilot) -> None:
    await pilot.press("c")
    await type_text(pilot, "Noel Mur")  # the bar shows the rest of the name as a suggestion
    await profile_settled(pilot)
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False


async def title_bar(pilot) -> None:
    await pilot.press("slash")  # the empty bar's placeholder
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False


async def help_screen(pilot) -> None:
    await pilot.press("question_mark")


async def delete_question(pilot) -> None:
    await pilot.press("tab", "tab", "d")  # the reviews pane, then delete: the question before it


async def find_view(pilot) -> None:
    await pilot.press("F")
    await type_text(pilot, "the")
    await search_settled(pilot)
    await pilot.press("tab", "j")
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False


async def film_form(pilot) -> None:
    await pilot.press("n")
    await type_text(pilot, "Pusher")
    await pilot.press("tab")
    await type_text(pilot, "1996")
    await pilot.press("ctrl+s")  # refused: the reason in the error colour
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False


async def calls(pilot) -> None:
    """A film with calls (the second bar, its legend, the Tomatometer) and a review without text."""
    repository = pilot.app.repository
    film = repository.find_films("Bellwether Junction")[0].id
    for number, call in enumerate(["positive"] * 4 + ["mixed", "negative"]):
        repository.add_review(film, ReviewDraft("" if number == 2 else "Called.", f"Caller {number}", sentiment=call))
    pilot.app.browser.reload_films()
    await pilot.press("j", "enter")


Scene = Callable[[object], Awaitable[None]]

SCENES: dict[str, tuple[tuple[int, int], Scene]] = {
    "main screen at 80x24": ((80, 24), on_pusher),
    "main screen at 120x40": ((120, 40), on_pusher),
    "review form": ((80, 24), review_form),
    "critic profile": ((80, 24), critic_profile),
    "main screen at 60x15": ((60, 15), on_pusher),
    "title bar": ((80, 24), title_bar),
    "help": ((80, 30), help_screen),
    "delete question": ((80, 24), delete_question),
    "find view": ((80, 24), find_view),
    "film form": ((80, 24), film_form),
    "calls": ((120, 40), calls),
}


async def unreadable_by_theme(app: CriticsApp, size: tuple[int, int], scene: Scene) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await scene(pilot)
        await pilot.pause()
        themes = checked_themes(app)
        assert len(themes) >= 19  # textual 8.2.8 ships 19 besides ansi-dark and ansi-light
        for name in themes:
            app.theme = name
            await pilot.pause()
            if found := hard_to_read(app):
                problems[name] = found
    return problems


@pytest.mark.parametrize("scene", list(SCENES))
async def test_every_theme_keeps_every_character_readable(app, scene):
    size, steps = SCENES[scene]
    problems = await unreadable_by_theme(app, size, steps)
    report = "\n".join(
        f"{theme}: {len(cells)} runs under {MINIMUM_CONTRAST}:1, e.g.\n    " + "\n    ".join(cells[:6])
        for theme, cells in problems.items()
    )
    assert not problems, f"{scene}: text hard to read in {len(problems)} themes\n{report}"


async def test_muted_text_is_dimmer_than_the_text_in_a_dark_theme(app):
    """Muted text ("based on 5 reviews") sits between the text and the background (it was pure white)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j", "j")  # Salt Lines: five scored reviews
        app.theme = "textual-dark"
        await pilot.pause()
        foreground, background = theme_defaults(app)
        colours: dict[str, RGB] = {}
        for strip in app.screen._compositor.render_strips():
            for text, style, _ in strip:
                for word in ("based on", "Pusher"):  # Pusher: a row without the cursor
                    if text.strip().startswith(word):
                        colours[word] = cell_colours(style, foreground, background)[0]
        muted, title = colours["based on"], colours["Pusher"]
        assert muted != (255, 255, 255)
        assert relative_luminance(muted) < relative_luminance(title)
        assert contrast(muted, background) >= MINIMUM_CONTRAST
