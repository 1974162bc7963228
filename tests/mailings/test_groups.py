"""Who each group holds: registered, present, delegates who have not voted, late jurors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from moim.assemblies.enums import AttendanceMode, RegistrationStatus
from moim.awards.models import Edition, Sheet
from moim.governance.enums import BallotShape, PollState
from moim.governance.models import Poll, RegisterEntry, VoteRecord
from moim.mailings.enums import Audience
from moim.mailings.recipients import recipients_for
from moim.members.models import Organization
from tests.assemblies.factories import RegistrationFactory
from tests.factories import MemberFactory, PersonFactory
from tests.governance.conftest import make_motion, make_rules
from tests.mailings.conftest import Convened


def _addresses(convened: Convened, audience: str) -> list[str]:
    return [r.address for r in recipients_for(convened.assembly, audience)]


def test_registered_and_checked_in(convened: Convened) -> None:
    RegistrationFactory(
        assembly=convened.assembly,
        email="in@example.org",
        full_name="In",
        checked_in_at=timezone.now(),
    )
    RegistrationFactory(assembly=convened.assembly, email="away@example.org", full_name="Away")
    RegistrationFactory(
        assembly=convened.assembly,
        email="gone@example.org",
        full_name="Gone",
        status=RegistrationStatus.CANCELLED,
    )
    RegistrationFactory(
        assembly=convened.assembly,
        email="web@example.org",
        full_name="Web",
        attendance_mode=AttendanceMode.ONLINE,
        joined_at=timezone.now(),
    )

    assert _addresses(convened, Audience.REGISTERED) == [
        "away@example.org",
        "in@example.org",
        "web@example.org",
    ]
    assert _addresses(convened, Audience.CHECKED_IN) == ["in@example.org", "web@example.org"]


def test_delegates_who_have_not_voted_in_the_open_poll(
    organization: Organization, convened: Convened
) -> None:
    poll = Poll.objects.create(
        decision=make_motion(convened.assembly, make_rules(organization)),
        state=PollState.OPEN,
        shape=BallotShape.YES_NO_ABSTAIN,
    )
    voted = PersonFactory(organization=organization, member=convened.seoul, email="v@seoul.example")
    waiting = PersonFactory(
        organization=organization, member=convened.busan, email="w@busan.example"
    )
    proxy = PersonFactory(organization=organization, member=convened.lima, email="p@lima.example")
    RegisterEntry.objects.create(poll=poll, member=convened.seoul, delegate=voted)
    RegisterEntry.objects.create(poll=poll, member=convened.busan, delegate=waiting)
    RegisterEntry.objects.create(poll=poll, member=convened.lima, proxy_holder=proxy)
    VoteRecord.objects.create(poll=poll, member=convened.seoul, cast_by=voted)

    recipients = recipients_for(convened.assembly, Audience.NOT_VOTED)

    assert sorted(r.address for r in recipients) == ["p@lima.example", "w@busan.example"]
    assert {r.address: r.language for r in recipients}["w@busan.example"] == "ko"


def test_no_open_poll_means_nobody_to_remind(convened: Convened) -> None:
    assert _addresses(convened, Audience.NOT_VOTED) == []


def test_jurors_late_with_their_scores(
    convened: Convened, edition: Edition, scoring_round: dict[str, Any]
) -> None:
    edition.assembly = convened.assembly
    edition.save()
    round_ = scoring_round["round"]
    round_.due = timezone.now() - dt.timedelta(days=1)
    round_.save()
    other = scoring_round["other"]
    for assignment in other.assignments.all():
        Sheet.objects.create(
            round=round_, juror=other, entry=assignment.entry, submitted_at=timezone.now()
        )

    late = recipients_for(convened.assembly, Audience.LATE_JURORS)

    assert [r.person for r in late] == [scoring_round["judge"].person]


def test_jurors_are_not_late_before_the_due_date(
    convened: Convened, edition: Edition, scoring_round: dict[str, Any]
) -> None:
    edition.assembly = convened.assembly
    edition.save()
    round_ = scoring_round["round"]
    round_.due = timezone.now() + dt.timedelta(days=1)
    round_.save()

    assert _addresses(convened, Audience.LATE_JURORS) == []


def test_members_group_skips_suspended_members(
    organization: Organization, convened: Convened
) -> None:
    MemberFactory(organization=organization, status="suspended", contact_email="s@x.example")

    assert "s@x.example" not in _addresses(convened, Audience.MEMBERS)
