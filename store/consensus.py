"""How a critic scores against each film's consensus (the Metascore): tallies that add up.

A tally per critic is cached by the repository and tallies combine by addition, so a
critic filter matching many critics never re-reads their reviews."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

from store.domain import CriticProfile
from store.grades import round_half_up
from store.scoring import SAME_MARGIN


@dataclass(frozen=True, slots=True)
class CriticTally:
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
        return CriticTally(*(a + b for a, b in zip(self._fields(), other._fields())))

    def _fields(self) -> tuple[int, ...]:
        return (self.reviews, self.scored, self.score_sum, self.higher, self.same, self.lower, self.difference_sum)


def tally_reviews(pairs: Iterable[tuple[int | None, int | None]]) -> CriticTally:
    """Tally (review score, that film's Metascore) pairs; either may be None (unscored, tbd).

    A review is "same" as the consensus when it is within SAME_MARGIN points of it."""
    reviews = scored = score_sum = higher = same = lower = difference_sum = 0
    for score, metascore in pairs:
        reviews += 1
        if score is None:
            continue
        scored += 1
        score_sum += score
        if metascore is None:
            continue
        difference = score - metascore
        difference_sum += difference
        if abs(difference) <= SAME_MARGIN:
            same += 1
        elif difference > 0:
            higher += 1
        else:
            lower += 1
    return CriticTally(reviews, scored, score_sum, higher, same, lower, difference_sum)


def _one_decimal(total: int, count: int) -> float | None:
    if not count:
        return None
    return round_half_up(Fraction(total * 10, count)) / 10


def critic_profile(names: Sequence[str], tallies: Iterable[CriticTally]) -> CriticProfile:
    total = sum(tallies, CriticTally())
    return CriticProfile(
        names=tuple(names),
        reviews=total.reviews,
        scored=total.scored,
        mean=_one_decimal(total.score_sum, total.scored),
        higher=total.higher,
        same=total.same,
        lower=total.lower,
        mean_difference=_one_decimal(total.difference_sum, total.compared),
    )
