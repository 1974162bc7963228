"""The delegations on the registration pages are named in Korean on a Korean page."""

from __future__ import annotations

from typing import Any

from django.test import Client

from moim.assemblies.models import Assembly
from moim.members.models import Member
from tests.assemblies.factories import RegistrationFactory


def test_registration_form_lists_the_delegations_in_korean(
    client: Client, assembly: Assembly, city_a: Member
) -> None:
    city_a.name_ko = "서울특별시"
    city_a.save(update_fields=["name_ko"])

    korean = client.get(f"/ko/assemblies/{assembly.edition}/register/").content.decode()
    english = client.get(f"/en/assemblies/{assembly.edition}/register/").content.decode()

    assert f'<option value="{city_a.pk}">서울특별시</option>' in korean
    assert ">Seoul</option>" not in korean
    assert f'<option value="{city_a.pk}">Seoul</option>' in english


def test_registration_list_names_the_delegation_in_korean(
    client: Client, assembly: Assembly, city_a: Member, secretariat: Any
) -> None:
    city_a.name_ko = "서울특별시"
    city_a.save(update_fields=["name_ko"])
    RegistrationFactory(assembly=assembly, member=city_a, full_name="Kim Min-jun")
    client.force_login(secretariat)

    page = client.get(f"/ko/assemblies/{assembly.edition}/registrations/").content.decode()

    assert "<td>서울특별시</td>" in page
    assert "<td>Seoul</td>" not in page
    assert "<td>대표</td>" in page  # a delegate is a person (대표), not a delegation (대표단)
