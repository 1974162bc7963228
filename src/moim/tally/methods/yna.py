"""Motions: yes / no / abstain, with a majority rule, a base and a quorum.

Thresholds, with b the base weight:

* simple majority: yes > no;
* absolute majority: yes ≥ ⌊b/2⌋ + 1 (b = 11 needs 6, not 7);
* two-thirds: yes ≥ ⌈2b/3⌉; three-quarters: yes ≥ ⌈3b/4⌉.

The base is the weight of votes cast (yes + no, plus abstentions when they count) or of the
entitled members. Every base and percentage is in one unit, the vote weight; head counts are
reported beside, never mixed in. A quorum is a share of the entitled weight present or
represented; without it the verdict is "no quorum".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from moim.tally.ballots import YesNoAbstain, YesNoAbstainBallots
from moim.tally.result import Action, Result, Round


class Majority(enum.StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two-thirds"
    THREE_QUARTERS = "three-quarters"


class Base(enum.StrEnum):
    CAST = "cast"
    ENTITLED = "entitled"


class Verdict(enum.StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no-quorum"


_SHARE = {
    Majority.TWO_THIRDS: Fraction(2, 3),
    Majority.THREE_QUARTERS: Fraction(3, 4),
}


@dataclass(frozen=True)
class MotionRule:
    majority: Majority = Majority.SIMPLE
    base: Base = Base.CAST
    abstentions_in_base: bool = True
    quorum: Fraction | None = None  # share of the entitled weight present or represented


def required_yes(majority: Majority, base: int) -> int:
    """The least yes weight that carries under `majority` with base weight `base`.

    Simple majority has no fixed threshold (it compares yes with no); this returns 1 for it.
    """
    if majority is Majority.SIMPLE:
        return 1
    if majority is Majority.ABSOLUTE:
        return base // 2 + 1
    share = _SHARE[majority]
    return -(-base * share.numerator // share.denominator)  # ceiling


def quorum_met(quorum: Fraction | None, *, present: int, entitled: int) -> bool:
    return quorum is None or present * quorum.denominator >= quorum.numerator * entitled


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return "0.00"
    value = Decimal(part * 100) / Decimal(whole)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def count_motion(
    ballots: YesNoAbstainBallots,
    *,
    rule: MotionRule,
    entitled: int | None = None,
    present: int | None = None,
    title: str = "",
) -> Result:
    """Count a motion. `entitled` and `present` are weights (needed for an entitled base or a
    quorum); `present` defaults to the weight of the ballots cast."""
    yes = ballots.weights[YesNoAbstain.YES]
    no = ballots.weights[YesNoAbstain.NO]
    abstain = ballots.weights[YesNoAbstain.ABSTAIN]
    cast = yes + no + (abstain if rule.abstentions_in_base else 0)
    if (rule.base is Base.ENTITLED or rule.quorum is not None) and entitled is None:
        raise ValueError("the entitled weight is needed for this rule")
    base = cast if rule.base is Base.CAST else int(entitled or 0)
    here = present if present is not None else yes + no + abstain
    needed = required_yes(rule.majority, base)
    if not quorum_met(rule.quorum, present=here, entitled=int(entitled or 0)):
        verdict = Verdict.NO_QUORUM
    elif rule.majority is Majority.SIMPLE:
        verdict = Verdict.ADOPTED if yes > no else Verdict.REJECTED
    else:
        verdict = Verdict.ADOPTED if yes >= needed else Verdict.REJECTED
    result = Result(
        method="yna",
        title=title,
        seats=1,
        candidates=tuple(str(c) for c in YesNoAbstain),
        precision=0,
        arithmetic="integer weights",
        valid_weight=yes + no + abstain,
    )
    result.rounds.append(
        Round(number=1, action=Action.COUNT, votes={"yes": yes, "no": no, "abstain": abstain})
    )
    if verdict is Verdict.ADOPTED:
        result.elected.append("yes")
    result.details.update(
        {
            "verdict": str(verdict),
            "majority": str(rule.majority),
            "base": str(rule.base),
            "abstentions_in_base": rule.abstentions_in_base,
            "base_weight": base,
            "required_yes": None if rule.majority is Majority.SIMPLE else needed,
            "quorum": None if rule.quorum is None else str(rule.quorum),
            "present_weight": here,
            "entitled_weight": entitled,
            "weights": {"yes": yes, "no": no, "abstain": abstain},
            "heads": {str(k): v for k, v in ballots.heads.items()},
            "percent_of_base": {
                "yes": percent(yes, base),
                "no": percent(no, base),
                "abstain": (
                    percent(abstain, base)
                    if rule.abstentions_in_base or rule.base is Base.ENTITLED
                    else None
                ),
            },
        }
    )
    return result
