"""Delegates find their ballot: the sitting page, its self-updating ballot part, and the notice
'voting is open' on the assembly page, the agenda, the decision page, the account page and the
confirmation e-mail."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.assemblies.factories import ProgrammeItemFactory
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules

from moim.assemblies import services as assembly_services
from moim.assemblies.enums import AttendanceMode, ParticipantRole
from moim.assemblies.models import Registration
from moim.governance import services
from moim.governance.models import Decision, Poll, Proxy, VoteRecord
from moim.members.models import Organization

NOTICE = "Go to your ballot"


def motion(plenary: Plenary, organization: Organization, chair: Any) -> tuple[Decision, Poll]:
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0"), "Budget")
    return decision, services.create_poll(decision=decision, by=chair)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages(plenary: Plenary, decision: Decision) -> list[str]:
    edition = plenary.assembly.edition
    return [
        plenary.assembly.get_absolute_url(),
        reverse("governance:agenda", args=[edition]),
        reverse("governance:decision", args=[decision.pk]),
        reverse("account"),
    ]


def test_the_pages_lead_a_voter_to_the_ballot_only_while_a_poll_is_open(
    organization: Organization, chair: Any, delegate_b: Any
) -> None:
    plenary = build_plenary(organization, 4)
    decision, poll = motion(plenary, organization, chair)
    decision.status = "on_agenda"
    decision.save()
    voter = logged_in(plenary.users[0])
    sitting = reverse("governance:sitting", args=[plenary.assembly.edition])

    before = {url: voter.get(url).content.decode() for url in pages(plenary, decision)}
    services.open_poll(poll=poll, by=chair)
    during = {url: voter.get(url).content.decode() for url in pages(plenary, decision)}
    stranger = {url: logged_in(delegate_b).get(url).content.decode() for url in during}
    public = Client().get(plenary.assembly.get_absolute_url()).content.decode()
    services.close_poll(poll=poll, by=chair)
    after = {url: voter.get(url).content.decode() for url in pages(plenary, decision)}

    for url in during:
        assert NOTICE not in before[url], url
        assert NOTICE in during[url], url
        assert f'href="{sitting}#ballot"' in during[url], url
        assert NOTICE not in stranger[url], url  # a delegate holding no vote in this poll
        assert NOTICE not in after[url], url
    assert NOTICE not in public


def test_the_notice_fragment_appears_and_goes_with_the_poll(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 3)
    _decision, poll = motion(plenary, organization, chair)
    voter = logged_in(plenary.users[0])
    url = reverse("governance:ballot_notice") + f"?edition={plenary.assembly.edition}"

    closed = voter.get(url).content.decode()
    services.open_poll(poll=poll, by=chair)
    opened = voter.get(url).content.decode()

    assert NOTICE not in closed
    assert 'hx-trigger="every 10s"' in closed
    assert NOTICE in opened
    assert Client().get(url).content.decode().strip() == ""


def test_the_sitting_page_shows_an_online_delegate_the_item_links_and_ballots(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 6, absent=1)
    assembly = plenary.assembly
    assembly.livestream_url = "https://stream.example/ga"
    assembly.save()
    now = timezone.now()
    ProgrammeItemFactory(
        assembly=assembly, title_en="Opening", starts_at=now - dt.timedelta(days=1)
    )
    ProgrammeItemFactory(assembly=assembly, title_en="Plenary session II", starts_at=now)
    online = plenary.delegates[2]  # every third delegate joined online
    absent_member = plenary.members[5]
    Proxy.objects.create(assembly=assembly, principal=absent_member, holder=online)
    _decision, poll = motion(plenary, organization, chair)
    services.open_poll(poll=poll, by=chair)
    client = logged_in(online.user)

    page = client.get(reverse("governance:sitting", args=[assembly.edition])).content.decode()

    assert "Plenary session II" in page
    assert 'href="https://stream.example/ga"' in page
    registration = Registration.objects.get(person=online)
    assert registration.attendance_mode == AttendanceMode.ONLINE
    assert f'href="{registration.join_path()}"' in page
    assert "Budget" in page
    assert page.count('name="member"') == 2
    assert f'name="member" value="{plenary.members[2].pk}"' in page
    assert f'name="member" value="{absent_member.pk}"' in page
    assert "(proxy)" in page


def test_casting_from_the_sitting_page_shows_the_receipt_then_voted(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 3)
    _decision, poll = motion(plenary, organization, chair)
    services.open_poll(poll=poll, by=chair)
    member = plenary.members[0]
    client = logged_in(plenary.users[0])
    url = reverse("governance:sitting_ballot", args=[plenary.assembly.edition])

    response = client.post(
        url,
        {"poll": poll.pk, "member": member.pk, "choice": [poll.options.get(position=1).pk]},
        headers={"HX-Request": "true"},
    )

    fragment = response.content.decode()
    assert "Your receipt code" in fragment
    assert re.search(r'class="receipt-code">[A-Z0-9-]{19}<', fragment)
    assert VoteRecord.objects.filter(poll=poll, member=member).exists()
    page = client.get(reverse("governance:sitting", args=[plenary.assembly.edition]))
    assert "You have voted for this member." in page.content.decode()
    assert 'name="member"' not in page.content.decode()


def test_a_bad_ballot_from_the_sitting_page_says_why_and_stores_nothing(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 3)
    _decision, poll = motion(plenary, organization, chair)
    services.open_poll(poll=poll, by=chair)
    client = logged_in(plenary.users[0])
    url = reverse("governance:sitting_ballot", args=[plenary.assembly.edition])

    other = client.post(url, {"poll": poll.pk, "member": plenary.members[1].pk, "choice": [1]})
    missing = client.post(url, {"poll": 999999, "member": plenary.members[0].pk})

    assert other.status_code == 400
    assert 'role="alert"' in other.content.decode()
    assert (
        f"You hold no vote for member {plenary.members[1].pk} in this poll."
        in other.content.decode()
    )
    assert missing.status_code == 400
    assert "This poll is not open." in missing.content.decode()
    assert not VoteRecord.objects.filter(poll=poll).exists()


def test_the_ballot_fragment_changes_when_a_poll_opens_or_closes(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 3)
    _decision, poll = motion(plenary, organization, chair)
    client = logged_in(plenary.users[0])
    url = reverse("governance:sitting_ballot", args=[plenary.assembly.edition])

    def version(html: str) -> str:
        found = re.search(r"\?v=([0-9a-f]+)", html)
        assert found is not None
        return found.group(1)

    idle = client.get(url).content.decode()
    unchanged = client.get(f"{url}?v={version(idle)}")
    services.open_poll(poll=poll, by=chair)
    opened = client.get(f"{url}?v={version(idle)}")
    services.close_poll(poll=poll, by=chair)
    closed = client.get(f"{url}?v={version(opened.content.decode())}")

    assert "No vote is open for you right now." in idle
    # Redrawn when the assembly's stream names a poll's state (governance/sitting.js); the
    # minute's poll is only a net for a stream that cannot open, cast by the script.
    assert 'hx-trigger="moim:ballots" data-refresh-seconds="60"' in idle
    assert unchanged.status_code == 204
    assert unchanged.content == b""
    assert "Budget" in opened.content.decode()
    assert 'name="choice"' in opened.content.decode()
    assert "No vote is open for you right now." in closed.content.decode()
    assert "Budget" not in closed.content.decode()


def test_the_sitting_page_is_for_delegates(
    organization: Organization, outsider: Any, juror: Any
) -> None:
    plenary = build_plenary(organization, 2)
    url = reverse("governance:sitting", args=[plenary.assembly.edition])

    anonymous = Client().get(url)
    refused = [logged_in(user).get(url) for user in (outsider, juror)]
    delegate = logged_in(plenary.users[0]).get(url)

    assert anonymous.status_code == 404
    assert [response.status_code for response in refused] == [403, 403]
    for response in (anonymous, *refused):
        assert "Your ballot" not in response.text
        assert plenary.assembly.title not in response.text
    assert "<h1>The sitting</h1>" in delegate.text
    assert "Your ballot" in delegate.text
    assert plenary.assembly.title in delegate.text


def test_the_confirmation_mail_links_to_the_sitting_page(
    organization: Organization,
    city_a: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    plenary = build_plenary(organization, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assembly_services.register(
            assembly=plenary.assembly,
            full_name="Ana Costa",
            email="ana@example.org",
            role=ParticipantRole.DELEGATE,
            attendance_mode=AttendanceMode.ONLINE,
            member=city_a,
            base_url="https://moim.example",
        )

    body = mailoutbox[0].body
    assert f"https://moim.example/en/governance/{plenary.assembly.edition}/sitting/" in body
    assert "your ballot when a vote is open" in body
