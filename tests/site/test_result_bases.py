"""A result says the base of its percentages beside them: share, base, abstentions, majority."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from moim.governance import services
from moim.governance.bases import motion_base_text
from moim.governance.enums import MajorityRule, Verdict
from moim.governance.models import Poll
from moim.members.models import Organization
from tests.governance.conftest import build_plenary, make_motion, make_rules


def two_thirds_motion(organization: Organization, chair: Any) -> Poll:
    """Five yes, three no, two abstain: 62.5 % of votes cast without abstentions, under 2/3."""
    plenary = build_plenary(organization, 10)
    rules = make_rules(organization, name="Statute amendment", majority=MajorityRule.TWO_THIRDS)
    decision = make_motion(plenary.assembly, rules, "Amend the Statute")
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    options = {o.position: o.pk for o in poll.options.all()}
    for i, member in enumerate(plenary.members):
        choice = 1 if i < 5 else (2 if i < 8 else 3)
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[options[choice]]
        )
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    return services.publish_poll(poll=poll, by=chair)


EXPECTED = "Yes: 62.5 % of votes cast, abstentions excluded; two-thirds needed (at least 6 of 8)"


def test_result_record_carries_its_base(organization: Organization, chair: Any) -> None:
    poll = two_thirds_motion(organization, chair)

    assert poll.verdict == Verdict.REJECTED
    assert poll.result["basis"] == {
        "table_base": "cast",
        "table_base_weight": 10,
        "base": "cast",
        "abstentions_counted": False,
        "majority": "two_thirds",
        "base_weight": 8,
        "required_yes": 6,
        "yes_percent": "62.50",
    }


def test_results_page_shows_the_base_beside_the_percentages(
    client: Client, organization: Organization, chair: Any
) -> None:
    poll = two_thirds_motion(organization, chair)
    edition = poll.decision.assembly.edition

    page = client.get(f"/en/results/{edition}/{poll.decision_id}/").content.decode()
    decision_page = client.get(
        reverse("governance:decision", args=[poll.decision_id])
    ).content.decode()

    for html in (page, decision_page):
        assert EXPECTED in html
        assert "Percentages in the table: of all votes cast (weight 10)" in html


def test_the_base_text_follows_the_rules_snapshot(organization: Organization, chair: Any) -> None:
    poll = two_thirds_motion(organization, chair)
    poll.result = {**poll.result, "basis": {**poll.result["basis"], "base": "entitled"}}
    poll.result["basis"]["majority"] = MajorityRule.SIMPLE.value
    poll.result["basis"]["required_yes"] = None

    assert motion_base_text(poll) == ("Yes: 62.5 % of the entitled weight; more yes than no needed")
