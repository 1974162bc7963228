"""Single-round methods: plurality, block vote (up to N of M for N seats) and approval.

A ballot's marks are every candidate it names, at any rank (duplicates count once); for
plurality only the first marked rank counts. A ballot is invalid when it marks more than the
method allows (plurality: two candidates at its first rank; block vote: more than N) and is
reported, not counted. The N highest totals win; a tie for the last seat goes to the policy.
"""

from __future__ import annotations

import enum

from moim.tally.ballots import Election
from moim.tally.methods.stv_common import new_result
from moim.tally.result import Action, Result, Round
from moim.tally.ties import TieBreaker, TieForChair, TieKind, TieRecord


class ChoiceMethod(enum.StrEnum):
    PLURALITY = "plurality"
    BLOCK = "block"
    APPROVAL = "approval"


def count_choice(
    election: Election,
    method: ChoiceMethod,
    *,
    seats: int | None = None,
    tie_breaker: TieBreaker | None = None,
) -> Result:
    """Count `election` by `method` for `seats` winners (default: the election's seats)."""
    seats = election.seats if seats is None else seats
    breaker = tie_breaker or TieBreaker()
    names = election.names
    result = new_result(str(method), election, 0, "integer weights", breaker)
    result.seats = seats
    totals = dict.fromkeys(election.standing, 0)
    limit = {ChoiceMethod.PLURALITY: 1, ChoiceMethod.BLOCK: seats}.get(method, len(names))
    invalid = blank = 0
    # Each ballot costs the marks it holds, whatever the number of candidates: `totals` is the
    # set of standing candidates, never rebuilt per ballot.
    for ballot, weight in zip(election.ballots.ballots, election.ballots.weights, strict=True):
        if method is ChoiceMethod.PLURALITY:
            marks = set(next((cell for cell in ballot if cell), ()))
        else:
            marks = {c for cell in ballot for c in cell}
        if len(marks) > limit or any(c < 0 for c in marks):
            invalid += weight
            continue
        counted = [c for c in marks if c in totals]
        if not counted:
            blank += weight
            continue
        for c in counted:
            totals[c] += weight
    result.valid_weight = election.ballots.total_weight - invalid
    round_ = Round(
        number=1,
        action=Action.COUNT,
        votes={names[c]: v for c, v in totals.items()},
        inactive={"invalid": invalid, "blank": blank},
    )
    result.rounds.append(round_)
    result.details.update({"invalid_weight": invalid, "blank_weight": blank})
    try:
        winners = _top(totals, seats, breaker, names, round_.ties)
    except TieForChair as tie:
        return result.stop_for_chair(tie)
    result.elected = [names[c] for c in winners]
    round_.elected = tuple(result.elected)
    return result


def _top(
    totals: dict[int, int],
    seats: int,
    breaker: TieBreaker,
    names: tuple[str, ...],
    ties: list[TieRecord],
) -> list[int]:
    ordered = sorted(totals, key=lambda c: (-totals[c], c))
    if len(ordered) <= seats:
        return ordered
    cutoff = totals[ordered[seats - 1]]
    winners = [c for c in ordered if totals[c] > cutoff]
    tied = [c for c in ordered if totals[c] == cutoff]
    if len(winners) + len(tied) == seats:
        # Level totals at the last seat need no tie-break when every one of them is elected.
        return winners + tied
    while len(winners) < seats:
        chosen, record = breaker.choose(
            tied, kind=TieKind.ELECT, round=1, names=names, allow_look_back=False
        )
        if record is not None:
            ties.append(record)
        winners.append(chosen)
        tied = [c for c in tied if c != chosen]
    return winners
