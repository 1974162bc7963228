"""Scottish STV: The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1,
rules 45 to 52.

* quota = ⌊valid ballots / (seats + 1)⌋ + 1 (rule 46); a candidate is elected on reaching it;
* one surplus per stage, the largest first (rule 49), ties looked back on, then by lot;
* weighted inclusive Gregory: every paper of the candidate moves on at
  ``surplus × value of the paper ÷ candidate's total``, truncated to 5 decimal places (rule 48);
* otherwise the lowest candidate is excluded, one per stage, papers moving at their current
  value (rule 50);
* when the continuing candidates are as many as the vacancies left, they are elected and no
  further transfer is made (rule 52).

All arithmetic is exact in integers of 10⁻⁵ vote. Untransferable papers go to the
non-transferable total; what truncation drops is reported as ``loss``.
"""

from __future__ import annotations

from moim.tally.ballots import Election, Preferences
from moim.tally.methods.stv_common import (
    STV_RULES,
    Papers,
    add_round,
    choose,
    named,
    new_result,
    tie_breaker_for,
    units,
)
from moim.tally.result import Action, Result, Round
from moim.tally.ties import TieBreaker, TieForChair, TieKind, TieRecord

PLACES = 5
ONE = 10**PLACES


def count_scottish_stv(
    election: Election,
    *,
    tie_breaker: TieBreaker | None = None,
    preferences: Preferences | None = None,
) -> Result:
    """Count `election` under Scottish STV. A tie left to the chair stops the count.

    `preferences`, if given, are the ballots already in clean form (withdrawn candidates
    removed); `election.ballots` is then not read.
    """
    breaker = tie_breaker_for(election, tie_breaker)
    names = election.names
    n = len(names)
    prefs = election.preferences(STV_RULES) if preferences is None else preferences
    papers = Papers.from_preferences(prefs, n, PLACES, "Scottish STV")
    valid = prefs.total_weight
    quota = (valid // (election.seats + 1) + 1) * ONE
    result = new_result("stv-scottish", election, PLACES, "fixed-point, 5 decimal places", breaker)
    result.quota = units(quota, PLACES)
    result.valid_weight = valid
    try:
        _count(election, papers, quota, valid * ONE, result, breaker)
    except TieForChair as tie:
        result.stop_for_chair(tie)
    return result


def _count(
    election: Election,
    papers: Papers,
    quota: int,
    valid: int,
    result: Result,
    breaker: TieBreaker,
) -> None:
    names = election.names
    n = len(names)
    shown = [i for i in range(n) if i not in election.withdrawn]
    hopeful = list(shown)
    for i in election.withdrawn:
        papers.hopeful[i] = False
    fixed: dict[int, int] = {}  # total of a candidate whose surplus has gone
    pending: list[int] = []  # elected, surplus not yet transferred
    history: list[list[int]] = []
    seats = election.seats

    def snapshot() -> tuple[list[int], int]:
        sums = papers.totals()
        totals = [fixed.get(i, int(sums[i])) for i in range(n)]
        return totals, int(sums[n])

    def record(action: Action, subjects: tuple[str, ...], before: list[int] | None) -> Round:
        totals, exhausted = snapshot()
        history.append(totals)
        loss = valid - sum(totals[i] for i in shown) - exhausted
        transfers = (
            {}
            if before is None
            else named([t - b for t, b in zip(totals, before, strict=True)], names, shown, PLACES)
        )
        return add_round(
            result,
            Round(
                number=len(result.rounds) + 1,
                action=action,
                subjects=subjects,
                threshold=units(quota, PLACES),
                votes=named(totals, names, shown, PLACES),
                transfers=transfers,
                exhausted=units(exhausted, PLACES),
                inactive={"loss": units(loss, PLACES)},
            ),
        )

    def elect_reaching_quota(round_: Round) -> None:
        # Candidates reaching the quota at one stage are elected together; they are listed by
        # total, highest first (equal totals in candidate order: the order has no effect).
        totals = history[-1]
        reached = sorted((c for c in hopeful if totals[c] >= quota), key=lambda c: (-totals[c], c))
        for c in reached:
            hopeful.remove(c)
            papers.hopeful[c] = False
            result.elected.append(names[c])
            round_.elected += (names[c],)
            if totals[c] > quota:
                pending.append(c)
            else:
                fixed[c] = totals[c]

    round_ = record(Action.FIRST, (), None)
    elect_reaching_quota(round_)
    while len(result.elected) < seats:
        if len(hopeful) <= seats - len(result.elected):
            _elect_remaining(result, hopeful, names, round_)
            return
        if pending:
            totals = history[-1]
            top = max(totals[c] - quota for c in pending)
            ties: list[TieRecord] = []
            c = choose(
                breaker,
                [c for c in pending if totals[c] - quota == top],
                kind=TieKind.SURPLUS,
                round_no=len(result.rounds) + 1,
                names=names,
                history=history,
                records=ties,
            )
            pending.remove(c)
            surplus, total = totals[c] - quota, totals[c]
            rows = papers.held_by(c)
            # rule 48: each paper's new value, truncated to 5 decimal places
            papers.transfer(rows, papers.values[rows] * surplus // total)
            fixed[c] = quota
            before = history[-1]
            round_ = record(Action.SURPLUS, (names[c],), before)
            round_.ties = ties
            round_.note = f"surplus of {names[c]}: {units(surplus, PLACES)}"
            elect_reaching_quota(round_)
            continue
        totals = history[-1]
        low = min(totals[c] for c in hopeful)
        ties = []
        c = choose(
            breaker,
            [c for c in hopeful if totals[c] == low],
            kind=TieKind.EXCLUDE,
            round_no=len(result.rounds) + 1,
            names=names,
            history=history,
            records=ties,
        )
        hopeful.remove(c)
        result.excluded.append(names[c])
        if len(hopeful) == seats - len(result.elected):
            # rule 52: the last vacancies are filled; no further transfer is made
            round_ = add_round(
                result,
                Round(
                    number=len(result.rounds) + 1,
                    action=Action.ELECT_REMAINING,
                    subjects=(names[c],),
                    threshold=units(quota, PLACES),
                    votes=dict(round_.votes),
                    exhausted=round_.exhausted,
                    excluded=(names[c],),
                    ties=ties,
                    inactive=dict(round_.inactive),
                    note="rule 52: continuing candidates fill the last vacancies; no transfer",
                ),
            )
            _elect_remaining(result, hopeful, names, round_)
            return
        papers.move_from(c)
        round_ = record(Action.EXCLUSION, (names[c],), history[-1])
        round_.excluded = (names[c],)
        round_.note = f"lowest total {units(low, PLACES)}"
        round_.ties = ties
        elect_reaching_quota(round_)


def _elect_remaining(
    result: Result, hopeful: list[int], names: tuple[str, ...], round_: Round
) -> None:
    # highest total first, so the order of election reads naturally; all are elected together
    totals = round_.votes
    order = sorted(hopeful, key=lambda c: (-totals[names[c]], c))
    for c in order:
        result.elected.append(names[c])
    round_.elected += tuple(names[c] for c in order)
    hopeful.clear()
