"""The chair's control page: a walk from a blank assembly, and the attacks it must refuse."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moim.governance import services as governance
from moim.governance.models import Decision, Poll
from moim.permissions import SYSTEM
from moim.projection.models import Projector, Slide
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory
from tests.projection.conftest import Hall, build_hall

CONTROL = "/en/projection/5/"


def _post(client: Client, slug: str, **data: Any) -> Any:
    return client.post(f"/en/projection/5/{slug}/", data)


def test_the_chair_queues_projects_and_clears_from_a_blank_assembly(
    client: Client, organization: Any, chair: Any
) -> None:
    AssemblyFactory(organization=organization, edition=5, title_en="5th General Assembly")
    client.force_login(chair)

    page = client.get(CONTROL).content.decode()
    hall = Projector.objects.get(slug="hall")
    prefix = f"p{hall.pk}"
    added = _post(
        client,
        "hall",
        action="add",
        **{f"{prefix}-kind": "message", f"{prefix}-text_en": "Welcome to Goyang"},
    )
    slide = Slide.objects.get()
    _post(client, "hall", action="project", slide=slide.pk)
    screen = client.get("/en/projector/5/hall/state/").content.decode()
    _post(client, "hall", action="clear")
    cleared = client.get("/en/projector/5/hall/state/").content.decode()

    assert "Hall" in page
    assert "Livestream overlay" in page
    assert added.status_code == 302
    assert added["Location"] == f"{CONTROL}#projector-hall"
    assert "Welcome to Goyang" in screen
    assert "Welcome to Goyang" not in cleared
    assert "5th General Assembly" in cleared


def test_a_slide_refused_keeps_what_was_typed(client: Client, hall: Hall, chair: Any) -> None:
    client.force_login(chair)
    prefix = f"p{hall.hall.pk}"

    response = _post(
        client,
        "hall",
        action="add",
        **{f"{prefix}-kind": "countdown", f"{prefix}-title_en": "Coffee break"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the countdown between 1 second and 24 hours." in page
    assert 'value="Coffee break"' in page
    assert Slide.objects.count() == 0


@pytest.mark.parametrize("persona", ["delegate_a", "outsider", None])
def test_only_the_chair_and_secretariat_reach_the_control_page(
    client: Client, hall: Hall, request: Any, persona: str | None
) -> None:
    slide = Slide.objects.create(projector=hall.hall, kind="message", text_en="Agreed text")
    if persona:
        client.force_login(request.getfixturevalue(persona))

    page = client.get(CONTROL)
    posted = _post(client, "hall", action="project", slide=slide.pk)
    added = _post(
        client,
        "hall",
        action="add",
        **{f"p{hall.hall.pk}-kind": "message", f"p{hall.hall.pk}-text_en": "Vote for us"},
    )

    expected = 404 if persona is None else 403
    assert (page.status_code, posted.status_code, added.status_code) == (expected,) * 3
    hall.hall.refresh_from_db()
    assert hall.hall.current is None
    assert list(Slide.objects.values_list("text_en", flat=True)) == ["Agreed text"]


def test_the_secretariat_may_run_the_projectors_too(
    client: Client, hall: Hall, secretariat: Any
) -> None:
    slide = Slide.objects.create(projector=hall.hall, kind="message", text_en="Welcome")
    client.force_login(secretariat)

    _post(client, "hall", action="project", slide=slide.pk)

    hall.hall.refresh_from_db()
    assert hall.hall.current == slide


def test_a_slide_of_another_projector_or_assembly_answers_404(
    client: Client, hall: Hall, chair: Any
) -> None:
    overlay_slide = Slide.objects.create(projector=hall.overlay, kind="message", text_en="X")
    client.force_login(chair)

    response = _post(client, "hall", action="project", slide=overlay_slide.pk)

    assert response.status_code == 404
    hall.hall.refresh_from_db()
    assert hall.hall.current is None


def test_another_organizations_poll_or_decision_cannot_be_projected(
    client: Client, hall: Hall, chair: Any
) -> None:
    other = OrganizationFactory()
    theirs = build_hall(other, edition=6)
    poll = governance.create_poll(
        decision=Decision.objects.get(pk=theirs.decision.pk, assembly=theirs.assembly), by=SYSTEM
    )
    client.force_login(chair)
    prefix = f"p{hall.hall.pk}"

    by_page = [
        _post(
            client, "hall", action="add", **{f"{prefix}-kind": "poll", f"{prefix}-poll": poll.pk}
        ),
        _post(
            client,
            "hall",
            action="add",
            **{f"{prefix}-kind": "motion", f"{prefix}-decision": theirs.decision.pk},
        ),
    ]

    assert [r.status_code for r in by_page] == [400, 400]
    assert Slide.objects.count() == 0
    assert Poll.objects.filter(decision__assembly=theirs.assembly).count() == 1


def test_the_chairs_console_leads_to_the_projectors(client: Client, hall: Hall, chair: Any) -> None:
    client.force_login(chair)

    console = client.get("/en/governance/5/console/").content.decode()

    assert 'href="/en/projection/5/"' in console
    assert 'href="/en/governance/5/agenda/manage/"' not in console  # the secretariat's
