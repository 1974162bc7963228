"""The assemblies demo loaded on its own, without the members demo (tests/assemblies/test_demo.py
loads both once for its module, which this test must not see)."""

from __future__ import annotations

from moim.assemblies import demo, queries
from moim.assemblies.enums import ItemKind
from moim.assemblies.models import Assembly
from moim.members.models import Organization


def test_demo_without_the_members_demo_creates_illustrative_people(
    organization: Organization,
) -> None:
    demo.load(organization)

    assembly = Assembly.objects.get(organization=organization, edition=5)
    figures = queries.attendance_figures(assembly)
    keynote = assembly.items.get(kind=ItemKind.KEYNOTE).speakers.get()
    assert (figures.present, figures.mayoral_countries, figures.ambassadors) == (230, 16, 3)
    assert keynote.illustrative is True
