"""The election and ballot model shared by every counting method.

Two representations of ranked ballots:

* the **raw** form (`RawBallots`) keeps a ballot exactly as marked: a tuple of rank cells, each
  cell a tuple of candidate indices. An empty cell is a rank with no mark (a skipped rank); a cell
  with several indices is several candidates marked at one rank (an overvote in IRV, an equal
  ranking such as ``b=c`` in BLT). Two sentinels stand for marks that name no candidate:
  `OVERVOTE` (an overvote whose candidates the record does not name) and `UNDECLARED_WRITE_IN`.
* the **clean** form (`Preferences`) is what the counting loops read: an int32 matrix of
  candidate indices (one row per distinct ballot, padded with `PAD`), an int64 weight per row,
  and an `Ending` code per row saying why the ballot stops after its last listed candidate.

Identical ballots are grouped in both forms, so the work grows with distinct ballots, not with
voters. `to_preferences` is the one place where the ballot rules (named as RCTab names them) turn
raw ballots into clean ones.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

PAD = -1
"""Fills a preference row after its last candidate."""
OVERVOTE = -2
"""A rank marked for several candidates that the record does not name."""
UNDECLARED_WRITE_IN = -3
"""A write-in for someone who is not a declared candidate."""

EXACT_LIMIT = 2**53
"""Counts add weights in NumPy arrays (int64, and float64 where sums are exact only below
2**53): a count refuses ballots whose total weight, in the units it counts in, reaches this."""
INT64_LIMIT = 2**63

RankCell = tuple[int, ...]
RawBallot = tuple[RankCell, ...]
IntArray = npt.NDArray[np.int64]
PrefArray = npt.NDArray[np.int32]


class Ending(enum.IntEnum):
    """Why a ballot stops after the last candidate of its clean preference list.

    A ballot whose listed candidates are all gone is inactive for this reason; the four classes
    are those of RCTab's report (overvotes, skippedRankings, repeatedRankings, exhaustedChoices).
    """

    EXHAUSTED_CHOICES = 0
    OVERVOTES = 1
    SKIPPED_RANKINGS = 2
    REPEATED_RANKINGS = 3

    @property
    def report_key(self) -> str:
        return _REPORT_KEYS[self]


_REPORT_KEYS = {
    Ending.EXHAUSTED_CHOICES: "exhaustedChoices",
    Ending.OVERVOTES: "overvotes",
    Ending.SKIPPED_RANKINGS: "skippedRankings",
    Ending.REPEATED_RANKINGS: "repeatedRankings",
}


class OvervoteRule(enum.StrEnum):
    """What a rank marked for several candidates does (RCTab's `overvoteRule`)."""

    EXHAUST_IMMEDIATELY = "exhaustImmediately"
    ALWAYS_SKIP_TO_NEXT_RANK = "alwaysSkipToNextRank"


class YesNoAbstain(enum.StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class WeightError(ValueError):
    """Ballot weights a count cannot add exactly: refused before counting, never wrapped."""


def exact_total(weights: IntArray) -> int:
    """The sum of `weights` as a Python int, never wrapped: NumPy adds them when no partial sum
    can pass int64 (weights of at least 0, the largest times their number below 2**63), Python
    ints otherwise."""
    if not len(weights):
        return 0
    if int(weights.min()) >= 0 and int(weights.max()) <= (INT64_LIMIT - 1) // len(weights):
        return int(weights.sum())
    return sum(weights.tolist())


def check_total_weight(
    total: int, *, method: str, units: int = 1, limit: int = EXACT_LIMIT
) -> None:
    """Refuse a `total` weight that `method`, counting in `units` per vote, cannot add exactly.

    The totals are Python ints (exact at any size); only this check stands between them and
    the fixed-width arithmetic of the counting arrays.
    """
    if total < 0:
        raise WeightError(f"the ballots weigh {total} in all: a weight cannot be negative")
    if total * units >= limit:
        most = (limit - 1) // units
        raise WeightError(
            f"the ballots weigh {total} in all; {method} counts at most {most} exactly"
        )


@dataclass(frozen=True)
class BallotRules:
    """How irregular marks are read (names follow RCTab's configuration keys).

    `max_skipped_ranks_allowed`: a ballot exhausts on reaching a marked rank more than k+1 ranks
    after the previous marked one (``None``: unlimited). Trailing blanks never exhaust.
    `exhaust_on_duplicate_candidate`: a candidate seen again exhausts the ballot; otherwise the
    repeat is ignored.
    """

    overvote_rule: OvervoteRule = OvervoteRule.EXHAUST_IMMEDIATELY
    max_skipped_ranks_allowed: int | None = None
    exhaust_on_duplicate_candidate: bool = False


@dataclass(frozen=True)
class Candidate:
    name: str
    withdrawn: bool = False


@dataclass(frozen=True)
class RawBallots:
    """Distinct raw ballots and the total weight of each (grouped, first-seen order)."""

    ballots: tuple[RawBallot, ...]
    weights: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.ballots)

    @property
    def total_weight(self) -> int:
        return sum(self.weights)


def group_raw(items: Iterable[tuple[RawBallot, int]]) -> RawBallots:
    """Group identical raw ballots, adding their weights; keeps the order of first appearance."""
    grouped: dict[RawBallot, int] = {}
    for ballot, weight in items:
        grouped[ballot] = grouped.get(ballot, 0) + weight
    return RawBallots(tuple(grouped), tuple(grouped.values()))


@dataclass(frozen=True)
class Preferences:
    """The clean, fast form: distinct strict rankings with their weights.

    `prefs[i]` lists candidate indices best first, padded with `PAD`; `weights[i]` is the number
    of voters (or vote weight units) behind row i; `endings[i]` is why row i stops.
    """

    prefs: PrefArray
    weights: IntArray
    endings: npt.NDArray[np.int8]

    def __post_init__(self) -> None:
        if self.prefs.ndim != 2 or self.prefs.shape[0] != self.weights.shape[0]:
            raise ValueError("preferences and weights must have one row per ballot")

    @property
    def depth(self) -> int:
        return int(self.prefs.shape[1])

    @property
    def total_weight(self) -> int:
        return exact_total(self.weights)

    def __len__(self) -> int:
        return int(self.prefs.shape[0])

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[Sequence[int], int]],
        endings: Sequence[int] | None = None,
    ) -> Preferences:
        """Build from (ranking, weight) pairs of candidate indices, without grouping."""
        row_list = list(rows)
        if any(w < 0 for _, w in row_list):
            raise WeightError("a ballot weight cannot be negative")
        check_total_weight(sum(w for _, w in row_list), method="Moim")
        depth = max((len(r) for r, _ in row_list), default=0)
        prefs = np.full((len(row_list), max(depth, 1)), PAD, dtype=np.int32)
        weights = np.zeros(len(row_list), dtype=np.int64)
        for i, (ranking, weight) in enumerate(row_list):
            prefs[i, : len(ranking)] = ranking
            weights[i] = weight
        ends = np.zeros(len(row_list), dtype=np.int8) if endings is None else np.asarray(endings)
        return cls(prefs, weights, ends.astype(np.int8))

    def grouped(self) -> Preferences:
        """Merge identical rows (same ranking and ending), adding weights; rows come out sorted."""
        if len(self) == 0:
            return self
        keyed = np.concatenate([self.endings[:, None].astype(np.int32), self.prefs], axis=1)
        words = _row_words(keyed)
        order = np.lexsort(words[::-1])
        ordered = words[:, order]
        starts = np.ones(order.size, dtype=bool)
        starts[1:] = np.any(ordered[:, 1:] != ordered[:, :-1], axis=0)
        group = np.cumsum(starts) - 1
        totals = np.zeros(int(starts.sum()), dtype=np.int64)
        np.add.at(totals, group, self.weights[order])  # exact integer sums, unlike bincount
        rows = keyed[order[starts]]
        keep = totals > 0
        return Preferences(
            np.ascontiguousarray(rows[keep, 1:]), totals[keep], rows[keep, 0].astype(np.int8)
        )


def _row_words(rows: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """The rows packed into as few int64 words as their values allow (words × rows)."""
    shifted = rows.astype(np.int64) + 1  # PAD (-1) becomes 0
    bits = max(int(shifted.max(initial=0)).bit_length(), 1)
    per_word = max(63 // bits, 1)
    words = []
    for start in range(0, rows.shape[1], per_word):
        word = np.zeros(rows.shape[0], dtype=np.int64)
        for j in range(start, min(start + per_word, rows.shape[1])):
            word = (word << bits) | shifted[:, j]
        words.append(word)
    return np.stack(words)


@dataclass(frozen=True)
class Election:
    """What is being decided and the ballots cast.

    Candidates keep their file order: a candidate's index is its position. `tie_order` lists
    candidate indices, first = favoured when a tie is broken by order (BLT ``[tie ...]``).
    """

    title: str
    candidates: tuple[Candidate, ...]
    seats: int
    ballots: RawBallots
    tie_order: tuple[int, ...] | None = None
    comments: tuple[str, ...] = field(default=())
    prepared: Preferences | None = field(default=None, compare=False, repr=False)
    """The clean form under the default rules, when a reader has already built it (a large CVR
    file converts faster as a block than ballot by ballot); `preferences()` then returns it."""
    converter: Callable[[BallotRules, frozenset[int]], Preferences] | None = field(
        default=None, compare=False, repr=False
    )
    """A reader's faster equivalent of `to_preferences(ballots, rules, drop=...)` for these
    ballots; `preferences(rules)` uses it for any rules."""

    # Computed once: the counts read these inside loops over candidates and ballots.
    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates)

    @cached_property
    def withdrawn(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.candidates) if c.withdrawn)

    @cached_property
    def standing(self) -> tuple[int, ...]:
        """Indices of the candidates not withdrawn, in file order."""
        return tuple(i for i, c in enumerate(self.candidates) if not c.withdrawn)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {name: i for i, name in reversed(list(enumerate(self.names)))}

    def index(self, name: str) -> int:
        """The index of the candidate called `name` (ValueError if there is none)."""
        try:
            return self._positions[name]
        except KeyError:
            raise ValueError(f"{name!r} is not a candidate") from None

    def preferences(
        self,
        rules: BallotRules | None = None,
    ) -> Preferences:
        """The clean form of this election's ballots, withdrawn candidates removed.

        Without rules, a rank marked for several candidates (a BLT equal ranking) is skipped.
        """
        if rules is None and self.prepared is not None:
            return self.prepared
        if self.prepared is not None and self.converter is None and not self.ballots.ballots:
            # the prepared form holds the default rules only; counting nothing would be wrong
            raise ValueError("these ballots exist only in the default rules' clean form")
        if self.converter is not None:
            default = BallotRules(overvote_rule=OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK)
            return self.converter(rules or default, self.withdrawn)
        return to_preferences(
            self.ballots,
            rules or BallotRules(overvote_rule=OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK),
            drop=self.withdrawn,
        )


def clean_ranking(
    ballot: RawBallot,
    rules: BallotRules,
    *,
    drop: frozenset[int] = frozenset(),
    write_in: int | None = None,
) -> tuple[list[int], Ending]:
    """Apply the ballot rules to one raw ballot: its strict ranking and why it ends.

    The ballot is read from rank 1, as RCTab reads it each time a ballot needs a new recipient,
    so the ranking returned is exactly the sequence of candidates it can ever count for.
    """
    ranking: list[int] = []
    seen: set[int] = set()
    last_marked = 0  # rank number of the previous marked rank; 0 before the first
    ending = Ending.EXHAUSTED_CHOICES
    for rank, cell in enumerate(ballot, start=1):
        if not cell:
            continue
        if (
            rules.max_skipped_ranks_allowed is not None
            and rank - last_marked > rules.max_skipped_ranks_allowed + 1
        ):
            return ranking, Ending.SKIPPED_RANKINGS
        last_marked = rank
        if len(cell) > 1 or cell[0] == OVERVOTE:
            # RCTab looks for repeats before overvotes, among every mark of the rank.
            if rules.exhaust_on_duplicate_candidate:
                if seen.intersection(cell):
                    return ranking, Ending.REPEATED_RANKINGS
                seen.update(cell)
            if rules.overvote_rule is OvervoteRule.EXHAUST_IMMEDIATELY:
                return ranking, Ending.OVERVOTES
            continue
        candidate = cell[0]
        if candidate == UNDECLARED_WRITE_IN:
            if write_in is None:
                raise ValueError("ballot holds an undeclared write-in but the count has none")
            candidate = write_in
        if candidate in seen:
            if rules.exhaust_on_duplicate_candidate:
                return ranking, Ending.REPEATED_RANKINGS
            continue
        seen.add(candidate)
        if candidate not in drop:
            ranking.append(candidate)
    return ranking, ending


def to_preferences(
    raw: RawBallots,
    rules: BallotRules,
    *,
    drop: frozenset[int] = frozenset(),
    write_in: int | None = None,
) -> Preferences:
    """Convert raw ballots into the grouped clean form under `rules`.

    `drop` removes candidates (withdrawn) from every ranking; `write_in` is the candidate index
    that stands for undeclared write-ins, if the count has one.
    """
    grouped: dict[tuple[tuple[int, ...], Ending], int] = {}
    for ballot, weight in zip(raw.ballots, raw.weights, strict=True):
        ranking, ending = clean_ranking(ballot, rules, drop=drop, write_in=write_in)
        key = (tuple(ranking), ending)
        grouped[key] = grouped.get(key, 0) + weight
    rows = [(r, w) for (r, _), w in grouped.items()]
    return Preferences.from_rows(rows, [int(e) for _, e in grouped])


def from_rankings(
    candidates: Sequence[str],
    ballots: Iterable[tuple[Sequence[str], int]],
    *,
    seats: int = 1,
    title: str = "",
) -> Election:
    """Convenience: an election from names and (ranking by name, weight) pairs."""
    index = {name: i for i, name in enumerate(candidates)}
    raw = group_raw((tuple((index[n],) for n in ranking), weight) for ranking, weight in ballots)
    return Election(title, tuple(Candidate(n) for n in candidates), seats, raw)


@dataclass(frozen=True)
class YesNoAbstainBallots:
    """Motion ballots: total weight and head count behind each answer."""

    weights: Mapping[YesNoAbstain, int]
    heads: Mapping[YesNoAbstain, int]

    @classmethod
    def from_votes(cls, votes: Iterable[tuple[YesNoAbstain, int]]) -> YesNoAbstainBallots:
        weights = dict.fromkeys(YesNoAbstain, 0)
        heads = dict.fromkeys(YesNoAbstain, 0)
        for choice, weight in votes:
            weights[YesNoAbstain(choice)] += weight
            heads[YesNoAbstain(choice)] += 1
        return cls(weights, heads)
