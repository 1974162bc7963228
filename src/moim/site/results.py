"""Published results: what each decision's polls decided, with their numbers and bases.

Read from the stored result record (`Poll.result`, the tally engine's output with the
governance app's verdict), never counted again here. Downloads: the result as JSON, the
ballots as CSV, and ranked ballots as a BLT file that `moim tally` counts to the same result.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from moim.governance import bases
from moim.governance.enums import BallotShape, MajorityBase, MajorityRule, PollState
from moim.governance.models import AuditEntry, Decision, Poll, VoteRecord
from moim.governance.queries import publication_entries, published_ballots
from moim.governance.shown import option_names as shown_names
from moim.governance.shown import shown_result
from moim.spreadsheets import safe_row
from moim.tally.ballots import Candidate, Election, group_raw
from moim.tally.formats.blt import dumps_blt


@dataclass(frozen=True)
class Bar:
    name: str
    votes: str
    percent: str  # width of the bar, 0–100
    elected: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class RoundView:
    number: int
    action: str
    threshold: str | None
    exhausted: str
    bars: list[Bar]
    elected: list[str]
    excluded: list[str]


@dataclass
class PollView:
    poll: Poll
    result: dict[str, Any]
    rounds: list[RoundView] = field(default_factory=list)
    ballots: list[Any] = field(default_factory=list)
    roll_call: list[tuple[str, list[str]]] = field(default_factory=list)
    anchor: AuditEntry | None = None  # the audit entry that published it

    @property
    def ranked(self) -> bool:
        return self.poll.shape == BallotShape.RANKED

    @property
    def motion(self) -> bool:
        return self.poll.shape == BallotShape.YES_NO_ABSTAIN

    @property
    def options(self) -> list[dict[str, Any]]:
        return list(self.result.get("options", []))

    @property
    def elected(self) -> list[str]:
        return list(self.result.get("elected", []))

    @property
    def majority(self) -> str:
        value = str(self.poll.rules_snapshot.get("majority", ""))
        return str(MajorityRule(value).label) if value in MajorityRule.values else value

    @property
    def base_text(self) -> str:
        """e.g. "Yes: 62.5 % of votes cast, abstentions excluded; two-thirds needed"."""
        return bases.motion_base_text(self.poll)

    @property
    def table_base_text(self) -> str:
        return bases.table_base_text(self.poll)

    @property
    def tie_policy(self) -> str:
        return str(self.poll.tie_policy.label)

    @property
    def ties(self) -> list[dict[str, Any]]:
        """Every tie of the count and how it was settled (look-back, lot with seed, chair)."""
        rounds = (self.result.get("tally") or {}).get("rounds", [])
        return [tie for r in rounds for tie in r.get("ties", [])]

    @property
    def reproduce(self) -> str:
        return reproduce_command(self.poll)

    @property
    def base(self) -> str:
        value = str(self.poll.rules_snapshot.get("base", ""))
        return str(MajorityBase(value).label) if value in MajorityBase.values else value


def _share(value: str, whole: Decimal) -> str:
    if whole <= 0:
        return "0"
    return str(min(Decimal(100), Decimal(value) * 100 / whole).quantize(Decimal("0.1")))


def round_views(result: dict[str, Any]) -> list[RoundView]:
    """The ranked count round by round, each bar scaled to the largest total of the count."""
    rounds = result.get("rounds") or []
    top = max((Decimal(v) for r in rounds for v in r.get("votes", {}).values()), default=Decimal(0))
    elected_so_far: set[str] = set()
    excluded_so_far: set[str] = set()
    views = []
    for r in rounds:
        elected_so_far |= set(r.get("elected", []))
        excluded_so_far |= set(r.get("excluded", []))
        views.append(
            RoundView(
                number=int(r["number"]),
                action=str(r.get("action", "")),
                threshold=r.get("threshold"),
                exhausted=str(r.get("exhausted", "0")),
                bars=[
                    Bar(
                        name=name,
                        votes=votes,
                        percent=_share(votes, top),
                        elected=name in elected_so_far,
                        excluded=name in excluded_so_far,
                    )
                    for name, votes in sorted(
                        r.get("votes", {}).items(), key=lambda kv: -Decimal(kv[1])
                    )
                ],
                elected=list(r.get("elected", [])),
                excluded=list(r.get("excluded", [])),
            )
        )
    return views


def poll_view(poll: Poll) -> PollView:
    """The poll's result as the page shows it: option names and round steps in the active
    language (the stored record and the downloads keep the count's own names)."""
    view = PollView(poll=poll, result=shown_result(poll))
    if view.ranked:
        view.rounds = round_views(view.result)
    return view


def published_polls(decision: Decision) -> list[PollView]:
    polls = decision.polls.filter(state=PollState.PUBLISHED).order_by("round")
    return [poll_view(p) for p in polls]


def option_names(poll: Poll) -> list[str]:
    """The option names the count used (kept in the result record), in option order."""
    stored = {int(o["position"]): str(o["label"]) for o in (poll.result or {}).get("options", [])}
    return [stored.get(o.position, o.label_en) for o in poll.options.order_by("position")]


def anchor_command(entry: AuditEntry) -> str:
    return f"moim audit verify --anchor {entry.hash}"


def _audit_record(poll: Poll) -> dict[str, Any] | None:
    """The audit entry that published the poll, for the downloads: a copy of its hash proves a
    later rewrite of the log (or of what it recorded) with `moim audit verify --anchor`."""
    entry = publication_entries([poll]).get(poll.pk)
    if entry is None:
        return None
    return {"entry": entry.sequence, "hash": entry.hash, "verify": anchor_command(entry)}


def result_json(poll: Poll) -> str:
    record = {
        "audit": _audit_record(poll),
        "decision": poll.decision.title_en,
        "round": poll.round,
        "verdict": poll.verdict,
        "published_at": poll.published_at.isoformat() if poll.published_at else None,
        "result": poll.result,
        "ballots": [
            {"receipt_hash": b.receipt_hash, "weight": b.weight, "choices": b.choices}
            for b in published_ballots(poll)
        ],
    }
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def ballots_csv(poll: Poll) -> str:
    """One row per published ballot: its receipt hash, weight and choices in order."""
    names = option_names(poll)
    ballots = list(published_ballots(poll))
    width = max((len(b.choices) for b in ballots), default=0)
    heading = "rank" if poll.shape == BallotShape.RANKED else "choice"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["receipt_hash", "weight", *[f"{heading} {i + 1}" for i in range(width)]])
    for ballot in ballots:
        # Option names are typed by people: a spreadsheet must show them, never run them.
        writer.writerow(
            safe_row([ballot.receipt_hash, ballot.weight, *[names[p - 1] for p in ballot.choices]])
        )
    return out.getvalue()


def reproduce_command(poll: Poll) -> str:
    """The `moim tally` command that counts the published BLT file to the published result
    (only ranked polls are published as a BLT file)."""
    args = (poll.result or {}).get("reproduce")
    if not args or poll.shape != BallotShape.RANKED:
        return ""
    return shlex.join(["moim", "tally", f"round-{poll.round}.blt", *args])


def _blt_comments(poll: Poll) -> tuple[str, ...]:
    comments: list[str] = []
    if command := reproduce_command(poll):
        comments.append(f"Recount: {command}")
    if audit := _audit_record(poll):
        comments.append(f"Audit log entry #{audit['entry']}: {audit['verify']}")
    return tuple(comments)


def ballots_blt(poll: Poll) -> str:
    """The published ranked ballots as a BLT file (candidates named as the count named them),
    with the command that recounts them to the published result, ties included."""
    names = option_names(poll)
    raw = group_raw(
        (tuple((p - 1,) for p in ballot.choices), ballot.weight)
        for ballot in published_ballots(poll)
    )
    election = Election(
        title=poll.name_en,
        candidates=tuple(Candidate(n) for n in names),
        seats=poll.seats,
        ballots=raw,
        comments=_blt_comments(poll),
    )
    return dumps_blt(election)


def roll_call(poll: Poll) -> list[tuple[str, list[str]]]:
    """A named poll's votes, member by member (secret polls have none to show)."""
    if poll.secret or poll.state != PollState.PUBLISHED:
        return []
    counted = shown_names(poll)
    names = [counted.get(n, n) for n in option_names(poll)]
    records = (
        VoteRecord.objects.filter(poll=poll).select_related("member").order_by("member__name_en")
    )
    return [(r.member.name, [names[p - 1] for p in (r.choices or [])]) for r in records]
