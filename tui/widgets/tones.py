"""Colour families of scores: a Metascore badge by its verdict's tone, a review's score by its class."""

from __future__ import annotations

from store.domain import ReviewClass, Verdict

# Component classes a widget declares to draw badges in the theme's colours.
TONE_CLASSES = {
    ReviewClass.POSITIVE: "tone--positive",
    ReviewClass.MIXED: "tone--mixed",
    ReviewClass.NEGATIVE: "tone--negative",
    ReviewClass.UNSCORED: "tone--unscored",
}

BADGE_CSS = """
    & > .tone--positive { background: $success; color: #0b0b0b; text-style: bold; }
    & > .tone--mixed { background: $warning; color: #0b0b0b; text-style: bold; }
    & > .tone--negative { background: $error; color: #0b0b0b; text-style: bold; }
    & > .tone--unscored { background: #8a8a8a; color: #0b0b0b; }
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
