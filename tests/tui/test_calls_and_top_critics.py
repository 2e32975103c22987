"""The critics' own calls and top critics in the browser (issue: real data in): a call's mark
beside the score, a review without text, the gauge's second bar with the Tomatometer, `t` for
top critics only, and the form's call field. Driven with Pilot on the fixed store, with calls
added by each test."""

from __future__ import annotations

from store.domain import ReviewDraft, Sentiment
from tests.fixed_store import screen_text, type_text


def add_calls(store, title: str) -> int:
    """Six reviews with calls (four fresh, one mixed, one rotten), two by top critics, one without text."""
    film = store.find_films(title)[0].id
    for number, (call, top, text) in enumerate((
        ("positive", True, "Fresh and top."),
        ("positive", False, "Fresh."),
        ("positive", False, ""),
        ("positive", True, "Fresh again."),
        ("mixed", False, "Half and half."),
        ("negative", False, "Rotten."),
    )):
        store.add_review(film, ReviewDraft(text, f"Caller {number}", "Call Weekly", "2024-01-0" + str(number + 1),
                                           sentiment=call, top_critic=top))
    return film


async def test_a_reviews_call_shows_beside_its_score_and_no_text_reads_so(app, store):
    add_calls(store, "Bellwether Junction")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "enter")  # Bellwether Junction's reviews
        lines = screen_text(app).splitlines()
        row = next(line for line in lines if "Caller 5" in line)
        assert "–−" in row  # unscored, rotten: the mark reads without colour
        assert "(no text)" in next(line for line in lines if "Caller 2" in line)
        caller = next(review for review in app.browser.reviews.rows if review.critic == "Caller 2")
        app.browser.reviews.move_to_key(caller.id)
        await pilot.pause()
        detail = str(app.browser.reviews_pane.detail.render())
        assert "call positive" in detail and "(no text)" in detail


async def test_the_gauge_adds_the_calls_bar_and_the_tomatometer(app, store):
    add_calls(store, "Bellwether Junction")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        summary = app.browser.gauge.summary
        assert summary.tomatometer == 67  # 4 of 6 calls are positive: 66.7 rounds half up
        text = screen_text(app)
        assert "Tomatometer 67%" in text
        assert "+4 fresh ~1 mixed −1 rotten ░4 no call" in text
        await pilot.press("k")  # a film without calls: no second bar
        assert "Tomatometer" not in screen_text(app)


async def test_t_lists_and_sums_up_top_critics_alone_and_the_status_says_so(app, store):
    film = add_calls(store, "Bellwether Junction")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        assert [row.film.id for row in app.browser.films.rows] == [film]  # only it has top critics
        assert app.browser.gauge.summary.reviews == 2 and app.browser.gauge.summary.top_critics.reviews == 2
        assert {review.top_critic for review in app.browser.reviews.rows} == {True}
        text = screen_text(app)
        assert "top critics only" in text and "Bellwether Junction (1955) · top critics" in text
        await pilot.press("t")
        assert len(app.browser.films.rows) == 6 and app.browser.gauge.summary.reviews == 10
        assert "All critics again." in screen_text(app)


async def test_the_critic_profile_follows_top_critics_only(app, store):
    add_calls(store, "Bellwether Junction")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await type_text(pilot, "caller 0")
        await pilot.press("enter", "t")
        await pilot.pause(0.3)
        profile = app.repository.critic_profile("caller 0", top_only=True)
        assert profile.reviews == 1
        assert app.repository.critic_profile("caller 1", top_only=True).reviews == 0


async def test_the_form_takes_a_call_and_editing_keeps_what_it_does_not_show(app, store):
    film = add_calls(store, "Bellwether Junction")
    top = next(review for review in store.reviews(film) if review.critic == "Caller 0")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "a")
        await type_text(pilot, "Form Caller")
        await pilot.press("shift+tab")  # the call, last
        await type_text(pilot, "rotten")
        await pilot.press("ctrl+s")  # no excerpt, no grade: a call is enough
        added = next(review for review in store.reviews(film) if review.critic == "Form Caller")
        assert added.sentiment is Sentiment.NEGATIVE and added.excerpt == ""
        await pilot.press("a")
        await type_text(pilot, "Bad Call")
        await pilot.press("shift+tab")
        await type_text(pilot, "great")
        await pilot.press("ctrl+s")
        assert "is not a call" in screen_text(app) and app.browser.reviews_pane.editing
        await pilot.press("escape", "y")
        app.browser.reviews.move_to_key(top.id)
        await pilot.press("e")
        form = app.browser.reviews_pane.form
        assert form.input("sentiment").value == "positive"
        await type_text(pilot, " Edited")
        await pilot.press("ctrl+s")
        edited = store.review(top.id)
        assert edited.critic == "Caller 0 Edited" and edited.top_critic and edited.sentiment is Sentiment.POSITIVE
