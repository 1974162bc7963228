"""From a poll's stored ballots to the tally engine and back: the result record and its verdict.

Every number of votes is in weight units; head counts (members) are reported beside them, never
mixed into a percentage. Ranked counts keep the engine's round-by-round record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from moim.governance import majority
from moim.governance.enums import AnalogMethod, BallotShape, OptionValue, Verdict
from moim.governance.models import AnalogResult, Ballot, Poll
from moim.tally.ballots import Candidate, Election, group_raw
from moim.tally.irv import count_irv
from moim.tally.result import Result, Status
from moim.tally.stv_scottish import count_scottish_stv
from moim.tally.stv_wigm import count_wigm

RANKED_METHODS: dict[str, Callable[[Election], Result]] = {
    "irv": count_irv,
    "stv-scottish": count_scottish_stv,
    "wigm": count_wigm,
}
TOTALS_METHODS = ("plurality", "block", "approval")
METHODS = ("motion", *TOTALS_METHODS, *RANKED_METHODS)


def default_method(shape: str, seats: int) -> str:
    if shape == BallotShape.YES_NO_ABSTAIN:
        return "motion"
    if shape == BallotShape.APPROVAL:
        return "approval"
    if shape == BallotShape.RANKED:
        return "irv" if seats == 1 else "stv-scottish"
    return "plurality" if seats == 1 else "block"


def percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "0.00"
    value = Decimal(part * 100) / Decimal(whole)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_DOWN))


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
    if poll.quorum_met is False:
        result["verdict"] = Verdict.NO_QUORUM.value
        return Outcome(Verdict.NO_QUORUM, result)
    if poll.shape == BallotShape.YES_NO_ABSTAIN:
        verdict = _motion(poll, options, total, analog, result)
    elif poll.method in RANKED_METHODS:
        verdict = _ranked(poll, names, ballots, options, result)
    else:
        verdict = _totals(poll, names, total, options, result)
    result["verdict"] = verdict.value
    return Outcome(verdict, result)


def _motion(
    poll: Poll,
    options: Sequence[Any],
    total: dict[int, int],
    analog: AnalogResult | None,
    result: dict[str, Any],
) -> Verdict:
    by_value = {o.value: total[o.position] for o in options}
    if analog is not None and analog.method == AnalogMethod.ACCLAMATION and not any(total.values()):
        result["acclamation"] = True
        return Verdict.ADOPTED
    rules = poll.rules_snapshot
    decision = majority.decide(
        yes=by_value.get(OptionValue.YES, 0),
        no=by_value.get(OptionValue.NO, 0),
        abstain=by_value.get(OptionValue.ABSTAIN, 0),
        entitled=poll.entitled_weight,
        rule=rules.get("majority", "simple"),
        base=rules.get("base", "cast"),
        abstentions_counted=bool(rules.get("abstentions_counted", False)),
    )
    result["base_weight"] = decision.base
    result["threshold"] = decision.threshold
    result["rule"] = decision.rule_text
    for option in result["options"]:
        option["percent_of_base"] = percent(option["weight"], decision.base)
    return Verdict.ADOPTED if decision.adopted else Verdict.REJECTED


def _member_ids(options: Sequence[Any], indices: Sequence[int]) -> list[int]:
    return [options[i].candidate.member_id for i in indices if options[i].candidate is not None]


def _totals(
    poll: Poll,
    names: Sequence[str],
    total: dict[int, int],
    options: Sequence[Any],
    result: dict[str, Any],
) -> Verdict:
    ranked = majority.top({i: total[o.position] for i, o in enumerate(options)}, seats=poll.seats)
    result["elected"] = [names[i] for i in ranked.elected]
    result["elected_members"] = _member_ids(options, ranked.elected)
    if ranked.tied:
        result["tie"] = [names[i] for i in ranked.tied]
        return Verdict.TIE
    return Verdict.ELECTED


def _ranked(
    poll: Poll,
    names: Sequence[str],
    ballots: Sequence[Ballot],
    options: Sequence[Any],
    result: dict[str, Any],
) -> Verdict:
    raw = group_raw((tuple((p - 1,) for p in ballot.choices), ballot.weight) for ballot in ballots)
    election = Election(
        title=str(poll),
        candidates=tuple(Candidate(n) for n in names),
        seats=poll.seats,
        ballots=raw,
    )
    counted: Result = RANKED_METHODS[poll.method](election)
    result["tally"] = counted.to_dict()
    result["rounds"] = result["tally"]["rounds"]
    index = {n: i for i, n in enumerate(names)}
    result["elected"] = list(counted.elected)
    result["elected_members"] = _member_ids(options, [index[n] for n in counted.elected])
    if counted.status is Status.TIE_FOR_CHAIR:
        result["tie"] = list(counted.pending_tie)
        return Verdict.TIE
    return Verdict.ELECTED
