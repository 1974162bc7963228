"""The chair's console in a real sitting: who has not voted (present first, the absent apart),
close and publish only when confirmed, a slate of candidates and an appointment in one step."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import build_plenary, make_election, make_motion, make_rules

from moim.governance import services
from moim.governance.enums import AuditAction, DecisionKind, PollState
from moim.governance.models import AuditEntry, Candidate, Decision, Poll
from moim.members.enums import OfficeKind
from moim.members.models import Member, Office, Organization, Term


def open_motion(organization: Organization, chair: Any, *, absent: int = 0) -> tuple[Any, Poll]:
    plenary = build_plenary(organization, 6, absent=absent)
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0"))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def test_not_voted_lists_present_members_first_and_the_absent_apart(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = open_motion(organization, chair, absent=2)
    yes = poll.options.get(position=1).pk
    first = plenary.members[0]
    services.cast_ballot(poll=poll, voter=plenary.delegate_of(first), member=first, choices=[yes])
    client = Client()
    client.force_login(chair)

    page = client.get(reverse("governance:poll_console", args=[poll.pk])).content.decode()

    split = services.not_yet_voted_by_presence(poll)
    assert split.present == ["City m001", "City m002", "City m003"]
    assert split.absent == ["City m004", "City m005"]
    present_part, absent_part = page.split("not-voted--absent")
    assert "Present or represented (3)" in present_part
    assert all(name in present_part for name in split.present)
    assert not any(name in present_part for name in split.absent)
    assert "Absent, no one to vote (2)" in page
    assert all(name in absent_part for name in split.absent)
    assert "City m000" not in page


def test_close_without_confirmation_asks_and_changes_nothing(
    organization: Organization, chair: Any
) -> None:
    _plenary, poll = open_motion(organization, chair)
    client = Client()
    client.force_login(chair)
    closes_before = AuditEntry.objects.filter(action=AuditAction.POLL_CLOSED).count()

    response = client.post(reverse("governance:poll_action", args=[poll.pk, "close"]))

    poll.refresh_from_db()
    assert poll.state == PollState.OPEN
    assert "Close the poll now? No more ballots will be accepted." in response.content.decode()
    assert 'name="confirm" value="close"' in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.POLL_CLOSED).count() == closes_before

    client.post(reverse("governance:poll_action", args=[poll.pk, "close"]), {"confirm": "close"})
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED


def test_publish_without_confirmation_asks_and_publishes_nothing(
    organization: Organization, chair: Any
) -> None:
    _plenary, poll = open_motion(organization, chair)
    poll = services.count_poll(poll=services.close_poll(poll=poll, by=chair), by=chair)
    client = Client()
    client.force_login(chair)
    url = reverse("governance:poll_action", args=[poll.pk, "publish"])

    asked = client.post(url, {"confirm": "close"}).content.decode()
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED
    assert poll.published_at is None
    assert "Publish the result now?" in asked

    client.post(url, {"confirm": "publish"})
    poll.refresh_from_db()
    assert poll.state == PollState.PUBLISHED


def committee(organization: Organization, count: int = 25) -> tuple[Decision, list[Member]]:
    plenary = build_plenary(organization, count, prefix="ec")
    decision = make_election(
        plenary.assembly, make_rules(organization, DecisionKind.ELECTION), [], seats=17
    )
    return decision, plenary.members


def test_a_slate_of_twenty_pasted_names_is_added_in_one_post(
    organization: Organization, secretariat: Any
) -> None:
    decision, members = committee(organization)
    members[3].name_ko = "서울"
    members[3].save()
    lines = [m.name_en.upper() for m in members[:10]] + [m.slug for m in members[10:19]]
    lines[3] = "서울"
    lines.append("  " + members[19].name_en.lower() + "  ")
    client = Client()
    client.force_login(secretariat)
    audit_before = AuditEntry.objects.count()

    response = client.post(
        reverse("governance:add_slate", args=[decision.pk]),
        {"names": "\n".join(lines) + "\n\n"},
        follow=True,
    )

    assert "20 candidates added" in response.content.decode()
    names = list(decision.candidates.order_by("position").values_list("member__name_en", flat=1))
    assert names == [m.name_en for m in members[:20]]
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert entry.action == AuditAction.CANDIDATES_ADDED
    assert entry.data["members"] == [m.slug for m in members[:20]]


def test_a_slate_picked_from_the_list_is_added(
    organization: Organization, secretariat: Any
) -> None:
    decision, members = committee(organization, 5)
    client = Client()
    client.force_login(secretariat)

    client.post(
        reverse("governance:add_slate", args=[decision.pk]),
        {"members": [members[1].pk, members[4].pk]},
    )

    assert set(decision.candidates.values_list("member_id", flat=True)) == {
        members[1].pk,
        members[4].pk,
    }


def test_unknown_or_ambiguous_names_are_listed_and_nothing_is_added(
    organization: Organization, secretariat: Any
) -> None:
    decision, members = committee(organization, 5)
    members[2].name_ko = members[1].name_en
    members[2].save()
    client = Client()
    client.force_login(secretariat)

    response = client.post(
        reverse("governance:add_slate", args=[decision.pk]),
        {"names": f"{members[0].name_en}\nAtlantis\n{members[1].name_en}\nEl Dorado"},
        follow=True,
    )

    page = response.content.decode()
    assert "No member has this name: Atlantis; El Dorado." in page
    assert f"More than one member has this name: {members[1].name_en}." in page
    assert not Candidate.objects.filter(decision=decision).exists()


def test_candidates_are_refused_once_a_poll_has_opened(
    organization: Organization, secretariat: Any, chair: Any
) -> None:
    decision, members = committee(organization, 8)
    services.add_candidates(decision=decision, members=members[:3], by=secretariat)
    services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    client = Client()
    client.force_login(secretariat)

    response = client.post(
        reverse("governance:add_slate", args=[decision.pk]),
        {"members": [members[5].pk]},
        follow=True,
    )

    assert "A poll of this decision has opened" in response.content.decode()
    assert decision.candidates.count() == 3


def test_a_draft_poll_gets_the_added_candidates_as_options(
    organization: Organization, secretariat: Any, chair: Any
) -> None:
    decision, members = committee(organization, 8)
    services.add_candidates(decision=decision, members=members[:2], by=secretariat)
    poll = services.create_poll(decision=decision, by=chair)

    services.add_candidates(decision=decision, members=members[2:4], by=secretariat)

    assert list(poll.options.values_list("position", "label_en")) == [
        (i + 1, m.name_en) for i, m in enumerate(members[:4])
    ]


def test_slate_and_appointment_are_refused_to_others(
    organization: Organization, chair: Any, delegate_a: Any
) -> None:
    decision, members = committee(organization, 3)
    url = reverse("governance:add_slate", args=[decision.pk])
    assert Client().post(url, {"members": [members[0].pk]}).status_code == 404
    client = Client()
    client.force_login(delegate_a)
    forbidden = client.post(url, {"members": [members[0].pk]})
    assert forbidden.status_code == 403
    assert not decision.candidates.exists()
    appoint = client.post(
        reverse("governance:record_appointment", args=[decision.pk]), {"members": [members[0].pk]}
    )
    assert appoint.status_code == 403
    decision.refresh_from_db()
    assert decision.published_at is None
    assert not decision.candidates.exists()
    assert not decision.terms.exists()


@pytest.mark.parametrize("persona", ["secretariat", "chair"])
def test_six_vice_presidents_are_appointed_from_the_console(
    organization: Organization, persona: str, request: pytest.FixtureRequest
) -> None:
    # The chair announces the appointments in the sitting; the secretariat may record them too.
    user = request.getfixturevalue(persona)
    plenary = build_plenary(organization, 10, prefix="vp")
    office = Office.objects.create(
        organization=organization,
        kind=OfficeKind.VICE_PRESIDENT,
        name_en="Vice-President",
        seats=0,
    )
    decision = Decision.objects.create(
        assembly=plenary.assembly,
        kind=DecisionKind.APPOINTMENT,
        title_en="Appointment of the Vice-Presidents",
        office=office,
    )
    client = Client()
    client.force_login(user)
    console = client.get(reverse("governance:console", args=[plenary.assembly.edition]))
    assert "Record and publish the appointment" in console.content.decode()
    appointees = plenary.members[:6]

    response = client.post(
        reverse("governance:record_appointment", args=[decision.pk]),
        {"members": [m.pk for m in appointees], "appointed_by": plenary.members[9].pk},
        follow=True,
    )

    assert "Appointment recorded and published." in response.content.decode()
    decision.refresh_from_db()
    assert decision.published_at is not None
    assert decision.appointed_by == plenary.members[9]
    held = Term.objects.filter(office=office).values_list("member__name_en", flat=True)
    assert sorted(held) == sorted(m.name_en for m in appointees)
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-3:] == [
        AuditAction.CANDIDATES_ADDED,
        AuditAction.DECISION_PUBLISHED,
        AuditAction.TERMS_CHANGED,
    ]
    page = client.get(reverse("governance:decision", args=[decision.pk])).content.decode()
    assert all(m.name_en in page for m in appointees)
    assert "Terms of office resting on this decision" in page
