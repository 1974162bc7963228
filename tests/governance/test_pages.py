from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, make_motion, make_rules

from moim.governance import services
from moim.governance.models import Decision, Poll
from moim.members.models import Organization


def published_motion(plenary: Plenary, rules: Any, chair: Any, voters: int) -> Poll:
    decision = make_motion(plenary.assembly, rules, f"Motion {Decision.objects.count()}")
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    yes = poll.options.get(position=1).pk
    for member in plenary.members[:voters]:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[yes]
        )
    for step in (services.close_poll, services.count_poll, services.publish_poll):
        poll = step(poll=poll, by=chair)
    return poll


def test_receipt_code_finds_the_ballot(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization, secret=True))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    member = plenary.members[0]
    receipt = services.cast_ballot(
        poll=poll,
        voter=plenary.delegate_of(member),
        member=member,
        choices=[poll.options.get(position=2).pk],
    )
    for step in (services.close_poll, services.count_poll, services.publish_poll):
        poll = step(poll=poll, by=chair)
    url = reverse("governance:ballots", args=[poll.pk])

    found = Client().get(url, {"receipt": receipt.code.lower()}).content.decode()
    missing = Client().get(url, {"receipt": "AAAA-AAAA-AAAA-AAAA"}).content.decode()

    assert "Your ballot is in the list" in found
    assert f'<tr class="mine"><td><code>{receipt.hash}</code></td><td>1</td><td>No</td>' in found
    assert "No ballot has this receipt code." in missing


def test_amendment_is_shown_as_a_change(organization: Organization, plenary: Plenary) -> None:
    decision = Decision.objects.create(
        assembly=plenary.assembly,
        kind="motion",
        status="on_agenda",
        title_en="Statute amendment",
        previous_text_en="The Committee has at most 15 members.",
        text_en="The Committee has at most 20 members.",
    )
    page = Client().get(reverse("governance:decision", args=[decision.pk])).content.decode()
    assert "at most <del>15</del> <ins>20</ins> members." in page


def test_console_is_hidden_from_outsiders_and_refused_to_delegates(
    plenary: Plenary, delegate_a: Any, chair: Any
) -> None:
    url = reverse("governance:console", args=[plenary.assembly.edition])
    anonymous = Client().get(url)
    client = Client()
    client.force_login(delegate_a)
    refused = client.get(url)
    client.force_login(chair)
    allowed = client.get(url)

    assert (anonymous.status_code, refused.status_code) == (404, 403)
    assert "<h1>Chair’s console</h1>" in allowed.content.decode().replace("'", "’")


def test_a_delegate_cannot_run_a_poll_over_the_api(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.create_poll(decision=decision, by=chair)
    client = Client()
    client.force_login(plenary.delegates[0].user)
    response = client.post(f"/api/governance/polls/{poll.pk}/open")

    assert response.json()["detail"] == "You may not do this."
    assert Poll.objects.get(pk=poll.pk).state == "draft"


def test_named_poll_shows_a_roll_call_after_publication_secret_poll_does_not(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    named = published_motion(plenary, make_rules(organization, quorum="0"), chair, 2)
    secret = published_motion(
        plenary, make_rules(organization, name="Secret", quorum="0", secret=True), chair, 2
    )
    named_page = Client().get(reverse("governance:decision", args=[named.decision_id]))
    secret_page = Client().get(reverse("governance:decision", args=[secret.decision_id]))

    first = plenary.members[0].name_en
    assert f'<tr><th scope="row">{first}</th><td>Yes</td></tr>' in named_page.text
    assert "How each member voted" not in secret_page.text


def test_chair_runs_a_poll_with_acclamation_over_the_api(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    client = Client()
    client.force_login(chair)
    created = client.post(
        f"/api/governance/decisions/{decision.pk}/polls", {}, content_type="application/json"
    ).json()
    poll_id = created["id"]
    for action in ("open", "close"):
        client.post(f"/api/governance/polls/{poll_id}/{action}")
    client.post(
        f"/api/governance/polls/{poll_id}/analog",
        {"method": "acclamation"},
        content_type="application/json",
    )
    for action in ("count", "publish"):
        final = client.post(f"/api/governance/polls/{poll_id}/{action}").json()

    assert [o["label_en"] for o in created["options"]] == ["Yes", "No", "Abstain"]
    assert final["state"] == "published"
    assert final["verdict"] == "adopted"
    assert final["result"]["acclamation"] is True
