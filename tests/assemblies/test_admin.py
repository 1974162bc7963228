from __future__ import annotations

import pytest
from django.test import Client

from moim.assemblies.enums import RegistrationStatus
from moim.assemblies.models import Assembly
from tests.assemblies.factories import ProgrammeItemFactory, RegistrationFactory, SpeakerFactory
from tests.conftest import Persona


@pytest.mark.parametrize(
    "model", ["assembly", "programmeitem", "registration", "attendanceevent", "sponsor", "material"]
)
def test_back_office_lists_and_searches_every_model(
    assembly: Assembly, secretariat: Persona, model: str
) -> None:
    SpeakerFactory(item=ProgrammeItemFactory(assembly=assembly, title_en="Keynote"))
    RegistrationFactory(assembly=assembly, full_name="Ana Costa")
    client = Client()
    client.force_login(secretariat)

    listing = client.get(f"/en/admin/assemblies/{model}/", {"q": "a"})
    add = client.get(f"/en/admin/assemblies/{model}/add/")

    assert listing.status_code == 200
    assert 'id="changelist-search"' in listing.content.decode()
    assert add.status_code == (403 if model == "attendanceevent" else 200)


def test_back_office_assembly_page_has_programme_inline(
    assembly: Assembly, secretariat: Persona
) -> None:
    ProgrammeItemFactory(assembly=assembly, title_en="Opening address")
    client = Client()
    client.force_login(secretariat)

    page = client.get(f"/en/admin/assemblies/assembly/{assembly.pk}/change/").content.decode()

    assert "Opening address" in page
    assert "Sponsors and partners" in page or "sponsor" in page.lower()


def test_back_office_action_approves_through_the_service(
    assembly: Assembly, secretariat: Persona
) -> None:
    registration = RegistrationFactory(assembly=assembly, status=RegistrationStatus.PENDING)
    client = Client()
    client.force_login(secretariat)

    client.post(
        "/en/admin/assemblies/registration/",
        {"action": "approve", "_selected_action": [registration.pk]},
    )

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.events.filter(action="approved", by=secretariat).exists()
