"""The archive of past assemblies, by edition, with materials, results and winners."""

from __future__ import annotations

import pytest
from django.test import Client

from moim.assemblies.models import Material
from moim.members.models import Organization
from tests.site import publication_demo

wego_for_module = publication_demo.wego_for_module


@pytest.fixture
def wego(wego_for_module: Organization, db: None) -> Organization:
    return wego_for_module


def test_archive_lists_every_assembly_newest_first(client: Client, wego: Organization) -> None:
    page = client.get("/en/archive/").content.decode()

    positions = [page.index(f'id="edition-{n}"') for n in (5, 4, 3, 2, 1)]
    assert positions == sorted(positions)
    assert "5th WeGO General Assembly" in page
    assert "1st WeGO General Assembly" in page


def test_archive_shows_materials_winners_and_entries_of_each_edition(
    client: Client, wego: Organization
) -> None:
    page = client.get("/en/archive/").content.decode()
    fifth = page.split('id="edition-5"', 1)[1].split("</section>", 1)[0]
    fourth = page.split('id="edition-4"', 1)[1].split("</section>", 1)[0]

    for material in Material.objects.filter(assembly__edition=5):
        assert material.title_en in fifth
    assert "4th WeGO Awards" in fifth
    assert "52 entries" in fifth
    for city in ("Goyang", "Seongnam", "George Town", "São Paulo", "Mexico City", "Istanbul"):
        assert city in fifth
    assert "3rd WeGO Awards" in fourth
    assert "73 entries" in fourth


def test_archive_in_korean(client: Client, wego: Organization) -> None:
    page = client.get("/ko/archive/").content.decode()

    assert "제5회 WeGO 총회" in page
    assert "고양" in page


def test_archive_query_count_does_not_grow_with_assemblies(
    client: Client, wego: Organization, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        client.get("/en/archive/")
