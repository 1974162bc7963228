"""A member's delegate gives or withdraws its member's proxy from the account page, within the
rules, until a poll opens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.governance.conftest import Plenary, make_motion, make_rules

from moim.governance import services
from moim.governance.enums import AuditAction
from moim.governance.models import AuditEntry, Proxy
from moim.members.models import Organization


def delegate_client(plenary: Plenary, index: int) -> Client:
    client = Client()
    client.force_login(plenary.users[index])
    return client


def coming(plenary: Plenary) -> None:
    plenary.assembly.starts_at = timezone.now() - dt.timedelta(hours=1)
    plenary.assembly.ends_at = timezone.now() + dt.timedelta(days=2)
    plenary.assembly.save(update_fields=["starts_at", "ends_at"])


def test_delegate_gives_and_withdraws_its_proxy_from_the_account_page(
    organization: Organization, plenary: Plenary
) -> None:
    make_rules(organization)
    coming(plenary)
    client = delegate_client(plenary, 0)
    page = client.get(reverse("account")).text
    assert "Give the proxy" in page
    assert "Delegate m001 (City m001)" in page
    assert "Delegate m000 (City m000)" not in page  # never to its own member

    given = client.post(
        reverse("governance:give_proxy", args=[plenary.assembly.pk]),
        {"holder": plenary.delegates[1].pk},
        follow=True,
    )
    proxy = Proxy.objects.get()
    assert proxy.principal == plenary.members[0]
    assert proxy.holder == plenary.delegates[1]
    assert "Your member's vote is given to Delegate m001 (City m001)." in given.text

    withdrawn = client.post(reverse("governance:withdraw_proxy", args=[proxy.pk]), follow=True)
    assert "The proxy is withdrawn" in withdrawn.text
    assert not Proxy.objects.exists()
    actor = plenary.users[0].username
    assert list(AuditEntry.objects.values_list("action", "actor")) == [
        (AuditAction.PROXY_GIVEN, actor),
        (AuditAction.PROXY_WITHDRAWN, actor),
    ]


def test_account_page_refuses_a_proxy_to_its_own_member_or_over_the_limit(
    organization: Organization, plenary: Plenary, secretariat: Any
) -> None:
    make_rules(organization, max_proxies=1)
    coming(plenary)
    services.give_proxy(
        assembly=plenary.assembly,
        principal=plenary.members[2],
        holder=plenary.delegates[1],
        by=secretariat,
    )
    client = delegate_client(plenary, 0)
    url = reverse("governance:give_proxy", args=[plenary.assembly.pk])

    own = client.post(url, {"holder": plenary.delegates[0].pk}, follow=True)
    full = client.post(url, {"holder": plenary.delegates[1].pk}, follow=True)
    junk = client.post(url, {"holder": "x"}, follow=True)

    assert "is a delegate of City m000 itself" in own.text
    assert "allow at most 1 per delegate" in full.text
    assert "Choose the delegate who holds your proxy." in junk.text
    assert list(Proxy.objects.values_list("principal", flat=True)) == [plenary.members[2].pk]


def test_no_proxy_changes_from_the_account_page_while_a_poll_is_open(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization)
    coming(plenary)
    client = delegate_client(plenary, 0)
    client.post(
        reverse("governance:give_proxy", args=[plenary.assembly.pk]),
        {"holder": plenary.delegates[1].pk},
    )
    proxy = Proxy.objects.get()
    decision = make_motion(plenary.assembly, rules)
    services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    page = client.get(reverse("account")).text
    refused = client.post(reverse("governance:withdraw_proxy", args=[proxy.pk]), follow=True)
    other = delegate_client(plenary, 3).post(
        reverse("governance:give_proxy", args=[plenary.assembly.pk]),
        {"holder": plenary.delegates[4].pk},
        follow=True,
    )

    assert "the proxy cannot change until it closes" in page
    assert "Withdraw the proxy" not in page
    assert "A poll is open: proxies cannot change until it closes" in refused.text
    assert "A poll is open" in other.text
    assert list(Proxy.objects.all()) == [proxy]


def test_another_member_s_delegate_cannot_withdraw_a_proxy(
    organization: Organization, plenary: Plenary, client: Client
) -> None:
    make_rules(organization)
    proxy = services.give_proxy(
        assembly=plenary.assembly,
        principal=plenary.members[0],
        holder=plenary.delegates[1],
        by=plenary.users[0],
    )
    url = reverse("governance:withdraw_proxy", args=[proxy.pk])

    anonymous = client.post(url)
    stranger = delegate_client(plenary, 5).post(url)

    assert anonymous.status_code == 404
    assert stranger.status_code == 403
    assert Proxy.objects.filter(pk=proxy.pk).exists()
