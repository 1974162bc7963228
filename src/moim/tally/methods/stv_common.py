"""Shared machinery of the Gregory-method STV counts (Scottish STV, WIGM).

Papers are held per distinct ballot row: each row has a pointer to the candidate it currently
counts for and a value per paper in fixed-point units (``10**places`` units = one vote). Totals
are sums of ``papers × value`` by candidate; every step works on whole NumPy arrays, so the cost
of a stage grows with the number of distinct ballots, not with a Python loop over voters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from moim.tally.ballots import (
    INT64_LIMIT,
    PAD,
    BallotRules,
    Election,
    OvervoteRule,
    Preferences,
    check_total_weight,
    exact_total,
)
from moim.tally.result import Number, Result, Round
from moim.tally.ties import TieBreaker, TieBreakMethod, TieKind, TieRecord

IntArray = npt.NDArray[np.int64]
EXACT_FLOAT_LIMIT = 2**52


def tie_breaker_for(election: Election, tie_breaker: TieBreaker | None) -> TieBreaker:
    """The policy to use: the given one, else look back then the file's tie order."""
    if tie_breaker is not None:
        if tie_breaker.method is TieBreakMethod.ORDER and tie_breaker.order is None:
            return TieBreaker(
                TieBreakMethod.ORDER, tie_breaker.look_back, tie_breaker.seed, election.tie_order
            )
        return tie_breaker
    return TieBreaker(TieBreakMethod.ORDER, True, None, election.tie_order)


STV_RULES = BallotRules(OvervoteRule.EXHAUST_IMMEDIATELY)
"""How the Gregory and reference Meek counts read irregular marks: a rank marked for several
candidates (an overvote, or an equal ranking) ends the ballot there, as the Scottish rules make
a paper non-transferable once its next preference is unclear. Blank ranks are skipped."""


@dataclass
class Papers:
    """The ballot papers of a count and where each row currently sits."""

    prefs: npt.NDArray[np.int32]
    weights: IntArray
    n_candidates: int
    one: int  # fixed-point units per vote
    method: str = "this count"
    values: IntArray = field(init=False)
    pos: npt.NDArray[np.int64] = field(init=False)
    cur: npt.NDArray[np.int64] = field(init=False)
    hopeful: npt.NDArray[np.bool_] = field(init=False)
    sums: IntArray = field(init=False)
    depth: int = field(init=False)
    flat: npt.NDArray[np.int16] | npt.NDArray[np.int32] = field(init=False)

    def __post_init__(self) -> None:
        n = self.prefs.shape[0]
        # one PAD column at the end, so that a pointer never runs past its row; 16-bit
        # candidate numbers when they fit (half the memory to fill and to read)
        small = self.n_candidates < np.iinfo(np.int16).max
        padded = np.full((n, self.prefs.shape[1] + 1), PAD, np.int16 if small else np.int32)
        padded[:, :-1] = self.prefs
        self.depth = int(padded.shape[1])
        self.flat = padded.ravel()
        self.values = np.full(n, self.one, dtype=np.int64)
        self.pos = np.zeros(n, dtype=np.int64)
        self.cur = np.full(n, PAD, dtype=np.int64)
        # one extra slot so that PAD (-1) indexes a False entry
        self.hopeful = np.ones(self.n_candidates + 1, dtype=bool)
        self.hopeful[-1] = False
        # Totals are float64 sums of units (exact below 2**53); a transfer multiplies a value
        # (up to one vote) by a surplus (up to every vote) in int64.
        total = exact_total(self.weights)
        check_total_weight(total, method=self.method, units=self.one, limit=EXACT_FLOAT_LIMIT)
        check_total_weight(total, method=self.method, units=self.one**2, limit=INT64_LIMIT)
        self.cur[:] = padded[:, 0]
        self.sums = self._sums(None)

    @classmethod
    def from_preferences(
        cls, prefs: Preferences, n_candidates: int, places: int, method: str = "this count"
    ) -> Papers:
        return cls(prefs.prefs, prefs.weights, n_candidates, 10**places, method)

    def _sums(self, rows: npt.NDArray[np.intp] | None) -> IntArray:
        """Units held by each candidate among `rows` (all rows if None; index n_candidates =
        exhausted)."""
        if rows is None:
            cur, weights, values = self.cur, self.weights, self.values
        else:
            cur, weights, values = self.cur[rows], self.weights[rows], self.values[rows]
        held = np.where(cur == PAD, self.n_candidates, cur)
        contrib = (weights * values).astype(np.float64)
        sums = np.bincount(held, weights=contrib, minlength=self.n_candidates + 1)
        return np.rint(sums).astype(np.int64)

    def advance(self, rows: npt.NDArray[np.intp]) -> None:
        """Move each row in `rows` to its next preference that is still hopeful (or exhaust)."""
        width, flat, cur, pos = self.depth, self.flat, self.cur, self.pos
        stop = self.hopeful.copy()
        stop[-1] = True  # PAD: the ballot is exhausted
        while rows.size:
            cand = flat[rows * width + pos[rows]]
            settled = stop[cand]
            cur[rows[settled]] = cand[settled]
            rows = rows[~settled]
            pos[rows] += 1

    def transfer(self, rows: npt.NDArray[np.intp], values: IntArray | None = None) -> None:
        """Send `rows` on to their next hopeful preference, at new `values` if given."""
        self.sums -= self._sums(rows)
        if values is not None:
            self.values[rows] = values
        self.pos[rows] += 1
        self.advance(rows)
        self.sums += self._sums(rows)

    def held_by(self, candidate: int) -> npt.NDArray[np.intp]:
        return np.nonzero(self.cur == candidate)[0]

    def move_from(self, candidate: int) -> npt.NDArray[np.intp]:
        """Rows held by `candidate`, after marking it not hopeful and moving them on."""
        self.hopeful[candidate] = False
        rows = self.held_by(candidate)
        self.transfer(rows)
        return rows

    def totals(self) -> IntArray:
        """Units held by each candidate (index n_candidates = exhausted)."""
        return self.sums.copy()


def units(value: int, places: int) -> Decimal:
    return Decimal(value).scaleb(-places)


def named(
    values: Sequence[int] | IntArray, names: Sequence[str], keep: Sequence[int], places: int
) -> dict[str, Number]:
    return {names[i]: units(int(values[i]), places) for i in keep}


def choose(
    breaker: TieBreaker,
    tied: Sequence[int],
    *,
    kind: TieKind,
    round_no: int,
    names: Sequence[str],
    history: Sequence[Sequence[int]],
    records: list[TieRecord],
    allow_look_back: bool = True,
) -> int:
    chosen, record = breaker.choose(
        tied,
        kind=kind,
        round=round_no,
        names=names,
        history=history,
        allow_look_back=allow_look_back,
    )
    if record is not None:
        records.append(record)
    return chosen


def new_result(
    method: str, election: Election, places: int, arithmetic: str, breaker: TieBreaker
) -> Result:
    withdrawn = tuple(election.names[i] for i in sorted(election.withdrawn))
    return Result(
        method=method,
        title=election.title,
        seats=election.seats,
        candidates=election.names,
        precision=places,
        arithmetic=arithmetic,
        withdrawn=withdrawn,
        tie_policy=breaker.describe(),
    )


def add_round(result: Result, round_: Round) -> Round:
    result.rounds.append(round_)
    return round_
