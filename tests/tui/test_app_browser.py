"""The browser driven from the keyboard with Pilot: every flow a person uses, on a small fixed store."""

from __future__ import annotations

import json

from textual.widgets import Input

from store.repository import Repository
from store.views import FilmSort, ReviewSort
from tui.app import CriticsApp, make_app
from tui.messages import CriticFilterChanged, FilmChosen
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.settings import settings_path_for
from tests.fixed_store import (
    FIXED_TODAY,
    HOSTILE_CRITIC,
    HOSTILE_TITLE,
    STAFF,
    browser,
    profile_settled,
    screen_text,
    shows,
    type_text,
)


def titles(app: CriticsApp) -> list[str]:
    return [row.film.title for row in app.browser.films.rows]


def review_critics(app: CriticsApp) -> list[str | None]:
    return [row.critic for row in app.browser.reviews.rows]


def selected_title(app: CriticsApp) -> str:
    screen = app.browser
    return app.repository.film(screen.selected_film).title


# -- first frame and navigation ---------------------------------------------------------------


async def test_first_frame_lists_films_by_title_and_shows_the_first_films_reviews(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert titles(app)[:3] == [HOSTILE_TITLE, "Bellwether Junction", "Dead Reckoning Mall"]
        assert selected_title(app) == HOSTILE_TITLE
        assert app.focused is app.browser.films
        text = screen_text(app)
        assert "Films · by title" in text
        assert "6 films · 21 reviews" in text


async def test_j_k_g_and_G_move_the_film_cursor_and_the_reviews_follow(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        assert selected_title(app) == "Bellwether Junction"
        assert review_critics(app)[0] == "Anita Gates"
        await pilot.press("down", "down")
        assert selected_title(app) == "Pusher"
        await pilot.press("k")
        assert selected_title(app) == "Dead Reckoning Mall"
        await pilot.press("G")
        assert selected_title(app) == "The Beekeeper's Almanac"
        await pilot.press("g")
        assert selected_title(app) == HOSTILE_TITLE
        await pilot.press("pagedown")
        assert app.browser.films.cursor == len(titles(app)) - 1
        await pilot.press("pageup")
        assert app.browser.films.cursor == 0


async def test_tab_moves_between_panes_and_enter_chooses_a_film(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.browser
        await pilot.press("tab")
        assert app.focused is screen.query_one("#summary-pane")
        await pilot.press("tab")
        assert app.focused is screen.reviews
        await pilot.press("tab")
        assert app.focused is screen.films
        await pilot.press("shift+tab")
        assert app.focused is screen.reviews
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is screen.films
        await pilot.press("j", "j", "j", "enter")
        assert selected_title(app) == "Pusher"
        assert app.focused is screen.reviews
        await pilot.press("j")
        assert screen.reviews.current.critic is None  # the uncredited, scored review
        assert "uncredited" in screen_text(app)


async def test_the_highlighted_reviews_full_excerpt_is_shown_below_the_list(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j", "enter")
        assert "Noel Murray · The A.V. Club · 2013-07-15 · unscored" in screen_text(app)
        shown = str(app.browser.reviews_pane.detail.render())
        assert "a long, sweaty look at a man with no exits left." in shown


async def test_s_cycles_the_film_sort(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert app.browser.film_sort is FilmSort.METASCORE
        assert titles(app)[:3] == ["Salt Lines", "Bellwether Junction", "Dead Reckoning Mall"]
        assert "Films · by Metascore" in screen_text(app)
        await pilot.press("s")
        assert app.browser.film_sort is FilmSort.YEAR
        assert titles(app)[0] == "The Beekeeper's Almanac"
        await pilot.press("s")
        assert app.browser.film_sort is FilmSort.REVIEWS
        assert titles(app)[:2] == ["Pusher", "Salt Lines"]
        await pilot.press("s")
        assert app.browser.film_sort is FilmSort.TITLE


async def test_s_in_the_reviews_pane_cycles_the_review_sort(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j", "j", "enter")  # Salt Lines
        assert selected_title(app) == "Salt Lines"
        await pilot.press("s")
        assert app.browser.review_sort is ReviewSort.SCORE
        assert [row.score for row in app.browser.reviews.rows] == [100, 100, 90, 90, 83]
        assert app.browser.film_sort is FilmSort.TITLE  # the films pane kept its sort
        await pilot.press("s")
        assert app.browser.review_sort is ReviewSort.CRITIC
        assert review_critics(app)[0] == "Anita Gates"
        await pilot.press("s", "s")
        assert app.browser.review_sort is ReviewSort.DATE
        assert app.browser.reviews.rows[0].date == "2018-05-15"


# -- title search and critic filter ----------------------------------------------------------


async def test_slash_searches_films_by_title_and_escape_clears(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "salt")
        assert titles(app) == ["Salt Lines"]
        assert selected_title(app) == "Salt Lines"
        await pilot.press("enter")
        assert app.focused is app.browser.films
        assert 'title “salt”' in screen_text(app)
        await pilot.press("slash", "escape")
        assert len(titles(app)) == 6
        assert selected_title(app) == "Salt Lines"


async def test_letters_typed_in_a_list_are_keys_not_search_text(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "a")  # sort, then add: nothing is searched
        assert app.browser.title_query == ""
        assert app.browser.film_sort is FilmSort.METASCORE
        assert app.browser.reviews_pane.editing


async def test_critic_filter_shows_only_that_critics_films_reviews_and_profile(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await type_text(pilot, "murr")
        screen = app.browser
        await profile_settled(pilot)  # the profile follows once typing pauses
        assert titles(app) == ["Dead Reckoning Mall", "Pusher", "Salt Lines", "The Beekeeper's Almanac"]
        assert set(review_critics(app)) == {"Noel Murray"}
        assert screen.profile.display and not screen.gauge.display
        text = screen_text(app)
        assert "Noel Murray" in text and "4 reviews" in text
        assert "Against each film's Metascore" in text
        await pilot.press("enter")
        assert app.focused is screen.films
        assert screen.critic_query == "murr"
        await pilot.press("j")
        assert set(review_critics(app)) == {"Noel Murray"}


async def test_critic_filter_is_accent_insensitive_and_live_per_keystroke(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "z")
        assert "Salt Lines" in titles(app)
        await type_text(pilot, "oe b")
        assert titles(app) == ["Bellwether Junction", "Dead Reckoning Mall", "Salt Lines"]
        await type_text(pilot, "qq")
        assert titles(app) == []
        await profile_settled(pilot)
        assert "No critic matches" in screen_text(app)


async def test_critic_completion_is_accepted_with_the_right_arrow(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await type_text(pilot, "den")
        await pilot.pause()
        await pilot.press("right")
        assert app.browser.critic_bar.value == "Dennis Lim"
        assert app.browser.critic_query == "Dennis Lim"


async def test_escape_clears_the_critic_filter_and_keeps_the_selected_film(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await type_text(pilot, "murray")
        await pilot.press("enter", "j")
        assert selected_title(app) == "Pusher"
        await pilot.press("c", "escape")
        screen = app.browser
        assert screen.critic_query == ""
        assert len(titles(app)) == 6
        assert selected_title(app) == "Pusher"
        assert screen.films.current.film.title == "Pusher"
        assert len(review_critics(app)) == 5
        assert screen.gauge.display and not screen.profile.display


async def test_escape_in_the_lists_clears_a_kept_filter_and_keeps_the_selected_film(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await type_text(pilot, "murray")
        await pilot.press("enter", "j")
        assert selected_title(app) == "Pusher" and app.focused is app.browser.films
        assert "esc Clear" in screen_text(app).splitlines()[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert app.browser.critic_query == ""
        assert len(titles(app)) == 6 and selected_title(app) == "Pusher"
        assert "esc Clear" not in screen_text(app).splitlines()[-1]


# -- adding, editing, deleting, undoing ------------------------------------------------------


async def fill_form(pilot, *, critic="", publication="", date=None, grade="", excerpt=""):
    """Type into the open form field by field (tab moves on); date None keeps the prefilled one."""
    form = pilot.app.browser.reviews_pane.form
    for name, value in (("critic", critic), ("publication", publication), ("date", date),
                        ("grade", grade), ("excerpt", excerpt)):
        assert form.input(name).has_focus, f"{name} should have focus"
        if value is not None:
            form.input(name).value = ""
            await type_text(pilot, value)
        if name != "excerpt":
            await pilot.press("tab")


async def test_add_a_valid_review_inline_saves_it_highlighted_and_updates_gauge_and_badge(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "j")  # Pusher: 1 scored review, "tbd"
        assert store.summary(app.browser.selected_film).metascore is None
        await pilot.press("a")
        screen = app.browser
        form = screen.reviews_pane.form
        assert screen.reviews_pane.editing
        assert form.input("date").value == FIXED_TODAY.isoformat()
        await fill_form(pilot, critic="Ann Hornaday", publication="The Post", grade="3/4",
                        excerpt="Grim, funny and [tight].")
        await pilot.press("ctrl+s")
        assert not screen.reviews_pane.editing
        added = screen.reviews.current
        assert added.critic == "Ann Hornaday" and added.score == 75 and added.excerpt == "Grim, funny and [tight]."
        assert app.focused is screen.reviews
        # Durable before it appears: a second repository on the same file sees it.
        other = Repository.open(store.path)
        try:
            assert any(r.critic == "Ann Hornaday" for r in other.reviews(added.film_id))
        finally:
            other.close()
        assert screen.gauge.summary.scored == 2
        film_row = screen.films.current
        assert film_row.film.title == "Pusher" and film_row.reviews == 6
        assert "Grim, funny and [tight]." in screen_text(app)


async def test_enter_in_the_excerpt_starts_a_line_ctrl_s_saves_and_tab_moves_between_fields(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        form = app.browser.reviews_pane.form
        await pilot.press("tab", "tab", "tab", "tab")
        assert form.input("excerpt").has_focus
        await pilot.press("tab")
        assert form.input("sentiment").has_focus  # the call, last
        await pilot.press("tab")
        assert form.input("critic").has_focus
        await pilot.press("shift+tab", "shift+tab")
        assert form.input("excerpt").has_focus
        await type_text(pilot, "Short and sharp.")
        await pilot.press("enter")  # the excerpt is multi-line: enter starts a line, ctrl+s saves
        await type_text(pilot, "Really.")
        assert app.browser.reviews_pane.editing
        await pilot.press("ctrl+s")
        assert not app.browser.reviews_pane.editing
        assert app.browser.reviews.current.excerpt == "Short and sharp.\nReally."
        assert app.browser.reviews.current.critic is None


async def test_an_invalid_review_marks_each_field_with_its_reason_and_saves_nothing(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        before = store.review_count
        await pilot.press("a")
        await fill_form(pilot, critic="Someone", date="2024-13-45", grade="great", excerpt="")
        await pilot.press("ctrl+s")
        screen = app.browser
        form = screen.reviews_pane.form
        assert screen.reviews_pane.editing
        assert store.review_count == before
        for field in ("date", "grade", "excerpt"):
            assert form.input(field).has_class("-error"), field
        assert not form.input("critic").has_class("-error")
        assert "is not a date" in screen_text(app)
        assert "an excerpt is required" in str(form.note("excerpt").render())
        assert "cannot read grade 'great'" in str(form.note("grade").render())
        assert form.input("date").has_focus  # the first invalid field
        # Fixing the fields and saving again works.
        form.input("date").value = "2024-04-30"
        form.input("grade").value = "B"
        form.input("excerpt").value = "Fixed."
        await pilot.press("ctrl+s")
        assert not screen.reviews_pane.editing
        assert store.review_count == before + 1


async def test_escape_cancels_the_form_and_saves_nothing(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        before = store.review_count
        await pilot.press("a", "escape")  # nothing typed: closed at once
        assert not app.browser.reviews_pane.editing
        await pilot.press("a")
        await type_text(pilot, "Half typed")
        await pilot.press("escape")  # something typed: it asks first
        assert isinstance(app.screen, ConfirmScreen) and "Discard the changes" in screen_text(app)
        await pilot.press("n")  # no: the form is as it was
        assert app.browser.reviews_pane.editing and app.browser.reviews_pane.form.input("critic").value == "Half typed"
        assert app.focused is app.browser.reviews_pane.form.input("critic")
        await pilot.press("escape", "y")
        assert not app.browser.reviews_pane.editing
        assert store.review_count == before
        assert app.focused is app.browser.reviews


async def test_the_grade_previews_its_score_and_class_as_it_is_typed(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "tab", "tab", "tab")
        form = app.browser.reviews_pane.form
        await type_text(pilot, "2.5/4")
        await pilot.pause()
        assert "= 63 · positive" in str(form.note("grade").render())
        form.input("grade").value = ""
        await type_text(pilot, "C")
        await pilot.pause()
        assert "= 50 · mixed" in str(form.note("grade").render())
        await type_text(pilot, "x")
        await pilot.pause()
        assert "not a grade yet" in str(form.note("grade").render())


async def test_critic_and_publication_complete_from_the_store(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await type_text(pilot, "anit")
        await pilot.pause()
        await pilot.press("right", "tab")
        await type_text(pilot, "the new")
        await pilot.pause()
        await pilot.press("right")
        form = app.browser.reviews_pane.form
        assert form.input("critic").value == "Anita Gates"
        assert form.input("publication").value == "The New York Times"


async def test_e_edits_the_highlighted_review_in_the_same_form(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "enter")  # Dead Reckoning Mall, first review: Zoë Brandt, D
        review = app.browser.reviews.current
        assert review.critic == "Zoë Brandt"
        await pilot.press("e")
        form = app.browser.reviews_pane.form
        assert form.input("critic").value == "Zoë Brandt"
        assert form.input("grade").value == "D"
        form.input("grade").value = "B+"
        await pilot.press("ctrl+s")
        edited = store.review(review.id)
        assert edited.grade == "B+" and edited.score == 83
        assert app.browser.reviews.current.id == review.id
        assert app.browser.gauge.summary.distribution.positive == 1


async def test_editing_other_fields_keeps_a_multi_line_excerpt_whole(app, store):
    from store.domain import ReviewDraft

    first = store.reviews(store.find_films("Dead Reckoning Mall")[0].id)[0]
    store.edit_review(first.id, ReviewDraft("First paragraph.\nSecond paragraph.", first.critic, first.publication, first.date, first.grade))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "j", "enter", "e")
        form = app.browser.reviews_pane.form
        assert form.input("excerpt").value == "First paragraph.\nSecond paragraph."  # edited as it is
        form.input("grade").value = "B+"
        await pilot.press("ctrl+s")
        assert store.review(first.id).excerpt == "First paragraph.\nSecond paragraph."
        await pilot.press("e")
        form.input("excerpt").value = "Rewritten in one line."
        await pilot.press("ctrl+s")
        assert store.review(first.id).excerpt == "Rewritten in one line."


async def test_d_deletes_after_confirmation_and_u_brings_it_back_in_place(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "enter", "j")  # Bellwether Junction, second review
        review = app.browser.reviews.current
        before = [r.id for r in store.reviews(review.film_id)]
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert review.critic in screen_text(app)
        await pilot.press("y")
        assert not isinstance(app.screen, ConfirmScreen)
        assert review.id not in [r.id for r in store.reviews(review.film_id)]
        assert app.browser.films.current.reviews == 3
        await pilot.press("u")
        assert [r.id for r in store.reviews(review.film_id)] == before
        assert app.browser.reviews.current.id == review.id
        assert app.browser.films.current.reviews == 4


async def test_answering_no_keeps_the_review(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert store.review_count == 21


async def test_u_undoes_an_add_then_an_edit(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "a")
        await fill_form(pilot, critic="A. Critic", excerpt="Added.")
        await pilot.press("ctrl+s")
        added = app.browser.reviews.current
        await pilot.press("e")
        app.browser.reviews_pane.form.input("excerpt").value = "Edited."
        await pilot.press("ctrl+s")
        assert store.review(added.id).excerpt == "Edited."
        await pilot.press("u")
        assert store.review(added.id).excerpt == "Added."
        await pilot.press("u")
        assert added.id not in [r.id for r in store.reviews(added.film_id)]
        assert store.review_count == 21


# -- help, palette, quit, refresh, theme ------------------------------------------------------------


async def test_question_mark_shows_every_key_and_escape_closes(app):
    async with app.run_test(size=(80, 60)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key in ("tab / shift+tab", "ctrl+s", "ctrl+p"):
            assert key in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_q_typed_into_the_form_is_text_not_quit(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "q")
        assert app.is_running
        assert app.browser.reviews_pane.form.input("critic").value == "q"


async def test_palette_jump_to_film_posts_the_same_message_as_the_keys(app):
    seen = []
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "salt lines")
        assert await shows(pilot, "Film: Salt Lines (1962)")
        await pilot.press("enter")
        await pilot.pause()
        assert selected_title(app) == "Salt Lines"
        assert app.focused is app.browser.reviews
    chosen = [m for m in seen if isinstance(m, FilmChosen)]
    assert chosen and chosen[-1].film_id == app.repository.films(title="Salt Lines")[0].film.id


async def test_palette_filter_by_critic(app):
    seen = []
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "critic: dennis")
        assert await shows(pilot, "Critic: Dennis Lim")
        await pilot.press("enter")
        await pilot.pause()
        assert app.browser.critic_query == "Dennis Lim"
        assert set(review_critics(app)) == {"Dennis Lim"}
    assert any(isinstance(m, CriticFilterChanged) and m.query == "Dennis Lim" for m in seen)


async def test_palette_sets_a_publication_weight(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "weight: village")
        assert await shows(pilot, "Publication weight: The Village Voice")
        await pilot.press("enter")
        assert await shows(pilot, "Weight of The Village Voice")
        weight_input = app.screen.query_one("#weight-input", Input)
        weight_input.value = "3"
        await pilot.press("enter")
        await pilot.pause()
        assert {p.name: p.weight for p in store.publications()}["The Village Voice"] == 3.0


async def test_r_picks_up_a_review_another_process_added(app, store):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        film_id = app.browser.selected_film
        other = Repository.open(store.path)
        try:
            from store.domain import ReviewDraft

            other.add_review(film_id, ReviewDraft("From elsewhere.", critic="Other Process"))
        finally:
            other.close()
        await pilot.press("r")
        assert "Other Process" in review_critics(app)
        assert app.browser.films.current.reviews == 5


async def test_the_chosen_theme_is_remembered_beside_the_database(store):
    first = browser(store)
    async with first.run_test(size=(80, 24)) as pilot:
        first.theme = "nord"
        await pilot.pause()
    settings = json.loads(settings_path_for(store.path).read_text())
    assert settings["theme"] == "nord"
    second = browser(store)
    async with second.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert second.theme == "nord"


# -- hostile text, layout, opening -------------------------------------------------------------------


async def test_text_from_data_is_shown_literally_never_as_markup(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert HOSTILE_TITLE in text  # the first film, selected
        assert HOSTILE_CRITIC in text
        assert "[/foo] Monthly" in text
        assert "Brackets [/foo] must stay [bold]literal[/bold]." in text
        await pilot.press("tab", "tab", "j")
        text = screen_text(app)
        assert STAFF in text
        assert "line one line two" in text  # one-line row: the newline became a space
        await pilot.press("shift+tab", "shift+tab", "j", "j", "j", "enter", "j", "j")  # Pusher, Staff
        text = screen_text(app)
        assert STAFF in text and "[Refn] keeps" in text
        await pilot.press("c")
        await type_text(pilot, "[/")
        assert screen_text(app)  # still alive
        assert HOSTILE_CRITIC in screen_text(app)


async def test_the_page_summary_is_shown_beside_the_computed_one_with_the_disagreement(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "j")
        text = screen_text(app)
        assert "Page says" in text and "We compute" in text
        assert "Verdict   Generally favorable reviews  tbd" in text
        assert "Positive  9" in text
        flat = " ".join(text.replace("│", " ").split())
        assert "They disagree" in flat
        assert "the page counts 9 positive, the store 1" in flat


async def test_80x24_stacks_the_reviews_below_and_120x40_puts_the_panes_side_by_side(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.browser
        films, reviews = screen.query_one("#films-pane").region, screen.query_one("#reviews-pane").region
        assert reviews.y >= films.bottom
        assert reviews.width == 80
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        films, reviews = screen.query_one("#films-pane").region, screen.query_one("#reviews-pane").region
        assert reviews.x >= films.right
        assert films.height == reviews.bottom - films.y


async def test_the_footer_shows_the_keys_of_the_focused_pane(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "n New" in footer and "e Edit" in footer  # n and e act on films here
        assert "? Help" in footer  # at 80 columns, help is always in reach
        await pilot.press("tab", "tab")
        footer = screen_text(app).splitlines()[-1]
        assert "e Edit" in footer and "New" not in footer and "? Help" in footer
        await pilot.press("c", "m", "enter")  # a filter kept: escape clears it, and help still fits
        footer = screen_text(app).splitlines()[-1]
        assert "esc Clear" in footer and "? Help" in footer


async def test_help_leads_the_footer_so_it_fits_with_every_key_a_one_critic_filter_adds(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        critic = app.repository.prolific_critics(1)[0][0]
        await pilot.press("c")
        await type_text(pilot, critic)
        await pilot.press("enter")  # the films pane: n, e, m and esc are all shown
        await pilot.pause()
        assert app.focused is app.browser.films
        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith("? Help")
        assert "n New" in footer and "e Edit" in footer and "m Agree" in footer and "esc Clear" in footer


async def test_a_path_opens_in_a_worker_and_fills_the_panes(tmp_path):
    from tests.fixed_store import build_store

    build_store(tmp_path / "critics.json").close()
    app = make_app(path=tmp_path / "critics.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(titles(app)) == 6
        assert "critics.json" in screen_text(app)


async def test_a_database_that_cannot_open_ends_with_a_message_and_code_1(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{ this is not json", encoding="utf-8")
    app = make_app(path=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 1
    assert app.error and "\n" not in app.error
    assert broken.read_text(encoding="utf-8") == "{ this is not json"


async def test_the_palette_shows_markup_like_names_literally(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "bold")
        assert await shows(pilot, f"Film: {HOSTILE_TITLE} (2020)")
        assert await shows(pilot, f"Critic: {HOSTILE_CRITIC}")
        await type_text(pilot, "[/")
        await pilot.pause(0.3)
        assert app.is_running


async def test_the_browser_polls_the_database_for_other_writers(app, store, monkeypatch):
    import tui.screens.browser as browser_screen
    from store.domain import ReviewDraft

    monkeypatch.setattr(browser_screen, "REFRESH_SECONDS", 0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        film_id = app.browser.selected_film
        other = Repository.open(store.path)
        try:
            other.add_review(film_id, ReviewDraft("Written meanwhile.", critic="Poller"))
        finally:
            other.close()
        for _ in range(40):
            await pilot.pause(0.05)
            if "Poller" in review_critics(app):
                break
        assert "Poller" in review_critics(app)


async def test_a_filter_matching_very_many_critics_asks_for_more_letters(app, monkeypatch):
    import tui.screens.browser as browser_screen

    monkeypatch.setattr(browser_screen, "PROFILE_MAX_CRITICS", 2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "n")
        await profile_settled(pilot)
        shown = " ".join(app.browser.profile.render().plain.split())
        assert "critics match “n”: type more of a name to see a profile." in shown
        await type_text(pilot, "oel")
        await profile_settled(pilot)
        assert "Against each film's Metascore" in app.browser.profile.render().plain


async def test_a_completion_from_a_later_word_is_shown_beside_the_bar_and_right_accepts_it(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await type_text(pilot, "vik")
        await pilot.pause(0.2)
        bar = app.browser.critic_bar
        assert bar.input._suggestion == ""  # no ghost: 'vik' + 'ren Vik' would read as nonsense
        assert "→ Søren Vik" in screen_text(app)
        await pilot.press("right")
        await pilot.pause()
        assert bar.value == "Søren Vik"
        await pilot.press("ctrl+u")
        await type_text(pilot, "sor")
        await pilot.pause(0.2)
        assert bar.input._suggestion == "Søren Vik"  # the name continues what was typed: a ghost
        assert "→ Søren Vik" not in screen_text(app)


async def test_a_film_damaged_on_disk_is_named_and_the_browser_goes_on_with_the_others(tmp_path):
    from tests.fixed_store import build_store

    path = tmp_path / "critics.json"
    build_store(path).close()
    with Repository.open(path) as repository:
        repository.compact()  # every film's reviews in the snapshot, read when first asked for
        order = repository.films(FilmSort.TITLE).ids
        damaged, healthy = order[1], order[2]
    data = bytearray(path.read_bytes())
    start = data.index(b'["reviews/%d",' % damaged)
    at = data.index(b'"excerpt":"', start) + len(b'"excerpt":"')
    data[at] ^= 0x20  # a letter's case: still JSON, but not what was written
    path.write_bytes(bytes(data))
    repository = Repository.open(path)
    app = browser(repository)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("j")
            await pilot.pause()
            assert app.browser.selected_film == damaged and app.browser.reviews.rows == []
            assert str(app.browser.reviews_pane.border_subtitle) == "cannot be read: see critics check"
            title = repository.film(damaged).label
            assert str(app.browser.reviews_pane.border_title) == f"Reviews · {title}"  # not the film before
            assert any(f"film {damaged}" in str(n.message) for n in app._notifications)
            await pilot.press("j")
            await pilot.pause()
            assert app.browser.selected_film == healthy and app.browser.reviews.rows
    finally:
        repository.close()
