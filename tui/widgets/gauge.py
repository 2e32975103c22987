"""The distribution gauge: a film's Metascore large, its verdict, the class split, a histogram, and the page's claims."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from store.domain import CriticProfile, Distribution, FilmSummary, ReviewClass
from tui.plain import counted, one_line
from tui.widgets.tones import BADGE_CSS, TONE_CLASSES, legible, metascore_label, verdict_tone

MINIMUM_SCORED = 4  # Metacritic shows "tbd" below four scored reviews
BLOCKS = " ▁▂▃▄▅▆▇█"
CLASS_ORDER = (ReviewClass.POSITIVE, ReviewClass.MIXED, ReviewClass.NEGATIVE, ReviewClass.UNSCORED)


def class_counts(distribution: Distribution) -> dict[ReviewClass, int]:
    return {
        ReviewClass.POSITIVE: distribution.positive,
        ReviewClass.MIXED: distribution.mixed,
        ReviewClass.NEGATIVE: distribution.negative,
        ReviewClass.UNSCORED: distribution.unscored,
    }


def split_bar(counts: dict[ReviewClass, int], width: int) -> dict[ReviewClass, int]:
    """Cells per class for a bar `width` wide: proportional, and every non-zero class visible."""
    total = sum(counts.values())
    if total == 0 or width <= 0:
        return {cls: 0 for cls in counts}
    present = [cls for cls, n in counts.items() if n]
    cells = {cls: (max(1, counts[cls] * width // total) if counts[cls] else 0) for cls in counts}
    # Hand out (or take back) the rounding difference by largest remainder.
    remainders = sorted(present, key=lambda cls: (counts[cls] * width) % total, reverse=True)
    spare = width - sum(cells.values())
    index = 0
    while spare > 0 and remainders:
        cells[remainders[index % len(remainders)]] += 1
        spare -= 1
        index += 1
    while spare < 0:
        widest = max(present, key=lambda cls: cells[cls])
        cells[widest] -= 1
        spare += 1
    return cells


def published_line(summary: FilmSummary) -> str | None:
    """What the source page declared, in its own terms; None for a film not imported from a page."""
    page = summary.film.published
    if page is None:
        return None
    parts = []
    if page.verdict:
        parts.append(one_line(page.verdict))
    if page.critics is not None:
        parts.append(counted(page.critics, "critic"))
    counts = [
        f"{value} {name}"
        for name, value in (("positive", page.positive), ("mixed", page.mixed), ("negative", page.negative))
        if value is not None
    ]
    if counts:
        parts.append(", ".join(counts))
    return "Page says: " + (" · ".join(parts) if parts else "nothing it could state")


def disagreement(summary: FilmSummary) -> str | None:
    """A plain sentence saying where the page's declared summary and the stored reviews differ."""
    page = summary.film.published
    if page is None:
        return None
    d = summary.distribution
    differences = []
    ours = summary.verdict.label if summary.verdict else None
    if page.verdict and (ours is None or ours.casefold() != one_line(page.verdict).casefold()):
        differences.append(
            f"the page's verdict is \u201c{one_line(page.verdict)}\u201d but the stored scores give "
            + (f"\u201c{ours}\u201d" if ours else "no Metascore yet")
        )
    if page.critics is not None and page.critics != summary.reviews:
        differences.append(
            f"the page counts {counted(page.critics, 'critic')}, the store holds {counted(summary.reviews, 'review')}"
        )
    for name, stated, computed in (
        ("positive", page.positive, d.positive),
        ("mixed", page.mixed, d.mixed),
        ("negative", page.negative, d.negative),
    ):
        if stated is not None and stated != computed:
            differences.append(f"the page counts {stated} {name}, the store {computed}")
    if not differences:
        return "The page and the stored reviews agree."
    sentence = "They disagree: " + "; ".join(differences) + "."
    if d.unscored:
        verb = "carries" if d.unscored == 1 else "carry"
        sentence += f" {d.unscored} of {counted(summary.reviews, 'stored review')} {verb} no score."
    return sentence


MINIMUM_CALLS = 5  # below five calls there is no Tomatometer (store/scoring.py)
CALL_ORDER = (ReviewClass.POSITIVE, ReviewClass.MIXED, ReviewClass.NEGATIVE, ReviewClass.UNSCORED)
CALL_WORDS = {ReviewClass.POSITIVE: "fresh", ReviewClass.MIXED: "mixed", ReviewClass.NEGATIVE: "rotten",
              ReviewClass.UNSCORED: "no call"}
CALL_GLYPHS = {ReviewClass.POSITIVE: "+", ReviewClass.MIXED: "~", ReviewClass.NEGATIVE: "−", ReviewClass.UNSCORED: "░"}


def call_counts(summary: FilmSummary) -> dict[ReviewClass, int]:
    """The critics' own calls in the bar's terms (a review without a call counts as 'no call')."""
    calls = summary.calls
    return {
        ReviewClass.POSITIVE: calls.positive,
        ReviewClass.MIXED: calls.mixed,
        ReviewClass.NEGATIVE: calls.negative,
        ReviewClass.UNSCORED: calls.unstated,
    }


def tomatometer_line(summary: FilmSummary) -> str:
    if summary.tomatometer is not None:
        return f"Tomatometer {summary.tomatometer}%"
    return f"Tomatometer – ({counted(summary.calls.stated, 'call')} of {MINIMUM_CALLS} needed)"


def based_on(summary: FilmSummary) -> str:
    if summary.metascore is None:
        return f"{counted(summary.scored, 'scored review')} of {MINIMUM_SCORED} needed"
    if summary.scored == summary.reviews:
        return f"based on {counted(summary.scored, 'review')}"
    return f"based on {counted(summary.scored, 'scored review')}, {summary.reviews - summary.scored} unscored"


class SummaryText(Widget):
    """A block of text drawn to the panel's width, styled with the theme's tone colours."""

    COMPONENT_CLASSES: ClassVar[set[str]] = (
        {f"badge-{name}" for name in TONE_CLASSES.values()}
        | set(TONE_CLASSES.values())
        | {"panel--muted", "panel--title"}
    )

    DEFAULT_CSS = (
        "SummaryText { height: auto; padding: 0 1; "
        + BADGE_CSS.replace("& > .tone--", "& > .badge-tone--")
        + """
        & > .tone--positive { color: $text-success; }
        & > .tone--mixed { color: $text-warning; }
        & > .tone--negative { color: $text-error; }
        & > .tone--unscored { color: $text-muted; }
        & > .panel--muted { color: $text-muted; }
        & > .panel--title { text-style: bold; }
        }"""
    )

    _height = -1
    _room = 0  # the pane's height at the last layout (0: not laid out yet)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The pane's height chooses between the full and the folded form: on a change, measure again.
        if container.height != self._room:
            self._room = container.height
            self.clear_cached_dimensions()
            self.refresh()
        return super().get_content_height(container, viewport, width)

    def folds(self, lines: int) -> bool:
        """Whether the pane is too short to show `lines` lines at once (then the text folds)."""
        return 0 < self._room < lines

    def flowed(self, parts: list[Text], width: int) -> list[Text]:
        """Parts joined by " · " on as few lines as the width allows (a part is never split)."""
        lines: list[Text] = []
        line = Text(end="")
        for part in parts:
            if line and line.cell_len + 3 + part.cell_len > width:
                lines.append(line)
                line = Text(end="")
            if line:
                line.append(" · ")
            line.append_text(part)
        return [*lines, line]

    def refresh_content(self) -> None:
        """Repaint; lay the screen out again only if the text's height changed (layout is costly)."""
        height = len(self.render().plain.split("\n")) if self.size.width else -1
        self.refresh(layout=height != self._height)
        self._height = height

    def style_of(self, name: str) -> Style:
        # The visual style, resolved against the pane's background: `auto` colours ($text-muted
        # is "auto 60%") and alpha become real colours (a partial rich style turned them white).
        return legible(self.get_visual_style(name).rich_style)

    def wrapped(self, sentence: str, width: int, style: Style | None = None) -> Text:
        lines = textwrap.wrap(sentence, max(10, width)) or [""]
        return Text("\n".join(lines), style=style or Style(), end="")


class DistributionGauge(SummaryText):
    """The selected film's summary: Metascore, verdict, class split and score histogram."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._summary: FilmSummary | None = None

    @property
    def summary(self) -> FilmSummary | None:
        return self._summary

    def show(self, summary: FilmSummary | None) -> None:
        self._summary = summary
        self.refresh_content()

    def render(self) -> Text:
        width = max(20, self.size.width)
        summary = self._summary
        if summary is None:
            return Text("No film selected.", style=self.style_of("panel--muted"), end="")
        headline, bar_placed = self._headline(summary, width)
        lines = [*headline, self._legend(summary, width)]
        if not bar_placed:  # no free row beside the badge: the bar gets a line of its own
            lines.insert(len(headline), self._bar(summary, width))
        if summary.calls.stated:  # the critics' own calls: a second bar, under the scores' one
            lines += self._calls(summary, width)
        histogram = [self._histogram(summary, width)] if summary.scored else []
        if self.folds(len(lines) + len(histogram)):
            # A short terminal: the Metascore, verdict and class split on a line (or two); what the
            # page says follows below, for scrolling.
            lines = self._folded(summary, width)
            if histogram and len(lines) < self._room:
                lines += histogram
            if summary.film.published is not None:
                lines.append(self.wrapped(disagreement(summary) or "", width, self.style_of("panel--title")))
                lines.append(self.wrapped(published_line(summary) or "", width))
        elif summary.film.published is None:
            lines += histogram
        elif width >= 60:
            lines += histogram
            lines.append(self._comparison(summary))
            lines.append(self.wrapped(disagreement(summary) or "", width, self.style_of("panel--title")))
        else:
            # A narrow pane shows the disagreement first: it says what the page claims and what differs.
            lines.append(self.wrapped(disagreement(summary) or "", width, self.style_of("panel--title")))
            lines.append(self.wrapped(published_line(summary) or "", width))
            lines += histogram
        return Text("\n", end="").join(lines)

    def _headline(self, summary: FilmSummary, width: int) -> tuple[list[Text], bool]:
        """The Metascore as a three-row badge, its verdict beside it; and whether the class bar
        found room on the badge's last row."""
        tone = verdict_tone(summary.verdict)
        badge_style = self.style_of("badge-" + TONE_CLASSES[tone])
        badge = metascore_label(summary.metascore).center(7)
        text_width = width - 8
        verdict = summary.verdict.label if summary.verdict else "No Metascore yet"
        right = textwrap.wrap(verdict, text_width)
        right_styles = [self.style_of(TONE_CLASSES[tone]) + Style(bold=True)] * len(right)
        detail = textwrap.wrap(based_on(summary), text_width)
        if summary.calls.stated:
            detail += textwrap.wrap(tomatometer_line(summary), text_width)
        right += detail
        right_styles += [self.style_of("panel--muted")] * len(detail)
        rows = []
        bar_placed = False
        for number in range(max(3, len(right))):
            line = Text(end="")
            line.append(badge if number == 1 else " " * 7, badge_style if number < 3 else Style())
            if number < len(right):
                line.append(" " + right[number][:text_width], right_styles[number])
            elif number == 2 and summary.reviews:
                line.append(" ")
                line.append_text(self._bar(summary, text_width))
                bar_placed = True
            rows.append(line)
        return rows, bar_placed

    def _folded(self, summary: FilmSummary, width: int) -> list[Text]:
        """The summary in a line: "92 Universal acclaim · 5 reviews · ■5 ■0 ■0 ░0"."""
        tone = verdict_tone(summary.verdict)
        badge_style = self.style_of("badge-" + TONE_CLASSES[tone])
        headline = Text(f" {metascore_label(summary.metascore)} ", badge_style, end="")
        verdict = summary.verdict.label if summary.verdict else "No Metascore yet"
        headline.append(" " + verdict, self.style_of(TONE_CLASSES[tone]) + Style(bold=True))
        reviews = Text(counted(summary.reviews, "review"), end="")
        counts = class_counts(summary.distribution)
        split = Text(end="")
        for cls in CLASS_ORDER:
            if split:
                split.append(" ")
            glyph = "░" if cls is ReviewClass.UNSCORED else "■"
            split.append(f"{glyph}{counts[cls]}", self.style_of(TONE_CLASSES[cls]))
        parts = [headline, reviews, split]
        if summary.calls.stated:
            meter = "–" if summary.tomatometer is None else f"{summary.tomatometer}%"
            parts.append(Text(f"Tomatometer {meter}", end=""))
        return self.flowed(parts, width)

    def _comparison(self, summary: FilmSummary) -> Text:
        """The page's declared summary and the computed one, side by side."""
        page = summary.film.published
        assert page is not None
        d = summary.distribution

        def stated(value: int | None) -> str:
            return "not stated" if value is None else str(value)

        rows = [
            ("", "Page says", "We compute"),
            ("Verdict", one_line(page.verdict) if page.verdict else "not stated",
             summary.verdict.label if summary.verdict else "tbd"),
            ("Critics", stated(page.critics), counted(summary.reviews, "review")),
            ("Positive", stated(page.positive), str(d.positive)),
            ("Mixed", stated(page.mixed), str(d.mixed)),
            ("Negative", stated(page.negative), str(d.negative)),
            ("Unscored", "not stated", str(d.unscored)),
        ]
        first = max(len(row[1]) for row in rows) + 2
        table = Text(end="")
        muted, bold = self.style_of("panel--muted"), Style(bold=True)
        for number, (label, left, right) in enumerate(rows):
            if number:
                table.append("\n")
            table.append(label.ljust(10), muted)
            table.append(left.ljust(first), bold if number == 0 else Style())
            table.append(right, bold if number == 0 else Style())
        return table

    def _bar(self, summary: FilmSummary, width: int) -> Text:
        counts = class_counts(summary.distribution)
        cells = split_bar(counts, width)
        bar = Text(end="")
        for cls in CLASS_ORDER:
            glyph = "░" if cls is ReviewClass.UNSCORED else "█"
            bar.append(glyph * cells[cls], self.style_of(TONE_CLASSES[cls]))
        if not summary.reviews:
            bar.append("no reviews yet", self.style_of("panel--muted"))
        return bar

    def _calls(self, summary: FilmSummary, width: int) -> list[Text]:
        """The calls' bar (marks in it, so it reads without colour) and their counts."""
        counts = call_counts(summary)
        cells = split_bar(counts, width)
        bar = Text(end="")
        for cls in CALL_ORDER:
            bar.append(CALL_GLYPHS[cls] * cells[cls], self.style_of(TONE_CLASSES[cls]) + Style(reverse=cls is not ReviewClass.UNSCORED))
        # As many words as fit on the line: "no call", then "none", then the marks alone.
        for words in (CALL_WORDS, {**CALL_WORDS, ReviewClass.UNSCORED: "none"}, None):
            parts = [f"{CALL_GLYPHS[cls]}{counts[cls]}" + (f" {words[cls]}" if words else "") for cls in CALL_ORDER]
            if words is None or len(" ".join(parts)) <= width:
                break
        legend = Text(end="")
        for cls, part in zip(CALL_ORDER, parts):
            if legend:
                legend.append(" ")
            legend.append(part, self.style_of(TONE_CLASSES[cls]))
        return [bar, legend]

    def _legend(self, summary: FilmSummary, width: int) -> Text:
        counts = class_counts(summary.distribution)
        long_form = sum(len(f"{counts[cls]} {cls.value}") + 4 for cls in CLASS_ORDER) <= width
        short = {ReviewClass.POSITIVE: "pos", ReviewClass.MIXED: "mixed", ReviewClass.NEGATIVE: "neg",
                 ReviewClass.UNSCORED: "unscored"}
        legend = Text(end="")
        for cls in CLASS_ORDER:
            glyph = "░" if cls is ReviewClass.UNSCORED else "■"
            word = cls.value if long_form else short[cls]
            if legend:
                legend.append("  " if long_form else " ")
            legend.append(f"{glyph}{' ' if long_form else ''}{counts[cls]} {word}", self.style_of(TONE_CLASSES[cls]))
        return legend

    def _histogram(self, summary: FilmSummary, width: int) -> Text:
        buckets = list(summary.histogram) or [0] * 10
        peak = max(buckets) or 1
        cell = max(1, min(3, (width - 8) // len(buckets)))
        line = Text("0 ", style=self.style_of("panel--muted"), end="")
        for index, count in enumerate(buckets):
            level = 0 if count == 0 else max(1, round(count * 8 / peak))
            low = index * 10
            cls = ReviewClass.POSITIVE if low >= 60 else ReviewClass.MIXED if low >= 40 else ReviewClass.NEGATIVE
            glyph = BLOCKS[level] if count else "·"
            line.append(glyph * cell, self.style_of(TONE_CLASSES[cls]))
        line.append(" 100", self.style_of("panel--muted"))
        return line


class CriticProfileView(SummaryText):
    """While a critic filter is on: how the matching critics score against each film's consensus."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._query = ""
        self._profile: CriticProfile | None = None
        self._pending = False
        self._too_many = 0

    def show(self, query: str, profile: CriticProfile | None) -> None:
        self._query, self._profile, self._pending, self._too_many = query, profile, False, 0
        self.refresh_content()

    def show_pending(self, query: str) -> None:
        """The filter changed; its profile follows in a moment."""
        self._query, self._pending, self._too_many = query, True, 0
        self.refresh_content()

    def show_too_many(self, query: str, critics: int) -> None:
        self._query, self._pending, self._too_many = query, False, critics
        self.refresh_content()

    def render(self) -> Text:
        width = max(20, self.size.width)
        profile = self._profile
        muted = self.style_of("panel--muted")
        if self._pending:
            return self.wrapped(f"Critics matching \u201c{one_line(self._query)}\u201d …", width, muted)
        if self._too_many:
            return self.wrapped(
                f"{self._too_many} critics match \u201c{one_line(self._query)}\u201d: "
                "type more of a name to see a profile.",
                width,
                muted,
            )
        if profile is None:
            return self.wrapped(f"No critic matches \u201c{one_line(self._query)}\u201d.", width, muted)
        if len(profile.names) == 1:
            title = one_line(profile.names[0])
        else:
            shown = ", ".join(one_line(name) for name in profile.names[:3])
            more = f", and {len(profile.names) - 3} more" if len(profile.names) > 3 else ""
            title = f"{len(profile.names)} critics: {shown}{more}"
        if self.folds(5):
            return self._folded(profile, title, width)
        lines = [self.wrapped(title, width, self.style_of("panel--title"))]
        mean = "no scores" if profile.mean is None else f"mean score {profile.mean:.1f}"
        lines.append(self.wrapped(f"{counted(profile.reviews, 'review')} · {profile.scored} scored · {mean}", width))
        lines.append(Text("Against each film's Metascore:", style=muted, end=""))
        lines.append(self._against(profile))
        if profile.mean_difference is not None:
            lines.append(Text(f"on average {profile.mean_difference:+.1f} points from the Metascore", end=""))
        else:
            lines.append(Text("no film with a Metascore to compare against yet", style=muted, end=""))
        return Text("\n", end="").join(lines)

    def _against(self, profile: CriticProfile) -> Text:
        against = Text(end="")
        for count, word, cls in (
            (profile.higher, "higher", ReviewClass.POSITIVE),
            (profile.same, "same", ReviewClass.MIXED),
            (profile.lower, "lower", ReviewClass.NEGATIVE),
        ):
            if against:
                against.append(" · ")
            against.append(f"{count} {word}", self.style_of(TONE_CLASSES[cls]))
        return against

    def _folded(self, profile: CriticProfile, title: str, width: int) -> Text:
        """The profile in a line or two, for a short terminal."""
        mean = "no scores" if profile.mean is None else f"mean {profile.mean:.1f}"
        parts = [
            Text(title, self.style_of("panel--title"), end=""),
            Text(f"{counted(profile.reviews, 'review')} · {mean}", end=""),
            Text("vs Metascore ", self.style_of("panel--muted"), end="") + self._against(profile),
        ]
        if profile.mean_difference is not None:
            parts.append(Text(f"{profile.mean_difference:+.1f} on average", end=""))
        return Text("\n", end="").join(self.flowed(parts, width))
