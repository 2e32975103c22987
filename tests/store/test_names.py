"""Folding, completion and close-match suggestions of critic names and film titles (pure functions)."""

from __future__ import annotations

import asyncio

import pytest

from store.names import close_matches, complete, completions
from store.text import fold


# -- folding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Søren", "soren"), ("Æon", "aeon"), ("Œuvre", "oeuvre"), ("Weiß", "weiss"), ("Łódź", "lodz"),
        ("Đorđe", "dorde"), ("Þór", "thor"), ("Yılmaz", "yilmaz"), ("Zoë", "zoe"), ("Hélène", "helene"),
    ],
)
def test_letters_that_do_not_decompose_fold_too(text, folded):
    assert fold(text) == folded


def test_folding_ignores_case_and_is_stable():
    for text in ("Søren Vik", "ÆTHER", "Straße", "Ǆemal", "Ærø", "℃ Fahrenheit", "Müller’s", "ΣΊΣΥΦΟΣ", "Пётр"):
        assert fold(text) == fold(text.upper()) == fold(text.lower()) == fold(text.casefold()), text
        assert fold(fold(text)) == fold(text), text


def test_ascii_folds_to_lower_case_and_typography_to_ascii():
    assert fold("Pusher (1996)") == "pusher (1996)"
    assert fold("Müller’s Last Summer") == fold("Muller's last summer")  # typographic apostrophe
    assert fold("Ｐｕｓｈｅｒ") == "pusher"


def test_letters_of_other_scripts_stay_apart():
    # Transliterating them would merge different names (他/她 both read "ta"), so only Latin
    # letters are transliterated; other scripts are only case- and accent-folded.
    assert fold("他") != fold("她")
    assert fold("Пётр") == "петр"
    assert fold("Ἀθῆναι") == fold("αθηναι")


# -- completion ---------------------------------------------------------------------------

CRITICS = ["Zoë Brandt", "Søren Vik", "Hélène Marchetti", "Élodie Moreau", "Anita Gates", "Ana Belén Ortiz"]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("zoe", "Zoë Brandt"), ("helene", "Hélène Marchetti"), ("elod", "Élodie Moreau"), ("vik", "Søren Vik"),
        ("SOREN V", "Søren Vik"), ("brandt", "Zoë Brandt"), ("belen", "Ana Belén Ortiz"), ("Zoë", "Zoë Brandt"),
    ],
)
def test_completion_is_accent_blind_and_starts_at_any_word(typed, name):
    assert complete(typed, CRITICS) == name


def test_nothing_to_complete():
    assert complete("", CRITICS) is None
    assert complete("   ", CRITICS) is None
    assert complete("xyz", CRITICS) is None
    assert completions("zoe", []) == []


def test_completions_prefer_the_name_start_then_a_word_start_then_inside_a_word():
    names = ["Henrik Ibsen", "Erik Bauer", "Søren Vik", "Rita Moreno", "Vikram Rossi"]
    assert completions("ri", names) == ["Rita Moreno", "Erik Bauer", "Henrik Ibsen"]
    assert completions("vik", names) == ["Vikram Rossi", "Søren Vik"]


def test_completions_rank_by_score_then_by_name():
    # "an" is closer to the word "Ana" than to "Anita"; equal scores fall back to the name.
    assert completions("an", ["Anita Gates", "Ana Belén Ortiz"]) == ["Ana Belén Ortiz", "Anita Gates"]
    assert completions("ana", ["Ana Zed", "Ana Abel", "ana abel"]) == ["Ana Abel", "ana abel", "Ana Zed"]
    assert completions("a", ["Cal", "Bo Ash", "Al"], limit=2) == ["Al", "Bo Ash"]


def test_completions_can_reuse_folds_already_made():
    folds = {"Søren Vik": "soren vik"}
    assert completions("sor", ["Søren Vik"], folds=folds) == ["Søren Vik"]


# -- close matches ------------------------------------------------------------------------

TITLES = ["Pusher (1996)", "Müller's Last Summer (2001)", "Salt Lines (1962)", "The Beekeeper's Almanac (2025)",
          "A Room Above the Tannery (1950)", "Dead Reckoning Mall (1996)"]


def _folded(labels):
    return {label: fold(label.rsplit(" (", 1)[0]) for label in labels}


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("muller", "Müller's Last Summer (2001)"), ("MULLER", "Müller's Last Summer (2001)"),
        ("last sum", "Müller's Last Summer (2001)"), ("Pushr", "Pusher (1996)"),
        ("beekeper", "The Beekeeper's Almanac (2025)"), ("mullers last sumer", "Müller's Last Summer (2001)"),
    ],
)
def test_close_matches_put_word_prefixes_first_then_the_closest(query, first):
    assert close_matches(query, _folded(TITLES))[0] == first


def test_close_matches_are_few_and_only_close():
    assert close_matches("zzzz", _folded(TITLES)) == []
    assert close_matches("", _folded(TITLES)) == []
    assert len(close_matches("a", _folded(TITLES), limit=2)) <= 2
    names = {name: fold(name) for name in CRITICS}
    assert close_matches("Sorn Vik", names) == ["Søren Vik"]
    assert close_matches("nobody at all", names) == []


# -- the browser's suggester (a thin Textual Suggester over complete) ------------------------


def test_the_critic_bar_suggester_completes_from_any_word():
    from tui.suggest import CriticSuggester

    suggester = CriticSuggester(CRITICS)
    assert asyncio.run(suggester.get_suggestion("vik")) == "Søren Vik"
    assert asyncio.run(suggester.get_suggestion("zoe")) == "Zoë Brandt"
    assert asyncio.run(suggester.get_suggestion("qqq")) is None
