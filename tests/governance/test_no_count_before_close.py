"""While a poll is open, no page, fragment, stream event, API answer or export, for any role,
shows a per-option count, a result or a percentage; once published, the public ones do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import AsyncClient, Client
from django.urls import reverse
from tests.governance.conftest import build_plenary, make_motion, make_rules
from tests.live.asgi_server import parse
from tests.site.publication_plenary import finish
from tests.site.test_projector import run_apart

from moim.governance import services
from moim.governance.models import AuditEntry, Ballot, Poll, RegisterEntry, VoteRecord
from moim.live.hub import stop_render_threads
from moim.members.models import Organization

COUNT_KEYS = {"weight", "weights", "heads", "votes", "percent", "percent_of_base", "tally"}
# What a page shows only with a result: its table and figures, a percentage, a verdict, the roll
# call of a named poll.
COUNT_MARKS = (
    "result-table",
    "poll-result",
    "Heads",
    "Votes (weight)",
    "% of",
    "data-verdict",
    "How each member voted",
)


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


def counts_shown(body: str, content_type: str) -> set[str]:
    """What in an answer (page, fragment, JSON, CSV, stream event) would tell a count."""
    found = {mark for mark in COUNT_MARKS if mark in body}
    if content_type.startswith("application/json"):
        found |= count_keys(json.loads(body))
    if content_type.startswith("text/csv") and "weight" in body.partition("\n")[0]:
        found.add("a weight column")
    return found


def site_urls(poll: Poll) -> list[str]:
    """The public site's pages about the poll: projector, its snapshot, results and downloads,
    the report and the press release."""
    edition, decision = poll.decision.assembly.edition, poll.decision_id
    return [
        reverse("site:projector", args=[edition]),
        reverse("site:projector_state", args=[edition]),
        reverse("site:results", args=[edition]),
        reverse("site:decision_results", args=[edition, decision]),
        reverse("site:poll_json", args=[edition, decision, poll.round]),
        reverse("site:poll_csv", args=[edition, decision, poll.round]),
        reverse("site:poll_blt", args=[edition, decision, poll.round]),
        reverse("site:report", args=[edition]),
        reverse("site:press_release", args=[edition]),
    ]


def first_streamed_state(edition: int) -> str:
    """The state the projector's stream greets a screen with, as an ASGI server sends it."""

    async def read() -> str:
        response = await AsyncClient().get(f"/en/projector/{edition}/events/")
        stream = aiter(response.streaming_content)
        received = ""
        try:
            while not any(kind == "state" for kind, _ in parse(received)):
                received += (await anext(stream)).decode()
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
        return next(data for kind, data in parse(received) if kind == "state")

    try:
        state: str = run_apart(read)
    finally:
        stop_render_threads()  # their connections, so that the test database can be dropped
    return state


@pytest.fixture(params=[False, True], ids=["named", "secret"])
def open_poll(request: Any, organization: Organization, chair: Any) -> tuple[Any, Poll]:
    plenary = build_plenary(organization, 12)
    decision = make_motion(plenary.assembly, make_rules(organization, secret=request.param))
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
    site = site_urls(poll)
    walked = 0
    seen: dict[tuple[str, str], int] = {}
    for user in (None, outsider, delegate_a, voter, chair, secretariat):
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in pages + admin + api + site:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                body = response.content.decode()
                walked += 1
                seen[(getattr(user, "username", "anonymous"), url)] = response.status_code
                content_type = response.headers.get("Content-Type", "")
                assert counts_shown(body, content_type) == set(), (user, url)
                if content_type.startswith("application/json"):
                    document = json.loads(body)
                    if isinstance(document, dict) and "result" in document:
                        assert document["result"] is None
                for ballot in Ballot.objects.filter(poll=poll):
                    assert ballot.receipt_hash not in body, (user, url)

    assert {seen[("sofia", url)] for url in admin} == {200}
    assert {seen[("charles", url)] for url in pages[:4]} == {200}
    assert seen[(voter.username, pages[5])] == 200
    assert seen[("oscar", pages[3])] == 403
    assert seen[("anonymous", pages[3])] == 404
    assert walked == 6 * 2 * (len(pages) + len(admin) + len(api) + len(site))
    # The projector and the results index answer while the poll is open, and say only that.
    assert {seen[("anonymous", url)] for url in site[:3]} == {200}
    assert "Voting is open" in Client().get(site[1]).content.decode()
    # The walk saw a live poll: ballots exist and the console says how many voted.
    client = Client()
    client.force_login(chair)
    console = client.get(reverse("governance:poll_console", args=[poll.pk])).content.decode()
    assert "10 of 12 entitled have voted" in console
    assert RegisterEntry.objects.filter(poll=poll).count() == 12


@pytest.mark.django_db(transaction=True)
def test_the_projector_stream_greets_with_no_count_while_open_and_the_result_once_published(
    open_poll: tuple[Any, Poll], chair: Any
) -> None:
    _plenary, poll = open_poll
    edition = poll.decision.assembly.edition

    during = first_streamed_state(edition)
    poll = finish(poll, chair)
    after = first_streamed_state(edition)

    assert "10 of 12 members have voted" in during
    assert counts_shown(during, "text/html") == set()
    assert {"result-table", "poll-result", "% of", "data-verdict"} <= counts_shown(
        after, "text/html"
    )


def test_after_publication_the_site_shows_the_count(
    open_poll: tuple[Any, Poll], chair: Any
) -> None:
    _plenary, poll = open_poll
    poll = finish(poll, chair)
    client = Client()
    projector, state, _index, results, as_json, as_csv = site_urls(poll)[:6]

    shown = {}
    bodies = {}
    for url in (projector, state, results, as_json, as_csv):
        response = client.get(url)
        bodies[url] = response.content.decode()
        shown[url] = counts_shown(bodies[url], response.headers["Content-Type"])

    for url in (projector, state, results):
        assert {"result-table", "% of", "data-verdict"} <= shown[url], url
    assert ("How each member voted" in shown[results]) is not poll.secret
    assert "weight" in shown[as_json]
    assert "a weight column" in shown[as_csv]
    assert '<tr><th scope="row">Yes</th><td>7</td>' in bodies[state]


def test_after_publication_anyone_recounts_the_same_result(
    open_poll: tuple[Any, Poll], chair: Any
) -> None:
    _plenary, poll = open_poll
    poll = finish(poll, chair)
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
