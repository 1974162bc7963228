"""Instant-runoff voting (single winner), textbook or with RCTab's rules.

Each round every active ballot counts for its first continuing candidate. A candidate with at
least ⌊active votes/2⌋+1 (a majority of the active votes) wins; otherwise the lowest candidate is
eliminated (ties by the tie policy) and the count goes on.

With `RctabRules` the count follows RCTab (`Tabulator.java`, ``singleWinnerMajority``):
undeclared write-ins are eliminated alone in round 1 and cannot win; ``batchElimination``
eliminates at once the largest group of lowest candidates whose combined votes are less than the
next candidate's, when that group has two or more; ballots are read under ``overvoteRule``,
``maxSkippedRanksAllowed`` and ``exhaustOnDuplicateCandidate`` (see `moim.tally.ballots`); and
inactive ballots are reported in RCTab's four classes. Ballots with no mark at all are
undervotes: counted in the total, never active and in no inactive class.

The count runs on the grouped clean form (`Preferences`): each distinct ballot knows its current
candidate, the rows are kept in one bucket per candidate, and a round re-reads only the rows of
the candidates just eliminated, so the work grows with distinct ballots and their transfers.
`quota` in the result is the first round's threshold; `details.final_threshold` the last one's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from moim.tally.ballots import (
    UNDECLARED_WRITE_IN,
    Election,
    Ending,
    Preferences,
    RawBallots,
    check_total_weight,
    to_preferences,
)
from moim.tally.matrix import CvrBallots, LazyRawBallots
from moim.tally.methods.rctab import UWI_NAME, RctabRules
from moim.tally.result import Action, Number, Result, Round
from moim.tally.ties import TieBreaker, TieForChair, TieKind

TEXTBOOK = RctabRules()
"""Textbook IRV: an overvote exhausts, blanks are skipped, repeats ignored, one elimination."""
EXACT_LIMIT = 2**53  # float64 sums of integer weights are exact below this

Intp = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Contest:
    """What the count needs beyond the ballots: names, write-in slot, excluded candidates."""

    names: tuple[str, ...]
    write_in: int | None = None
    excluded: frozenset[int] = frozenset()
    undervotes: int = 0
    total: int = 0
    title: str = ""


def count_irv(
    election: Election,
    *,
    rules: RctabRules | None = None,
    ties: TieBreaker | None = None,
) -> Result:
    """Count an election by IRV: textbook without `rules`, RCTab's way with them."""
    raw = election.ballots
    if isinstance(raw, LazyRawBallots) and (rules is None or rules.max_rankings_allowed is None):
        # Ballots a reader holds as a code matrix (a large BLT file) are converted as a block.
        withdrawn = [election.names[i] for i in sorted(election.withdrawn)]
        prefs, contest = prepare_cvr(raw.matrix, rules=rules, excluded=withdrawn)
        return tabulate(prefs, replace(contest, title=election.title), rules=rules, ties=ties)
    if rules is not None and rules.max_rankings_allowed is not None:
        raw = _truncate(raw, rules.max_rankings_allowed)
    has_write_ins = any(UNDECLARED_WRITE_IN in cell for ballot in raw.ballots for cell in ballot)
    names = election.names + ((UWI_NAME,) if has_write_ins else ())
    write_in = len(election.names) if has_write_ins else None
    chosen = rules or TEXTBOOK
    prefs = to_preferences(raw, chosen.ballot_rules, drop=election.withdrawn, write_in=write_in)
    undervotes = sum(w for b, w in zip(raw.ballots, raw.weights, strict=True) if not any(b))
    contest = Contest(
        names, write_in, election.withdrawn, undervotes, raw.total_weight, election.title
    )
    return tabulate(prefs, contest, rules=rules, ties=ties)


def count_cvr(
    cvr: CvrBallots,
    *,
    rules: RctabRules | None = None,
    ties: TieBreaker | None = None,
    excluded: Sequence[str] = (),
    schedule: Sequence[Sequence[str]] | None = None,
    write_ins: bool | None = None,
) -> Result:
    """Count CVR ballots by IRV (the fast path for large files).

    `schedule` imposes each round's eliminations by name (see `tabulate`); `write_ins` forces
    (or omits) the undeclared write-in slot, which by default exists when a ballot has one.
    """
    prefs, contest = prepare_cvr(cvr, rules=rules, excluded=excluded, write_ins=write_ins)
    plan = None
    if schedule is not None:
        plan = [[contest.names.index(name) for name in step] for step in schedule]
    return tabulate(prefs, contest, rules=rules, ties=ties, schedule=plan)


def prepare_cvr(
    cvr: CvrBallots,
    *,
    rules: RctabRules | None = None,
    excluded: Sequence[str] = (),
    write_ins: bool | None = None,
) -> tuple[Preferences, Contest]:
    """The clean form of CVR ballots under the rules, and what `tabulate` needs besides."""
    if rules is not None and rules.max_rankings_allowed is not None:
        cvr = cvr.truncated(rules.max_rankings_allowed)
    has_write_ins = cvr.has_write_ins if write_ins is None else write_ins
    write_in = len(cvr.candidates) if has_write_ins else None
    names = cvr.candidates + ((UWI_NAME,) if write_in is not None else ())
    unknown = [n for n in excluded if n not in cvr.candidates]
    if unknown:
        raise ValueError(f"cannot exclude {', '.join(unknown)}: not a candidate")
    drop = frozenset(cvr.candidates.index(n) for n in excluded)
    chosen = rules or TEXTBOOK
    prefs = cvr.preferences(chosen.ballot_rules, drop=drop, write_in=write_in)
    return prefs, Contest(names, write_in, drop, cvr.undervotes, cvr.total, cvr.title)


def _truncate(raw: RawBallots, depth: int) -> RawBallots:
    grouped: dict[tuple[tuple[int, ...], ...], int] = {}
    for ballot, weight in zip(raw.ballots, raw.weights, strict=True):
        key = ballot[:depth]
        grouped[key] = grouped.get(key, 0) + weight
    return RawBallots(tuple(grouped), tuple(grouped.values()))


def _current(prefs: Intp, continuing: npt.NDArray[np.bool_], none: int) -> Intp:
    """Each row's first continuing candidate, or `none` when it has none left."""
    if prefs.shape[0] == 0 or prefs.shape[1] == 0:
        return np.full(prefs.shape[0], none, dtype=np.intp)
    ok = continuing[prefs]
    pos = ok.argmax(axis=1)
    rows = np.arange(prefs.shape[0])
    return np.where(ok[rows, pos], prefs[rows, pos], none)


class _Buckets:
    """The rows counting for each candidate, so that an elimination touches only its own."""

    def __init__(self, size: int) -> None:
        self.parts: list[list[Intp]] = [[] for _ in range(size)]

    def put(self, rows: Intp, owners: Intp) -> None:
        if not rows.size:
            return
        # Candidate numbers fit 16 bits: NumPy then sorts them by radix, in linear time.
        rows = rows[np.argsort(owners.astype(np.int16), kind="stable")]
        sizes = np.bincount(owners, minlength=len(self.parts)).tolist()
        start = 0
        for owner, size in enumerate(sizes):
            if size:
                self.parts[owner].append(rows[start : start + size])
                start += size

    def take(self, owners: Sequence[int]) -> Intp:
        taken = [part for c in owners for part in self.parts[c]]
        for c in owners:
            self.parts[c] = []
        return np.concatenate(taken) if taken else np.empty(0, dtype=np.intp)


def _sums(keys: Intp, weights: npt.NDArray[np.float64], size: int) -> npt.NDArray[np.int64]:
    return np.rint(np.bincount(keys, weights=weights, minlength=size)).astype(np.int64)


def batch_losers(tally: dict[int, int]) -> list[int]:
    """RCTab's batch elimination: the largest group of lowest candidates (equal tallies in or
    out together) whose combined votes are less than the next candidate's. May be empty."""
    by_votes: dict[int, list[int]] = {}
    for candidate, votes in tally.items():
        by_votes.setdefault(votes, []).append(candidate)
    running = 0
    seen: list[int] = []
    losers: list[int] = []
    for votes in sorted(by_votes):
        if running < votes:
            losers = list(seen)
        running += votes * len(by_votes[votes])
        seen.extend(by_votes[votes])
    return losers


def tabulate(
    prefs: Preferences,
    contest: Contest,
    *,
    rules: RctabRules | None = None,
    ties: TieBreaker | None = None,
    schedule: Sequence[Sequence[int]] | None = None,
) -> Result:
    """The IRV rounds over clean ballots.

    `schedule`, if given, imposes the eliminations of each round instead of choosing them (to
    count one precinct's ballots along a whole contest's rounds, as RCTab's precinct reports do).
    """
    names = contest.names
    n = len(names)
    chosen = rules or TEXTBOOK
    policy = ties if ties is not None else (rules.tie_breaker() if rules else TieBreaker())
    if n >= 2**15:
        raise ValueError("too many candidates")
    check_total_weight(prefs.total_weight, method="IRV", limit=EXACT_LIMIT)
    table = np.where(prefs.prefs < 0, np.int32(n), prefs.prefs)
    weights = prefs.weights.astype(np.float64)
    endings = prefs.endings.astype(np.intp)
    continuing = np.ones(n + 1, dtype=bool)
    continuing[n] = False
    for c in contest.excluded:
        continuing[c] = False
    current = _current(table, continuing, n)
    # Running totals, updated only by the ballots that move (index n: inactive).
    sums = _sums(current, weights, n + 1)
    idle = current == n
    lost = _sums(endings[idle], weights[idle], len(Ending))
    lost[Ending.EXHAUSTED_CHOICES] -= contest.undervotes
    buckets = _Buckets(n + 1)
    buckets.put(np.arange(len(current)), current)
    result = Result(
        method="irv-rctab" if rules is not None else "irv",
        title=contest.title,
        seats=1,
        candidates=tuple(nm for i, nm in enumerate(names) if i not in contest.excluded),
        precision=0,
        arithmetic="integer",
        withdrawn=tuple(names[i] for i in sorted(contest.excluded)),
        tie_policy=policy.describe(),
    )
    result.details = {
        "total_ballots": contest.total,
        "undervotes": contest.undervotes,
        "rules": chosen.describe(),
    }
    history: list[list[int]] = []
    previous: dict[str, int] = {}
    moved: tuple[str, ...] = ()
    number = 0
    while True:
        number += 1
        tally = {c: int(sums[c]) for c in range(n) if continuing[c]}
        active = sum(tally.values())
        threshold = active // 2 + 1
        counts = {names[c]: v for c, v in tally.items()}
        votes: dict[str, Number] = dict(counts)
        inactive: dict[str, Number] = {e.report_key: int(lost[e]) for e in Ending}
        record = Round(
            number=number,
            action=Action.FIRST if number == 1 else Action.EXCLUSION,
            subjects=moved,
            threshold=threshold,
            votes=votes,
            transfers={k: v - previous.get(k, 0) for k, v in counts.items()} if previous else {},
            exhausted=int(lost.sum()),
            inactive=inactive,
        )
        result.rounds.append(record)
        result.details["final_threshold"] = threshold
        if number == 1:
            result.valid_weight = active
            result.quota = threshold
        history.append(sums[:n].tolist())
        contenders = {c: v for c, v in tally.items() if c != contest.write_in}
        if not contenders:
            record.note = "no candidate to count for"
            return result
        if schedule is not None:
            if number > len(schedule):
                return result
            losers = list(schedule[number - 1])
        else:
            winners = [c for c, v in contenders.items() if v >= threshold and active > 0]
            if not winners and len(contenders) == 1:
                winners = list(contenders)
            if winners:
                record.elected = (names[winners[0]],)
                result.elected = [names[winners[0]]]
                return result
            try:
                losers = _losers(tally, contest, chosen, policy, number, history, record)
            except TieForChair as tie:
                return result.stop_for_chair(tie)
        record.excluded = tuple(names[c] for c in sorted(losers, key=lambda c: names[c]))
        result.excluded.extend(record.excluded)
        moved = record.excluded
        previous = counts
        continuing[losers] = False
        hit = buckets.take(losers)
        moving = weights[hit]
        sums -= _sums(current[hit], moving, n + 1)
        current[hit] = _current(table[hit], continuing, n)
        sums += _sums(current[hit], moving, n + 1)
        out = current[hit] == n
        lost += _sums(endings[hit[out]], moving[out], len(Ending))
        buckets.put(hit, current[hit])


def _losers(
    tally: dict[int, int],
    contest: Contest,
    rules: RctabRules,
    policy: TieBreaker,
    number: int,
    history: list[list[int]],
    record: Round,
) -> list[int]:
    write_in = contest.write_in
    if number == 1 and write_in is not None and tally.get(write_in, 0) > 0:
        return [write_in]
    if rules.batch_elimination:
        batch = batch_losers(tally)
        if len(batch) > 1:
            return batch
    lowest = min(tally.values())
    tied = [c for c, v in tally.items() if v == lowest]
    loser, tie = policy.choose(
        tied, kind=TieKind.EXCLUDE, round=number, names=contest.names, history=history[:-1]
    )
    if tie is not None:
        record.ties.append(tie)
    return [loser]


def rctab_rounds(result: Result) -> list[dict[str, object]]:
    """The rounds as RCTab reports them: tally, threshold, eliminated, elected, inactive."""
    return [
        {
            "round": r.number,
            "threshold": r.threshold,
            "tally": dict(r.votes),
            "eliminated": list(r.excluded),
            "elected": list(r.elected),
            "inactive": dict(r.inactive),
        }
        for r in result.rounds
    ]


__all__ = [
    "TEXTBOOK",
    "Contest",
    "batch_losers",
    "count_cvr",
    "count_irv",
    "prepare_cvr",
    "rctab_rounds",
    "tabulate",
]
