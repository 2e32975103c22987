"""The immutable domain objects of Critics: films, reviews and the summaries scored from them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ReviewClass(str, Enum):
    """How one review leans, from its 0-100 score (the distribution gauge's segments)."""

    POSITIVE = "positive"
    MIXED = "mixed"
    NEGATIVE = "negative"
    UNSCORED = "unscored"


class Verdict(Enum):
    """Metacritic's five film bands. The value is (label, lowest Metascore, tone)."""

    UNIVERSAL_ACCLAIM = ("Universal acclaim", 81, ReviewClass.POSITIVE)
    GENERALLY_FAVORABLE = ("Generally favorable reviews", 61, ReviewClass.POSITIVE)
    MIXED = ("Mixed or average reviews", 40, ReviewClass.MIXED)
    GENERALLY_UNFAVORABLE = ("Generally unfavorable reviews", 20, ReviewClass.NEGATIVE)
    OVERWHELMING_DISLIKE = ("Overwhelming dislike", 0, ReviewClass.NEGATIVE)

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def floor(self) -> int:
        return self.value[1]

    @property
    def tone(self) -> ReviewClass:
        """The colour family of the band: positive (green), mixed (yellow), negative (red)."""
        return self.value[2]


@dataclass(frozen=True, slots=True)
class PublishedSummary:
    """What a source page declared about a film; None where the page did not say."""

    verdict: str | None = None
    critics: int | None = None
    positive: int | None = None
    mixed: int | None = None
    negative: int | None = None


@dataclass(frozen=True, slots=True)
class Film:
    id: int
    title: str
    year: int | None = None
    director: str | None = None
    published: PublishedSummary | None = None

    @property
    def label(self) -> str:
        """Title with the year, the way a person names a film."""
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    film_id: int
    excerpt: str
    critic: str | None = None
    publication: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    grade: str | None = None  # as the critic wrote it
    score: int | None = None  # 0-100, converted from grade

    def as_draft(self) -> "ReviewDraft":
        """The draft that saves this review as it is (the score follows from the grade)."""
        return ReviewDraft(self.excerpt, self.critic, self.publication, self.date, self.grade)


@dataclass(frozen=True, slots=True)
class ReviewDraft:
    """A review as a person (or a page) states it, before the store validates and scores it."""

    excerpt: str
    critic: str | None = None
    publication: str | None = None
    date: str | None = None
    grade: str | None = None


@dataclass(frozen=True, slots=True)
class Publication:
    name: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Distribution:
    positive: int = 0
    mixed: int = 0
    negative: int = 0
    unscored: int = 0

    @property
    def scored(self) -> int:
        return self.positive + self.mixed + self.negative

    @property
    def total(self) -> int:
        return self.scored + self.unscored


@dataclass(frozen=True, slots=True)
class FilmSummary:
    """A film with everything its critic reviews add up to."""

    film: Film
    reviews: int
    distribution: Distribution
    metascore: int | None  # None: "tbd"
    verdict: Verdict | None
    histogram: tuple[int, ...] = ()  # scored reviews per 10-point bucket: 0-9, ..., 90-100

    @property
    def scored(self) -> int:
        return self.distribution.scored


@dataclass(frozen=True, slots=True)
class CriticProfile:
    """How a critic (or every critic a filter matches) scores against each film's consensus."""

    names: tuple[str, ...]
    reviews: int
    scored: int
    mean: float | None
    higher: int
    same: int
    lower: int
    mean_difference: float | None

    @property
    def name(self) -> str:
        return self.names[0] if len(self.names) == 1 else f"{len(self.names)} critics"


@dataclass(frozen=True, slots=True)
class FilmRecord:
    """A film with its reviews as a page or an export states them (the input of an import)."""

    title: str
    year: int | None = None
    director: str | None = None
    published: PublishedSummary | None = None
    reviews: tuple[ReviewDraft, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    films_added: int
    reviews_added: int
    reviews_skipped: int  # already present: re-importing adds nothing
