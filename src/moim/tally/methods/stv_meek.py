"""Meek STV, in two arithmetics.

* ``prf`` — the PR Foundation reference rule: fixed point at 9 places; each ballot gives each
  candidate in turn ``weight × keep factor`` rounded **up**; quota = votes/(seats+1) truncated to
  9 places + 10⁻⁹, recomputed every iteration; elected at or above the quota; ω = 10⁻⁶; keep
  factors updated to ``kf × quota ÷ vote`` rounded up; one defeat per round, counting as tied
  every hopeful within (lowest vote + total surplus).
* ``rational`` — exact fractions (a keep factor whose denominator passes 10⁴⁰ is rounded
  up at 40 places, so that slow convergence cannot stall on ever larger numbers):
  quota = votes/(seats+1); elected only above the quota; ω = 10⁻¹⁰; sure losers (a group
  of lowest candidates whose votes together with the total surplus stay below the next one
  up) are defeated together.

A round iterates until a candidate reaches the quota, or the total surplus is below ω, or it
stops falling; then, if nobody was elected, it defeats. The fixed-point rule is vectorised over
the distinct ballots; the exact rule loops in Python over them.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from fractions import Fraction
from typing import cast

import numpy as np

from moim.tally.arithmetic import Arithmetic, Exact, Fixed, Value
from moim.tally.ballots import INT64_LIMIT, Election, check_total_weight
from moim.tally.methods.stv_common import STV_RULES, new_result, tie_breaker_for
from moim.tally.result import Action, Result, Round
from moim.tally.ties import TieBreaker, TieForChair, TieKind, TieRecord


class MeekArithmetic(enum.StrEnum):
    PRF = "prf"
    RATIONAL = "rational"


def count_meek(
    election: Election,
    *,
    arithmetic: MeekArithmetic = MeekArithmetic.PRF,
    tie_breaker: TieBreaker | None = None,
    omega: Fraction | None = None,
    places: int | None = None,
) -> Result:
    """Count `election` by Meek STV. `omega` and `places` (shown precision) may be overridden."""
    prf = arithmetic is MeekArithmetic.PRF
    arith: Arithmetic = Fixed(9) if prf else Exact(places or 12)
    breaker = tie_breaker_for(election, tie_breaker)
    method = "stv-meek" + ("" if prf else f"-{arithmetic}")
    result = new_result(method, election, arith.places, arith.name, breaker)
    if omega is None:
        omega = Fraction(1, 10**6) if prf else Fraction(1, 10**10)
    result.details["omega"] = str(omega)
    try:
        _Meek(election, arith, prf, omega, breaker, result).run()
    except TieForChair as tie:
        result.stop_for_chair(tie)
    return result


KEEP_FACTOR_DIGITS = 40


def _rank_groups(election: Election) -> list[tuple[list[tuple[int, ...]], int]]:
    """Each ballot as its ranks of candidates (several at an equal ranking), grouped."""
    drop = election.withdrawn
    grouped: dict[tuple[tuple[int, ...], ...], int] = {}
    for ballot, weight in zip(election.ballots.ballots, election.ballots.weights, strict=True):
        seen: set[int] = set()
        groups: list[tuple[int, ...]] = []
        for cell in ballot:
            if any(c < 0 for c in cell):
                raise ValueError("Meek STV counts named candidates only")
            group = tuple(c for c in cell if c not in drop and c not in seen)
            seen.update(cell)
            if group:
                groups.append(group)
        if groups:
            key = tuple(groups)
            grouped[key] = grouped.get(key, 0) + weight
    return [(list(k), w) for k, w in grouped.items()]


def _bounded(kf: Fraction) -> Fraction:
    """An exact keep factor, rounded up to 10⁻⁴⁰ once its denominator passes 10⁴⁰.

    Exact keep factors grow in size with every iteration (each is a product of the ones
    before); a count that converges slowly would stall on huge numbers. Rounding up at 40
    places keeps them small, far below anything ω (10⁻¹⁰) or the shown precision can see.
    """
    scale = 10**KEEP_FACTOR_DIGITS
    if kf.denominator <= scale:
        return kf
    return Fraction(-(-kf.numerator * scale // kf.denominator), scale)


class _Meek:
    def __init__(
        self,
        election: Election,
        arith: Arithmetic,
        prf: bool,
        omega: Fraction,
        breaker: TieBreaker,
        result: Result,
    ) -> None:
        self.a = arith
        self.prf = prf
        self.breaker = breaker
        self.result = result
        self.names = election.names
        self.seats = election.seats
        n = len(self.names)
        prefs = election.preferences(STV_RULES)
        if prf:
            # a vote is 10**9 units, and each ballot's credit times its count is added in int64
            check_total_weight(
                prefs.total_weight,
                method="reference Meek STV",
                units=int(arith.one),
                limit=INT64_LIMIT,
            )
        self.prefs = prefs.prefs
        self.counts = prefs.weights
        self.total = arith.of(prefs.total_weight)
        result.valid_weight = prefs.total_weight
        self.omega: Value = arith.parse(str(omega.numerator)) // omega.denominator if prf else omega
        self.hopeful = [i for i in range(n) if i not in election.withdrawn]
        self.shown = list(self.hopeful)
        self.elected: list[int] = []
        self.kf: list[Value] = [arith.one if i in self.hopeful else arith.of(0) for i in range(n)]
        self.votes: list[Value] = [arith.of(0)] * n
        self.excess: Value = arith.of(0)
        self.quota: Value = arith.of(0)
        self.surplus: Value = arith.of(0)
        if not prf:
            # exact Meek reads the raw ballots, so that equal rankings (b=c) share a ballot
            self.rows = _rank_groups(election)
            total = sum(w for _, w in self.rows)
            self.total = arith.of(total)
            result.valid_weight = total

    # -- one iteration ---------------------------------------------------------------------
    def distribute(self) -> None:
        n = len(self.names)
        if self.prf:
            self._distribute_fixed(n)
        else:
            votes: list[Fraction] = [Fraction(0)] * n
            excess = Fraction(0)
            for groups, count in self.rows:
                w = Fraction(1)
                for group in groups:
                    # candidates ranked equally and still in the count share the weight that
                    # reaches their rank; each keeps its keep factor's part of its share
                    live = [c for c in group if self.kf[c]]
                    if not live:
                        continue
                    share = w / len(live)
                    credit: Fraction
                    for c in live:
                        credit = share * self.kf[c]
                        votes[c] += credit * count
                        w -= credit
                    if not w:
                        break
                excess += w * count
            self.votes, self.excess = list[Value](votes), excess
        votes_total = self.total - self.excess
        quota = self.a.div(votes_total, self.a.of(self.seats + 1))
        self.quota = quota + self.a.epsilon if self.prf else quota

    def _distribute_fixed(self, n: int) -> None:
        one = self.a.one
        assert isinstance(one, int)
        kf = np.array([*[int(k) for k in self.kf], 0], dtype=np.int64)  # PAD -> 0
        rows = np.arange(self.prefs.shape[0])
        w = np.full(rows.size, one, dtype=np.int64)
        counts = self.counts
        votes = np.zeros(n + 1, dtype=np.int64)
        excess = 0
        for j in range(self.prefs.shape[1]):
            if not rows.size:
                break
            col = self.prefs[rows, j].astype(np.int64)
            credit = -((-w * kf[col]) // one)  # rounded up
            slot = np.where(col < 0, n, col)
            # integer sums: a float64 bincount would round once a total passes 2**53 units
            np.add.at(votes, slot, credit * counts[rows])
            w = w - credit
            ended = col < 0
            excess += int((w[ended] * counts[rows[ended]]).sum())
            # only ballots with weight left and more candidates to read go on
            going = (w > 0) & ~ended
            rows, w = rows[going], w[going]
        excess += int((w * counts[rows]).sum())
        self.votes = [int(v) for v in votes[:n]]
        self.excess = excess

    def has_quota(self, c: int) -> bool:
        return self.votes[c] >= self.quota if self.prf else self.votes[c] > self.quota

    def total_surplus(self) -> Value:
        return sum((self.votes[c] - self.quota for c in self.elected), self.a.of(0))

    # -- the count -------------------------------------------------------------------------
    def run(self) -> None:
        self.distribute()
        self.result.quota = self.a.decimal(self.quota)
        self.record(Action.FIRST, [])
        while True:
            left = self.seats - len(self.elected)
            if left == 0:
                self.defeat(sorted(self.hopeful), [], note="defeat remaining")
                return
            if len(self.hopeful) <= left:
                self.elect(sorted(self.hopeful, key=lambda c: (-self.votes[c], c)), [])
                return
            outcome = self.iterate()
            ties: list[TieRecord] = []
            if outcome == "elected":
                continue
            losers = self.sure_losers() if not self.prf else []
            if not losers:
                low = min(self.votes[c] for c in self.hopeful)
                tied = [c for c in self.hopeful if self.votes[c] <= low + self.surplus]
                chosen, record = self.breaker.choose(
                    tied,
                    kind=TieKind.EXCLUDE,
                    round=len(self.result.rounds) + 1,
                    names=self.names,
                    allow_look_back=False,
                )
                if record is not None:
                    ties.append(record)
                losers = [chosen]
            self.defeat(losers, ties, note=f"surplus {self.a.decimal(self.surplus)} ({outcome})")

    def iterate(self) -> str:
        """Iterate to stability; returns why it stopped ("elected", "omega", "stable", "batch")."""
        last: Value | None = None
        while True:
            winners = [c for c in self.hopeful if self.has_quota(c)]
            if winners:
                self.elect(sorted(winners, key=lambda c: (-self.votes[c], c)), [])
                return "elected"
            self.surplus = self.total_surplus()
            if self.surplus < self.omega:
                return "omega"
            if last is not None and self.surplus >= last:
                return "stable"
            last = self.surplus
            if not self.prf and self.sure_losers():
                return "batch"
            for c in self.elected:
                kf = self.a.div_up(self.a.mul_up(self.kf[c], self.quota), self.votes[c])
                self.kf[c] = kf if self.prf else _bounded(Fraction(kf))
            self.distribute()

    def sure_losers(self) -> list[int]:
        ordered = sorted(self.hopeful, key=lambda c: (self.votes[c], c))
        most = len(ordered) - (self.seats - len(self.elected))
        running = self.surplus
        losers: list[int] = []
        for i in range(most):
            running += self.votes[ordered[i]]
            if i + 1 < len(ordered) and running < self.votes[ordered[i + 1]]:
                losers = ordered[: i + 1]
        return sorted(losers)

    def elect(self, winners: list[int], ties: list[TieRecord]) -> None:
        for c in winners:
            self.hopeful.remove(c)
            self.elected.append(c)
            self.result.elected.append(self.names[c])
        round_ = self.record(Action.ITERATION, ties)
        round_.elected = tuple(self.names[c] for c in winners)

    def defeat(self, losers: list[int], ties: list[TieRecord], *, note: str) -> None:
        for c in losers:
            self.hopeful.remove(c)
            self.kf[c] = self.a.of(0)
            self.result.excluded.append(self.names[c])
        round_ = self.record(Action.EXCLUSION, ties)
        round_.excluded = tuple(self.names[c] for c in losers)
        round_.subjects = round_.excluded
        round_.note = note
        if self.hopeful or len(self.elected) < self.seats:
            self.distribute()

    def record(self, action: Action, ties: list[TieRecord]) -> Round:
        round_ = Round(
            number=len(self.result.rounds) + 1,
            action=action,
            threshold=self.a.decimal(self.quota),
            votes={self.names[c]: self.a.decimal(self.votes[c]) for c in self.shown},
            exhausted=self.a.decimal(self.excess),
            ties=ties,
            keep_factors={self.names[c]: self.a.decimal(self.kf[c]) for c in self.shown},
        )
        if self.result.rounds:
            before = self.result.rounds[-1].votes
            round_.transfers = {
                k: cast(Decimal, v) - cast(Decimal, before[k]) for k, v in round_.votes.items()
            }
        self.result.rounds.append(round_)
        return round_
