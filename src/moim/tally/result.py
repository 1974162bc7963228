"""The outcome of a count: who is elected, and every round that led there.

`Result.to_json()` is the published record (schema in docs/tally.md): keys sorted, every number
of votes a decimal string at the method's precision, so the same input always gives the same
bytes. `Result.to_text()` is a table for people.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, localcontext
from fractions import Fraction

from moim.tally.ties import TieForChair, TieRecord

SCHEMA = "moim.tally/1"

Number = Decimal | Fraction | int


class Status(enum.StrEnum):
    COMPLETE = "complete"
    TIE_FOR_CHAIR = "tie-for-chair"


class Action(enum.StrEnum):
    FIRST = "first-preferences"
    SURPLUS = "surplus"
    EXCLUSION = "exclusion"
    ITERATION = "iteration"
    ELECT_REMAINING = "elect-remaining"
    COUNT = "count"


def to_decimal(value: Number, places: int) -> Decimal:
    """Exact values shown at `places` decimals, truncated (never rounded up past the truth).

    Worked in a context wide enough for every digit: the default 28 digits would round (or
    refuse) a large whole-number weight.
    """
    step = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        scaled = value.numerator * 10**places // value.denominator
        with localcontext(prec=len(str(abs(scaled))) + places + 2):
            return Decimal(scaled).scaleb(-places).quantize(step)
    exact = Decimal(value)
    with localcontext(prec=max(exact.adjusted(), 0) + places + 2):
        return exact.quantize(step, rounding=ROUND_DOWN)


@dataclass
class Round:
    """One stage of a count.

    `votes`: each continuing or elected candidate's total after this round. `transfers`: the
    change in each total during this round. `exhausted`: the non-transferable weight so far.
    """

    number: int
    action: Action
    subjects: tuple[str, ...] = ()
    threshold: Number | None = None
    votes: dict[str, Number] = field(default_factory=dict)
    transfers: dict[str, Number] = field(default_factory=dict)
    exhausted: Number = 0
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    ties: list[TieRecord] = field(default_factory=list)
    inactive: dict[str, Number] = field(default_factory=dict)
    keep_factors: dict[str, Number] = field(default_factory=dict)
    note: str = ""

    def to_dict(self, places: int) -> dict[str, object]:
        def fmt(v: Number) -> str:
            return str(to_decimal(v, places))

        return {
            "number": self.number,
            "action": str(self.action),
            "subjects": list(self.subjects),
            "threshold": None if self.threshold is None else fmt(self.threshold),
            "votes": {k: fmt(v) for k, v in self.votes.items()},
            "transfers": {k: fmt(v) for k, v in self.transfers.items()},
            "exhausted": fmt(self.exhausted),
            "elected": list(self.elected),
            "excluded": list(self.excluded),
            "ties": [t.to_dict() for t in self.ties],
            "inactive": {k: fmt(v) for k, v in self.inactive.items()},
            "keep_factors": {k: fmt(v) for k, v in self.keep_factors.items()},
            "note": self.note,
        }


@dataclass
class Result:
    """A finished (or chair-stopped) count."""

    method: str
    title: str
    seats: int
    candidates: tuple[str, ...]
    precision: int
    arithmetic: str
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    quota: Number | None = None
    valid_weight: Number = 0
    withdrawn: tuple[str, ...] = ()
    tie_policy: Mapping[str, object] = field(default_factory=dict)
    status: Status = Status.COMPLETE
    pending_tie: tuple[str, ...] = ()
    details: dict[str, object] = field(default_factory=dict)

    @property
    def ties(self) -> list[TieRecord]:
        return [t for r in self.rounds for t in r.ties]

    def stop_for_chair(self, tie: TieForChair) -> Result:
        self.status = Status.TIE_FOR_CHAIR
        self.pending_tie = tie.names
        self.details["pending_tie"] = str(tie)
        self.details["pending_tie_kind"] = str(tie.kind)
        return self

    def fmt(self, value: Number) -> str:
        return str(to_decimal(value, self.precision))

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "method": self.method,
            "title": self.title,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "withdrawn": list(self.withdrawn),
            "precision": self.precision,
            "arithmetic": self.arithmetic,
            "quota": None if self.quota is None else self.fmt(self.quota),
            "valid_weight": self.fmt(self.valid_weight),
            "elected": list(self.elected),
            "excluded": list(self.excluded),
            "status": str(self.status),
            "pending_tie": list(self.pending_tie),
            "tie_policy": dict(self.tie_policy),
            "rounds": [r.to_dict(self.precision) for r in self.rounds],
            "details": self.details,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        return render_table(self)


def render_table(result: Result) -> str:
    """A fixed-width table: one column per round, one row per candidate."""
    if result.method == "yna":
        return _render_motion(result)
    lines = [f"{result.title or 'Count'} — {result.method}, {result.seats} seat(s)"]
    if result.quota is not None:
        quota, valid = result.fmt(result.quota), result.fmt(result.valid_weight)
        lines.append(f"Quota: {quota}   Valid: {valid}")
    rounds = result.rounds
    if rounds:
        name_w = max([len(n) for n in result.candidates] + [len("Non-transferable")])
        header = ["Round".ljust(name_w)] + [f"{r.number:>12}" for r in rounds]
        lines.append(" ".join(header))
        lines.append(" ".join(["Action".ljust(name_w)] + [f"{_short(r):>12}" for r in rounds]))
        for name in result.candidates:
            if name in result.withdrawn:
                continue
            cells = [f"{result.fmt(r.votes[name]) if name in r.votes else '-':>12}" for r in rounds]
            lines.append(" ".join([name.ljust(name_w), *cells]))
        cells = [f"{result.fmt(r.exhausted):>12}" for r in rounds]
        lines.append(" ".join(["Non-transferable".ljust(name_w), *cells]))
        if any(r.threshold is not None for r in rounds):
            cells = [
                f"{result.fmt(r.threshold) if r.threshold is not None else '-':>12}" for r in rounds
            ]
            lines.append(" ".join(["Threshold".ljust(name_w), *cells]))
        for r in rounds:
            events = [f"elected {n}" for n in r.elected] + [f"excluded {n}" for n in r.excluded]
            events += [f"tie {', '.join(t.tied)} -> {t.chosen} ({t.method})" for t in r.ties]
            if r.note:
                events.append(r.note)
            if events:
                lines.append(f"Round {r.number}: " + "; ".join(events))
    for key, value in sorted(result.details.items()):
        lines.append(f"{key}: {value}")
    lines.append("Elected: " + (", ".join(result.elected) or "none"))
    if result.status is Status.TIE_FOR_CHAIR:
        lines.append("Stopped: tie for the chair between " + ", ".join(result.pending_tie))
    return "\n".join(lines) + "\n"


def _render_motion(result: Result) -> str:
    d = result.details
    weights = d["weights"]
    heads = d["heads"]
    shares = d["percent_of_base"]
    assert isinstance(weights, dict)
    assert isinstance(heads, dict)
    assert isinstance(shares, dict)
    lines = [f"{result.title or 'Motion'} — {d['majority']} majority of {d['base']} votes"]
    lines.append(f"{'':10}{'weight':>10}{'heads':>8}{'% of base':>11}")
    for key in ("yes", "no", "abstain"):
        share = shares.get(key)
        lines.append(f"{key:10}{weights[key]:>10}{heads[key]:>8}{share or '-':>11}")
    in_base = "in" if d["abstentions_in_base"] else "not in"
    lines.append(f"Base weight: {d['base_weight']} (abstentions {in_base} the base)")
    if d["required_yes"] is not None:
        lines.append(f"Yes needed: {d['required_yes']}")
    if d["quorum"] is not None:
        lines.append(
            f"Quorum: {d['quorum']} of {d['entitled_weight']}, present {d['present_weight']}"
        )
    lines.append(f"Verdict: {str(d['verdict']).upper()}")
    return "\n".join(lines) + "\n"


def _short(r: Round) -> str:
    label = {
        Action.FIRST: "first",
        Action.SURPLUS: "surplus",
        Action.EXCLUSION: "exclude",
        Action.ITERATION: "iterate",
        Action.ELECT_REMAINING: "elect rest",
        Action.COUNT: "count",
    }[r.action]
    return label
