"""Top critics only (the browser's `t`): films, reviews, summaries, orders and profiles counted
from top critics' reviews alone (store/queries.py, store/indexes.py)."""

from __future__ import annotations

from store.domain import ReviewDraft
from store.views import FilmSort
from tests.fixed_store import build_store


def test_top_critics_alone_narrow_and_sum_up_films_and_follow_changes(tmp_path):
    store = build_store(tmp_path / "critics.json")
    try:
        salt = store.find_films("Salt Lines")[0].id
        mall = store.find_films("Dead Reckoning Mall")[0].id
        assert store.films(top_only=True).ids == []  # nobody is a top critic yet
        store.add_review(salt, ReviewDraft("Top.", "Top One", grade="40", top_critic=True))
        store.add_review(mall, ReviewDraft("Top.", "Top Two", grade="90", top_critic=True))
        assert set(store.films(top_only=True).ids) == {salt, mall}
        summary = store.summary(salt, top_only=True)
        assert (summary.reviews, summary.metascore) == (1, None)  # one scored review: tbd
        for number in range(3):
            store.add_review(mall, ReviewDraft("Top.", f"Top {number}", grade="90", top_critic=True))
        # Ordered by the top critics' own Metascore: the mall (90) before the salt flats (tbd),
        # though every critic together puts them the other way round.
        assert store.films(FilmSort.METASCORE, top_only=True).ids == [mall, salt]
        assert store.films(FilmSort.METASCORE).ids.index(salt) < store.films(FilmSort.METASCORE).ids.index(mall)
        assert store.films(FilmSort.METASCORE, top_only=True)[0].metascore == 90
        assert [r.critic for r in store.reviews(salt, top_only=True)] == ["Top One"]
        profile = store.critic_profile("Top Two", top_only=True)
        assert profile.reviews == 1 and profile.scored == 1
        assert store.critic_profile("Noel Murray", top_only=True).reviews == 0
    finally:
        store.close()


def test_a_typed_call_takes_the_words_and_signs_people_use():
    from datetime import date

    from store.domain import Sentiment
    from store.records import validate_draft

    for typed, call in (("Fresh", Sentiment.POSITIVE), ("rotten", Sentiment.NEGATIVE), ("~", Sentiment.MIXED),
                        ("+", Sentiment.POSITIVE), ("-", Sentiment.NEGATIVE), ("Mixed", Sentiment.MIXED)):
        record, errors = validate_draft(ReviewDraft("", sentiment=typed), date(2024, 5, 1))
        assert not errors and record["sentiment"] == call.value
    _, errors = validate_draft(ReviewDraft("", sentiment="great"), date(2024, 5, 1))
    assert "is not a call" in errors["sentiment"]
