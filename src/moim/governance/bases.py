"""The base a result's percentages are taken over, said in words beside them.

"62.5 % of votes cast, abstentions excluded; two-thirds needed": built from the rules as they
stood when the poll opened (its snapshot) and the figures of the count. The result record
carries the base (`basis`), in data, so a page in either language can say it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from moim.governance.enums import BallotShape, MajorityBase, MajorityRule
from moim.governance.models import Poll


def basis(poll: Poll, result: dict[str, Any]) -> dict[str, Any]:
    """What the percentages of `result` are taken over, as data for the result record."""
    rules = poll.rules_snapshot or {}
    record: dict[str, Any] = {
        "table_base": "cast",
        "table_base_weight": result.get("cast_weight"),
    }
    if poll.shape == BallotShape.YES_NO_ABSTAIN:
        record.update(
            {
                "base": rules.get("base", MajorityBase.CAST.value),
                "abstentions_counted": bool(rules.get("abstentions_counted", False)),
                "majority": rules.get("majority", MajorityRule.SIMPLE.value),
                "base_weight": result.get("base_weight"),
                "required_yes": result.get("required_yes"),
                "yes_percent": (result.get("percent_of_base") or {}).get("yes"),
            }
        )
    return record


def _plain(value: Any) -> str:
    """62.50 → 62.5, 50.00 → 50: a percentage as people write it."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _base_words(base: str, abstentions_counted: bool) -> str:
    if base == MajorityBase.ENTITLED:
        return _("of the entitled weight")
    if base == "present":
        return _("of the weight present or represented")
    if abstentions_counted:
        return _("of votes cast, abstentions included")
    return _("of votes cast, abstentions excluded")


def _needed_words(majority: str) -> str:
    return {
        MajorityRule.SIMPLE.value: _("more yes than no needed"),
        MajorityRule.ABSOLUTE.value: _("an absolute majority needed"),
        MajorityRule.TWO_THIRDS.value: _("two-thirds needed"),
        MajorityRule.THREE_QUARTERS.value: _("three-quarters needed"),
    }.get(majority, majority)


def _record(poll: Poll) -> dict[str, Any]:
    result = poll.result or {}
    stored = result.get("basis")
    return dict(stored) if isinstance(stored, dict) else basis(poll, result)


def motion_base_text(poll: Poll) -> str:
    """A motion's yes share over its majority base, and what was needed.

    e.g. "Yes: 62.5 % of votes cast, abstentions excluded; two-thirds needed (at least 6 of 8)".
    Empty for a poll that is not a motion or was not counted.
    """
    if poll.shape != BallotShape.YES_NO_ABSTAIN or not poll.result:
        return ""
    record = _record(poll)
    if record.get("yes_percent") is None:
        return ""
    text = _("Yes: %(percent)s %% %(base)s; %(needed)s") % {
        "percent": _plain(record["yes_percent"]),
        "base": _base_words(str(record.get("base")), bool(record.get("abstentions_counted"))),
        "needed": _needed_words(str(record.get("majority"))),
    }
    if record.get("required_yes") is not None and record.get("base_weight") is not None:
        text += " " + _("(at least %(yes)s of %(base)s)") % {
            "yes": record["required_yes"],
            "base": record["base_weight"],
        }
    return text


def table_base_text(poll: Poll) -> str:
    """What the per-option percentages of the result table are taken over."""
    if not poll.result:
        return ""
    record = _record(poll)
    weight = record.get("table_base_weight")
    if poll.shape == BallotShape.YES_NO_ABSTAIN:
        return _(
            "Percentages in the table: of all votes cast (weight %(w)s), abstentions included."
        ) % {"w": weight}
    return _("Percentages in the table: of votes cast (weight %(w)s).") % {"w": weight}
