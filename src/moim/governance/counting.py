"""From a poll's stored ballots to the tally engine and back: the result record and its verdict.

Every number of votes is in weight units; head counts (members) are reported beside them, never
mixed into a percentage. Ranked counts keep the engine's round-by-round record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from moim.governance import bases
from moim.governance.enums import AnalogMethod, BallotShape, OptionValue, TiePolicy, Verdict
from moim.governance.models import AnalogResult, Ballot, Poll
from moim.tally import registry
from moim.tally.ballots import Candidate, Election, YesNoAbstain, YesNoAbstainBallots, group_raw
from moim.tally.methods.yna import Base, Majority, MotionRule, count_motion, percent
from moim.tally.result import Result, Status
from moim.tally.ties import LOT_PREFIX, TieBreaker, TieBreakMethod

METHODS = registry.NAMES
_MAJORITY = {
    "simple": Majority.SIMPLE,
    "absolute": Majority.ABSOLUTE,
    "two_thirds": Majority.TWO_THIRDS,
    "three_quarters": Majority.THREE_QUARTERS,
}
_VERDICTS = {
    "adopted": Verdict.ADOPTED,
    "rejected": Verdict.REJECTED,
    "no-quorum": Verdict.NO_QUORUM,
}


def default_method(shape: str, seats: int) -> str:
    return registry.default_for(shape, seats)


def tie_policy(poll: Poll) -> TiePolicy:
    """The tie policy the poll's rules named when it opened (the chair's, if none)."""
    return poll.tie_policy


def tie_breaker(poll: Poll) -> TieBreaker:
    """The engine's tie policy for `poll`, with the seed and the chair's decisions so far."""
    policy = tie_policy(poll)
    breaks = poll.tie_breaks or {}
    if policy == TiePolicy.LOT:
        return TieBreaker(TieBreakMethod.LOT, True, str(breaks["seed"]))
    if policy == TiePolicy.ORDER:
        return TieBreaker(TieBreakMethod.ORDER, True)
    return TieBreaker(TieBreakMethod.CHAIR, True, decisions=tuple(breaks.get("decisions", [])))


def reproduce(poll: Poll, names: Sequence[str]) -> list[str]:
    """The `moim tally` options that count the published BLT file to this result, ties and all.

    The chair's decisions are given by candidate number (names may hold commas).
    """
    breaker = tie_breaker(poll)
    args = ["--method", poll.method, "--tie-break", str(breaker.method)]
    if breaker.method is TieBreakMethod.LOT:
        args += ["--seed", str(breaker.seed)]
    if breaker.decisions:
        given = [
            d if d.startswith(LOT_PREFIX) else str(names.index(d) + 1) for d in breaker.decisions
        ]
        args += ["--tie-decisions", ",".join(given)]
    return args


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    result: dict[str, Any]


def _names(poll: Poll) -> list[str]:
    """Option labels, made unique so the engine can key on them."""
    names: list[str] = []
    for option in poll.options.order_by("position"):
        name = option.label_en
        if name in names:
            name = f"{name} ({option.position})"
        names.append(name)
    return names


def count(*, poll: Poll, ballots: Sequence[Ballot], analog: AnalogResult | None) -> Outcome:
    options = list(poll.options.order_by("position").select_related("candidate"))
    names = _names(poll)
    weights = dict.fromkeys(range(1, len(options) + 1), 0)
    heads = dict.fromkeys(range(1, len(options) + 1), 0)
    for ballot in ballots:
        for position in ballot.choices:
            weights[position] += ballot.weight
            heads[position] += 1
    cast_weight = sum(b.weight for b in ballots)
    analog_weights: dict[int, int] = {}
    if analog is not None and analog.method != AnalogMethod.ACCLAMATION:
        analog_weights = {int(k): int(v) for k, v in analog.counts.items()}
    result: dict[str, Any] = {
        "method": poll.method,
        "shape": poll.shape,
        "unit": "weight",
        "seats": poll.seats,
        "entitled_weight": poll.entitled_weight,
        "entitled_count": poll.entitled_count,
        "present_weight": poll.present_weight,
        "quorum_met": poll.quorum_met,
        "ballots": len(ballots),
        "cast_weight": cast_weight + sum(analog_weights.values()),
        "analog": None
        if analog is None
        else {"method": analog.method, "counts": analog.counts, "note": analog.note},
        "elected": [],
        "elected_members": [],
    }
    total = dict(weights)
    for position, weight in analog_weights.items():
        total[position] = total.get(position, 0) + weight
    result["options"] = [
        {
            "position": o.position,
            "label": names[i],
            "value": o.value,
            "electronic_weight": weights[o.position],
            "analog_weight": analog_weights.get(o.position, 0),
            "weight": total[o.position],
            "heads": heads[o.position],
            "percent": percent(total[o.position], result["cast_weight"]),
        }
        for i, o in enumerate(options)
    ]
    if poll.quorum_met is False and poll.shape != BallotShape.YES_NO_ABSTAIN:
        # The quorum was found short at opening (tally.yna.quorum_met); a motion's count
        # reports it itself.
        result["verdict"] = Verdict.NO_QUORUM.value
        return Outcome(Verdict.NO_QUORUM, result)
    if poll.shape == BallotShape.YES_NO_ABSTAIN:
        verdict = _motion(poll, options, total, heads, analog, result)
    else:
        method = registry.check(poll.method, poll.shape, poll.seats)
        result["tie_policy"] = tie_policy(poll).value
        result["reproduce"] = reproduce(poll, names)
        if poll.shape == BallotShape.RANKED:
            verdict = _ranked(poll, method, names, ballots, options, result)
        else:
            verdict = _choice(poll, method, names, ballots, analog_weights, options, result)
    result["verdict"] = verdict.value
    return Outcome(verdict, result)


def stored_result(*, poll: Poll, ballots: Sequence[Ballot], analog: AnalogResult | None) -> Outcome:
    """The result record a poll stores: the count with the base of its percentages.

    The count stores it and `moim audit verify` recounts with it, so both read the same record.
    """
    outcome = count(poll=poll, ballots=ballots, analog=analog)
    return Outcome(outcome.verdict, {**outcome.result, "basis": bases.basis(poll, outcome.result)})


def _motion(
    poll: Poll,
    options: Sequence[Any],
    total: dict[int, int],
    heads: dict[int, int],
    analog: AnalogResult | None,
    result: dict[str, Any],
) -> Verdict:
    if analog is not None and analog.method == AnalogMethod.ACCLAMATION and not any(total.values()):
        result["acclamation"] = True
        return Verdict.ADOPTED
    answer = {OptionValue.YES: YesNoAbstain.YES, OptionValue.NO: YesNoAbstain.NO}
    weights = dict.fromkeys(YesNoAbstain, 0)
    head_counts = dict.fromkeys(YesNoAbstain, 0)
    for option in options:
        key = answer.get(option.value, YesNoAbstain.ABSTAIN)
        weights[key] += total[option.position]
        head_counts[key] += heads[option.position]
    rules = poll.rules_snapshot
    rule = MotionRule(
        majority=_MAJORITY[rules.get("majority", "simple")],
        base=Base(rules.get("base", "cast")),
        abstentions_in_base=bool(rules.get("abstentions_counted", False)),
        quorum=Fraction(rules["quorum_share"]) if "quorum_share" in rules else None,
    )
    counted = count_motion(
        YesNoAbstainBallots(weights, head_counts),
        rule=rule,
        entitled=poll.entitled_weight,
        present=poll.present_weight,
        title=poll.name_en,
    )
    result["tally"] = counted.to_dict()
    details = counted.details
    result["base_weight"] = details["base_weight"]
    result["required_yes"] = details["required_yes"]
    result["percent_of_base"] = details["percent_of_base"]
    return _VERDICTS[str(details["verdict"])]


def _member_ids(options: Sequence[Any], indices: Sequence[int]) -> list[int]:
    return [options[i].candidate.member_id for i in indices if options[i].candidate is not None]


def _choice(
    poll: Poll,
    method: registry.Method,
    names: Sequence[str],
    ballots: Sequence[Ballot],
    analog_weights: dict[int, int],
    options: Sequence[Any],
    result: dict[str, Any],
) -> Verdict:
    items = [(tuple((p - 1,) for p in b.choices), b.weight) for b in ballots]
    # Paper or show-of-hands counts enter as single-mark ballots of that weight.
    items += [(((p - 1,),), w) for p, w in sorted(analog_weights.items()) if w]
    election = Election(
        title=poll.name_en,
        candidates=tuple(Candidate(n) for n in names),
        seats=poll.seats,
        ballots=group_raw(items),
    )
    counted = method.count(election, tie_breaker=tie_breaker(poll))
    return _elected(counted, names, options, result)


def _elected(
    counted: Result, names: Sequence[str], options: Sequence[Any], result: dict[str, Any]
) -> Verdict:
    result["tally"] = counted.to_dict()
    result["rounds"] = result["tally"]["rounds"]
    index = {n: i for i, n in enumerate(names)}
    result["elected"] = list(counted.elected)
    result["elected_members"] = _member_ids(options, [index[n] for n in counted.elected])
    if counted.status is Status.TIE_FOR_CHAIR:
        result["tie"] = list(counted.pending_tie)
        result["tie_detail"] = str(counted.details.get("pending_tie", ""))
        result["tie_kind"] = str(counted.details.get("pending_tie_kind", ""))
        return Verdict.TIE
    return Verdict.ELECTED


def _ranked(
    poll: Poll,
    method: registry.Method,
    names: Sequence[str],
    ballots: Sequence[Ballot],
    options: Sequence[Any],
    result: dict[str, Any],
) -> Verdict:
    raw = group_raw((tuple((p - 1,) for p in ballot.choices), ballot.weight) for ballot in ballots)
    election = Election(
        title=poll.name_en,
        candidates=tuple(Candidate(n) for n in names),
        seats=poll.seats,
        ballots=raw,
    )
    counted = method.count(election, tie_breaker=tie_breaker(poll))
    return _elected(counted, names, options, result)
