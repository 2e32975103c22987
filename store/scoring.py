"""What critic scores add up to: review classes, Metascores, verdicts and critic profiles.

The Metascore here is the plain weighted mean of the scored reviews, rounded half up.
Metacritic also "grades on a curve" for films; we do not, and say so. Rules, bands and
sources: docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
import math
from dataclasses import dataclass
from functools import lru_cache
from fractions import Fraction

from store.domain import (
    Calls,
    CriticProfile,
    Distribution,
    Film,
    FilmSummary,
    Review,
    ReviewClass,
    Sentiment,
    TopCritics,
    Verdict,
)
from store.grades import round_half_up

MIN_SCORED_FOR_METASCORE = 4  # Metacritic shows "tbd" below 4 critic reviews (docs/scoring.md)
MIN_CALLS_FOR_TOMATOMETER = 5  # Rotten Tomatoes shows its Tomatometer from 5 reviews (docs/scoring.md)
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
    return _VERDICTS[metascore]


# Verdict lists its bands from the highest floor down; looked up by score (every film listed asks).
_VERDICTS = tuple(next(verdict for verdict in Verdict if score >= verdict.floor) for score in range(101))


def _exact_weight(weight: float | int | Fraction) -> Fraction:
    # Fraction(str(1.1)) is 11/10, where Fraction(1.1) is the binary float's long tail.
    exact = Fraction(str(weight)) if isinstance(weight, float) else Fraction(weight)
    if exact < 0:
        raise ValueError(f"a publication weight is 0 or more, not {weight!r}")
    return exact


def metascore(scored: Iterable[tuple[int, float]]) -> int | None:
    """The weighted mean of (score, weight) pairs, rounded half up; None ("tbd") below
    MIN_SCORED_FOR_METASCORE pairs of weight above 0 (a weight of 0 leaves a review out)."""
    # Sum the integer scores per distinct weight first: exact, and Fraction arithmetic runs
    # once per weight rather than once per review (a film summary is on the 200k-review path).
    by_weight: dict[float | int | Fraction, list[int]] = {}
    for score, weight in scored:
        if not 0 <= score <= 100:
            _check_score(score)
        entry = by_weight.get(weight)
        if entry is None:
            by_weight[weight] = [score, 1]
        else:
            entry[0] += score
            entry[1] += 1
    return metascore_of_sums((weight, score_sum, count) for weight, (score_sum, count) in by_weight.items())


def metascore_of_sums(groups: Iterable[tuple[float | int | Fraction, int, int]]) -> int | None:
    """metascore() from (weight, sum of scores, number of scores) groups: the same number, for a
    caller that keeps sums rather than reviews (store/digest.py). Groups may repeat a weight."""
    # Integer arithmetic over a common denominator of the weights: exact, and quick.
    ratios = [(_weight_ratio(weight), score_sum, count) for weight, score_sum, count in groups if count]
    common = math.lcm(*(denominator for (_, denominator), _, _ in ratios)) if ratios else 1
    total = weights = counted = 0
    for (numerator, denominator), score_sum, count in ratios:
        if numerator == 0:
            continue
        factor = numerator * (common // denominator)
        total += score_sum * factor
        weights += count * factor
        counted += count
    if counted < MIN_SCORED_FOR_METASCORE:
        return None
    return (2 * total + weights) // (2 * weights)  # half up: floor(total / weights + 1/2)


@lru_cache(maxsize=4096)
def _weight_ratio(weight: float | int | Fraction) -> tuple[int, int]:
    exact = _exact_weight(weight)
    return exact.numerator, exact.denominator


def distribution(scores: Iterable[int | None]) -> Distribution:
    """How many reviews are positive, mixed, negative and unscored (bands as review_class)."""
    positive = mixed = negative = unscored = 0
    for score in scores:
        if score is None:
            unscored += 1
        elif not 0 <= score <= 100:
            _check_score(score)
        elif score >= 61:
            positive += 1
        elif score >= 40:
            mixed += 1
        else:
            negative += 1
    return Distribution(positive=positive, mixed=mixed, negative=negative, unscored=unscored)


def histogram(scores: Iterable[int | None]) -> tuple[int, ...]:
    """Scored reviews per 10-point bucket: 0-9, 10-19, ..., 90-100 (100 joins the last)."""
    buckets = [0] * HISTOGRAM_BUCKETS
    last = HISTOGRAM_BUCKETS - 1
    for score in scores:
        if score is None:
            continue
        if not 0 <= score <= 100:
            _check_score(score)
        bucket = score // 10
        buckets[bucket if bucket < last else last] += 1
    return tuple(buckets)


def tomatometer(positive: int, mixed: int, negative: int) -> int | None:
    """The share of calls that are positive, as a whole percent rounded half up; None below
    MIN_CALLS_FOR_TOMATOMETER calls. Reviews without a call are not counted."""
    calls = positive + mixed + negative
    if min(positive, mixed, negative) < 0:
        raise ValueError(f"call counts are 0 or more, not {(positive, mixed, negative)!r}")
    if calls < MIN_CALLS_FOR_TOMATOMETER:
        return None
    return (200 * positive + calls) // (2 * calls)  # half up: floor(100 * positive / calls + 1/2)


def count_calls(sentiments: Iterable[Sentiment | str | None]) -> Calls:
    """How many reviews carry each call, and how many state none."""
    positive = mixed = negative = unstated = 0
    for sentiment in sentiments:
        if sentiment is None:
            unstated += 1
        elif sentiment == "positive":
            positive += 1
        elif sentiment == "negative":
            negative += 1
        elif sentiment == "mixed":
            mixed += 1
        else:
            raise ValueError(f"a call is positive, mixed or negative, not {sentiment!r}")
    return Calls(positive, mixed, negative, unstated)


def summarize(
    film: Film,
    reviews: Sequence[Review],
    weight_of: Callable[[str | None], float],
) -> FilmSummary:
    """Everything a film's reviews add up to; weight_of gives a publication's weight."""
    strays = [review.id for review in reviews if review.film_id != film.id]
    if strays:
        raise ValueError(f"reviews {strays} are not of film {film.id}")
    return summarize_scores(
        film, [(r.score, r.publication, r.sentiment, r.top_critic) for r in reviews], weight_of
    )


def summarize_scores(
    film: Film,
    reviews: Sequence[tuple[int | None, str | None, Sentiment | str | None, bool]],
    weight_of: Callable[[str | None], float],
) -> FilmSummary:
    """The summary from each review's (score, publication, call, top critic): what the
    repository has at hand without building Review objects for every film it lists."""
    scores = [score for score, _publication, _call, _top in reviews]
    score = metascore((score, weight_of(publication)) for score, publication, _, _ in reviews if score is not None)
    calls = count_calls(call for _score, _publication, call, _top in reviews)
    top = [review for review in reviews if review[3]]
    top_calls = count_calls(call for _score, _publication, call, _top in top)
    return FilmSummary(
        film=film,
        reviews=len(reviews),
        distribution=distribution(scores),
        metascore=score,
        verdict=verdict_for(score),
        histogram=histogram(scores),
        calls=calls,
        tomatometer=tomatometer(calls.positive, calls.mixed, calls.negative),
        top_critics=TopCritics(
            reviews=len(top),
            metascore=metascore((score, weight_of(publication)) for score, publication, _, _ in top if score is not None),
            tomatometer=tomatometer(top_calls.positive, top_calls.mixed, top_calls.negative),
        ),
    )


@dataclass(frozen=True, slots=True)
class CriticTally:
    """What a critic's reviews add up to against the consensus; tallies add, so a filter
    matching many critics sums cached tallies instead of re-reading their reviews."""

    reviews: int = 0
    scored: int = 0
    score_sum: int = 0
    higher: int = 0
    same: int = 0
    lower: int = 0
    difference_sum: int = 0

    @property
    def compared(self) -> int:
        return self.higher + self.same + self.lower

    def __add__(self, other: "CriticTally") -> "CriticTally":
        return CriticTally(
            self.reviews + other.reviews, self.scored + other.scored, self.score_sum + other.score_sum,
            self.higher + other.higher, self.same + other.same, self.lower + other.lower,
            self.difference_sum + other.difference_sum,
        )


def tally_reviews(pairs: Iterable[tuple[int | None, int | None]]) -> CriticTally:
    """Tally (review score, that film's Metascore) pairs; either may be None (unscored, tbd).

    Only scored reviews of films with a Metascore are compared; a review is the "same" as
    the consensus when it is within SAME_MARGIN points of it."""
    reviews = scored = score_sum = higher = same = lower = difference_sum = 0
    for score, consensus in pairs:
        reviews += 1
        if score is None:
            continue
        scored += 1
        score_sum += score
        if consensus is None:
            continue
        difference = score - consensus
        difference_sum += difference
        if difference > SAME_MARGIN:
            higher += 1
        elif difference < -SAME_MARGIN:
            lower += 1
        else:
            same += 1
    return CriticTally(reviews, scored, score_sum, higher, same, lower, difference_sum)


def _tenth(total: int, count: int) -> float | None:
    if not count:
        return None
    return round_half_up(Fraction(total * 10, count)) / 10


def profile_from_tallies(names: Sequence[str], tallies: Iterable[CriticTally]) -> CriticProfile:
    """The profile of the named critics from their tallies (means rounded half up to a tenth)."""
    total = sum(tallies, CriticTally())
    return CriticProfile(
        names=tuple(names),
        reviews=total.reviews,
        scored=total.scored,
        mean=_tenth(total.score_sum, total.scored),
        higher=total.higher,
        same=total.same,
        lower=total.lower,
        mean_difference=_tenth(total.difference_sum, total.compared),
    )


def critic_profile(
    names: Sequence[str],
    reviews: Iterable[Review],
    metascore_of: Callable[[int], int | None],
) -> CriticProfile:
    """How the named critics score against each film's Metascore.

    reviews are all the reviews of those critics; metascore_of gives a film's Metascore
    (None while "tbd"). Only scored reviews of films with a Metascore are compared.
    """
    pairs = (
        (review.score, metascore_of(review.film_id) if review.score is not None else None)
        for review in reviews
    )
    return profile_from_tallies(names, [tally_reviews(pairs)])
