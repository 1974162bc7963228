"""The Schulze method (M. Schulze, "A new monotonic, clone-independent, reversal symmetric, and
Condorcet-consistent single-winner election method", Social Choice and Welfare 36, 2011).

d[i][j] is the weight of ballots ranking i above j (candidates a ballot leaves out rank below
all it names; an equal ranking such as ``b=c`` prefers neither). The strength of a path is its
weakest link, links counting only where d[i][j] > d[j][i] (winning votes); p[i][j] is the
strongest path strength, by Floyd–Warshall. i ranks above j iff p[i][j] > p[j][i]; this order is
transitive, so candidates are ranked by how many others they beat, and equal ones share a
place. The winners are the first `seats` of the ranking; a tie across the cut goes to the policy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from moim.tally.ballots import Election, check_total_weight
from moim.tally.methods.stv_common import new_result
from moim.tally.result import Action, Result, Round
from moim.tally.ties import TieBreaker, TieForChair, TieKind

Matrix = npt.NDArray[np.int64]


def pairwise(election: Election) -> tuple[list[int], Matrix]:
    """The standing candidates and d[i][j] among them (rows and columns in that order)."""
    standing = list(election.standing)
    where = {c: k for k, c in enumerate(standing)}
    n = len(standing)
    raw = election.ballots
    check_total_weight(raw.total_weight, method="Schulze")
    rows = len(raw.ballots)
    unranked = 1 << 30
    position = np.full((rows, n), unranked, dtype=np.int64)
    for r, ballot in enumerate(raw.ballots):
        for rank, cell in enumerate(ballot):
            for c in cell:
                k = where.get(c)
                if k is not None and position[r, k] == unranked:
                    position[r, k] = rank
    weights = np.asarray(raw.weights, dtype=np.int64)
    d = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        above = position[:, i : i + 1] < position
        d[i] = (above * weights[:, None]).sum(axis=0)
    return standing, d


def strongest_paths(d: Matrix) -> Matrix:
    p = np.where(d > d.T, d, 0)
    n = d.shape[0]
    for k in range(n):
        through = np.minimum(p[:, k : k + 1], p[k : k + 1, :])
        p = np.maximum(p, through)
        np.fill_diagonal(p, 0)
    return p


def count_schulze(
    election: Election, *, seats: int | None = None, tie_breaker: TieBreaker | None = None
) -> Result:
    seats = election.seats if seats is None else seats
    breaker = tie_breaker or TieBreaker()
    names = election.names
    result = new_result("schulze", election, 0, "integer weights", breaker)
    result.seats = seats
    standing, d = pairwise(election)
    # valid: the ballots that rank at least one standing candidate
    counted = frozenset(standing)
    result.valid_weight = sum(
        weight
        for ballot, weight in zip(election.ballots.ballots, election.ballots.weights, strict=True)
        if any(c in counted for cell in ballot for c in cell)
    )
    p = strongest_paths(d)
    wins = (p > p.T).sum(axis=1)
    order = sorted(range(len(standing)), key=lambda k: (-int(wins[k]), standing[k]))
    places: list[list[str]] = []
    last = None
    for k in order:
        if wins[k] != last:
            places.append([])
            last = wins[k]
        places[-1].append(names[standing[k]])
    round_ = Round(
        number=1,
        action=Action.COUNT,
        votes={names[c]: int(wins[k]) for k, c in enumerate(standing)},
    )
    result.rounds.append(round_)
    result.details.update(
        {
            "ranking": places,
            "pairwise": {
                names[a]: {names[b]: int(d[i, j]) for j, b in enumerate(standing) if i != j}
                for i, a in enumerate(standing)
            },
            "strongest_paths": {
                names[a]: {names[b]: int(p[i, j]) for j, b in enumerate(standing) if i != j}
                for i, a in enumerate(standing)
            },
        }
    )
    winners: list[str] = []
    try:
        for place in places:
            group = list(place)
            while group and len(winners) < seats:
                if len(group) <= seats - len(winners):
                    winners.extend(group)
                    break
                chosen, record = breaker.choose(
                    [election.index(g) for g in group],
                    kind=TieKind.ELECT,
                    round=1,
                    names=names,
                    allow_look_back=False,
                )
                if record is not None:
                    round_.ties.append(record)
                winners.append(names[chosen])
                group.remove(names[chosen])
    except TieForChair as tie:
        result.elected = winners
        return result.stop_for_chair(tie)
    result.elected = winners
    round_.elected = tuple(winners)
    return result
