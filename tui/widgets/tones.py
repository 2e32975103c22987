"""Colour families of scores: a Metascore badge by its verdict's tone, a review's score by its class."""

from __future__ import annotations

from functools import lru_cache

from rich.color import ColorType
from rich.style import Style
from textual.color import Color

from store.domain import ReviewClass, Verdict

# WCAG's contrast ratio for normal text (AA). Drawn text whose theme colours fall short of it is
# moved towards black or white until it reaches it.
READABLE_CONTRAST = 4.5

# Component classes a widget declares to draw badges in the theme's colours.
TONE_CLASSES = {
    ReviewClass.POSITIVE: "tone--positive",
    ReviewClass.MIXED: "tone--mixed",
    ReviewClass.NEGATIVE: "tone--negative",
    ReviewClass.UNSCORED: "tone--unscored",
}

# Theme variables only: `$text` is "auto 87%", the theme's contrast text for the badge's own colour.
# Resolve these with get_visual_style (not get_component_rich_style(partial=True), which drops
# `auto` and alpha: muted text came out pure white).
BADGE_CSS = """
    & > .tone--positive { background: $success; color: $text; text-style: bold; }
    & > .tone--mixed { background: $warning; color: $text; text-style: bold; }
    & > .tone--negative { background: $error; color: $text; text-style: bold; }
    & > .tone--unscored { background: $foreground-muted; color: $text; }
"""

TEXT_CSS = """
    & > .tone--positive { color: $text-success; text-style: bold; }
    & > .tone--mixed { color: $text-warning; text-style: bold; }
    & > .tone--negative { color: $text-error; text-style: bold; }
    & > .tone--unscored { color: $text-muted; }
"""


def verdict_tone(verdict: Verdict | None) -> ReviewClass:
    """A film badge's colour: its verdict's tone, grey while the Metascore is "tbd"."""
    return ReviewClass.UNSCORED if verdict is None else verdict.tone


def metascore_label(metascore: int | None) -> str:
    return "tbd" if metascore is None else str(metascore)


def relative_luminance(color: Color) -> float:
    """WCAG 2's relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast_ratio(first: Color, second: Color) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@lru_cache(maxsize=512)
def legible(style: Style, minimum: float = READABLE_CONTRAST) -> Style:
    """The style, with its colour moved towards black or white (whichever its background is
    further from) just far enough to stand out from the background by `minimum`.

    Theme colours are kept where they already do; a few of Textual's themes have text colours that
    do not (atom-one-light's $text-success, gruvbox's cursor). Colours that are not true colour
    (the ansi-* themes use the terminal's own) are left alone: their real values are not known."""
    if style.color is None or style.bgcolor is None or style.reverse:
        return style
    if style.color.type is not ColorType.TRUECOLOR or style.bgcolor.type is not ColorType.TRUECOLOR:
        return style
    foreground, background = Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
    if contrast_ratio(foreground, background) >= minimum:
        return style
    black, white = Color(0, 0, 0), Color(255, 255, 255)
    target = white if contrast_ratio(white, background) > contrast_ratio(black, background) else black
    for step in range(1, 21):
        moved = foreground.blend(target, step / 20)
        if contrast_ratio(moved, background) >= minimum:
            break
    return style + Style(color=moved.rich_color)
