"""Taste match (docs/taste.md) against a small store whose numbers are worked out here, independently
of store/taste.py: statistics.correlation, math.atanh and exact fractions."""

from __future__ import annotations

import math
import statistics
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.domain import ReviewDraft
from store.errors import StoreError
from store.repository import Repository

A = "Ana Ref"
FILMS = [f"Film {n}" for n in range(1, 11)]  # Film 1 .. Film 10
A_SCORES = [90, 80, 70, 60, 50, 40]  # Film 1 .. Film 6


def _half_up(value, places: int) -> float:
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def expected(a: list[float], b: list[float]) -> dict:
    """The issue's numbers for two score lists of the same films, computed from the definitions."""
    r = statistics.correlation(a, b)
    clamped = max(-0.999, min(0.999, r))
    lower = math.tanh(math.atanh(clamped) - 1.2816 / math.sqrt(len(a) - 3))
    return {"shared": len(a), "r": r, "lower_bound": lower}


def _mad(a, b) -> float:
    """The mean absolute difference, exactly, to one decimal half up."""
    diff = sum(abs(Fraction(x) - Fraction(y)) for x, y in zip(a, b)) / len(a)
    tenths = diff * 10
    return float(Fraction(math.floor(tenths + Fraction(1, 2)), 10))


def _add(repo: Repository, films: dict[str, int], critic: str, title: str, grade: str | None, *,
         call: str | None = None, when: str | None = "2020-01-01") -> None:
    repo.add_review(films[title], ReviewDraft("Words.", critic, "Weekly", when, grade, sentiment=call))


# Other critics' scores of Film 1 .. Film 6 (None: not reviewed).
B_SCORES = [88, 82, 66, 64, 45, 41]
OPPOSITE = [40, 50, 60, 70, 80, 90]
E_SCORES = [90, 70, 75, 55, 60, 30]  # Film 1 reviewed twice: 80 and 100, mean 90


@pytest.fixture
def store(tmp_path):
    with Repository.open(tmp_path / "taste.json") as repo:
        films = {title: repo.add_film(title, 2000 + n).id for n, title in enumerate(FILMS, 1)}
        for title, score in zip(FILMS, A_SCORES):
            _add(repo, films, A, title, str(score))
        _add(repo, films, A, "Film 7", None, call="positive")  # a call without a score
        for name in ("Bo Twin", "Cy Twin"):  # the same scores: a tie broken by name
            for title, score in zip(FILMS, B_SCORES):
                _add(repo, films, name, title, str(score))
        for title in FILMS[:6]:
            _add(repo, films, "Di Flat", title, "70")  # no variance: never listed
        for title, score in zip(FILMS, OPPOSITE):
            _add(repo, films, "Gu Opposite", title, str(score))
        _add(repo, films, "Ed Twice", "Film 1", "80", when="2019-01-01")
        _add(repo, films, "Ed Twice", "Film 1", "100", when="2019-06-01")
        for title, score in zip(FILMS[1:6], E_SCORES[1:]):
            _add(repo, films, "Ed Twice", title, str(score))
        for title, score in zip(FILMS[:4], (90, 80, 75, 60)):  # four shared: listed only at min_shared 4
            _add(repo, films, "Fa Few", title, str(score))
        # Film 8: three agreeing critics and one disagreeing (not a contributor); Film 9: two only.
        for name, score in (("Bo Twin", 90), ("Cy Twin", 80), ("Ed Twice", 71), ("Gu Opposite", 10)):
            _add(repo, films, name, "Film 8", str(score))
        for name, score in (("Bo Twin", 99), ("Cy Twin", 99)):
            _add(repo, films, name, "Film 9", str(score))
        # Film 10: same critics and scores as Film 8: a tie broken by title (Film 10 < Film 8).
        for name, score in (("Bo Twin", 90), ("Cy Twin", 80), ("Ed Twice", 71)):
            _add(repo, films, name, "Film 10", str(score))
        yield repo, films


def test_matches_follow_the_definitions(store):
    repo, _ = store
    result = repo.match(A)
    assert result.critic == A and result.reason is None
    names = [m.critic for m in result.matches]
    # Di Flat (no variance) and Fa Few (4 shared) are not listed.
    assert set(names) == {"Bo Twin", "Cy Twin", "Ed Twice", "Gu Opposite"}
    by_name = {m.critic: m for m in result.matches}
    for name, scores in (("Bo Twin", B_SCORES), ("Ed Twice", E_SCORES), ("Gu Opposite", OPPOSITE)):
        want = expected(A_SCORES, scores)
        got = by_name[name]
        assert got.shared == 6
        assert got.r == pytest.approx(want["r"], abs=1e-12)
        assert got.lower_bound == pytest.approx(want["lower_bound"], abs=1e-12)
        assert got.mean_abs_diff == _mad(A_SCORES, scores)
        assert got.as_dict()["r"] == _half_up(want["r"], 3)
        assert got.as_dict()["lower_bound"] == _half_up(want["lower_bound"], 3)
    # Ordered by lower bound, then shared, then name: the twins tie and are listed by name.
    lowers = [m.lower_bound for m in result.matches]
    assert lowers == sorted(lowers, reverse=True)
    assert names.index("Bo Twin") + 1 == names.index("Cy Twin")
    assert names[-1] == "Gu Opposite"


def test_a_critic_reviewing_a_film_twice_counts_the_mean(store):
    repo, _ = store
    got = {m.critic: m for m in repo.match(A).matches}["Ed Twice"]
    # Film 1's 80 and 100 are one score of 90 (E_SCORES[0]), not two scores.
    assert got.shared == 6
    assert got.r == pytest.approx(statistics.correlation(A_SCORES, E_SCORES), abs=1e-12)


def test_the_shared_minimum_lists_fewer_or_more(store):
    repo, _ = store
    assert "Fa Few" in [m.critic for m in repo.match(A, min_shared=4).matches]
    few = {m.critic: m for m in repo.match(A, min_shared=4).matches}["Fa Few"]
    want = expected(A_SCORES[:4], [90, 80, 75, 60])
    assert few.shared == 4 and few.lower_bound == pytest.approx(want["lower_bound"], abs=1e-12)
    assert repo.match(A, min_shared=7).matches == ()
    assert repo.match(A, min_shared=7).reason == "Ana Ref has scored 6 films: a match needs 7 films scored by both"
    with pytest.raises(ValueError):
        repo.match(A, min_shared=3)


def test_limit_cuts_the_list_only(store):
    repo, _ = store
    assert [m.critic for m in repo.match(A, limit=2).matches] == [m.critic for m in repo.match(A).matches][:2]


def test_calls_count_without_scores_and_agree_is_null_under_five(tmp_path):
    with Repository.open(tmp_path / "calls.json") as repo:
        films = {f"F{n}": repo.add_film(f"F{n}", 2000 + n).id for n in range(1, 9)}
        a_scores = [90, 80, 70, 60, 50]
        b_scores = [85, 75, 72, 50, 40]
        calls_a = ["positive", "positive", "positive", "mixed", "negative", "positive", "negative"]
        calls_b = ["positive", "negative", "positive", "mixed", "negative", "positive", "positive"]
        for n in range(1, 8):
            grade_a = str(a_scores[n - 1]) if n <= 5 else None  # F6, F7: calls without scores
            grade_b = str(b_scores[n - 1]) if n <= 5 else None
            _add(repo, films, "Al", f"F{n}", grade_a, call=calls_a[n - 1])
            _add(repo, films, "Bea", f"F{n}", grade_b, call=calls_b[n - 1])
        # Bea's later review of F7 changes her call on it; an undated earlier call does not count.
        _add(repo, films, "Bea", "F7", None, call="negative", when="2021-01-01")
        _add(repo, films, "Bea", "F7", None, call="positive", when=None)
        # Cy: enough scores, but only four calls shared with Al.
        for n, score in zip(range(1, 6), (60, 70, 80, 90, 95)):
            _add(repo, films, "Cy", f"F{n}", str(score), call="positive" if n < 5 else None)
        got = {m.critic: m for m in repo.match("Al").matches}
        bea = got["Bea"]
        assert bea.shared == 5  # F6 and F7 have calls only
        assert bea.calls_shared == 7
        calls_b[6] = "negative"  # the latest dated call on F7
        agree = sum(x == y for x, y in zip(calls_a, calls_b))
        assert bea.calls_agree == math.floor(Fraction(100 * agree, 7) + Fraction(1, 2))
        assert got["Cy"].calls_shared == 4 and got["Cy"].calls_agree is None


def test_recommendations_weight_agreeing_critics_only(store):
    repo, films = store
    result = repo.recommend(A)
    by_title = {r.film.title: r for r in result.recommendations}
    assert set(by_title) == {"Film 8", "Film 10"}  # Film 9: two contributors; Film 1-7: reviewed by A
    lows = {m.critic: m.lower_bound for m in repo.match(A, limit=None).matches}
    agreeing = {name: low for name, low in lows.items() if low > 0}
    assert "Gu Opposite" not in agreeing and {"Bo Twin", "Cy Twin", "Ed Twice"} <= set(agreeing)
    scores = {"Bo Twin": 90, "Cy Twin": 80, "Ed Twice": 71}
    exact = sum(agreeing[n] * s for n, s in scores.items()) / sum(agreeing[n] for n in scores)
    eight = by_title["Film 8"]
    assert eight.contributors == 3
    assert eight.predicted == math.floor(exact + 0.5)
    assert eight.as_dict() == {"title": "Film 8", "year": 2008, "key": None, "predicted": eight.predicted, "contributors": 3}
    # Same prediction and contributors: by title.
    assert [r.film.title for r in result.recommendations] == ["Film 10", "Film 8"]


def test_recommendation_limit_is_applied_after_all_matches_contribute(store):
    repo, _ = store
    assert [r.film.title for r in repo.recommend(A, limit=1).recommendations] == ["Film 10"]
    # The contributors come from every match, not only those a --limit would show.
    assert repo.recommend(A, limit=1).recommendations[0].contributors == 3


def test_a_critic_is_their_folded_name_shown_as_most_reviews_spell_it(tmp_path):
    with Repository.open(tmp_path / "names.json") as repo:
        films = [repo.add_film(f"F{n}", 2000 + n).id for n in range(1, 7)]
        for n, film in enumerate(films):
            repo.add_review(film, ReviewDraft("x", "Zoë Brandt" if n < 4 else "ZOE BRANDT", None, None, str(50 + n * 5)))
            repo.add_review(film, ReviewDraft("x", "Other", None, None, str(40 + n * 6)))
        assert repo.taste_critic("zoe brandt") == "Zoë Brandt"
        result = repo.match("ZOE brandt")
        assert result.critic == "Zoë Brandt"
        assert [m.shared for m in result.matches] == [6]


def test_an_unknown_critic_names_close_ones(store):
    repo, _ = store
    with pytest.raises(StoreError, match="no critic named 'Bo Twinn'; did you mean: Bo Twin"):
        repo.match("Bo Twinn")


def test_too_little_overlap_is_an_empty_list_with_a_reason(store):
    repo, _ = store
    result = repo.match("Fa Few")
    assert result.matches == () and "Fa Few has scored 4 films" in result.reason
    recs = repo.recommend("Fa Few")
    assert recs.recommendations == () and recs.reason == result.reason


def test_columns_are_built_once_and_again_after_a_change(store):
    repo, films = store
    first = repo.taste_columns()
    assert repo.taste_columns() is first
    before = {m.critic: m.shared for m in repo.match(A).matches}["Bo Twin"]
    _add(repo, films, A, "Film 9", "95")
    assert repo.taste_columns() is not first
    assert {m.critic: m.shared for m in repo.match(A).matches}["Bo Twin"] == before + 1


def test_generated_critics_have_a_taste(tmp_path):
    """critics generate gives each critic a bias and a noise around each film's hidden quality, so
    the bench's taste match measures real matches, not an empty result."""
    from store.generator import generate, generate_tables

    assert generate_tables(60, 1200, seed=4) == generate_tables(60, 1200, seed=4)  # deterministic
    generate(tmp_path / "generated.json", 300, 6000, seed=3)
    with Repository.open(tmp_path / "generated.json") as repo:
        critic = repo.prolific_critics(1)[0][0]
        matches = repo.match(critic, limit=None).matches
        assert len(matches) >= 10
        assert sum(m.lower_bound > 0 for m in matches) >= len(matches) * 0.8  # scores follow the quality
        assert repo.recommend(critic).recommendations


def _naive_matches(reviews: list[tuple[str, int, int | None]], critic: str, min_shared: int) -> dict:
    """The definitions read literally, one critic at a time, in plain Python (no numpy)."""
    scores: dict[str, dict[int, list[int]]] = {}
    for name, film, score in reviews:
        if score is not None:
            scores.setdefault(name, {}).setdefault(film, []).append(score)
    mean = {name: {film: Fraction(sum(s), len(s)) for film, s in films.items()} for name, films in scores.items()}
    mine = mean.get(critic, {})
    found = {}
    for other, theirs in mean.items():
        if other == critic:
            continue
        films = sorted(set(mine) & set(theirs))
        a = [float(mine[f]) for f in films]
        b = [float(theirs[f]) for f in films]
        if len(films) < min_shared or len(set(a)) < 2 or len(set(b)) < 2:
            continue
        r = statistics.correlation(a, b)
        lower = math.tanh(math.atanh(max(-0.999, min(0.999, r))) - 1.2816 / math.sqrt(len(films) - 3))
        diff = sum(abs(mine[f] - theirs[f]) for f in films) / len(films)
        found[other] = (len(films), r, lower, float(Fraction(math.floor(diff * 10 + Fraction(1, 2)), 10)))
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(
    st.tuples(st.sampled_from(["Al", "Bea", "Cy", "Dee", "Eve"]), st.integers(1, 9), st.one_of(st.none(), st.integers(0, 100))),
    min_size=10, max_size=90,
))
def test_matches_agree_with_the_definitions_read_literally(tmp_path_factory, reviews):
    with Repository.open(tmp_path_factory.mktemp("naive") / "naive.json") as repo:
        films = {n: repo.add_film(f"F{n}", 2000 + n).id for n in range(1, 10)}
        for name, film, score in reviews:
            repo.add_review(films[film], ReviewDraft("x", name, None, None, None if score is None else str(score)))
        named = sorted({name for name, _, _ in reviews})
        for critic in named:
            want = _naive_matches([(n, films[f], s) for n, f, s in reviews], critic, 4)
            got = {m.critic: m for m in repo.match(critic, min_shared=4, limit=None).matches}
            assert set(got) == set(want)
            for other, (shared, r, lower, diff) in want.items():
                assert got[other].shared == shared
                assert got[other].r == pytest.approx(r, abs=1e-9)
                assert got[other].lower_bound == pytest.approx(lower, abs=1e-9)
                assert got[other].mean_abs_diff == diff


def test_columns_from_the_critics_postings_equal_columns_from_every_review(tmp_path):
    """The taste match reads the digest's postings, not the reviews: both must give the same pairs,
    including a critic's several reviews of one film (mean, latest call by date) and a critic under
    two spellings of their name in one film."""
    import numpy as np

    from store.taste import build_columns, columns_from_postings

    with Repository.open(tmp_path / "both.json") as repo:
        films = {title: repo.add_film(title, 2000 + n).id for n, title in enumerate(FILMS, 1)}
        for n, title in enumerate(FILMS):
            _add(repo, films, "Zoë Brandt", title, str(40 + n * 5), call=("positive", "negative", None)[n % 3])
            _add(repo, films, "Bo", title, None if n % 4 == 0 else str(90 - n * 3), call="mixed" if n % 2 else None)
        _add(repo, films, "ZOE BRANDT", "Film 2", "95", call="positive", when="2021-05-01")  # a second spelling, later
        _add(repo, films, "Bo", "Film 3", "20", call="negative", when="2019-01-01")  # twice, one call stated
        _add(repo, films, "Bo", "Film 4", "30", call="positive", when="2019-01-01")  # two calls: the dates decide
        repo.compact()
    with Repository.open(tmp_path / "both.json") as repo:
        index = repo._index
        from_reviews = build_columns(index.film_tables())
        from_postings = columns_from_postings(index.critic_postings(), index.peek_table)
        assert [name for name in index.critic_counts if index.digest.critic_films(name)]  # postings were read
        for columns in (from_reviews, from_postings):
            assert columns.names[columns.code_of["zoe brandt"]] == "Zoë Brandt"

        def rows(columns):
            order = sorted(range(len(columns.critic)), key=lambda i: (columns.folds[columns.critic[i]], columns.film[i]))
            return [
                (columns.folds[columns.critic[i]], int(columns.film[i]),
                 None if np.isnan(columns.score[i]) else float(columns.score[i]), int(columns.call[i]))
                for i in order
            ]

        assert rows(from_postings) == rows(from_reviews)
        assert sorted(from_postings.names) == sorted(from_reviews.names)
