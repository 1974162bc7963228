"""The 5th General Assembly's plenary (18 October 2021), as the press release tells it.

Facts: the Charter and Statute amendments and the 2030 Master Plan were adopted, Seoul was
elected President, six Vice-Presidents were appointed (Mexico City, host of the 2023 Assembly,
ex officio as Executive Vice-President), seventeen Executive Committee members were elected and
Mexico City was chosen to host in 2023. Illustrative (every decision is marked so): the vote
counts and ballots, the wording of Article 12 and of its two amendments (voted before it), and
the rules (WeGO's are not public).

The offices come from the member registry's demonstration terms (members/demo/terms.json); the
decisions take those terms over instead of adding new ones, so the registry holds one current
President, seventeen Executive Committee members and six Vice-Presidents either way.
`load` is idempotent: a decision already on the agenda at its position is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.db import transaction

from moim.assemblies.models import Assembly
from moim.governance import services
from moim.governance.enums import (
    AmendmentAction,
    BallotShape,
    DecisionKind,
    DecisionStatus,
    MajorityRule,
)
from moim.governance.models import Candidate, Decision, DecisionRules, Poll
from moim.members.demo import read as read_registry_data
from moim.members.enums import OfficeKind
from moim.members.models import Member, Office, Organization
from moim.permissions import SYSTEM

ASSEMBLY_DAY = dt.date(2021, 10, 18)
TERM_ENDS = None  # terms run until the next General Assembly

# Article 12 as it stood, the wording the secretariat tabled, and the two amendments the
# Assembly adopted before adopting the article (one paragraph per line).
PREVIOUS_ARTICLE = (
    "Article 12 (Executive Committee) The Executive Committee consists of the President, the "
    "Vice-Presidents and member cities elected by the General Assembly.\n"
    "Members of the Executive Committee serve for three years."
)
PREVIOUS_ARTICLE_KO = (
    "제12조(집행위원회) 집행위원회는 회장, 부회장 및 총회에서 선출된 회원 도시로 구성된다.\n"
    "집행위원회 위원의 임기는 3년으로 한다."
)
TABLED_ARTICLE = (
    "Article 12 (Executive Committee) The Executive Committee consists of at most twenty member "
    "cities, including the President and the Vice-Presidents, elected by the General Assembly.\n"
    "Members of the Executive Committee serve for three years."
)
TABLED_ARTICLE_KO = (
    "제12조(집행위원회) 집행위원회는 회장과 부회장을 포함하여 총회에서 선출된 20개 이하의 "
    "회원 도시로 구성된다.\n"
    "집행위원회 위원의 임기는 3년으로 한다."
)
# (paragraph, title, Korean title, English, Korean): each replaces that paragraph.
CHARTER_AMENDMENTS = (
    (
        1,
        "Amendment to Article 12, paragraph 1: geographic balance",
        "제12조 제1항 수정안: 지역 간 균형",
        "Article 12 (Executive Committee) The Executive Committee consists of at most twenty "
        "member cities, including the President and the Vice-Presidents, elected by the General "
        "Assembly with due regard to geographic balance.",
        "제12조(집행위원회) 집행위원회는 회장과 부회장을 포함하여 지역 간 균형을 고려하여 "
        "총회에서 선출된 20개 이하의 회원 도시로 구성된다.",
    ),
    (
        2,
        "Amendment to Article 12, paragraph 2: re-election",
        "제12조 제2항 수정안: 연임",
        "Members of the Executive Committee serve for three years and may be re-elected.",
        "집행위원회 위원의 임기는 3년으로 하며, 연임할 수 있다.",
    ),
)

Chooser = Callable[[int], list[int] | None]


def _rules(organization: Organization) -> dict[str, DecisionRules]:
    specs = {
        "Ordinary motion": (DecisionKind.MOTION, MajorityRule.SIMPLE, False),
        "Statute amendment": (DecisionKind.MOTION, MajorityRule.TWO_THIRDS, False),
        "Election": (DecisionKind.ELECTION, MajorityRule.SIMPLE, True),
        "Host-city selection": (DecisionKind.HOST_SELECTION, MajorityRule.SIMPLE, True),
        "Appointment": (DecisionKind.APPOINTMENT, MajorityRule.SIMPLE, False),
    }
    found = {}
    for name, (kind, majority, secret) in specs.items():
        found[name], _created = DecisionRules.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={
                "kind": kind,
                "majority": majority,
                "secret": secret,
                "quorum_share": Decimal("0.5"),
                "assumed": True,
            },
        )
    return found


def _registry_terms(office: str) -> list[str]:
    return [
        row["member"]
        for row in read_registry_data("terms.json")["terms"]
        if row.get("office") == office and row.get("member")
    ]


def _decision(assembly: Assembly, position: int, **fields: object) -> tuple[Decision, bool]:
    existing = Decision.objects.filter(
        assembly=assembly, position=position, amends__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    decision = Decision.objects.create(
        assembly=assembly,
        position=position,
        status=DecisionStatus.ON_AGENDA,
        term_starts=ASSEMBLY_DAY,
        term_ends=TERM_ENDS,
        illustrative=True,
        **fields,
    )
    return decision, True


def _candidates(decision: Decision, members: Sequence[Member]) -> None:
    for position, member in enumerate(members):
        Candidate.objects.get_or_create(
            decision=decision, member=member, defaults={"position": position}
        )


def _vote(decision: Decision, choose: Chooser, shape: BallotShape | None = None) -> Poll:
    """Open a poll with every entitled member present, enter the invented ballots, then close,
    count and publish it through the services (which write the audit log and the terms)."""
    poll = services.create_poll(decision=decision, by=SYSTEM, shape=shape)
    poll = services.open_poll(poll=poll, by=SYSTEM, on=ASSEMBLY_DAY, assume_present=True)
    register = list(poll.register.select_related("member").order_by("member__name_en"))
    ballots = []
    for index, entry in enumerate(register):
        picks = choose(index)
        if picks is not None:
            ballots.append((entry.member, picks))
    services.load_illustrative_ballots(poll=poll, ballots=ballots)
    for step in (services.close_poll, services.count_poll, services.publish_poll):
        poll = step(poll=poll, by=SYSTEM)
    return poll


def _turnout(index: int) -> bool:
    """About seven in eight entitled members voted (invented)."""
    return index % 8 != 7


def _motion_chooser(no_every: int, abstain_every: int) -> Chooser:
    def choose(index: int) -> list[int] | None:
        if not _turnout(index):
            return None
        if index % no_every == 3:
            return [2]
        if index % abstain_every == 5:
            return [3]
        return [1]

    return choose


@transaction.atomic
def load(organization: Organization) -> None:
    assembly = Assembly.objects.filter(organization=organization, edition=5).first()
    if assembly is None:
        return
    rules = _rules(organization)
    members = {m.slug: m for m in Member.objects.filter(organization=organization)}
    offices = {o.kind: o for o in Office.objects.filter(organization=organization)}

    decision, new = _decision(
        assembly,
        1,
        kind=DecisionKind.MOTION,
        title_en="Amendments to the Charter and the Statute",
        title_ko="헌장 및 정관 개정",
        text_en=TABLED_ARTICLE,
        text_ko=TABLED_ARTICLE_KO,
        previous_text_en=PREVIOUS_ARTICLE,
        previous_text_ko=PREVIOUS_ARTICLE_KO,
        rules=rules["Statute amendment"],
    )
    if new:
        # The amendments are decided first (the poll on the article cannot open before).
        for paragraph, title_en, title_ko, text_en, text_ko in CHARTER_AMENDMENTS:
            amendment = services.table_amendment(
                decision=decision,
                paragraph=paragraph,
                title_en=title_en,
                title_ko=title_ko,
                action=AmendmentAction.REPLACE,
                text_en=text_en,
                text_ko=text_ko,
                by=SYSTEM,
            )
            _vote(amendment, _motion_chooser(no_every=17 + paragraph, abstain_every=7))
        _vote(decision, _motion_chooser(no_every=19, abstain_every=11))

    decision, new = _decision(
        assembly,
        2,
        kind=DecisionKind.MOTION,
        title_en="WeGO 2030 Master Plan",
        title_ko="WeGO 2030 마스터플랜",
        text_en="The General Assembly adopts the WeGO 2030 Master Plan as presented.",
        text_ko="총회는 제시된 WeGO 2030 마스터플랜을 채택한다.",
        rules=rules["Ordinary motion"],
    )
    if new:
        _vote(decision, _motion_chooser(no_every=29, abstain_every=13))

    president = [members[s] for s in _registry_terms(OfficeKind.PRESIDENT) if s in members]
    decision, new = _decision(
        assembly,
        3,
        kind=DecisionKind.ELECTION,
        title_en="Election of the President",
        title_ko="회장 도시 선출",
        office=offices.get(OfficeKind.PRESIDENT),
        seats=1,
        method="plurality",
        rules=rules["Election"],
    )
    if new and president:
        _candidates(decision, president[:1])
        # Uncontested: a vote for Seoul or a blank ballot (about one in twenty).
        _vote(decision, lambda i: None if not _turnout(i) else ([] if i % 20 == 9 else [1]))

    vice_presidents = [
        members[s] for s in _registry_terms(OfficeKind.VICE_PRESIDENT) if s in members
    ]
    decision, new = _decision(
        assembly,
        4,
        kind=DecisionKind.APPOINTMENT,
        title_en="Appointment of the Vice-Presidents",
        title_ko="부회장 도시 임명",
        text_en=(
            "On the nomination of the Executive Committee, the President appoints the "
            "Vice-Presidents; the host of the next General Assembly is Executive "
            "Vice-President ex officio."
        ),
        office=offices.get(OfficeKind.VICE_PRESIDENT),
        appointed_by=president[0] if president else None,
        rules=rules["Appointment"],
    )
    if new and vice_presidents:
        _candidates(decision, vice_presidents)
        services.record_appointment(decision=decision, by=SYSTEM)

    elected = [members[s] for s in _registry_terms(OfficeKind.EXECUTIVE_COMMITTEE) if s in members]
    runners = list(
        Member.objects.filter(organization=organization, category__has_vote=True)
        .exclude(pk__in=[m.pk for m in elected])
        .order_by("name_en")[:2]
    )
    decision, new = _decision(
        assembly,
        5,
        kind=DecisionKind.ELECTION,
        title_en="Election of the Executive Committee",
        title_ko="집행위원회 선출",
        office=offices.get(OfficeKind.EXECUTIVE_COMMITTEE),
        seats=len(elected),
        method="block",
        rules=rules["Election"],
    )
    if new and elected:
        _candidates(decision, elected + runners)
        seats = len(elected)

        def committee(index: int) -> list[int] | None:
            # Candidate k is left off by the first 2k voters, so no two totals are level;
            # some of those voters back one of the two runners-up instead.
            if not _turnout(index):
                return None
            picks = [k + 1 for k in range(seats) if index >= 2 * k]
            if index < 10 and runners:
                picks.append(seats + 1)
            elif index < 16 and len(runners) > 1:
                picks.append(seats + 2)
            return picks[:seats]

        _vote(decision, committee, BallotShape.CHOOSE)

    host = members.get("mexico-city")
    decision, new = _decision(
        assembly,
        6,
        kind=DecisionKind.HOST_SELECTION,
        title_en="Host of the 6th General Assembly (2023)",
        title_ko="제6차 총회(2023) 개최 도시",
        office=offices.get(OfficeKind.HOST_CITY),
        ex_officio_office=offices.get(OfficeKind.EXECUTIVE_VICE_PRESIDENT),
        seats=1,
        method="plurality",
        rules=rules["Host-city selection"],
    )
    if new and host is not None:
        _candidates(decision, [host])
        _vote(decision, lambda i: None if not _turnout(i) else ([] if i % 16 == 4 else [1]))
