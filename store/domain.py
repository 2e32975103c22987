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


class Sentiment(str, Enum):
    """A critic's own call on a film as the source states it (Rotten Tomatoes' Fresh is
    positive, Rotten negative): never derived from the score, since 2/4 can be Fresh."""

    POSITIVE = "positive"
    MIXED = "mixed"
    NEGATIVE = "negative"


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
    key: str | None = None  # the source's film id (a dataset's film key): identity when present

    @property
    def label(self) -> str:
        """Title with the year, the way a person names a film."""
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    film_id: int
    excerpt: str  # "" when the source gave no text (a review needs an excerpt, a grade or a call)
    critic: str | None = None
    publication: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    grade: str | None = None  # as the critic wrote it
    score: int | None = None  # 0-100, converted from grade; None with a grade: kept unscored
    sentiment: Sentiment | None = None  # the critic's own call, as the source states it
    top_critic: bool = False
    source_id: str | None = None  # the source's review id, where it has one

    def as_draft(self) -> "ReviewDraft":
        """The draft that saves this review as it is (the score follows from the grade, and a
        grade kept unscored stays so)."""
        return ReviewDraft(
            self.excerpt, self.critic, self.publication, self.date, self.grade,
            sentiment=self.sentiment, top_critic=self.top_critic, source_id=self.source_id,
            grade_unscored=self.grade is not None and self.score is None,
        )


@dataclass(frozen=True, slots=True)
class ReviewDraft:
    """A review as a person (or a page) states it, before the store validates and scores it."""

    excerpt: str
    critic: str | None = None
    publication: str | None = None
    date: str | None = None
    grade: str | None = None
    sentiment: Sentiment | str | None = None  # "positive", "mixed" or "negative"
    top_critic: bool = False
    source_id: str | None = None
    # The grade is kept as written without a score: a dataset's grade whose scale the source
    # does not state (docs/datasets.md). A person's grade is always read (False).
    grade_unscored: bool = False


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
class Calls:
    """How many reviews carry each call (sentiment), and how many state none."""

    positive: int = 0
    mixed: int = 0
    negative: int = 0
    unstated: int = 0

    @property
    def stated(self) -> int:
        return self.positive + self.mixed + self.negative


@dataclass(frozen=True, slots=True)
class TopCritics:
    """The top critics' reviews of a film and what they add up to on their own."""

    reviews: int = 0
    metascore: int | None = None
    tomatometer: int | None = None


@dataclass(frozen=True, slots=True)
class FilmSummary:
    """A film with everything its critic reviews add up to."""

    film: Film
    reviews: int
    distribution: Distribution
    metascore: int | None  # None: "tbd"
    verdict: Verdict | None
    histogram: tuple[int, ...] = ()  # scored reviews per 10-point bucket: 0-9, ..., 90-100
    calls: Calls = Calls()  # the critics' own calls (fresh/rotten)
    tomatometer: int | None = None  # percent of calls that are positive; None below 5 calls
    top_critics: TopCritics = TopCritics()

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
    key: str | None = None  # the source's film id: matched by it when present


@dataclass(frozen=True, slots=True)
class ImportResult:
    films_added: int
    reviews_added: int
    reviews_skipped: int  # already present: re-importing adds nothing
    films_present: int = 0  # films the import named that were already in the store
