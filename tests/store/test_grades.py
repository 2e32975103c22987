"""Reading critics' grades as 0-100 scores."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.grades import ACCEPTED_FORMATS, GradeError, parse_grade, round_half_up


# --- rounding -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(125, 2), 63),  # 62.5: round() would give 62
        (Decimal("62.5"), 63),
        (Fraction(1, 2), 1),
        (Decimal("0.5"), 1),
        (Fraction(5, 2), 3),  # round() would give 2
        (Decimal("62.49"), 62),
        (Fraction(2, 3), 1),
        (70, 70),
        (0, 0),
        (Fraction(-5, 2), -3),  # halves round away from zero, so -2.5 mirrors 2.5
        (Fraction(-12, 5), -2),
    ],
)
def test_round_half_up_rounds_halves_up_exactly(value, expected):
    assert round_half_up(value) == expected


def test_round_half_up_returns_an_int():
    assert type(round_half_up(Fraction(125, 2))) is int


# --- bare numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("80", 80),
        ("0", 0),
        ("100", 100),
        ("80.5", 81),
        ("80.4", 80),
        ("0.5", 1),
        ("62.5", 63),
        ("80%", 80),
        ("80 %", 80),
        ("100%", 100),
        ("  80  ", 80),
        ("80,5", 81),
    ],
)
def test_bare_number_is_the_score(grade, score):
    assert parse_grade(grade) == score


@pytest.mark.parametrize("grade", ["-5", "-0.5", "101", "100.5", "250", "120%"])
def test_bare_number_outside_0_to_100_is_rejected(grade):
    with pytest.raises(GradeError):
        parse_grade(grade)


# --- fractions ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("3/4", 75),
        ("2.5/4", 63),  # 62.5 rounds half up
        ("3.5/4", 88),  # 87.5
        ("2.7/5", 54),
        ("4.4/5", 88),
        ("3/5", 60),
        ("4.5/5", 90),
        ("7/10", 70),
        ("7.5/10", 75),
        ("2.3/10", 23),
        ("85/100", 85),
        ("3 / 5", 60),
        ("3,5/5", 70),
        ("0/4", 0),
        ("4/4", 100),
        ("1/2", 50),
        ("3 out of 5", 60),
        ("3 OUT OF 5", 60),
        ("3 of 5", 60),
        ("4 out of 5", 80),
    ],
)
def test_fraction_is_numerator_over_denominator_times_100(grade, score):
    assert parse_grade(grade) == score


@pytest.mark.parametrize("grade", ["5/4", "11/10", "6 out of 5", "3/0", "0/0", "-1/4", "80/100%"])
def test_fraction_outside_its_scale_is_rejected(grade):
    with pytest.raises(GradeError):
        parse_grade(grade)


# --- stars ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("*", 25),
        ("**", 50),
        ("***", 75),
        ("****", 100),
        ("***1/2", 88),
        ("**1/2", 63),
        ("***½", 88),
        ("★★★", 75),
        ("★★★½", 88),
        ("★½", 38),
    ],
)
def test_symbol_stars_without_a_scale_are_out_of_4(grade, score):
    assert parse_grade(grade) == score


@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("★★★☆☆", 60),
        ("★★½☆☆", 50),
        ("★☆☆☆", 25),
        ("☆☆☆☆☆", 0),
        ("½☆☆☆", 13),
    ],
)
def test_hollow_stars_state_the_scale(grade, score):
    assert parse_grade(grade) == score


@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("***1/2 out of 5", 70),
        ("***** out of 5", 100),
        ("★★★ out of 5", 60),
        ("★★★☆☆ out of 5", 60),
        ("*** (out of 4)", 75),
    ],
)
def test_symbol_stars_with_a_stated_scale_use_it(grade, score):
    assert parse_grade(grade) == score


@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("3.5 stars out of 5", 70),
        ("3.5/4 stars", 88),
        ("3 stars (out of 4)", 75),
        ("3½ stars out of 4", 88),
        ("4 out of 5 stars", 80),
        ("1 star out of 4", 25),
        ("3 Stars Out Of 4", 75),
    ],
)
def test_numeral_stars_with_a_stated_scale_are_accepted(grade, score):
    assert parse_grade(grade) == score


@pytest.mark.parametrize("grade", ["3 stars", "3.5 stars", "1 star", "3½"])
def test_numeral_stars_without_a_scale_are_rejected_asking_for_the_scale(grade):
    with pytest.raises(GradeError, match="state its scale"):
        parse_grade(grade)


@pytest.mark.parametrize(
    "grade", ["*****", "★★★★★", "★★★☆ out of 5", "***** out of 4"]
)
def test_more_stars_than_the_scale_is_rejected(grade):
    with pytest.raises(GradeError):
        parse_grade(grade)


# --- letter grades --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("grade", "score"),
    [
        ("A+", 100),
        ("A", 100),
        ("A-", 91),
        ("B+", 83),
        ("B", 75),
        ("B-", 67),
        ("C+", 58),
        ("C", 50),
        ("C-", 42),
        ("D+", 33),
        ("D", 25),
        ("D-", 17),
        ("F", 0),
    ],
)
def test_letter_grade_scores_follow_the_scoring_notes(grade, score):
    assert parse_grade(grade) == score


def test_letter_grade_b_plus_is_83():
    assert parse_grade("B+") == 83


@pytest.mark.parametrize("grade", ["B plus", "B-plus", "b+", "B +", "b PLUS", " B+ "])
def test_letter_grade_b_plus_in_words_is_83(grade):
    assert parse_grade(grade) == 83


@pytest.mark.parametrize("grade", ["B minus", "B-minus", "B\u2212", "B\u2013", "b-"])
def test_letter_grade_b_minus_with_any_dash_is_67(grade):
    assert parse_grade(grade) == 67


@pytest.mark.parametrize("grade", ["E", "F+", "F-", "A++", "G", "AB"])
def test_letters_that_are_not_grades_are_rejected(grade):
    with pytest.raises(GradeError):
        parse_grade(grade)


# --- words and nothing ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "grade",
    ["Recommended", "Not Recommended", "great", "two thumbs up", "xyz", "3 stars (out of 4"],
)
def test_words_are_rejected_never_scored(grade):
    with pytest.raises(GradeError):
        parse_grade(grade)


@pytest.mark.parametrize("grade", ["", "   ", "\t\n"])
def test_empty_grade_is_rejected(grade):
    with pytest.raises(GradeError):
        parse_grade(grade)


def test_grade_error_is_a_value_error():
    assert issubclass(GradeError, ValueError)


@pytest.mark.parametrize(
    "grade", ["xyz", "", "3 stars", "101", "5/4", "*****", "bad\ngrade\r\u2028here"]
)
def test_grade_error_message_is_one_line_naming_the_accepted_formats(grade):
    with pytest.raises(GradeError) as caught:
        parse_grade(grade)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert ACCEPTED_FORMATS in message
    for example in ("0-100", "3/4", "7.5/10", "3 out of 5", "***1/2", "out of 4", "A+ to F"):
        assert example in message


def test_grade_error_message_quotes_the_grade():
    with pytest.raises(GradeError, match="'xyz'"):
        parse_grade("xyz")


@pytest.mark.parametrize("grade", ["1" * 21, "0." + "0" * 19 + "1", "1/" + "9" * 20, "1" * 5000, "7." + "5" * 5000 + "/10"],
                         ids=["21-digits", "tiny", "scale", "thousands", "fraction"])
def test_a_grade_with_more_than_20_digits_is_rejected_before_any_arithmetic(grade):
    with pytest.raises(GradeError, match="has more than 20 digits"):
        parse_grade(grade)


def test_a_grade_with_20_digits_is_read():
    assert parse_grade("0." + "0" * 18 + "1") == 0
    assert parse_grade("99.9999999999/100.0000") == 100


# --- properties -----------------------------------------------------------------------------

GRADE_ALPHABET = st.sampled_from(list("0123456789./,%*★☆½ -+−–()abcdfsoutrpluminABCDF"))


@given(st.text())
def test_any_text_is_a_score_0_to_100_or_a_grade_error(text):
    try:
        score = parse_grade(text)
    except GradeError:
        return
    assert type(score) is int
    assert 0 <= score <= 100


@given(st.text(GRADE_ALPHABET, max_size=20))
def test_grade_like_text_is_a_score_0_to_100_or_a_grade_error(text):
    try:
        score = parse_grade(text)
    except GradeError as error:
        assert len(str(error).splitlines()) == 1
        return
    assert 0 <= score <= 100


@given(st.integers(0, 40), st.integers(1, 40))
def test_any_fraction_within_its_scale_rounds_half_up(numerator, denominator):
    if numerator > denominator:
        return
    expected = (numerator * 100 * 2 + denominator) // (2 * denominator)
    assert parse_grade(f"{numerator}/{denominator}") == expected
