"""Read a critic's grade as written ("B+", "3/4", "***1/2", "7.5/10") as a 0-100 score.

Conventions (none of them is published anywhere, so they are fixed here and tested):

- Symbol stars with no stated scale ("***", "★★★½") are out of 4, the newspaper convention.
  Hollow stars state the scale ("★★★☆☆" is 3 of 5), and so does a suffix
  ("***1/2 out of 5").
- A star count written as a numeral needs its scale ("3.5 stars out of 5", "3/4 stars"):
  "3 stars" alone is rejected, since 4- and 5-star critics both write it.
- Letter grades follow Metacritic's published points (A 100, A- 91, B+ 83, B 75, B- 67, C+ 58)
  and carry on below C+ in the same steps; F is 0.
- Words ("Recommended") are rejected: a personal tool never invents a score.
- Arithmetic is exact (Fraction), rounded half up: 2.5/4 is 62.5, which becomes 63.

Which conversions are published and which are ours: docs/scoring.md.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

ACCEPTED_FORMATS = (
    "use a number 0-100, a fraction like 3/4 or 7.5/10, '3 out of 5', "
    "stars like ***1/2 or ★★★½ (out of 4 unless stated, e.g. '3.5 stars out of 5'), "
    "or a letter grade A+ to F"
)

STARS_WITHOUT_SCALE = 4  # newspaper convention for "***" and "★★★½" (docs/scoring.md)
# No grade as written needs more digits than this ("99.999/100" has 8); refusing more first keeps
# the arithmetic small and never reaches Python's limit on converting long digit strings (4300).
MAX_GRADE_DIGITS = 20

LETTER_GRADES: dict[str, int] = {
    "a+": 100, "a": 100, "a-": 91,
    "b+": 83, "b": 75, "b-": 67,
    "c+": 58, "c": 50, "c-": 42,
    "d+": 33, "d": 25, "d-": 17,
    "f": 0,
}


class GradeError(ValueError):
    """A grade that cannot be read as a score; str() is one line naming the accepted formats."""

    def __init__(self, text: str, problem: str = "cannot read grade {grade}") -> None:
        self.text = text
        shown = text if len(text) <= 40 else text[:37] + "..."
        # repr() keeps the message on one line whatever the grade contains.
        super().__init__(f"{problem.format(grade=repr(shown))}: {ACCEPTED_FORMATS}")


def round_half_up(value: Rational | Decimal | int | float) -> int:
    """Round exactly to the nearest integer, halves away from zero (62.5 -> 63, -2.5 -> -3).

    Python's round() rounds halves to even (62.5 -> 62), which is not how scores are rounded.
    """
    exact = Fraction(value)
    magnitude = math.floor(abs(exact) + Fraction(1, 2))
    return magnitude if exact >= 0 else -magnitude


# A number as critics write it: "3", "3.5", "3,5" (decimal comma), "3½", "½".
_NUMBER = r"(?:[0-9]+[.,][0-9]+|[0-9]*½|[0-9]+|[.,][0-9]+)"
# "/ 5", "out of 5", "of 5", or any of them in brackets: "(out of 4)".
_SCALE = rf"(?:(?P<bracket>\(\s*)?(?:/|out\s+of|of)\s*(?P<den>{_NUMBER})(?(bracket)\s*\)))"
_STAR_WORD = r"stars?"
_DIGITS = re.compile("[0-9]")

_LETTER = re.compile(r"(?P<letter>[abcdf])(?:\s*(?P<sign>[+-])|[\s-]*(?P<word>plus|minus))?")
_NUMERIC = re.compile(
    rf"(?P<minus>-)?\s*(?P<num>{_NUMBER})\s*(?P<word1>{_STAR_WORD})?\s*"
    rf"{_SCALE}?"
    rf"\s*(?P<word2>{_STAR_WORD})?\s*(?P<percent>%)?"
)
_SYMBOL_STARS = re.compile(
    rf"(?P<full>[*★]*)\s*(?P<half>½|1/2)?\s*(?P<hollow>☆*)\s*(?:{_STAR_WORD})?\s*"
    rf"{_SCALE}?\s*(?:{_STAR_WORD})?"
)


def _number(text: str) -> Fraction:
    if text.endswith("½"):
        return Fraction(text[:-1] or 0) + Fraction(1, 2)
    return Fraction(text.replace(",", "."))


def _ratio(text: str, num: Fraction, den: Fraction) -> int:
    if den <= 0:
        raise GradeError(text, "grade {grade} has a scale of zero")
    if not 0 <= num <= den:
        raise GradeError(text, "grade {grade} is more than its scale")
    return round_half_up(num / den * 100)


def _normalise(text: str) -> str:
    # U+2212 minus and U+2013 en dash are how "B−" and "B–" arrive from word processors.
    text = text.strip().lower().replace("\u2212", "-").replace("\u2013", "-")
    return re.sub(r"\s+", " ", text)


_READ: dict[str, int] = {}  # grades read before: a dataset repeats a few dozen grades a million times
_READ_LIMIT = 1 << 16


def parse_grade(text: str) -> int:
    """The 0-100 score of a grade as written; GradeError for anything else."""
    score = _READ.get(text) if type(text) is str else None
    if score is not None:
        return score
    score = _parse_grade(text)
    if len(_READ) >= _READ_LIMIT:
        _READ.clear()
    _READ[text] = score
    return score


def _parse_grade(text: str) -> int:
    if not isinstance(text, str):
        raise TypeError(f"a grade is text, not {type(text).__name__}")
    grade = _normalise(text)
    if not grade:
        raise GradeError(text, "grade {grade} is empty")
    if len(_DIGITS.findall(grade)) > MAX_GRADE_DIGITS:
        raise GradeError(text, f"grade {{grade}} has more than {MAX_GRADE_DIGITS} digits")

    if match := _LETTER.fullmatch(grade):
        sign = match["sign"] or {"plus": "+", "minus": "-", None: ""}[match["word"]]
        key = match["letter"] + sign
        if key not in LETTER_GRADES:
            raise GradeError(text, "grade {grade} is not a letter grade")
        return LETTER_GRADES[key]

    if (match := _SYMBOL_STARS.fullmatch(grade)) and (match["full"] or match["hollow"]):
        stars = len(match["full"]) + (Fraction(1, 2) if match["half"] else 0)
        drawn_scale = len(match["full"]) + (1 if match["half"] else 0) + len(match["hollow"])
        if match["den"] is not None:
            scale = _number(match["den"])
            if match["hollow"] and scale != drawn_scale:
                raise GradeError(text, "grade {grade} draws a different scale than it states")
        elif match["hollow"]:
            scale = Fraction(drawn_scale)
        else:
            scale = Fraction(STARS_WITHOUT_SCALE)
            if stars > scale:
                raise GradeError(
                    text, f"grade {{grade}} has more than {STARS_WITHOUT_SCALE} stars "
                    "(state the scale, e.g. '***** out of 5')"
                )
        return _ratio(text, stars, scale)

    if match := _NUMERIC.fullmatch(grade):
        starred = match["word1"] or match["word2"]
        if match["minus"]:
            raise GradeError(text, "grade {grade} is negative")
        num = _number(match["num"])
        if match["den"] is None:
            if starred or match["num"].endswith("½"):
                raise GradeError(
                    text, "grade {grade} does not state its scale "
                    "(write e.g. '3 stars out of 4' or '3/4')"
                )
            if num > 100:
                raise GradeError(text, "grade {grade} is more than 100")
            return round_half_up(num)
        if match["percent"]:
            raise GradeError(text)
        return _ratio(text, num, _number(match["den"]))

    raise GradeError(text)


# A bare number: its scale unstated. Rotten Tomatoes and Letterboxd data never say it is 0-100.
_BARE_NUMBER = re.compile(r"\s*[0-9]+(?:[.,][0-9]+)?\s*")


def dataset_score(text: str) -> int | None:
    """The score of a grade from a review dataset, or None where it cannot be converted (more than
    its scale, text, or a bare number, whose scale these sources do not state): such a grade is
    kept as written, unscored, never guessed (docs/scoring.md)."""
    if _BARE_NUMBER.fullmatch(text):
        return None
    try:
        return parse_grade(text)
    except GradeError:
        return None
