"""The one presenter of a poll's result: what every results page shows of it.

The decision's page in the plenary, the public results page, the projector and the chair's
console draw a poll through `poll_view` and `governance/_poll_result.html`: option names and
count steps in the active language (`moim.governance.shown`), the table of options with the base
of its percentages, a ranked count round by round, the ties and how they were settled, and, once
published, the roll call of a named poll, the ballot list of a secret one and the audit entry
that published it. It reads the stored result record (`Poll.result`), never counts again.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from moim.governance import bases
from moim.governance.enums import BallotShape, MajorityBase, MajorityRule, PollState
from moim.governance.models import AuditEntry, Ballot, Poll, VoteRecord
from moim.governance.queries import publication_entries, published_ballots
from moim.governance.shown import option_names as shown_names
from moim.governance.shown import shown_result


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
    ballots: list[Ballot] = field(default_factory=list)
    roll_call: list[tuple[str, list[str]]] = field(default_factory=list)
    anchor: AuditEntry | None = None  # the audit entry that published it
    # (label, address) of each download the page offers beside the result.
    downloads: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ranked(self) -> bool:
        return self.poll.shape == BallotShape.RANKED

    @property
    def motion(self) -> bool:
        return self.poll.shape == BallotShape.YES_NO_ABSTAIN

    @property
    def analog(self) -> bool:
        """Figures were entered on paper or by show of hands (a column of their own)."""
        return bool((self.result.get("analog") or {}).get("counts"))

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


def poll_views(polls: Iterable[Poll]) -> list[PollView]:
    """Each poll as a results page shows it. Only a published poll shows its count, with its
    roll call (a named poll), its ballot list (a secret one) and the entry that published it;
    the others show their state alone."""
    polls = list(polls)
    anchors = publication_entries(polls)
    views = []
    for poll in polls:
        if poll.state != PollState.PUBLISHED:
            views.append(PollView(poll=poll, result={}))
            continue
        view = poll_view(poll)
        view.ballots = list(published_ballots(poll)) if poll.secret else []
        view.roll_call = roll_call(poll)
        view.anchor = anchors.get(poll.pk)
        views.append(view)
    return views


def count_names(poll: Poll) -> list[str]:
    """The option names the count used (kept in the result record), in option order."""
    stored = {int(o["position"]): str(o["label"]) for o in (poll.result or {}).get("options", [])}
    return [stored.get(o.position, o.label_en) for o in poll.options.order_by("position")]


def anchor_command(entry: AuditEntry) -> str:
    return f"moim audit verify --anchor {entry.hash}"


def reproduce_command(poll: Poll) -> str:
    """The `moim tally` command that counts the published BLT file to the published result
    (only ranked polls are published as a BLT file)."""
    args = (poll.result or {}).get("reproduce")
    if not args or poll.shape != BallotShape.RANKED:
        return ""
    return shlex.join(["moim", "tally", f"round-{poll.round}.blt", *args])


def roll_call(poll: Poll) -> list[tuple[str, list[str]]]:
    """A named poll's votes, member by member (secret polls have none to show)."""
    if poll.secret or poll.state != PollState.PUBLISHED:
        return []
    names = list(shown_names(poll).values())  # in option order, in the active language
    records = (
        VoteRecord.objects.filter(poll=poll).select_related("member").order_by("member__name_en")
    )
    return [(r.member.name, [names[p - 1] for p in (r.choices or [])]) for r in records]
