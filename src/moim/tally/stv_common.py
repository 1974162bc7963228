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

from moim.tally.ballots import PAD, Election, Preferences
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


@dataclass
class Papers:
    """The ballot papers of a count and where each row currently sits."""

    prefs: npt.NDArray[np.int32]
    weights: IntArray
    n_candidates: int
    one: int  # fixed-point units per vote
    values: IntArray = field(init=False)
    pos: npt.NDArray[np.int64] = field(init=False)
    cur: npt.NDArray[np.int64] = field(init=False)
    hopeful: npt.NDArray[np.bool_] = field(init=False)

    def __post_init__(self) -> None:
        n = self.prefs.shape[0]
        self.values = np.full(n, self.one, dtype=np.int64)
        self.pos = np.zeros(n, dtype=np.int64)
        self.cur = np.full(n, PAD, dtype=np.int64)
        # one extra slot so that PAD (-1) indexes a False entry
        self.hopeful = np.ones(self.n_candidates + 1, dtype=bool)
        self.hopeful[-1] = False
        if int(self.weights.sum()) * self.one >= EXACT_FLOAT_LIMIT:
            raise ValueError("too many votes for exact fixed-point totals")
        if n and self.prefs.shape[1]:
            self.cur[:] = self.prefs[:, 0]
        self.advance(np.nonzero(~self.counts_for_hopeful())[0])

    @classmethod
    def from_preferences(cls, prefs: Preferences, n_candidates: int, places: int) -> Papers:
        return cls(prefs.prefs, prefs.weights, n_candidates, 10**places)

    def counts_for_hopeful(self) -> npt.NDArray[np.bool_]:
        return self.hopeful[self.cur]

    def advance(self, rows: npt.NDArray[np.intp]) -> None:
        """Move each row in `rows` to its next preference that is still hopeful (or exhaust)."""
        depth = self.prefs.shape[1]
        cur = self.cur
        while rows.size:
            cand = np.full(rows.size, PAD, dtype=np.int64)
            positions = self.pos[rows]
            inside = positions < depth
            cand[inside] = self.prefs[rows[inside], positions[inside]]
            settled = (cand == PAD) | self.hopeful[cand]
            cur[rows[settled]] = cand[settled]
            moving = rows[~settled]
            self.pos[moving] += 1
            rows = moving
        # rows that settled on PAD are exhausted; keep the pointer past the end
        return None

    def move_from(self, candidate: int) -> npt.NDArray[np.intp]:
        """Rows held by `candidate`, after marking it not hopeful and moving them on."""
        self.hopeful[candidate] = False
        rows = np.nonzero(self.cur == candidate)[0]
        self.pos[rows] += 1
        self.advance(rows)
        return rows

    def totals(self) -> IntArray:
        """Units held by each candidate (index n_candidates = exhausted)."""
        held = np.where(self.cur == PAD, self.n_candidates, self.cur)
        sums = np.bincount(
            held,
            weights=(self.weights * self.values).astype(np.float64),
            minlength=self.n_candidates + 1,
        )
        return np.rint(sums).astype(np.int64)


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
