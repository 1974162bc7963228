"""A small, complete General Assembly for the API fuzz: every operation has something to act on.

- assembly 5 with a programme, a present delegate for each of three cities and one registrant
  not yet checked in;
- an open motion (the delegate persona holds Seoul's vote), a draft motion for the chair to open,
  a published motion with its ballots, and an election with candidates and no poll yet;
- award edition 4 with an open scoring round: the juror scores Busan's entry and is conflicted
  with Seoul's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from moim.assemblies.enums import Credential, RegistrationStatus
from moim.awards import judging
from moim.awards.enums import EditionStatus, EntryStatus, RoundKind
from moim.awards.models import AwardProgramme, Category, Criterion, Edition, Round
from moim.governance import services
from moim.governance.enums import DecisionKind
from moim.governance.models import Poll
from moim.members.enums import Role
from tests.assemblies.factories import ProgrammeItemFactory, RegistrationFactory, SpeakerFactory
from tests.awards.conftest import city, make_entry, make_juror
from tests.factories import OrganizationFactory, PersonFactory, UserFactory
from tests.governance.conftest import build_plenary, make_election, make_motion, make_rules


@dataclass
class World:
    users: dict[str, Any]
    edition: int
    award_edition: int
    open_poll: Poll
    draft_poll: Poll
    published_poll: Poll
    election: int
    member_slugs: list[str]
    check_in_code: str
    entries: list[int]
    criteria: list[str]
    path_values: dict[str, list[Any]] = field(default_factory=dict)


def _user(username: str, role: Role, organization: Any, **extra: Any) -> Any:
    user = UserFactory(username=username, roles=[role], **extra)
    PersonFactory(organization=organization, name_en=username.title(), user=user)
    return user


def _published_motion(plenary: Any, organization: Any, chair: Any) -> Poll:
    decision = make_motion(plenary.assembly, make_rules(organization, name="Named"), "Budget")
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    yes = poll.options.get(position=1).pk
    for member in plenary.members:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[yes]
        )
    poll = services.close_poll(poll=poll, by=chair)
    poll = services.count_poll(poll=poll, by=chair)
    return services.publish_poll(poll=poll, by=chair)


def build_world() -> World:
    organization = OrganizationFactory()
    chair = _user("charles", Role.CHAIR, organization)
    secretariat = _user("sofia", Role.SECRETARIAT, organization, is_staff=True)
    juror_user = _user("judith", Role.JUROR, organization)

    plenary = build_plenary(organization, 3, online_every=0)
    assembly = plenary.assembly
    item = ProgrammeItemFactory(assembly=assembly, title_en="Opening address")
    SpeakerFactory(item=item, person=PersonFactory(organization=organization, name_en="Oh"))
    walk_in = RegistrationFactory(
        assembly=assembly,
        member=plenary.members[0],
        status=RegistrationStatus.CONFIRMED,
        credential=Credential.AWAITING,
    )

    rules = make_rules(organization, quorum="0")
    open_poll = services.open_poll(
        poll=services.create_poll(decision=make_motion(assembly, rules, "Open"), by=chair),
        by=chair,
    )
    draft_poll = services.create_poll(decision=make_motion(assembly, rules, "Draft"), by=chair)
    published = _published_motion(plenary, organization, chair)
    election = make_election(
        assembly,
        make_rules(organization, DecisionKind.ELECTION, name="Election", quorum="0"),
        plenary.members,
        title="Host city",
    )

    award = _award_edition(organization, secretariat, juror_user, plenary.members[0])

    world = World(
        users={
            "delegate": plenary.users[0],
            "chair": chair,
            "secretariat": secretariat,
            "juror": juror_user,
        },
        edition=assembly.edition,
        award_edition=award["number"],
        open_poll=open_poll,
        draft_poll=draft_poll,
        published_poll=published,
        election=election.pk,
        member_slugs=[m.slug for m in plenary.members],
        check_in_code=walk_in.check_in_code,
        entries=award["entries"],
        criteria=award["criteria"],
    )
    world.path_values = {
        "edition": [world.edition],
        "number": [world.award_edition],
        "poll_id": [open_poll.pk, draft_poll.pk, published.pk],
        "decision_id": [election.pk, draft_poll.decision_id, published.decision_id],
        "entry_id": world.entries,
        "code": [world.check_in_code],
    }
    return world


def _award_edition(
    organization: Any, secretariat: Any, juror_user: Any, home: Any
) -> dict[str, Any]:
    """Edition 4 in an open first round; the juror works for `home` and is conflicted there."""
    programme = AwardProgramme.objects.create(
        organization=organization, slug="wego-awards", name_en="WeGO Awards"
    )
    now = timezone.now()
    edition = Edition.objects.create(
        programme=programme,
        number=4,
        year=2020,
        title_en="4th WeGO Awards",
        status=EditionStatus.CALL_OPEN,
        call_opens=now - dt.timedelta(days=30),
        deadline=now + dt.timedelta(days=10),
    )
    Category.objects.create(edition=edition, position=1, slug="mobility", name_en="Mobility")
    Criterion.objects.create(
        edition=edition, position=1, key="impact", name_en="Impact", weight=Decimal(3)
    )
    Criterion.objects.create(
        edition=edition, position=2, key="design", name_en="Design", weight=Decimal(1)
    )
    juror_user.person.member = home
    juror_user.person.save()
    own = make_entry(edition, home, title="Home project", status=EntryStatus.ELIGIBLE)
    other = make_entry(
        edition, city(organization, "Busan"), title="Busan bus", status=EntryStatus.ELIGIBLE
    )
    make_juror(edition, "Judith", user=juror_user)
    make_juror(edition, "Olga Other")
    judging.detect_conflicts(edition=edition, by=secretariat)
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    judging.assign_jurors(round_=round_, by=secretariat)
    judging.open_scoring(round_=round_, by=secretariat)
    return {
        "number": edition.number,
        "entries": [other.pk, own.pk],
        "criteria": ["impact", "design"],
    }
