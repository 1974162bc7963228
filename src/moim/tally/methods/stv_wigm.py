"""Weighted inclusive Gregory method (WIGM) STV.

Two arithmetics, as the PR Foundation reference rule and Droop's generic rule define them:

* ``prf`` (the reference rule): fixed point at 4 places, every product and quotient truncated;
  quota = votes/(seats+1) truncated + 0.0001; elected at or above the quota;
* ``rational``: exact fractions; quota = votes/(seats+1); elected only above the quota.

Each round: elect every hopeful candidate at the quota (highest first); stop when the seats are
filled (the rest are defeated) or when the hopeful candidates fit the seats left (they are
elected); else transfer the largest pending surplus (each paper's value × surplus ÷ vote);
else defeat the lowest hopeful candidate, or with `batch` the largest group of lowest
candidates that can no longer catch the next one up (the optional "defeat sure losers" rule
B.2), and move its papers on at their current value. Ties go to the tie policy, with no
look-back (the reference rule breaks ties directly). The fixed-point rule runs on NumPy arrays
of distinct ballots (see `moim.tally.methods.stv_common.Papers`), the exact one loops over them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

import numpy as np

from moim.tally.arithmetic import Arithmetic, Exact, Fixed, Value
from moim.tally.ballots import Election
from moim.tally.methods.stv_common import STV_RULES, Papers, new_result, tie_breaker_for
from moim.tally.result import Action, Result, Round
from moim.tally.ties import TieBreaker, TieForChair, TieKind, TieRecord


class WigmArithmetic(enum.StrEnum):
    PRF = "prf"
    RATIONAL = "rational"


@dataclass
class _Paper:
    ranking: tuple[int, ...]
    count: int
    value: Value
    pos: int = 0

    @property
    def holder(self) -> int | None:
        return self.ranking[self.pos] if self.pos < len(self.ranking) else None


def count_wigm(
    election: Election,
    *,
    arithmetic: WigmArithmetic = WigmArithmetic.PRF,
    batch: bool = False,
    tie_breaker: TieBreaker | None = None,
) -> Result:
    arith: Arithmetic = Fixed(4) if arithmetic is WigmArithmetic.PRF else Exact(12)
    breaker = tie_breaker_for(election, tie_breaker)
    method = "stv-wigm" + ("" if arithmetic is WigmArithmetic.PRF else f"-{arithmetic}")
    result = new_result(method, election, arith.places, arith.name, breaker)
    result.details["batch_defeat"] = batch
    try:
        _Count(election, arith, arithmetic, batch, breaker, result).run()
    except TieForChair as tie:
        result.stop_for_chair(tie)
    return result


class _Count:
    def __init__(
        self,
        election: Election,
        arith: Arithmetic,
        kind: WigmArithmetic,
        batch: bool,
        breaker: TieBreaker,
        result: Result,
    ) -> None:
        self.e = election
        self.a = arith
        self.batch = batch
        self.breaker = breaker
        self.result = result
        self.names = election.names
        prefs = election.preferences(STV_RULES)
        # the reference rule's fixed point runs on NumPy arrays; exact fractions on Python rows
        self.vec: Papers | None = None
        self.papers: list[_Paper] = []
        if isinstance(arith, Fixed):
            self.vec = Papers.from_preferences(prefs, len(self.names), arith.places, "WIGM")
        else:
            self.papers = [
                _Paper(tuple(int(c) for c in row if c >= 0), int(w), arith.one)
                for row, w in zip(prefs.prefs, prefs.weights, strict=True)
            ]
        votes = arith.of(prefs.total_weight)
        seats1 = arith.of(election.seats + 1)
        if kind is WigmArithmetic.PRF:
            self.quota = arith.div(votes, seats1) + arith.epsilon
        else:
            self.quota = arith.div(votes, seats1)
        self.strict = kind is WigmArithmetic.RATIONAL
        self.valid = votes
        result.quota = arith.decimal(self.quota)
        result.valid_weight = prefs.total_weight
        self.hopeful = [i for i in range(len(self.names)) if i not in election.withdrawn]
        self.shown = list(self.hopeful)
        self.pending: list[int] = []
        self.fixed: dict[int, Value] = {}
        self.seats = election.seats

    # -- state -----------------------------------------------------------------------------
    def totals(self) -> tuple[dict[int, Value], Value]:
        if self.vec is not None:
            sums = self.vec.totals()
            fixed_totals: dict[int, Value] = {c: int(sums[c]) for c in self.shown}
            fixed_totals.update(self.fixed)
            return fixed_totals, int(sums[len(self.names)])
        totals: dict[int, Value] = {c: self.a.of(0) for c in self.shown}
        exhausted = self.a.of(0)
        for p in self.papers:
            holder = p.holder
            if holder is None:
                exhausted += p.value * p.count
            else:
                totals[holder] += p.value * p.count
        totals.update(self.fixed)
        return totals, exhausted

    def move_on(self, paper: _Paper) -> None:
        paper.pos += 1
        while paper.pos < len(paper.ranking) and paper.ranking[paper.pos] not in self.hopeful:
            paper.pos += 1

    def has_quota(self, vote: Value) -> bool:
        return vote > self.quota if self.strict else vote >= self.quota

    def record(self, action: Action, subjects: tuple[str, ...], ties: list[TieRecord]) -> Round:
        totals, exhausted = self.totals()
        loss = self.valid - sum(totals.values()) - exhausted
        round_ = Round(
            number=len(self.result.rounds) + 1,
            action=action,
            subjects=subjects,
            threshold=self.a.decimal(self.quota),
            votes={self.names[c]: self.a.decimal(totals[c]) for c in self.shown},
            exhausted=self.a.decimal(exhausted),
            ties=ties,
            inactive={"loss": self.a.decimal(loss)},
        )
        if self.result.rounds:
            before = self.result.rounds[-1].votes
            round_.transfers = {
                k: cast(Decimal, v) - cast(Decimal, before[k]) for k, v in round_.votes.items()
            }
        self.result.rounds.append(round_)
        return round_

    def pick(self, tied: list[int], kind: TieKind, ties: list[TieRecord]) -> int:
        chosen, record = self.breaker.choose(
            tied,
            kind=kind,
            round=len(self.result.rounds) + 1,
            names=self.names,
            allow_look_back=False,
        )
        if record is not None:
            ties.append(record)
        return chosen

    # -- the count -------------------------------------------------------------------------
    def run(self) -> None:
        round_ = self.record(Action.FIRST, (), [])
        while True:
            totals, _ = self.totals()
            winners = sorted(
                (c for c in self.hopeful if self.has_quota(totals[c])),
                key=lambda c: (-totals[c], c),
            )
            for c in winners:
                self.hopeful.remove(c)
                if self.vec is not None:
                    self.vec.hopeful[c] = False
                self.result.elected.append(self.names[c])
                self.pending.append(c)
            round_.elected += tuple(self.names[c] for c in winners)
            left = self.seats - len(self.result.elected)
            if left == 0:
                self.finish(round_, elect=False)
                return
            if len(self.hopeful) <= left:
                self.finish(round_, elect=True)
                return
            ties: list[TieRecord] = []
            if self.pending:
                surplus = {c: totals[c] - self.quota for c in self.pending}
                top = max(surplus.values())
                c = self.pick([c for c in self.pending if surplus[c] == top], TieKind.SURPLUS, ties)
                self.pending.remove(c)
                self.transfer_surplus(c, surplus[c], totals[c])
                round_ = self.record(Action.SURPLUS, (self.names[c],), ties)
                round_.note = f"surplus of {self.names[c]}: {self.a.decimal(surplus[c])}"
                continue
            losers = self.sure_losers(totals) if self.batch else []
            if not losers:
                low = min(totals[c] for c in self.hopeful)
                losers = [
                    self.pick([c for c in self.hopeful if totals[c] == low], TieKind.EXCLUDE, ties)
                ]
            for c in losers:
                self.hopeful.remove(c)
                self.result.excluded.append(self.names[c])
            self.move_papers_of(losers)
            round_ = self.record(Action.EXCLUSION, tuple(self.names[c] for c in losers), ties)
            round_.excluded = round_.subjects
            low_total = self.a.decimal(min(totals[c] for c in losers))
            round_.note = (
                "sure losers defeated together" if len(losers) > 1 else "lowest defeated"
            ) + f" (lowest total {low_total})"

    def move_papers_of(self, losers: list[int]) -> None:
        if self.vec is not None:
            self.vec.hopeful[losers] = False
            self.vec.transfer(np.nonzero(np.isin(self.vec.cur, losers))[0])
            return
        for p in self.papers:
            if p.holder in losers:
                self.move_on(p)

    def transfer_surplus(self, c: int, surplus: Value, vote: Value) -> None:
        if self.vec is not None:
            one = int(self.a.one)
            rows = self.vec.held_by(c)
            # each product and quotient truncated, as the reference rule does it
            moved = self.vec.values[rows] * int(surplus) // one * one // int(vote)
            self.vec.transfer(rows, moved)
            self.fixed[c] = self.quota
            return
        for p in self.papers:
            if p.holder == c:
                p.value = self.a.div(self.a.mul(p.value, surplus), vote)
                self.move_on(p)
        self.fixed[c] = self.quota

    def sure_losers(self, totals: dict[int, Value]) -> list[int]:
        """The largest group of lowest candidates that together, with every pending surplus,
        stay below the next candidate up, leaving enough candidates for the seats."""
        ordered = sorted(self.hopeful, key=lambda c: (totals[c], c))
        surplus = sum((totals[c] - self.quota for c in self.pending), self.a.of(0))
        most = len(ordered) - (self.seats - len(self.result.elected))
        losers: list[int] = []
        running = surplus
        for i in range(most):
            running += totals[ordered[i]]
            if i + 1 < len(ordered) and running < totals[ordered[i + 1]]:
                losers = ordered[: i + 1]
        return sorted(losers)

    def finish(self, round_: Round, *, elect: bool) -> None:
        rest = sorted(self.hopeful, key=lambda c: (-self.totals()[0][c], c))
        if elect:
            final = self.record(Action.ELECT_REMAINING, (), [])
            final.elected = tuple(self.names[c] for c in rest)
            self.result.elected.extend(final.elected)
        else:
            self.result.excluded.extend(self.names[c] for c in sorted(rest))
            round_.excluded += tuple(self.names[c] for c in sorted(rest))
        self.hopeful.clear()
