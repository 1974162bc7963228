"""The secretariat's agenda back office: add, rename, reorder, link and delete, and who may."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.assemblies.factories import AssemblyFactory, ProgrammeItemFactory

from moim.errors import Conflict
from moim.governance.agenda_tree import agenda_tree
from moim.governance.enums import AgendaKind, DecisionKind, DecisionStatus
from moim.governance.models import AgendaItem, Decision
from moim.governance.services import arranging
from moim.permissions import SYSTEM

pytestmark = pytest.mark.django_db

PAGE = "/en/governance/5/agenda/manage/"


def _numbered(assembly_id: int) -> list[tuple[str, str]]:
    return [(n.number, n.title) for r in agenda_tree(assembly_id) for n in r.walk()]


def test_the_secretariat_arranges_the_agenda_from_a_blank_assembly(
    client: Client, organization: Any, secretariat: Any
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=5)
    decision = Decision.objects.create(
        assembly=assembly,
        kind=DecisionKind.MOTION,
        title_en="Statute amendments",
        status=DecisionStatus.ON_AGENDA,
    )
    slot = ProgrammeItemFactory(assembly=assembly, title_en="Plenary session")
    client.force_login(secretariat)

    client.post(
        PAGE, {"action": "add", "kind": "topic", "title_en": "Statutory", "title_ko": "법정"}
    )
    topic = AgendaItem.objects.get(kind=AgendaKind.TOPIC)
    client.post(
        PAGE, {"action": "add", "kind": "decision", "decision": decision.pk, "parent": topic.pk}
    )
    client.post(PAGE, {"action": "add", "kind": "break", "title_en": "Coffee"})
    coffee = AgendaItem.objects.get(kind=AgendaKind.BREAK)
    client.post(PAGE, {"action": "up", "item": coffee.pk})
    client.post(
        PAGE,
        {
            "action": "rename",
            "item": topic.pk,
            f"item{topic.pk}-title_en": "Statutory matters",
            f"item{topic.pk}-title_ko": "법정 안건",
        },
    )
    client.post(
        PAGE, {"action": "link", "item": topic.pk, f"item{topic.pk}-programme_item": slot.pk}
    )
    page = client.get(PAGE).content.decode()

    assert _numbered(assembly.pk) == [
        ("1", "Coffee"),
        ("2", "Statutory matters"),
        ("2.1", "Statute amendments"),
    ]
    assert AgendaItem.objects.get(pk=topic.pk).title_ko == "법정 안건"
    assert AgendaItem.objects.get(pk=topic.pk).programme_item == slot
    assert "Statutory matters" in page
    assert "Plenary session" in page


def test_a_refused_item_keeps_what_was_typed(
    client: Client, organization: Any, secretariat: Any
) -> None:
    AssemblyFactory(organization=organization, edition=5)
    client.force_login(secretariat)

    response = client.post(PAGE, {"action": "add", "kind": "speech", "title_ko": "개회사"})

    assert response.status_code == 400
    assert "This item needs a title." in response.content.decode()
    assert 'value="개회사"' in response.content.decode()
    assert AgendaItem.objects.count() == 0


def test_an_item_with_items_under_it_is_not_deleted(organization: Any) -> None:
    assembly = AssemblyFactory(organization=organization)
    topic = arranging.add_agenda_item(
        assembly=assembly, kind=AgendaKind.TOPIC, title_en="Elections", by=SYSTEM
    )
    arranging.add_agenda_item(
        assembly=assembly, kind=AgendaKind.SPEECH, title_en="Report", parent=topic, by=SYSTEM
    )

    with pytest.raises(Conflict):
        arranging.delete_agenda_item(item=topic, by=SYSTEM)

    assert AgendaItem.objects.count() == 2


@pytest.mark.parametrize("persona", ["chair", "delegate_a", None])
def test_only_the_secretariat_arranges_the_agenda(
    client: Client, organization: Any, request: Any, persona: str | None
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=5)
    item = arranging.add_agenda_item(
        assembly=assembly, kind=AgendaKind.SPEECH, title_en="Opening", by=SYSTEM
    )
    if persona:
        client.force_login(request.getfixturevalue(persona))

    page = client.get(PAGE)
    deleted = client.post(PAGE, {"action": "delete", "item": item.pk})
    added = client.post(PAGE, {"action": "add", "kind": "break", "title_en": "Hijack"})

    expected = 404 if persona is None else 403
    assert (page.status_code, deleted.status_code, added.status_code) == (expected,) * 3
    assert list(AgendaItem.objects.values_list("title_en", flat=True)) == ["Opening"]


def test_another_assemblys_item_answers_404(
    client: Client, organization: Any, secretariat: Any
) -> None:
    AssemblyFactory(organization=organization, edition=5)
    other = AssemblyFactory(organization=organization, edition=6)
    theirs = arranging.add_agenda_item(
        assembly=other, kind=AgendaKind.SPEECH, title_en="Theirs", by=SYSTEM
    )
    client.force_login(secretariat)

    response = client.post(PAGE, {"action": "delete", "item": theirs.pk})

    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=theirs.pk).exists()


def test_the_console_leads_the_secretariat_to_the_agenda_back_office(
    client: Client, organization: Any, secretariat: Any
) -> None:
    AssemblyFactory(organization=organization, edition=5)
    client.force_login(secretariat)

    console = client.get("/en/governance/5/console/").content.decode()

    assert 'href="/en/governance/5/agenda/manage/"' in console
