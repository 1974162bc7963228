"""Proxies keep the rules wherever they are given (service, back office): limit per delegate,
never to the member's own delegate, never passed on, never while a poll is open; each gift and
withdrawal audited; a proxy that lapses at opening is reported, not dropped silently."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules

from moim.errors import Conflict, Invalid
from moim.governance import services
from moim.governance.enums import AuditAction
from moim.governance.models import AuditEntry, Proxy, RegisterEntry
from moim.members.models import Organization


def give(plenary: Plenary, by: Any, principal: int, holder: int) -> Proxy:
    return services.give_proxy(
        assembly=plenary.assembly,
        principal=plenary.members[principal],
        holder=plenary.delegates[holder],
        by=by,
    )


def test_a_gift_and_a_withdrawal_are_audited(
    organization: Organization, plenary: Plenary, secretariat: Any
) -> None:
    make_rules(organization)
    proxy = give(plenary, secretariat, 0, 1)
    services.withdraw_proxy(proxy=proxy, by=secretariat)

    entries = list(AuditEntry.objects.values_list("action", "actor", "data"))
    assert [(a, who) for a, who, _ in entries] == [
        (AuditAction.PROXY_GIVEN, "sofia"),
        (AuditAction.PROXY_WITHDRAWN, "sofia"),
    ]
    assert entries[0][2]["principal"] == plenary.members[0].slug
    assert entries[0][2]["holder_name"] == plenary.delegates[1].name_en
    assert not Proxy.objects.exists()


def test_four_proxies_to_one_delegate_one_his_own_are_refused(
    organization: Organization, plenary: Plenary, secretariat: Any
) -> None:
    make_rules(organization, max_proxies=2)
    give(plenary, secretariat, 1, 0)
    give(plenary, secretariat, 2, 0)

    with pytest.raises(Conflict, match="allow at most 2 per delegate"):
        give(plenary, secretariat, 3, 0)
    with pytest.raises(Invalid, match="is a delegate of City m000 itself"):
        give(plenary, secretariat, 0, 0)
    assert Proxy.objects.filter(holder=plenary.delegates[0]).count() == 2


def test_the_strictest_rules_of_the_agenda_set_the_limit(
    organization: Organization, plenary: Plenary, secretariat: Any
) -> None:
    make_rules(organization, name="Generous", max_proxies=5)
    make_motion(plenary.assembly, make_rules(organization, name="Strict", max_proxies=1))
    give(plenary, secretariat, 1, 0)
    with pytest.raises(Conflict, match="at most 1 per delegate"):
        give(plenary, secretariat, 2, 0)


def test_a_proxy_is_not_passed_on(
    organization: Organization, plenary: Plenary, secretariat: Any
) -> None:
    make_rules(organization)
    give(plenary, secretariat, 0, 1)
    with pytest.raises(Conflict, match="not passed on"):
        give(plenary, secretariat, 2, 0)  # m000 gave its vote away: its delegate holds none
    with pytest.raises(Conflict, match="cannot give its own away"):
        give(plenary, secretariat, 1, 2)  # m001's delegate holds a proxy: m001 keeps its vote
    with pytest.raises(Conflict, match="withdraw it first"):
        give(plenary, secretariat, 0, 3)
    assert Proxy.objects.count() == 1


def test_proxies_do_not_change_while_a_poll_is_open(
    organization: Organization, plenary: Plenary, secretariat: Any, chair: Any
) -> None:
    rules = make_rules(organization)
    proxy = give(plenary, secretariat, 0, 1)
    decision = make_motion(plenary.assembly, rules)
    services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    with pytest.raises(services.PollStateError, match="A poll is open"):
        give(plenary, secretariat, 2, 3)
    with pytest.raises(services.PollStateError, match="A poll is open"):
        services.withdraw_proxy(proxy=proxy, by=secretariat)
    assert list(Proxy.objects.all()) == [proxy]


def test_a_delegate_gives_only_its_own_member_s_proxy(
    organization: Organization, plenary: Plenary
) -> None:
    make_rules(organization)
    with pytest.raises(PermissionDenied):
        services.give_proxy(
            assembly=plenary.assembly,
            principal=plenary.members[0],
            holder=plenary.delegates[2],
            by=plenary.users[1],
        )
    services.give_proxy(
        assembly=plenary.assembly,
        principal=plenary.members[0],
        holder=plenary.delegates[2],
        by=plenary.users[0],
    )
    assert Proxy.objects.get().principal == plenary.members[0]


def test_a_proxy_whose_holder_is_absent_is_reported_at_opening(
    organization: Organization, chair: Any, secretariat: Any
) -> None:
    plenary = build_plenary(organization, 12, absent=2)
    rules = make_rules(organization, max_proxies=2)
    give(plenary, secretariat, 0, 11)  # m011 is absent: the proxy lapses
    give(plenary, secretariat, 1, 2)
    decision = make_motion(plenary.assembly, rules)
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    entry = AuditEntry.objects.get(action=AuditAction.PROXY_LAPSED)
    assert entry.subject == f"poll:{poll.pk}"
    assert entry.actor == "charles"
    assert entry.data["lapsed"] == [
        {
            "principal": plenary.members[0].slug,
            "principal_name": "City m000",
            "holder": plenary.delegates[11].pk,
            "holder_name": "Delegate m011",
            "reason": "holder_absent",
        }
    ]
    assert RegisterEntry.objects.get(poll=poll, member=plenary.members[0]).proxy_holder is None
    assert (
        RegisterEntry.objects.get(poll=poll, member=plenary.members[1]).proxy_holder
        == (plenary.delegates[2])
    )

    client = Client()
    client.force_login(chair)
    page = client.get(reverse("governance:poll_console", args=[poll.pk])).text
    assert "Proxies that did not hold at opening" in page
    assert "City m000's proxy to Delegate m011: the holder is not present." in page
