"""What critic scores add up to: review classes, Metascores, verdicts and critic profiles.

The Metascore here is the plain weighted mean of the scored reviews, rounded half up.
Metacritic also "grades on a curve" for films; we do not, and say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction

from store.domain import (
    CriticProfile,
    Distribution,
    Film,
    FilmSummary,
    Review,
    ReviewClass,
    Verdict,
)
from store.grades import round_half_up

MIN_SCORED_FOR_METASCORE = 4  # Metacritic shows "tbd" below 4 critic reviews
# A critic "agrees with the consensus" within 5 points: about half a letter-grade step
# (B to B+ is 8 points), so rounding in either grade does not read as disagreement.
SAME_MARGIN = 5
HISTOGRAM_BUCKETS = 10  # 0-9, 10-19, ..., 90-100


def _check_score(score: int) -> None:
    if not 0 <= score <= 100:
        raise ValueError(f"a score is 0-100, not {score!r}")


def review_class(score: int | None) -> ReviewClass:
    """How one review leans: positive 61-100, mixed 40-60, negative 0-39, or unscored."""
    if score is None:
        return ReviewClass.UNSCORED
    _check_score(score)
    if score >= 61:
        return ReviewClass.POSITIVE
    if score >= 40:
        return ReviewClass.MIXED
    return ReviewClass.NEGATIVE


def verdict_for(metascore: int | None) -> Verdict | None:
    """The film band a Metascore falls in; None while the Metascore is "tbd"."""
    if metascore is None:
        return None
    _check_score(metascore)
    # Verdict lists its bands from the highest floor down.
    return next(verdict for verdict in Verdict if metascore >= verdict.floor)


def _exact_weight(weight: float | int | Fraction) -> Fraction:
    # Fraction(str(1.1)) is 11/10, where Fraction(1.1) is the binary float's long tail.
    exact = Fraction(str(weight)) if isinstance(weight, float) else Fraction(weight)
    if exact < 0:
        raise ValueError(f"a publication weight is 0 or more, not {weight!r}")
    return exact


def metascore(scored: Iterable[tuple[int, float]]) -> int | None:
    """The weighted mean of (score, weight) pairs, rounded half up; None ("tbd") below
    MIN_SCORED_FOR_METASCORE pairs of weight above 0 (a weight of 0 leaves a review out)."""
    total = Fraction(0)
    weights = Fraction(0)
    counted = 0
    for score, weight in scored:
        _check_score(score)
        exact = _exact_weight(weight)
        if exact == 0:
            continue
        total += score * exact
        weights += exact
        counted += 1
    if counted < MIN_SCORED_FOR_METASCORE:
        return None
    return round_half_up(total / weights)


def distribution(scores: Iterable[int | None]) -> Distribution:
    """How many reviews are positive, mixed, negative and unscored."""
    counts = {cls: 0 for cls in ReviewClass}
    for score in scores:
        counts[review_class(score)] += 1
    return Distribution(
        positive=counts[ReviewClass.POSITIVE],
        mixed=counts[ReviewClass.MIXED],
        negative=counts[ReviewClass.NEGATIVE],
        unscored=counts[ReviewClass.UNSCORED],
    )


def histogram(scores: Iterable[int | None]) -> tuple[int, ...]:
    """Scored reviews per 10-point bucket: 0-9, 10-19, ..., 90-100 (100 joins the last)."""
    buckets = [0] * HISTOGRAM_BUCKETS
    for score in scores:
        if score is None:
            continue
        _check_score(score)
        buckets[min(score // 10, HISTOGRAM_BUCKETS - 1)] += 1
    return tuple(buckets)


def summarize(
    film: Film,
    reviews: Sequence[Review],
    weight_of: Callable[[str | None], float],
) -> FilmSummary:
    """Everything a film's reviews add up to; weight_of gives a publication's weight."""
    strays = [review.id for review in reviews if review.film_id != film.id]
    if strays:
        raise ValueError(f"reviews {strays} are not of film {film.id}")
    scores = [review.score for review in reviews]
    score = metascore(
        (review.score, weight_of(review.publication))
        for review in reviews
        if review.score is not None
    )
    return FilmSummary(
        film=film,
        reviews=len(reviews),
        distribution=distribution(scores),
        metascore=score,
        verdict=verdict_for(score),
        histogram=histogram(scores),
    )


def _mean_to_tenth(values: Sequence[int]) -> float | None:
    if not values:
        return None
    return round_half_up(Fraction(sum(values), len(values)) * 10) / 10


def critic_profile(
    names: Sequence[str],
    reviews: Iterable[Review],
    metascore_of: Callable[[int], int | None],
) -> CriticProfile:
    """How the named critics score against each film's Metascore.

    reviews are all the reviews of those critics; metascore_of gives a film's Metascore
    (None while "tbd"). Only scored reviews of films with a Metascore are compared.
    """
    reviews = list(reviews)
    scores = [review.score for review in reviews if review.score is not None]
    differences = []
    for review in reviews:
        if review.score is None:
            continue
        consensus = metascore_of(review.film_id)
        if consensus is not None:
            differences.append(review.score - consensus)
    return CriticProfile(
        names=tuple(names),
        reviews=len(reviews),
        scored=len(scores),
        mean=_mean_to_tenth(scores),
        higher=sum(1 for d in differences if d > SAME_MARGIN),
        same=sum(1 for d in differences if abs(d) <= SAME_MARGIN),
        lower=sum(1 for d in differences if d < -SAME_MARGIN),
        mean_difference=_mean_to_tenth(differences),
    )
