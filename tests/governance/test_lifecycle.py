"""The poll life cycle is one table: the services refuse what it refuses, the console shows a
button exactly for what it allows, and the page and the API refuse a step in the same words."""

from __future__ import annotations

import html
import inspect
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, make_election
from tests.governance.test_counting_methods import IRV_TIE, closed_ranked_poll

from moim.governance import services
from moim.governance.enums import (
    AnalogMethod,
    AuditAction,
    BallotShape,
    PollAction,
    PollStage,
    PollState,
)
from moim.governance.models import AuditEntry, Poll
from moim.members.models import Organization

# The service behind each action, as called with what it needs besides the poll and the actor.
SERVICES = {
    PollAction.OPEN: (services.open_poll, {}),
    PollAction.CLOSE: (services.close_poll, {}),
    PollAction.COUNT: (services.count_poll, {}),
    PollAction.PUBLISH: (services.publish_poll, {}),
    PollAction.ANALOG: (services.enter_analog_result, {"method": AnalogMethod.ACCLAMATION}),
    PollAction.METHOD: (services.change_poll_method, {"method": "schulze"}),
    PollAction.TIE: (services.settle_tie, {"how": services.TieSettlement.LOT}),
}


def _allowed(stage: PollStage) -> set[PollAction]:
    return {a for a, t in services.TRANSITIONS.items() if stage in t.from_stages}


def test_every_service_that_moves_a_poll_is_in_the_table() -> None:
    movers = set()
    for name in services.__all__:
        service = getattr(services, name)
        if not inspect.isfunction(service):
            continue
        keywords = {
            p.name
            for p in inspect.signature(service).parameters.values()
            if p.kind == p.KEYWORD_ONLY
        }
        if {"poll", "by"} <= keywords:
            movers.add(service)

    assert set(SERVICES) == set(services.TRANSITIONS)
    assert movers == {service for service, _kwargs in SERVICES.values()}
    assert set(services.POLL_STEPS) == {a for a, t in services.TRANSITIONS.items() if t.step}
    assert all(services.POLL_STEPS[a] is SERVICES[a][0] for a in services.POLL_STEPS)


def _draft(plenary: Plenary, poll: Poll, chair: Any) -> Poll:
    """A poll of another election of the sitting, still in draft."""
    other = make_election(
        plenary.assembly, poll.decision.rules, plenary.members[3:6], title="Second election"
    )
    return services.create_poll(decision=other, by=chair, shape=BallotShape.CHOOSE)


def _console_offers(client: Client, poll: Poll) -> set[str]:
    """The actions the chair's console offers for `poll`: step buttons and input forms."""
    page = client.get(reverse("governance:poll_console", args=[poll.pk])).text
    prefix = reverse("governance:poll_console", args=[poll.pk]).removesuffix("console/")
    offered = set(re.findall(rf'<form method="post" action="{re.escape(prefix)}([a-z]+)/"', page))
    return offered


def _check_stage(client: Client, poll: Poll, stage: PollStage, chair: Any) -> None:
    """At `stage`: the console offers what the table allows, and every other action is refused
    by its service, the page and the API alike, in the table's words, changing nothing."""
    poll.refresh_from_db()
    assert services.stage_of(poll) == stage
    allowed = _allowed(stage)
    offered = _console_offers(client, poll)
    # A motion has no counting method to choose; this ranked poll shows every form it may.
    assert offered == {str(a) for a in allowed}, stage

    entries = AuditEntry.objects.count()
    for action, (service, kwargs) in SERVICES.items():
        if action in allowed:
            continue
        refusal = str(services.TRANSITIONS[action].refusal)
        with pytest.raises(services.PollStateError) as refused:
            service(poll=poll, by=chair, **kwargs)
        assert refused.value.message == refusal, (stage, action)
        if action not in services.POLL_STEPS:
            continue
        url = reverse("governance:poll_action", args=[poll.pk, action])
        page = client.post(url, {"confirm": action}, follow=True).text
        api = client.post(f"/api/governance/polls/{poll.pk}/{action}")
        assert refusal in html.unescape(page), (stage, action)
        assert (api.status_code, api.json()["detail"]) == (409, refusal)
    poll.refresh_from_db()
    assert services.stage_of(poll) == stage
    assert AuditEntry.objects.count() == entries


def test_the_table_drives_the_console_and_refusals_through_the_whole_life_cycle(
    organization: Organization, chair: Any
) -> None:
    poll, plenary = closed_ranked_poll(organization, chair, IRV_TIE)
    draft = _draft(plenary, poll, chair)
    client = Client()
    client.force_login(chair)

    _check_stage(client, draft, PollStage.DRAFT, chair)
    _check_stage(client, poll, PollStage.CLOSED, chair)
    services.count_poll(poll=poll, by=chair)
    _check_stage(client, poll, PollStage.TIED, chair)
    services.settle_tie(poll=poll, by=chair, how=services.TieSettlement.LOT)
    _check_stage(client, poll, PollStage.COUNTED, chair)
    services.publish_poll(poll=poll, by=chair)
    _check_stage(client, poll, PollStage.PUBLISHED, chair)
    services.open_poll(poll=draft, by=chair)
    _check_stage(client, draft, PollStage.OPEN, chair)


def test_each_step_lands_in_a_stage_the_table_names(organization: Organization, chair: Any) -> None:
    poll, plenary = closed_ranked_poll(organization, chair, IRV_TIE)
    draft = _draft(plenary, poll, chair)
    walk = [
        (poll, PollAction.METHOD, {"method": "irv"}),
        (poll, PollAction.COUNT, {}),
        (poll, PollAction.TIE, {"how": services.TieSettlement.LOT}),
        (poll, PollAction.PUBLISH, {}),
        (draft, PollAction.OPEN, {}),
        (draft, PollAction.ANALOG, {"method": AnalogMethod.SHOW_OF_HANDS, "counts": {1: 0}}),
        (draft, PollAction.CLOSE, {}),
    ]

    for target, action, kwargs in walk:
        target.refresh_from_db()
        before = services.stage_of(target)
        SERVICES[action][0](poll=target, by=chair, **kwargs)
        target.refresh_from_db()
        transition = services.TRANSITIONS[action]
        assert before in transition.from_stages, action
        assert services.stage_of(target) in transition.to_stages, action

    assert poll.state == PollState.PUBLISHED
    assert AuditEntry.objects.filter(action=AuditAction.POLL_PUBLISHED).count() == 1
