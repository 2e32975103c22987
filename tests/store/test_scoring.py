"""Review classes, Metascores, verdicts, histograms and critic profiles."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.domain import Distribution, Film, Review, ReviewClass, Verdict
from store.scoring import (
    MIN_SCORED_FOR_METASCORE,
    SAME_MARGIN,
    critic_profile,
    distribution,
    histogram,
    metascore,
    review_class,
    summarize,
    verdict_for,
)

FILM = Film(id=1, title="Salt Lines", year=1962)


def review(score, *, film_id=1, publication=None, critic="Zoë Brandt", review_id=0):
    return Review(
        id=review_id, film_id=film_id, excerpt="...", critic=critic,
        publication=publication, score=score,
    )


def same_weight(_publication):
    return 1.0


# --- a review's class -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, ReviewClass.NEGATIVE),
        (39, ReviewClass.NEGATIVE),
        (40, ReviewClass.MIXED),
        (60, ReviewClass.MIXED),
        (61, ReviewClass.POSITIVE),
        (100, ReviewClass.POSITIVE),
        (None, ReviewClass.UNSCORED),
    ],
)
def test_review_class_edges(score, expected):
    assert review_class(score) is expected


@pytest.mark.parametrize("score", [-1, 101])
def test_review_class_rejects_scores_outside_0_to_100(score):
    with pytest.raises(ValueError):
        review_class(score)


# --- a film's verdict -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, Verdict.OVERWHELMING_DISLIKE),
        (19, Verdict.OVERWHELMING_DISLIKE),
        (20, Verdict.GENERALLY_UNFAVORABLE),
        (39, Verdict.GENERALLY_UNFAVORABLE),
        (40, Verdict.MIXED),
        (60, Verdict.MIXED),
        (61, Verdict.GENERALLY_FAVORABLE),
        (80, Verdict.GENERALLY_FAVORABLE),
        (81, Verdict.UNIVERSAL_ACCLAIM),
        (100, Verdict.UNIVERSAL_ACCLAIM),
    ],
)
def test_verdict_band_edges(score, expected):
    assert verdict_for(score) is expected


def test_verdict_of_tbd_is_none():
    assert verdict_for(None) is None


@pytest.mark.parametrize("score", [-1, 101])
def test_verdict_rejects_scores_outside_0_to_100(score):
    with pytest.raises(ValueError):
        verdict_for(score)


# --- Metascore ------------------------------------------------------------------------------

def test_metascore_needs_four_scored_reviews():
    assert MIN_SCORED_FOR_METASCORE == 4


def test_metascore_is_tbd_with_three_scored_reviews():
    assert metascore([(80, 1.0), (70, 1.0), (90, 1.0)]) is None


def test_metascore_is_a_number_with_four_scored_reviews():
    assert metascore([(80, 1.0), (70, 1.0), (90, 1.0), (60, 1.0)]) == 75


def test_metascore_of_nothing_is_tbd():
    assert metascore([]) is None


def test_metascore_rounds_half_up():
    # (60 + 60 + 60 + 61) / 4 = 60.25; (60 + 61 + 60 + 61) / 4 = 60.5 -> 61, not round()'s 60
    assert metascore([(60, 1), (60, 1), (60, 1), (61, 1)]) == 60
    assert metascore([(60, 1), (61, 1), (60, 1), (61, 1)]) == 61


def test_a_weight_2_publication_moves_the_mean_towards_its_score():
    plain = metascore([(100, 1.0), (50, 1.0), (50, 1.0), (50, 1.0)])
    weighted = metascore([(100, 2.0), (50, 1.0), (50, 1.0), (50, 1.0)])
    assert plain == 63  # 62.5 rounds up
    assert weighted == 70  # (200 + 150) / 5


def test_weights_are_exact_decimals():
    # (62 * 0.3 + 61 * 1.1 + 120) / 3.4 is exactly 60.5, but float arithmetic (and
    # Fraction(1.1)) land just below it and would round down to 60.
    assert metascore([(62, 0.3), (61, 1.1), (60, 1.0), (60, 1.0)]) == 61
    assert metascore([(63, 0.1), (63, 0.3), (60, 1.0), (60, 1.0)]) == 61


def test_a_weight_0_review_is_left_out_of_the_mean():
    assert metascore([(0, 0.0), (80, 1.0), (80, 1.0), (80, 1.0), (80, 1.0)]) == 80


def test_a_weight_0_review_does_not_count_towards_the_four():
    assert metascore([(0, 0.0), (80, 1.0), (80, 1.0), (80, 1.0)]) is None


def test_all_weights_zero_is_tbd():
    assert metascore([(80, 0.0)] * 6) is None


def test_a_negative_weight_is_refused():
    with pytest.raises(ValueError):
        metascore([(80, -1.0), (80, 1.0), (80, 1.0), (80, 1.0)])


@given(st.lists(st.integers(0, 100), min_size=4))
def test_metascore_of_equal_weights_lies_between_min_and_max(scores):
    result = metascore([(score, 1) for score in scores])
    assert min(scores) <= result <= max(scores)


@given(st.lists(st.tuples(st.integers(0, 100), st.floats(0.1, 10)), min_size=4))
def test_metascore_of_any_positive_weights_lies_between_min_and_max(pairs):
    scores = [score for score, _ in pairs]
    assert min(scores) <= metascore(pairs) <= max(scores)


# --- distribution and histogram -------------------------------------------------------------

def test_distribution_counts_each_class():
    assert distribution([0, 39, 40, 60, 61, 100, None, None]) == Distribution(
        positive=2, mixed=2, negative=2, unscored=2
    )


def test_histogram_has_ten_buckets():
    assert histogram([]) == (0,) * 10


@pytest.mark.parametrize(
    ("score", "bucket"),
    [(0, 0), (9, 0), (10, 1), (19, 1), (50, 5), (89, 8), (90, 9), (99, 9), (100, 9)],
)
def test_histogram_bucket_edges(score, bucket):
    expected = [0] * 10
    expected[bucket] = 1
    assert histogram([score]) == tuple(expected)


def test_histogram_leaves_out_unscored_reviews():
    assert sum(histogram([None, 50, None, 75])) == 2


# --- a film's summary -----------------------------------------------------------------------

def test_summary_of_a_film_adds_up_its_reviews():
    reviews = [review(score, review_id=i) for i, score in enumerate([90, 85, 50, 20, None])]
    summary = summarize(FILM, reviews, same_weight)
    assert summary.film == FILM
    assert summary.reviews == 5
    assert summary.scored == 4
    assert summary.distribution == Distribution(positive=2, mixed=1, negative=1, unscored=1)
    assert summary.metascore == 61  # 245 / 4 = 61.25
    assert summary.verdict is Verdict.GENERALLY_FAVORABLE
    assert summary.histogram == (0, 0, 1, 0, 0, 1, 0, 0, 1, 1)


def test_summary_is_tbd_below_four_scored_reviews():
    reviews = [review(score, review_id=i) for i, score in enumerate([90, 85, 50, None, None])]
    summary = summarize(FILM, reviews, same_weight)
    assert summary.metascore is None
    assert summary.verdict is None
    assert summary.reviews == 5


def test_summary_weighs_reviews_by_their_publication():
    reviews = [
        review(100, publication="The Lantern Review", review_id=1),
        review(50, publication="Cinema Margins", review_id=2),
        review(50, publication=None, review_id=3),
        review(50, publication="Cinema Margins", review_id=4),
    ]
    weights = {"The Lantern Review": 2.0, "Cinema Margins": 1.0}
    summary = summarize(FILM, reviews, lambda name: weights.get(name, 1.0))
    assert summary.metascore == 70


def test_summary_refuses_reviews_of_another_film():
    with pytest.raises(ValueError):
        summarize(FILM, [review(80, film_id=2)], same_weight)


# --- a critic's profile ---------------------------------------------------------------------

def test_same_margin_is_5_points():
    assert SAME_MARGIN == 5


def test_critic_profile_compares_scores_with_each_films_metascore():
    metascores = {1: 70, 2: 70, 3: 70, 4: 70, 5: None}
    reviews = [
        review(75, film_id=1, review_id=1),  # +5: same
        review(76, film_id=2, review_id=2),  # +6: higher
        review(65, film_id=3, review_id=3),  # -5: same
        review(64, film_id=4, review_id=4),  # -6: lower
        review(90, film_id=5, review_id=5),  # film is tbd: not compared
        review(None, film_id=1, review_id=6),  # unscored: not compared
    ]
    profile = critic_profile(["Zoë Brandt"], reviews, metascores.get)
    assert profile.names == ("Zoë Brandt",)
    assert profile.name == "Zoë Brandt"
    assert profile.reviews == 6
    assert profile.scored == 5
    assert profile.mean == 74.0  # 370 / 5
    assert (profile.higher, profile.same, profile.lower) == (1, 2, 1)
    assert profile.mean_difference == 0.0  # (5 + 6 - 5 - 6) / 4


def test_a_difference_of_exactly_the_margin_is_the_same():
    profile = critic_profile(["A"], [review(SAME_MARGIN + 50)], lambda _film: 50)
    assert (profile.higher, profile.same, profile.lower) == (0, 1, 0)


def test_a_difference_one_past_the_margin_is_higher():
    profile = critic_profile(["A"], [review(SAME_MARGIN + 51)], lambda _film: 50)
    assert (profile.higher, profile.same, profile.lower) == (1, 0, 0)
    assert profile.mean_difference == 6.0


def test_critic_profile_mean_rounds_half_up_to_a_tenth():
    reviews = [review(s, review_id=i) for i, s in enumerate([70, 71, 71, 71])]  # 70.75
    profile = critic_profile(["A"], reviews, lambda _film: None)
    assert profile.mean == 70.8
    assert profile.mean_difference is None
    assert (profile.higher, profile.same, profile.lower) == (0, 0, 0)


def test_critic_profile_mean_difference_rounds_to_a_tenth():
    metascores = {1: 50, 2: 50, 3: 50, 4: 50}
    reviews = [review(s, film_id=f, review_id=f) for f, s in zip([1, 2, 3, 4], [60, 61, 61, 61])]
    profile = critic_profile(["A"], reviews, metascores.get)
    assert profile.mean_difference == 10.8  # 10.75 rounds half up
    assert profile.higher == 4


def test_critic_profile_negative_mean_difference_mirrors_the_positive():
    metascores = {1: 70, 2: 70, 3: 70, 4: 70}
    reviews = [review(s, film_id=f, review_id=f) for f, s in zip([1, 2, 3, 4], [60, 59, 59, 59])]
    profile = critic_profile(["A"], reviews, metascores.get)
    assert profile.mean_difference == -10.8  # -10.75 rounds away from zero, like 10.75
    assert profile.lower == 4


def test_critic_profile_with_no_scored_reviews_has_no_mean():
    profile = critic_profile(["A", "B"], [review(None)], lambda _film: 60)
    assert profile.name == "2 critics"
    assert profile.reviews == 1
    assert profile.scored == 0
    assert profile.mean is None
    assert profile.mean_difference is None


def test_critic_profile_of_no_reviews_is_empty():
    profile = critic_profile(["A"], [], lambda _film: 60)
    assert (profile.reviews, profile.scored, profile.mean) == (0, 0, None)
