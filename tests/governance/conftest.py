"""A plenary to vote in: an assembly, member cities, a present delegate with a login for each."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from bench.plenary import seat_delegates
from tests.assemblies.factories import AssemblyFactory
from tests.factories import CategoryFactory, RegionFactory

from moim.assemblies.models import Assembly
from moim.governance.enums import DecisionKind, MajorityBase, MajorityRule, QuorumFailure
from moim.governance.models import Candidate, Decision, DecisionRules
from moim.members.models import Member, Organization, Person


@dataclass
class Plenary:
    assembly: Assembly
    members: list[Member]
    delegates: list[Person]
    users: list[Any] = field(default_factory=list)

    def delegate_of(self, member: Member) -> Person:
        return self.delegates[self.members.index(member)]


def build_plenary(
    organization: Organization,
    count: int,
    *,
    assembly: Assembly | None = None,
    online_every: int = 3,
    absent: int = 0,
    prefix: str = "m",
) -> Plenary:
    """`count` full members in good standing; all but the last `absent` have a present,
    accredited voting delegate (every `online_every`-th of them joined online, the rest checked
    in at the desk)."""
    assembly = assembly or AssemblyFactory(organization=organization, edition=5)
    seated = seat_delegates(
        assembly=assembly,
        category=CategoryFactory(organization=organization),
        region=RegionFactory(organization=organization),
        count=count,
        prefix=prefix,
        password="correct horse battery",
        online_every=online_every,
        absent=absent,
    )
    return Plenary(assembly, seated.members, seated.people, seated.users)


def make_rules(
    organization: Organization,
    kind: DecisionKind = DecisionKind.MOTION,
    *,
    name: str = "Ordinary motion",
    quorum: str = "0.5",
    majority: MajorityRule = MajorityRule.SIMPLE,
    base: MajorityBase = MajorityBase.CAST,
    abstentions_counted: bool = False,
    secret: bool = False,
    failure: QuorumFailure = QuorumFailure.REFUSE_OPEN,
    max_proxies: int = 2,
    principal_may_vote: bool = False,
) -> DecisionRules:
    return DecisionRules.objects.create(
        organization=organization,
        kind=kind,
        name=name,
        quorum_share=Decimal(quorum),
        quorum_failure=failure,
        majority=majority,
        base=base,
        abstentions_counted=abstentions_counted,
        secret=secret,
        max_proxies_per_delegate=max_proxies,
        principal_may_vote=principal_may_vote,
    )


def make_motion(assembly: Assembly, rules: DecisionRules, title: str = "Motion") -> Decision:
    return Decision.objects.create(
        assembly=assembly,
        kind=DecisionKind.MOTION,
        title_en=title,
        text_en="The Assembly adopts the plan.",
        rules=rules,
    )


def make_election(
    assembly: Assembly,
    rules: DecisionRules,
    candidates: list[Member],
    *,
    office: Any = None,
    seats: int = 1,
    method: str = "",
    kind: DecisionKind = DecisionKind.ELECTION,
    title: str = "Election",
) -> Decision:
    decision = Decision.objects.create(
        assembly=assembly,
        kind=kind,
        title_en=title,
        rules=rules,
        office=office,
        seats=seats,
        method=method,
    )
    Candidate.objects.bulk_create(
        [Candidate(decision=decision, member=m, position=i) for i, m in enumerate(candidates)]
    )
    return decision


@pytest.fixture
def plenary(organization: Organization) -> Plenary:
    return build_plenary(organization, 12)
