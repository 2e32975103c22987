"""Taste match: which critics score films the way a critic does, and what those critics loved
that the critic has not reviewed. Pure functions over score columns built once from every review;
the definitions and formulas are in docs/taste.md (this module follows them to the letter).

The columns hold one row per (critic, film) pair: the critic's mean score of the film (NaN when
none of their reviews of it is scored) and their latest call. Every question is then a few
vectorised passes (numpy) over those rows, never a Python loop over reviews."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from store.digest import CALL_OF_CODE, CALL_UNIT, code_score
from store.domain import Film
from store.text import fold

if TYPE_CHECKING:
    import numpy as np

# numpy is imported by the functions that compute, not here: the browser imports this module,
# and numpy's ~100 ms import would count against every launch (first_paint).

# docs/taste.md: a match needs this many films both scored (at least MIN_SHARED_FLOOR: the
# confidence bound divides by sqrt(shared - 3)).
MIN_SHARED = 5
MIN_SHARED_FLOOR = 4
CLAMP_R = 0.999  # |r| above this is taken as 0.999 (atanh(1) is infinite)
Z_80 = 1.2816  # the one-sided 80% normal quantile: lower_bound is an 80% lower confidence bound
MIN_CALLS = 5  # calls_agree is null under this many films both called
MIN_CONTRIBUTORS = 3  # a recommendation needs this many agreeing critics who scored the film

CALL_CODES = {"negative": 0, "mixed": 1, "positive": 2}
NO_CALL = -1
# Float noise below this is dropped before rounding half up (70.49999999999999 is 70.5).
_NOISE = Decimal("1e-9")


def half_up(value: float, places: int) -> Decimal:
    """value rounded half up (away from zero) to places decimals, after float noise is dropped."""
    exact = Decimal(repr(float(value))).quantize(_NOISE, ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TasteColumns:
    """One row per (critic, film) pair with at least one review of the critic's (uncredited reviews
    belong to nobody). Arrays are read-only; critic codes index names and folds."""

    names: tuple[str, ...]  # per critic code: the spelling most of their reviews use
    folds: tuple[str, ...]  # per critic code: the folded name (the critic's identity)
    critic: np.ndarray  # int32 per pair
    film: np.ndarray  # int64 per pair: the film id
    score: np.ndarray  # float64 per pair: the mean of the critic's scored reviews of the film, or NaN
    call: np.ndarray  # int8 per pair: the latest call stated (CALL_CODES), or NO_CALL
    code_of: Mapping[str, int]  # folded name -> critic code

    @property
    def film_span(self) -> int:
        """One more than the largest film id (the size of a film-indexed array)."""
        return int(self.film.max()) + 1 if len(self.film) else 1

    def critic_code(self, name: str) -> int | None:
        """The code of the critic named name under the critic filter's folding, or None."""
        return self.code_of.get(fold(name.strip()))


@dataclass(frozen=True, slots=True)
class Match:
    """Critic B beside critic A. r and lower_bound at full precision (the order uses them);
    `rounded()` gives what is reported."""

    critic: str
    shared: int
    r: float
    lower_bound: float
    mean_abs_diff: float  # one decimal, half up
    calls_shared: int
    calls_agree: int | None  # percent, half up; None under MIN_CALLS calls_shared

    def as_dict(self) -> dict[str, Any]:
        return {
            "critic": self.critic,
            "shared": self.shared,
            "r": float(half_up(self.r, 3)),
            "lower_bound": float(half_up(self.lower_bound, 3)),
            "mean_abs_diff": self.mean_abs_diff,
            "calls_shared": self.calls_shared,
            "calls_agree": self.calls_agree,
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Every critic who matches (ordered), and why the list is empty when it is."""

    critic: str
    matches: tuple[Match, ...]
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    film: Film
    predicted: int  # rounded half up
    contributors: int
    exact: float  # the prediction at full precision

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.film.title,
            "year": self.film.year,
            "key": self.film.key,
            "predicted": self.predicted,
            "contributors": self.contributors,
        }


@dataclass(frozen=True, slots=True)
class RecommendationResult:
    critic: str
    recommendations: tuple[Recommendation, ...]
    reason: str | None = None


# -- building the columns (one pass over every review) ----------------------------------------


def build_columns(tables: Iterable[tuple[int, Mapping[str, Mapping[str, Any]]]]) -> TasteColumns:
    """The columns from every film's reviews table (Indexes.film_tables()). One Python visit per
    review; a critic reviewing a film more than once (rare) is merged afterwards. The store asks
    columns_from_postings instead (no review read); this reads the reviews themselves and is kept
    as the reference tests/store/test_taste.py holds that one equal to."""
    import numpy as np

    spelling_of: dict[str, int] = {}  # a name as written -> its spelling number
    critic_of_spelling: list[int] = []  # spelling number -> critic code
    spellings: list[str] = []
    code_of: dict[str, int] = {}  # folded name -> critic code
    critics, films, spells = array("i"), array("q"), array("i")
    scores, calls = array("d"), array("b")
    extra_spellings: dict[int, int] = {}  # counts of the reviews a merge folded into one pair
    nan = math.nan
    no_call = NO_CALL
    call_codes = CALL_CODES
    for film_id, table in tables:
        seen: dict[int, int] = {}
        twice: set[int] | None = None
        for record in table.values():
            name = record.get("critic")
            if name is None:
                continue
            spelling = spelling_of.get(name)
            if spelling is None:
                spelling = spelling_of[name] = len(spellings)
                spellings.append(name)
                critic_of_spelling.append(code_of.setdefault(fold(name), len(code_of)))
            code = critic_of_spelling[spelling]
            if code in seen:
                if twice is None:
                    twice = set()
                twice.add(code)
                continue
            seen[code] = len(critics)
            critics.append(code)
            films.append(film_id)
            spells.append(spelling)
            score = record.get("score")
            scores.append(nan if score is None else score)
            call = record.get("sentiment")
            calls.append(no_call if call is None else call_codes[call])
        if twice:
            for code in twice:
                at = seen[code]
                _merge(table, code, at, spelling_of, critic_of_spelling, scores, calls, extra_spellings)
                extra_spellings[spells[at]] = extra_spellings.get(spells[at], 0) - 1  # counted in its pair
    critic = np.frombuffer(critics, dtype=np.int32).copy() if critics else np.zeros(0, np.int32)
    spell = np.frombuffer(spells, dtype=np.int32) if spells else np.zeros(0, np.int32)
    counts = np.bincount(spell, minlength=len(spellings)).astype(np.int64)
    for number, more in extra_spellings.items():
        counts[number] += more
    names = _shown_names(spellings, critic_of_spelling, counts, len(code_of))
    folds = [""] * len(code_of)
    for folded, code in code_of.items():
        folds[code] = folded
    columns = TasteColumns(
        names=tuple(names),
        folds=tuple(folds),
        critic=critic,
        film=np.frombuffer(films, dtype=np.int64).copy() if films else np.zeros(0, np.int64),
        score=np.frombuffer(scores, dtype=np.float64).copy() if scores else np.zeros(0, np.float64),
        call=np.frombuffer(calls, dtype=np.int8).copy() if calls else np.zeros(0, np.int8),
        code_of=dict(code_of),
    )
    for column in (columns.critic, columns.film, columns.score, columns.call):
        column.flags.writeable = False
    return columns


def columns_from_postings(
    postings: Iterable[tuple[str, int, Mapping[int, list[int]]]],
    table_of: Callable[[int], Mapping[str, Mapping[str, Any]]],
) -> TasteColumns:
    """The same columns as build_columns, from each critic's posting (store/digest.py: film -> a
    code per review holding its score and call), so no review is read: the critic's one review of
    a film (nearly always) gives the pair at once. A critic's several reviews of one film, or
    reviews of it under two spellings of their name, are merged from that film's reviews as
    build_columns merges them (the latest call needs the dates)."""
    import numpy as np

    call_code = [NO_CALL if call is None else CALL_CODES[call] for call in CALL_OF_CODE]
    spelling_of: dict[str, int] = {}
    critic_of_spelling: list[int] = []
    spellings: list[str] = []
    review_counts: list[int] = []
    code_of: dict[str, int] = {}
    critics, films, scores, calls = array("i"), array("q"), array("d"), array("b")
    nan = math.nan
    several: list[tuple[int, int]] = []  # (critic code, film) to merge from the film's reviews
    spelled_twice: set[int] = set()  # critic codes with more than one spelling
    for name, count, posting in postings:
        code = code_of.setdefault(fold(name), len(code_of))
        if code in critic_of_spelling:
            spelled_twice.add(code)
        spelling_of[name] = len(spellings)
        spellings.append(name)
        critic_of_spelling.append(code)
        review_counts.append(count)
        for film_id, codes in posting.items():
            if len(codes) == 1:
                review = codes[0]
                score = code_score(review)
                critics.append(code)
                films.append(film_id)
                scores.append(nan if score is None else score)
                calls.append(call_code[review // CALL_UNIT])
                continue
            # Several reviews of one film: the mean of the scored ones is in the codes; so is the
            # latest call, unless they state different calls (then the dates decide: read below).
            stated = {review // CALL_UNIT for review in codes} - {0}
            if len(stated) > 1:
                several.append((code, film_id))
                continue
            scored = [score for score in map(code_score, codes) if score is not None]
            critics.append(code)
            films.append(film_id)
            scores.append(math.fsum(scored) / len(scored) if scored else nan)
            calls.append(call_code[stated.pop()] if stated else NO_CALL)
    critic = np.frombuffer(critics, dtype=np.int32).copy() if critics else np.zeros(0, np.int32)
    film = np.frombuffer(films, dtype=np.int64).copy() if films else np.zeros(0, np.int64)
    score = np.frombuffer(scores, dtype=np.float64).copy() if scores else np.zeros(0, np.float64)
    call = np.frombuffer(calls, dtype=np.int8).copy() if calls else np.zeros(0, np.int8)
    if spelled_twice:  # pairs of one critic under two spellings: merged below
        pick = np.isin(critic, np.fromiter(spelled_twice, dtype=np.int32))
        seen: dict[tuple[int, int], int] = {}
        for at in np.flatnonzero(pick).tolist():
            pair = (int(critic[at]), int(film[at]))
            if pair in seen:
                several.append(pair)
            seen[pair] = at
    if several:
        merged = sorted(set(several), key=lambda pair: (pair[1], pair[0]))  # by film: each read once
        span = int(max(film.max() if len(film) else 0, max(film_id for _, film_id in merged))) + 1
        merged_keys = np.array([code * span + film_id for code, film_id in merged], dtype=np.int64)
        keep = ~np.isin(critic.astype(np.int64) * span + film, merged_keys)
        rows = array("d"), array("b")
        table: Mapping[str, Mapping[str, Any]] = {}
        read = None
        for code, film_id in merged:
            if film_id != read:
                table, read = table_of(film_id), film_id
            row_scores, row_calls = array("d", [0.0]), array("b", [0])
            _merge(table, code, 0, spelling_of, critic_of_spelling, row_scores, row_calls, {})
            rows[0].append(row_scores[0])
            rows[1].append(row_calls[0])
        critic = np.concatenate([critic[keep], np.array([code for code, _ in merged], dtype=np.int32)])
        film = np.concatenate([film[keep], np.array([film_id for _, film_id in merged], dtype=np.int64)])
        score = np.concatenate([score[keep], np.frombuffer(rows[0], dtype=np.float64)])
        call = np.concatenate([call[keep], np.frombuffer(rows[1], dtype=np.int8)])
    counts = np.array(review_counts, dtype=np.int64)
    names = _shown_names(spellings, critic_of_spelling, counts, len(code_of))
    folds = [""] * len(code_of)
    for folded, code in code_of.items():
        folds[code] = folded
    columns = TasteColumns(
        names=tuple(names), folds=tuple(folds), critic=critic, film=film, score=score, call=call, code_of=dict(code_of)
    )
    for column in (columns.critic, columns.film, columns.score, columns.call):
        column.flags.writeable = False
    return columns


def _merge(
    table: Mapping[str, Mapping[str, Any]],
    code: int,
    at: int,
    spelling_of: dict[str, int],
    critic_of_spelling: list[int],
    scores: array,
    calls: array,
    extra_spellings: dict[int, int],
) -> None:
    """A critic's several reviews of one film as one pair: the mean of the scored ones, the call
    of the latest one stating a call (by date, undated first, then review id)."""
    scored: list[int] = []
    latest: tuple[str, int] | None = None
    call = NO_CALL
    for key, record in table.items():
        name = record.get("critic")
        if name is None or critic_of_spelling[spelling_of[name]] != code:
            continue
        extra_spellings[spelling_of[name]] = extra_spellings.get(spelling_of[name], 0) + 1
        if record.get("score") is not None:
            scored.append(record["score"])
        if record.get("sentiment") is not None:
            when = (record.get("date") or "", int(key))
            if latest is None or when > latest:
                latest, call = when, CALL_CODES[record["sentiment"]]
    scores[at] = math.fsum(scored) / len(scored) if scored else math.nan
    calls[at] = call


def _shown_names(spellings: list[str], critic_of_spelling: list[int], counts: np.ndarray, critics: int) -> list[str]:
    """Per critic, the spelling most of their reviews use (ties: the first in code-point order)."""
    best: list[tuple[int, str] | None] = [None] * critics
    for number, name in enumerate(spellings):
        code = critic_of_spelling[number]
        count = int(counts[number])
        held = best[code]
        if held is None or count > held[0] or (count == held[0] and name < held[1]):
            best[code] = (count, name)
    return [entry[1] if entry is not None else "" for entry in best]


# -- matches --------------------------------------------------------------------------------------


def _own_columns(columns: TasteColumns, code: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Critic code's pairs as film-indexed arrays: score (NaN: unscored or not reviewed), call
    (NO_CALL), reviewed (bool)."""
    import numpy as np

    mine = columns.critic == code
    span = columns.film_span
    own_films = columns.film[mine]
    score = np.full(span, np.nan)
    score[own_films] = columns.score[mine]
    call = np.full(span, NO_CALL, dtype=np.int8)
    call[own_films] = columns.call[mine]
    reviewed = np.zeros(span, dtype=bool)
    reviewed[own_films] = True
    return score, call, reviewed


def match(columns: TasteColumns, code: int, min_shared: int = MIN_SHARED) -> MatchResult:
    """Every other critic beside critic code, best first (docs/taste.md)."""
    import numpy as np

    if min_shared < MIN_SHARED_FLOOR:
        raise ValueError(f"min_shared must be at least {MIN_SHARED_FLOOR}")
    name = columns.names[code]
    count = len(columns.names)
    own_score, own_call, _ = _own_columns(columns, code)
    others = columns.critic != code
    a_all = own_score[columns.film]
    both = others & ~np.isnan(a_all) & ~np.isnan(columns.score)
    who = columns.critic[both]
    a = a_all[both]
    b = columns.score[both]
    n = np.bincount(who, minlength=count)
    sum_a = np.bincount(who, a, minlength=count)
    sum_b = np.bincount(who, b, minlength=count)
    sum_aa = np.bincount(who, a * a, minlength=count)
    sum_bb = np.bincount(who, b * b, minlength=count)
    sum_ab = np.bincount(who, a * b, minlength=count)
    sum_diff = np.bincount(who, np.abs(a - b), minlength=count)
    # n*S(xx) - S(x)^2: exact in float64 for whole-number scores (the usual case), so critics
    # with the same lists tie exactly.
    sxx = n * sum_aa - sum_a * sum_a
    syy = n * sum_bb - sum_b * sum_b
    sxy = n * sum_ab - sum_a * sum_b
    varying = (sxx > 1e-9 * np.maximum(n * sum_aa, 1)) & (syy > 1e-9 * np.maximum(n * sum_bb, 1))
    listed = np.flatnonzero((n >= min_shared) & varying)

    a_calls = own_call[columns.film]
    called = others & (a_calls != NO_CALL) & (columns.call != NO_CALL)
    calls_shared = np.bincount(columns.critic[called], minlength=count)
    agreeing = called & (a_calls == columns.call)
    calls_agree = np.bincount(columns.critic[agreeing], minlength=count)

    if not len(listed):
        return MatchResult(name, (), _why_no_match(name, own_score, n, min_shared))
    r = np.clip(sxy[listed] / np.sqrt(sxx[listed] * syy[listed]), -1.0, 1.0)
    shared = n[listed]
    lower = np.tanh(np.arctanh(np.clip(r, -CLAMP_R, CLAMP_R)) - Z_80 / np.sqrt(shared - 3))
    found = []
    for at, other in enumerate(listed.tolist()):
        size = int(shared[at])
        calls = int(calls_shared[other])
        found.append(Match(
            critic=columns.names[other],
            shared=size,
            r=float(r[at]),
            lower_bound=float(lower[at]),
            mean_abs_diff=float(half_up(float(sum_diff[other]) / size, 1)),
            calls_shared=calls,
            calls_agree=int(half_up(100 * int(calls_agree[other]) / calls, 0)) if calls >= MIN_CALLS else None,
        ))
    found.sort(key=lambda m: (-m.lower_bound, -m.shared, fold(m.critic), m.critic))
    return MatchResult(name, tuple(found))


def _why_no_match(name: str, own_score: np.ndarray, shared: np.ndarray, min_shared: int) -> str:
    scored = int((own_score == own_score).sum())  # NaN is not equal to itself: the films scored
    if scored < min_shared:
        return f"{name} has scored {scored} film{'' if scored == 1 else 's'}: a match needs {min_shared} films scored by both"
    most = int(shared.max()) if len(shared) else 0
    if most < min_shared:
        return f"no other critic scored {min_shared} of the films {name} scored (the most shared is {most})"
    return f"every critic sharing {min_shared} scored films with {name} gives the same score to all of them, or {name} does"


# -- recommendations --------------------------------------------------------------------------


def recommend(
    columns: TasteColumns, code: int, matches: MatchResult, film: Callable[[int], Film]
) -> RecommendationResult:
    """Films critic code has not reviewed, scored by at least MIN_CONTRIBUTORS of their matches
    with lower_bound > 0, best first (docs/taste.md). matches: all of code's matches (MIN_SHARED)."""
    import numpy as np

    name = columns.names[code]
    agreeing = [m for m in matches.matches if m.lower_bound > 0]
    if not agreeing:
        why = matches.reason or f"no critic agrees with {name} (none has a lower bound above 0)"
        return RecommendationResult(name, (), why)
    weight = np.zeros(len(columns.names))
    for m in agreeing:
        weight[columns.code_of[fold(m.critic)]] = m.lower_bound
    _, _, reviewed = _own_columns(columns, code)
    w_all = weight[columns.critic]
    use = (w_all > 0) & ~np.isnan(columns.score) & ~reviewed[columns.film]
    where = columns.film[use]
    w = w_all[use]
    span = columns.film_span
    contributors = np.bincount(where, minlength=span)
    weighted = np.bincount(where, w * columns.score[use], minlength=span)
    weights = np.bincount(where, w, minlength=span)
    films = np.flatnonzero(contributors >= MIN_CONTRIBUTORS)
    if not len(films):
        return RecommendationResult(
            name, (),
            f"no film {name} has not reviewed was scored by {MIN_CONTRIBUTORS} or more of the "
            f"{len(agreeing)} critic{'' if len(agreeing) == 1 else 's'} who agree with {name}",
        )
    found = []
    for film_id in films.tolist():
        exact = float(weighted[film_id] / weights[film_id])
        found.append(Recommendation(film(film_id), int(half_up(exact, 0)), int(contributors[film_id]), exact))
    found.sort(key=lambda r: (-r.predicted, -r.contributors, fold(r.film.title), r.film.title, r.film.year or 0, r.film.id))
    return RecommendationResult(name, tuple(found))
