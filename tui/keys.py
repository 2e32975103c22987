"""Every key of the browser with what it does: the help screen shows this, a test checks it against the bindings."""

from __future__ import annotations

# Each line of the help screen must fit an 80-column terminal (a test checks it).
HELP_WIDTH = 76

KEY_HELP: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Anywhere",
        (
            ("tab / shift+tab", "move between the panes: films, summary, reviews"),
            ("c", "filter by critic as you type (right arrow completes)"),
            ("p", "filter by publication as you type (right completes)"),
            ("/", "search films by title"),
            ("f", "find words in the selected film's review text"),
            ("F", "find words in every film's review text (streamed)"),
            ("a", "add a review of the selected film (inline form)"),
            ("u", "undo the last add, edit or delete (reviews and films)"),
            ("t", "top critics only (lists, summary, profile), or all"),
            ("m", "the critics who agree with the one critic filtered"),
            ("r", "refresh: pick up what other programs wrote"),
            ("ctrl+p", "palette: go to a film, critic filter, theme, weights"),
            ("?", "this help"),
            ("q", "quit"),
        ),
    ),
    (
        "In a list",
        (
            ("up / k, down / j", "move the cursor"),
            ("g / home, G / end", "first, last row"),
            ("pgup / pgdn", "a page up, down"),
            ("s", "cycle the sort of the focused pane"),
            ("S", "reverse the order of the focused pane (▲ or ▼)"),
        ),
    ),
    (
        "Films pane",
        (
            ("enter", "choose the film and go to its reviews"),
            ("n", "new film: title, year, director"),
            ("e", "edit the highlighted film's title, year or director"),
            ("d", "delete the highlighted film with its reviews (asks)"),
            ("s", "sort by title, Metascore, year, number of reviews"),
        ),
    ),
    (
        "Reviews pane",
        (
            ("enter", "show more (or less) of the highlighted excerpt"),
            ("e", "edit the highlighted review (inline form)"),
            ("d", "delete the highlighted review (asks first)"),
            ("s", "sort by page order, score, critic, publication, date"),
            ("C", "filter by exactly the highlighted review's critic"),
            ("y", "copy the highlighted review to the clipboard (OSC 52)"),
        ),
    ),
    (
        "Filter, search and find bars",
        (
            ("right", "accept the completion (critic, publication)"),
            ("enter", "keep the filter and return to the lists"),
            ("escape", "clear it, in the bar or the lists (film stays)"),
            ("ctrl+f", "in the find bar: find the words in every film"),
        ),
    ),
    (
        "Find in every film",
        (
            ("tab, down", "from the words to the finds; tab back"),
            ("enter", "go to the highlighted find"),
            ("escape", "stop the search; again: close"),
        ),
    ),
    (
        "Critics who agree",
        (
            ("tab / shift+tab", "critics who agree; films they loved, unreviewed"),
            ("enter", "filter by that critic; go to that film"),
            ("escape", "close"),
        ),
    ),
    (
        "Review form",
        (
            ("tab / shift+tab", "next, previous field; tab is never typed in text"),
            ("right", "accept the critic or publication completion"),
            ("ctrl+s", "save from any field"),
            ("enter", "next field; in the excerpt: a new line"),
            ("escape", "cancel (asks first if anything changed)"),
        ),
    ),
    (
        "Film form",
        (
            ("tab / shift+tab", "next, previous field"),
            ("ctrl+s", "save; enter in the last field too"),
            ("escape", "cancel (asks first if anything changed)"),
        ),
    ),
)
