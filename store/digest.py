"""The digest: what the first screen, the filters and the profiles need, kept without the reviews.

A snapshot persists it (docs/architecture.md, "Files on disk"), so opening reads it instead of
every review, and it is kept current change by change (a review put or removed is added to or
taken from it), so a write costs one review whatever the film's size. Everything in it adds up
per review, which is what lets one review be taken out again:

- per film, a vector of counts and sums (`FILM_*` slots): reviews, the distribution, the
  histogram, the calls, the top critics' share, and the score sums the Metascore is made of,
  plus the lowest and highest review id it ever held (where to look for a review by id);
- per critic, their review count and folded name (in the index), and their *posting*: film ->
  one code per review (score + 1, or 0 unscored; + 128 for a top critic; + 256 x the call: 1
  positive, 2 mixed, 3 negative), read from its own snapshot line when first asked for: the
  critic filter, the critic's profile and the taste match read no review;
- per publication, its review count, and its posting: film -> [reviews, scored, score sum, top
  scored, top score sum], which is what a weight change needs to rescore every film it touches.

Postings not asked for stay on disk (a `Piece`) and are copied into the next snapshot as bytes.
How it was built is recorded (`RULES`): a snapshot built under other rules (another text folding)
is not trusted, its digest is built again from the reviews.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import orjson

from store import scoring
from store.domain import Calls, Distribution, Film, FilmSummary, TopCritics
from store.durable import Piece, SnapshotFile
from store.records import REVIEWS_PREFIX, WrongShape, check_reviews, film_of_table
from store.text import FOLD_RULES, fold

# Bump DIGEST_VERSION whenever what is persisted, or how it is computed, changes.
# 2: a critic's codes hold the review's call.
DIGEST_VERSION = 2
RULES = {"digest": DIGEST_VERSION, "fold": FOLD_RULES}

# A film's vector.
COUNT, POSITIVE, MIXED, NEGATIVE, UNSCORED = 0, 1, 2, 3, 4
HISTOGRAM = 5  # ten slots: 0-9, ..., 90-100
CALL_POSITIVE, CALL_MIXED, CALL_NEGATIVE = 15, 16, 17
TOP, TOP_POSITIVE, TOP_MIXED, TOP_NEGATIVE = 18, 19, 20, 21
SCORE_SUM, SCORED, TOP_SCORE_SUM, TOP_SCORED = 22, 23, 24, 25
WIDTH = 26
# A publication's posting per film.
P_COUNT, P_SCORED, P_SUM, P_TOP_SCORED, P_TOP_SUM = 0, 1, 2, 3, 4
TOP_CODE = 128
CALL_UNIT = 256  # a code's call: code // CALL_UNIT (0 none), see CALL_OF_CODE
_CALL_NUMBER = {"positive": 1, "mixed": 2, "negative": 3}
CALL_OF_CODE: tuple[str | None, ...] = (None, "positive", "mixed", "negative")

_CALL_SLOT = {"positive": CALL_POSITIVE, "mixed": CALL_MIXED, "negative": CALL_NEGATIVE}
_TOP_CALL_SLOT = {"positive": TOP_POSITIVE, "mixed": TOP_MIXED, "negative": TOP_NEGATIVE}


def is_review_table(name: str) -> bool:
    return name.startswith(REVIEWS_PREFIX)


def review_code(record: Mapping[str, Any]) -> int:
    score = record.get("score")
    sentiment = record.get("sentiment")
    return (
        (0 if score is None else score + 1)
        + (TOP_CODE if record.get("top_critic") else 0)
        + (0 if sentiment is None else CALL_UNIT * _CALL_NUMBER[sentiment])
    )


def code_score(code: int) -> int | None:
    """The score a critic posting's code holds (None: unscored)."""
    plain = code & (TOP_CODE - 1)
    return None if plain == 0 else plain - 1


class Digest:
    """The persisted indexes of one database, current with every change made to its tables."""

    def __init__(self) -> None:
        self.films: dict[int, list[int]] = {}  # film -> vector (films with reviews only)
        self.spans: dict[int, list[int]] = {}  # film -> [lowest, highest] review id it held
        self.critics: dict[str, int] = {}  # critic -> reviews
        self.critic_folds: dict[str, str] = {}
        self.publications: dict[str, int] = {}  # publication -> reviews
        self.max_review = 0
        self._critic_pieces: dict[str, Piece] = {}
        self._publication_pieces: dict[str, Piece] = {}
        self._critic_postings: dict[str, dict[int, list[int]]] = {}  # read (or made) so far
        self._publication_postings: dict[str, dict[int, list[int]]] = {}
        self._names: dict[str, str] = {}  # one string object per name

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(cls, tables: Mapping[str, Any]) -> "Digest":
        """From every reviews table (a database without a persisted digest, or built under
        other rules): checks each record on the way (WrongShape)."""
        digest = cls()
        for name, table in tables.items():
            film_id = film_of_table(name)
            if film_id is not None and table:
                digest.check(film_id, table)
                digest.add_table(film_id, table)
        return digest

    @classmethod
    def load(cls, index: Mapping[str, Any], file: SnapshotFile) -> "Digest":
        """From a snapshot's index (its "digest" part); ValueError if it is not one."""
        digest = cls()
        films, spans = digest.films, digest.spans
        for key, vector in index["films"].items():
            # The index line passed its checksum; this refuses a hand-made one that is not counts
            # (min() of anything but numbers raises TypeError, and the JSON holds no floats we wrote).
            if type(vector) is not list or len(vector) != WIDTH + 2 or min(vector) < 0 or vector[COUNT] <= 0:
                raise ValueError(f"film {key}")
            film_id = int(key)
            spans[film_id] = vector[WIDTH:]
            del vector[WIDTH:]
            films[film_id] = vector
        for name, (count, folded, offset, length, crc) in index["critics"].items():
            if type(count) is not int or count <= 0 or type(folded) is not str:
                raise ValueError(f"critic {name!r}")
            digest.critics[name] = count
            digest.critic_folds[name] = folded
            digest._critic_pieces[name] = Piece(file, offset, length, crc)
        for name, (count, offset, length, crc) in index["publications"].items():
            if type(count) is not int or count <= 0:
                raise ValueError(f"publication {name!r}")
            digest.publications[name] = count
            digest._publication_pieces[name] = Piece(file, offset, length, crc)
        digest.max_review = index["max_review"]
        if type(digest.max_review) is not int:
            raise ValueError("max_review")
        return digest

    def check(self, film_id: int, table: dict[str, Any]) -> None:
        """Check a reviews table read from disk (WrongShape), sharing its names' strings."""
        check_reviews(film_id, table, self._names)

    # -- keeping it current -----------------------------------------------------------------

    def add_table(self, film_id: int, table: Mapping[str, Any]) -> None:
        for key, record in table.items():
            self.add(film_id, key, record, 1)

    def changed(self, name: str, key: str | None, old: Any, new: Any) -> None:
        """One change to a table (a record, or a whole table when key is None)."""
        film_id = film_of_table(name)
        if film_id is None:
            return
        if key is None:
            if new:
                self.check(film_id, new)
            if old:
                for record_key, record in old.items():
                    self.add(film_id, record_key, record, -1)
            if new:
                self.add_table(film_id, new)
            return
        if new is not None:
            self.check(film_id, {key: new})  # before anything moves: a refused record changes nothing
        if old is not None:
            self.add(film_id, key, old, -1)
        if new is not None:
            self.add(film_id, key, new, 1)

    def add(self, film_id: int, key: str, record: Mapping[str, Any], sign: int) -> None:
        """Add one review (sign 1) or take it out (-1)."""
        vector = self.films.get(film_id)
        if vector is None:
            vector = self.films[film_id] = [0] * WIDTH
        score = record.get("score")
        sentiment = record.get("sentiment")
        top = record.get("top_critic", False)
        vector[COUNT] += sign
        if score is None:
            vector[UNSCORED] += sign
        else:
            vector[POSITIVE if score >= 61 else MIXED if score >= 40 else NEGATIVE] += sign
            vector[HISTOGRAM + (score // 10 if score < 90 else 9)] += sign
            vector[SCORE_SUM] += sign * score
            vector[SCORED] += sign
        if sentiment is not None:
            vector[_CALL_SLOT[sentiment]] += sign
        if top:
            vector[TOP] += sign
            if sentiment is not None:
                vector[_TOP_CALL_SLOT[sentiment]] += sign
            if score is not None:
                vector[TOP_SCORE_SUM] += sign * score
                vector[TOP_SCORED] += sign
        review_id = int(key)
        if vector[COUNT] == 0:
            del self.films[film_id]
            self.spans.pop(film_id, None)
        elif sign > 0:
            span = self.spans.get(film_id)
            if span is None:
                self.spans[film_id] = [review_id, review_id]
            elif review_id < span[0]:
                span[0] = review_id
            elif review_id > span[1]:
                span[1] = review_id
        if sign > 0 and review_id > self.max_review:
            self.max_review = review_id
        critic = record.get("critic")
        if critic is not None:
            self._add_critic(critic, film_id, review_code(record), sign)
        publication = record.get("publication")
        if publication is not None:
            self._add_publication(publication, film_id, score, top, sign)

    def _add_critic(self, critic: str, film_id: int, code: int, sign: int) -> None:
        posting = self.critic_films(critic)
        codes = posting.get(film_id)
        if sign > 0:
            if codes is None:
                posting[film_id] = [code]
            else:
                codes.append(code)
        else:
            codes.remove(code)  # type: ignore[union-attr]
            if not codes:
                del posting[film_id]
        count = self.critics.get(critic, 0) + sign
        if count:
            if critic not in self.critics:
                critic = self._names.setdefault(critic, critic)
                self.critic_folds[critic] = fold(critic)
            self.critics[critic] = count
        else:
            del self.critics[critic]
            del self.critic_folds[critic]
            self._critic_postings.pop(critic, None)
        self._critic_pieces.pop(critic, None)  # changed: written afresh by the next snapshot

    def _add_publication(self, publication: str, film_id: int, score: int | None, top: bool, sign: int) -> None:
        posting = self.publication_films(publication)
        sums = posting.get(film_id)
        if sums is None:
            sums = posting[film_id] = [0, 0, 0, 0, 0]
        sums[P_COUNT] += sign
        if score is not None:
            sums[P_SCORED] += sign
            sums[P_SUM] += sign * score
            if top:
                sums[P_TOP_SCORED] += sign
                sums[P_TOP_SUM] += sign * score
        if not sums[P_COUNT]:
            del posting[film_id]
        count = self.publications.get(publication, 0) + sign
        if count:
            self.publications[self._names.setdefault(publication, publication)] = count
        else:
            del self.publications[publication]
            self._publication_postings.pop(publication, None)
        self._publication_pieces.pop(publication, None)

    # -- reading ----------------------------------------------------------------------------

    def critic_films(self, critic: str, *, keep: bool = True) -> dict[int, list[int]]:
        """The critic's posting: film -> one code per review (see review_code); read from the
        snapshot when first asked for, and kept unless keep is False (a pass over every critic).
        Empty for a critic with no reviews. Never change it."""
        posting = self._critic_postings.get(critic)
        if posting is None:
            piece = self._critic_pieces.get(critic)
            posting = {} if piece is None else _read_posting(piece, "critic", critic)
            if keep:
                self._critic_postings[critic] = posting
        return posting

    def publication_films(self, publication: str) -> dict[int, list[int]]:
        """The publication's posting: film -> [reviews, scored, score sum, top scored, top sum]."""
        posting = self._publication_postings.get(publication)
        if posting is None:
            piece = self._publication_pieces.get(publication)
            posting = {} if piece is None else _read_posting(piece, "publication", publication)
            self._publication_postings[publication] = posting
        return posting

    @property
    def reviews(self) -> int:
        return sum(vector[COUNT] for vector in self.films.values())

    def films_holding(self, review_id: int) -> list[int]:
        """The films whose reviews may hold this id (by the lowest and highest id each held)."""
        return [film_id for film_id, (low, high) in self.spans.items() if low <= review_id <= high]

    def state(self) -> dict[str, Any]:
        """Everything counted, postings read whole (a check that a digest kept current change by
        change equals one built afresh; the id spans may be wider after deletes, so are left out)."""
        return {
            "films": {film_id: list(vector) for film_id, vector in self.films.items()},
            "critics": dict(self.critics),
            "critic_folds": dict(self.critic_folds),
            "publications": dict(self.publications),
            "critic_films": {
                name: {film_id: sorted(codes) for film_id, codes in self.critic_films(name).items()} for name in self.critics
            },
            "publication_films": {name: dict(self.publication_films(name)) for name in self.publications},
        }

    # -- writing ----------------------------------------------------------------------------

    def lines(self) -> Iterator[tuple[str, str, bytes | Piece]]:
        """Each posting's snapshot line: ("critic" or "publication", name, its bytes, or the
        Piece of the last snapshot when unchanged since, copied as it is)."""
        for kind, counts, pieces, postings in (
            ("critic", self.critics, self._critic_pieces, self._critic_postings),
            ("publication", self.publications, self._publication_pieces, self._publication_postings),
        ):
            for name in counts:
                piece = pieces.get(name)
                if piece is not None:
                    yield kind, name, piece
                else:
                    posting = postings[name] if name in postings else {}
                    yield kind, name, orjson.dumps([kind, name, posting], option=orjson.OPT_NON_STR_KEYS) + b"\n"

    def index(self, placed: Mapping[tuple[str, str], tuple[int, int, int]]) -> dict[str, Any]:
        """The digest's part of a snapshot's index, with where each posting line was placed."""
        return {
            "rules": RULES,
            "films": {str(film_id): vector + self.spans[film_id] for film_id, vector in self.films.items()},
            "critics": {
                name: [count, self.critic_folds[name], *_where(placed[("critic", name)])]
                for name, count in self.critics.items()
            },
            "publications": {
                name: [count, *_where(placed[("publication", name)])] for name, count in self.publications.items()
            },
            "max_review": self.max_review,
        }

    def placed(self, placed: Mapping[tuple[str, str], Piece]) -> None:
        """The next snapshot is in place: its lines are where postings not kept in memory are read."""
        for (kind, name), piece in placed.items():
            (self._critic_pieces if kind == "critic" else self._publication_pieces)[name] = piece


def _where(where: tuple[int, int, int]) -> list[int]:
    return list(where)


def _read_posting(piece: Piece, kind: str, name: str) -> dict[int, list[int]]:
    try:
        found_kind, found_name, posting = orjson.loads(piece.read())
        if found_kind != kind or found_name != name or type(posting) is not dict:
            raise ValueError("it is not that posting")
        return {int(film): value for film, value in posting.items()}
    except (OSError, ValueError, TypeError) as exc:
        raise WrongShape(f"the index of the {kind} {name!r} is damaged ({exc}); run `critics check`") from None



Groups = list[tuple[float, int, int]]  # (weight, sum of scores, number of scores)


def film_summary(film: Film, vector: list[int] | None, groups: Groups, top_groups: Groups) -> FilmSummary:
    """A film's summary from its vector and its scores grouped by weight (the same numbers
    scoring.summarize_scores gives from its reviews; tests/store/test_digest.py compares them)."""
    if vector is None:
        return scoring.summarize_scores(film, [], lambda _publication: 1.0)
    metascore = scoring.metascore_of_sums(groups)
    calls = Calls(
        vector[CALL_POSITIVE], vector[CALL_MIXED], vector[CALL_NEGATIVE],
        vector[COUNT] - vector[CALL_POSITIVE] - vector[CALL_MIXED] - vector[CALL_NEGATIVE],
    )
    return FilmSummary(
        film=film,
        reviews=vector[COUNT],
        distribution=Distribution(vector[POSITIVE], vector[MIXED], vector[NEGATIVE], vector[UNSCORED]),
        metascore=metascore,
        verdict=scoring.verdict_for(metascore),
        histogram=tuple(vector[HISTOGRAM:HISTOGRAM + 10]),
        calls=calls,
        tomatometer=scoring.tomatometer(calls.positive, calls.mixed, calls.negative),
        top_critics=TopCritics(
            reviews=vector[TOP],
            metascore=scoring.metascore_of_sums(top_groups),
            tomatometer=scoring.tomatometer(vector[TOP_POSITIVE], vector[TOP_MIXED], vector[TOP_NEGATIVE]),
        ),
    )
