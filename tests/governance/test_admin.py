"""The back office goes through the services: refusals are form errors and store nothing, each
change is audited with what it was and what it became, service-only fields are read-only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, make_motion, make_rules

from moim.governance import services
from moim.governance.enums import AuditAction, DecisionStatus
from moim.governance.models import AuditEntry, Decision, DecisionRules, Proxy
from moim.permissions import SYSTEM


@pytest.fixture
def office(client: Client, secretariat: Any) -> Client:
    client.force_login(secretariat)
    return client


def rules_form(rules: DecisionRules, **changes: Any) -> dict[str, Any]:
    data = {
        "organization": rules.organization_id,
        "kind": rules.kind,
        "name": rules.name,
        "good_standing_required": "on" if rules.good_standing_required else "",
        "quorum_share": str(rules.quorum_share),
        "quorum_failure": rules.quorum_failure,
        "majority": rules.majority,
        "base": rules.base,
        "max_proxies_per_delegate": rules.max_proxies_per_delegate,
        "tie_policy": rules.tie_policy,
        "amendment_order": rules.amendment_order,
        "assumed": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_admin_proxy_over_the_limit_is_a_form_error_and_stores_nothing(
    office: Client, plenary: Plenary, organization: Any
) -> None:
    make_rules(organization, max_proxies=2)
    holder = plenary.delegates[0]
    url = reverse("admin:governance_proxy_add")
    for i in (1, 2):
        office.post(
            url,
            {
                "assembly": plenary.assembly.pk,
                "principal": plenary.members[i].pk,
                "holder": holder.pk,
            },
        )

    over = office.post(
        url,
        {"assembly": plenary.assembly.pk, "principal": plenary.members[3].pk, "holder": holder.pk},
    )
    own = office.post(
        url,
        {"assembly": plenary.assembly.pk, "principal": plenary.members[0].pk, "holder": holder.pk},
    )

    assert "already holds 2 proxies; the rules of this assembly allow at most 2" in over.text
    assert "is a delegate of City m000 itself" in own.text
    assert Proxy.objects.filter(holder=holder).count() == 2
    given = AuditEntry.objects.filter(action=AuditAction.PROXY_GIVEN)
    assert [e.actor for e in given] == ["sofia", "sofia"]


def test_admin_proxy_change_and_delete_go_through_the_services(
    office: Client, plenary: Plenary, organization: Any
) -> None:
    make_rules(organization)
    proxy = services.give_proxy(
        assembly=plenary.assembly,
        principal=plenary.members[0],
        holder=plenary.delegates[1],
        by=SYSTEM,
    )
    office.post(
        reverse("admin:governance_proxy_change", args=[proxy.pk]),
        {
            "assembly": plenary.assembly.pk,
            "principal": plenary.members[0].pk,
            "holder": plenary.delegates[2].pk,
        },
    )
    moved = Proxy.objects.get()
    office.post(reverse("admin:governance_proxy_delete", args=[moved.pk]), {"post": "yes"})

    assert moved.holder == plenary.delegates[2]
    assert not Proxy.objects.exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["proxy_given", "proxy_withdrawn", "proxy_given", "proxy_withdrawn"]


def test_admin_proxy_withdrawal_while_a_poll_is_open_is_refused_with_a_message(
    office: Client, plenary: Plenary, organization: Any, chair: Any
) -> None:
    rules = make_rules(organization)
    proxy = services.give_proxy(
        assembly=plenary.assembly,
        principal=plenary.members[0],
        holder=plenary.delegates[1],
        by=SYSTEM,
    )
    services.open_poll(
        poll=services.create_poll(decision=make_motion(plenary.assembly, rules), by=chair),
        by=chair,
    )

    response = office.post(
        reverse("admin:governance_proxy_delete", args=[proxy.pk]), {"post": "yes"}, follow=True
    )

    assert "A poll is open: proxies cannot change until it closes" in response.text
    assert Proxy.objects.filter(pk=proxy.pk).exists()


def test_quorum_change_is_audited_with_before_and_after(office: Client, organization: Any) -> None:
    rules = make_rules(organization)
    office.post(
        reverse("admin:governance_decisionrules_change", args=[rules.pk]),
        rules_form(rules, quorum_share="0.05"),
    )

    rules.refresh_from_db()
    entry = AuditEntry.objects.get(action=AuditAction.RULES_CHANGED)
    assert rules.quorum_share == Decimal("0.05")
    assert entry.actor == "sofia"
    assert entry.data["changes"] == {"quorum_share": ["0.500", "0.050"]}


def test_rules_changed_while_a_poll_is_open_leave_its_snapshot_and_say_so(
    office: Client, organization: Any, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization)
    decision = make_motion(plenary.assembly, rules, "Adopt the plan")
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    response = office.post(
        reverse("admin:governance_decisionrules_change", args=[rules.pk]),
        rules_form(rules, quorum_share="0.9"),
        follow=True,
    )

    poll.refresh_from_db()
    assert poll.rules_snapshot["quorum_share"] == "0.500"
    assert "Open now and keeping the rules they opened with: Adopt the plan" in response.text
    entry = AuditEntry.objects.get(action=AuditAction.RULES_CHANGED)
    assert entry.data["open_polls_keep_their_rules"] == [poll.pk]


def test_decision_edits_are_audited_and_service_fields_are_read_only(
    office: Client, organization: Any, plenary: Plenary
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization), "Adopt the plan")
    url = reverse("admin:governance_decision_change", args=[decision.pk])
    page = office.get(url).text
    office.post(
        url,
        {
            "assembly": plenary.assembly.pk,
            "position": 0,
            "kind": "motion",
            "title_en": "Adopt the 2030 plan",
            "text_en": decision.text_en,
            "rules": decision.rules_id,
            "seats": 1,
            "status": "decided",
            "verdict": "adopted",
            "candidates-TOTAL_FORMS": 0,
            "candidates-INITIAL_FORMS": 0,
        },
    )

    decision.refresh_from_db()
    assert 'name="status"' not in page
    assert 'name="verdict"' not in page
    assert 'name="published_at"' not in page
    assert 'name="method"' in page
    assert decision.title_en == "Adopt the 2030 plan"
    assert decision.status == DecisionStatus.DRAFT
    assert decision.verdict == ""
    entry = AuditEntry.objects.get(action=AuditAction.DECISION_CHANGED)
    assert entry.data["changes"] == {"title_en": ["Adopt the plan", "Adopt the 2030 plan"]}


def test_a_published_decision_no_longer_changes(
    office: Client, organization: Any, plenary: Plenary
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization), "Adopt the plan")
    Decision.objects.filter(pk=decision.pk).update(published_at="2025-01-01T00:00:00Z")
    response = office.post(
        reverse("admin:governance_decision_change", args=[decision.pk]),
        {
            "assembly": plenary.assembly.pk,
            "position": 0,
            "kind": "motion",
            "title_en": "Something else",
            "seats": 1,
            "candidates-TOTAL_FORMS": 0,
            "candidates-INITIAL_FORMS": 0,
        },
    )
    decision.refresh_from_db()
    assert "This decision is published" in response.text
    assert decision.title_en == "Adopt the plan"
    assert not AuditEntry.objects.filter(action=AuditAction.DECISION_CHANGED).exists()


def test_polls_stay_read_only_in_the_back_office(
    office: Client, organization: Any, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.create_poll(decision=decision, by=chair)
    page = office.get(reverse("admin:governance_poll_change", args=[poll.pk])).text
    assert 'name="state"' not in page
    assert 'name="result"' not in page
    assert 'name="opened_at"' not in page
