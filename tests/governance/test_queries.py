"""The plenary's pages that list things make as many queries for one item as for three."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.assemblies.factories import AssemblyFactory
from tests.governance.conftest import (
    Plenary,
    build_plenary,
    make_election,
    make_motion,
    make_rules,
)
from tests.governance.test_pages import published_motion

from moim.assemblies.enums import Credential, CredentialSource, RegistrationStatus
from moim.assemblies.models import Registration
from moim.governance import services
from moim.governance.models import AuditEntry, Poll
from moim.members.models import Organization


def logged_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def open_motions(
    plenary: Plenary, organization: Organization, chair: Any, count: int
) -> list[Poll]:
    rules = make_rules(organization, quorum="0")
    return [
        services.open_poll(
            poll=services.create_poll(
                decision=make_motion(plenary.assembly, rules, f"Motion {n}"), by=chair
            ),
            by=chair,
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_the_agenda(
    client: Client,
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    rules = make_rules(organization, quorum="0")
    for _ in range(count):
        published_motion(plenary, rules, chair, 1)
    url = reverse("governance:agenda", args=[plenary.assembly.edition])

    # The assembly, the agenda's tree, the decisions not placed on it, the organization.
    with django_assert_num_queries(4):
        page = client.get(url).content.decode()

    assert page.count("Adopted") == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_published_ballot_list(
    client: Client,
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    poll = published_motion(plenary, make_rules(organization, quorum="0"), chair, count)
    url = reverse("governance:ballots", args=[poll.pk])

    with django_assert_num_queries(4):
        page = client.get(url).content.decode()

    assert page.count("<code>") == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_console(
    client: Client,
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    secretariat: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    rules = make_rules(organization, quorum="0")
    for n in range(count):
        election = make_election(plenary.assembly, rules, plenary.members[:2], title=f"Seat {n}")
        services.create_poll(decision=election, by=chair)
    url = reverse("governance:console", args=[plenary.assembly.edition])

    logged_in(client, secretariat)
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()

    assert page.count('<li class="card">') == count
    assert page.count("Poll 1</a> · Draft") == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_poll_console_and_its_turnout(
    client: Client,
    organization: Organization,
    chair: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    # `count` members entitled, none voted yet: each is named among those who have not voted.
    plenary = build_plenary(organization, count)
    (poll,) = open_motions(plenary, organization, chair, 1)
    url = reverse("governance:poll_console", args=[poll.pk])
    logged_in(client, chair)

    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    with django_assert_num_queries(6):
        turnout = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert f"0 of {count} entitled have voted" in page
    assert sum(f"City m{n:03d}" in turnout for n in range(count)) == count


@pytest.mark.parametrize("count", [1, 3])
def test_my_open_polls(
    client: Client,
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    open_motions(plenary, organization, chair, count)
    url = reverse("governance:my_polls", args=[plenary.assembly.edition])

    logged_in(client, plenary.users[0])
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()

    assert sum(f"Motion {n}" in page for n in range(count)) == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_sitting_page_its_ballot_part_and_the_notice(
    client: Client,
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    open_motions(plenary, organization, chair, count)
    edition = plenary.assembly.edition
    logged_in(client, plenary.users[0])

    with django_assert_num_queries(13):
        page = client.get(reverse("governance:sitting", args=[edition])).content.decode()
    with django_assert_num_queries(6):
        ballot = client.get(reverse("governance:sitting_ballot", args=[edition])).content.decode()
    with django_assert_num_queries(5):
        notice = client.get(reverse("governance:ballot_notice"), {"edition": edition})

    for shown in (page, ballot):
        assert sum(f"Motion {n}" in shown for n in range(count)) == count
    assert "Go to your ballot" in notice.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_the_voting_page_with_the_proxies_held(
    client: Client,
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    # The first delegate holds its own member's vote and the proxies of count - 1 others.
    rules = make_rules(organization, quorum="0", max_proxies=2)
    for principal in plenary.members[1:count]:
        services.give_proxy(
            assembly=plenary.assembly,
            principal=principal,
            holder=plenary.delegates[0],
            by=plenary.users[plenary.members.index(principal)],
        )
    decision = make_motion(plenary.assembly, rules)
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    url = reverse("governance:vote", args=[poll.pk])

    logged_in(client, plenary.users[0])
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()

    assert sum(f"City m{n:03d}" in page for n in range(count)) == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_proxy_panel_of_the_account_page(
    client: Client,
    organization: Organization,
    plenary: Plenary,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    # `count` coming assemblies, at each of which another member's delegate could hold the proxy.
    make_rules(organization)
    soon = timezone.now() + dt.timedelta(days=1)
    assemblies = [plenary.assembly] + [
        AssemblyFactory(organization=organization, edition=20 + n) for n in range(count - 1)
    ]
    for assembly in assemblies:
        assembly.starts_at, assembly.ends_at = soon, soon + dt.timedelta(hours=3)
        assembly.save(update_fields=["starts_at", "ends_at"])
        Registration.objects.get_or_create(
            assembly=assembly,
            person=plenary.delegates[1],
            defaults={
                "member": plenary.members[1],
                "full_name": "Delegate m001",
                "email": f"m001-{assembly.edition}@example.org",
                "status": RegistrationStatus.CONFIRMED,
                "credential": Credential.VOTING,
                "credential_source": CredentialSource.SECRETARIAT,
            },
        )

    logged_in(client, plenary.users[0])
    with django_assert_num_queries(15):
        page = client.get(reverse("account")).content.decode()

    assert page.count("Give the proxy") == count


def back_office_world(organization: Organization, chair: Any, count: int) -> None:
    """`count` of each row the plenary's back office lists: decisions, polls, proxies, vote
    records, register entries (and more audit entries)."""
    plenary = build_plenary(organization, 2 * count + 1)
    for n in range(1, count + 1):
        services.give_proxy(
            assembly=plenary.assembly,
            principal=plenary.members[n],
            holder=plenary.delegates[count + n],
            by=plenary.users[n],
        )
    for poll in open_motions(plenary, organization, chair, count):
        member = plenary.members[0]
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[poll.options.get(position=1).pk],
        )


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize(
    ("model", "queries", "rows"),
    [
        ("decision", 8, lambda n: n),
        ("poll", 7, lambda n: n),
        ("proxy", 8, lambda n: n),
        ("registerentry", 8, lambda n: n * (2 * n + 1)),
        ("voterecord", 8, lambda n: n),
        # Ballots are listed once published; the filter still names every poll.
        ("ballot", 8, lambda n: 0),
        ("decisionrules", 8, lambda n: 1),
    ],
)
def test_the_back_office_lists(
    client: Client,
    organization: Organization,
    chair: Any,
    secretariat: Any,
    django_assert_num_queries: Any,
    model: str,
    queries: int,
    rows: Any,
    count: int,
) -> None:
    back_office_world(organization, chair, count)
    logged_in(client, secretariat)

    with django_assert_num_queries(queries):
        page = client.get(reverse(f"admin:governance_{model}_changelist")).content.decode()

    assert page.count('<th class="field-') == rows(count)
    if model in ("registerentry", "voterecord", "ballot"):
        # The filter by poll names each by its decision, and keeps that poll's rows.
        assert sum(f">Motion {n}</a>" in page for n in range(count)) == count
        first = Poll.objects.order_by("pk").first()
        url = reverse(f"admin:governance_{model}_changelist")
        filtered = client.get(url, {"poll__id__exact": first.pk if first else 0}).text
        assert filtered.count('<th class="field-') == rows(count) // count


@pytest.mark.parametrize("count", [1, 3])
def test_the_audit_log_in_the_back_office(
    client: Client,
    organization: Organization,
    chair: Any,
    secretariat: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    back_office_world(organization, chair, count)
    logged_in(client, secretariat)

    with django_assert_num_queries(7):
        page = client.get(reverse("admin:governance_auditentry_changelist")).content.decode()

    # Each poll's opening and each proxy given, after the rules, are on the page.
    assert page.count('<th class="field-sequence">') == AuditEntry.objects.count() >= 2 * count
