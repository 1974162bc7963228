"""While a poll is open, no page or API response, for any role, shows a per-option count."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import build_plenary, make_motion, make_rules

from moim.governance import services
from moim.governance.models import AuditEntry, Ballot, Poll, RegisterEntry, VoteRecord
from moim.members.models import Organization

COUNT_KEYS = {"weight", "weights", "heads", "votes", "percent", "percent_of_base", "tally"}


def count_keys(value: Any) -> set[str]:
    """Keys anywhere in a JSON document that would carry a count."""
    found: set[str] = set()
    if isinstance(value, dict):
        found |= COUNT_KEYS & set(value)
        for item in value.values():
            found |= count_keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= count_keys(item)
    return found


@pytest.fixture
def open_poll(organization: Organization, chair: Any) -> tuple[Any, Poll]:
    plenary = build_plenary(organization, 12)
    decision = make_motion(plenary.assembly, make_rules(organization, secret=False))
    decision.status = "on_agenda"
    decision.save()
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    ids = {o.value: o.pk for o in poll.options.all()}
    for i, member in enumerate(plenary.members[:10]):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[ids["yes"] if i < 7 else ids["no"]],
        )
    return plenary, poll


def test_no_page_or_response_shows_a_count_while_open(
    open_poll: tuple[Any, Poll],
    chair: Any,
    secretariat: Any,
    delegate_a: Any,
    outsider: Any,
) -> None:
    plenary, poll = open_poll
    decision = poll.decision
    edition = decision.assembly.edition
    voter = plenary.delegates[0].user
    pages = [
        reverse("governance:agenda", args=[edition]),
        reverse("governance:decision", args=[decision.pk]),
        reverse("governance:console", args=[edition]),
        reverse("governance:poll_console", args=[poll.pk]),
        reverse("governance:my_polls", args=[edition]),
        reverse("governance:vote", args=[poll.pk]),
        reverse("governance:ballots", args=[poll.pk]),
    ]
    admin = [
        reverse(f"admin:governance_{model}_changelist")
        for model in ("poll", "ballot", "voterecord", "registerentry", "auditentry", "decision")
    ] + [
        reverse("admin:governance_poll_change", args=[poll.pk]),
        reverse("admin:governance_decision_change", args=[decision.pk]),
        reverse("admin:governance_voterecord_change", args=[VoteRecord.objects.first().pk]),  # type: ignore[union-attr]
        reverse("admin:governance_auditentry_change", args=[AuditEntry.objects.last().pk]),  # type: ignore[union-attr]
    ]
    api = [
        f"/api/governance/assemblies/{edition}/decisions",
        f"/api/governance/polls/{poll.pk}",
        f"/api/governance/polls/{poll.pk}/turnout",
        f"/api/governance/polls/{poll.pk}/ballots",
    ]
    walked = 0
    seen: dict[tuple[str, str], int] = {}
    for user in (None, outsider, delegate_a, voter, chair, secretariat):
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in pages + admin + api:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                body = response.content.decode()
                walked += 1
                seen[(getattr(user, "username", "anonymous"), url)] = response.status_code
                assert "result-table" not in body, (user, url)
                assert "Heads" not in body, (user, url)
                if response.headers.get("Content-Type", "").startswith("application/json"):
                    document = json.loads(body)
                    assert count_keys(document) == set(), (user, url)
                    if isinstance(document, dict) and "result" in document:
                        assert document["result"] is None
                for ballot in Ballot.objects.filter(poll=poll):
                    assert ballot.receipt_hash not in body, (user, url)

    assert {seen[("sofia", url)] for url in admin} == {200}
    assert {seen[("charles", url)] for url in pages[:4]} == {200}
    assert seen[(voter.username, pages[5])] == 200
    assert seen[("oscar", pages[3])] == 403
    assert seen[("anonymous", pages[3])] == 404
    assert walked == 6 * 2 * (len(pages) + len(admin) + len(api))
    # The walk saw a live poll: ballots exist and the console says how many voted.
    client = Client()
    client.force_login(chair)
    console = client.get(reverse("governance:poll_console", args=[poll.pk])).content.decode()
    assert "10 of 12 entitled have voted" in console
    assert RegisterEntry.objects.filter(poll=poll).count() == 12


def test_after_publication_anyone_recounts_the_same_result(
    open_poll: tuple[Any, Poll], chair: Any
) -> None:
    _plenary, poll = open_poll
    for step in (services.close_poll, services.count_poll, services.publish_poll):
        poll = step(poll=poll, by=chair)
    client = Client()
    published = client.get(f"/api/governance/polls/{poll.pk}/ballots").json()
    detail = client.get(f"/api/governance/polls/{poll.pk}").json()
    labels = {o["position"]: o["label_en"] for o in detail["options"]}
    recount: dict[str, int] = dict.fromkeys(labels.values(), 0)
    for ballot in published:
        for position in ballot["choices"]:
            recount[labels[position]] += ballot["weight"]

    assert recount == {o["label"]: o["weight"] for o in detail["result"]["options"]}
    assert recount == {"Yes": 7, "No": 3, "Abstain": 0}
    assert detail["verdict"] == "adopted"
    page = client.get(reverse("governance:ballots", args=[poll.pk])).content.decode()
    assert page.count("<code>") == 10
