"""A press release for an assembly with few records says only what the records hold."""

from __future__ import annotations

import pytest

from moim.errors import Invalid
from moim.members.models import Organization
from moim.site.press import render_press_release
from tests.assemblies.factories import AssemblyFactory


def test_release_of_an_assembly_without_awards_decisions_or_offices(
    organization: Organization,
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=7, title_en="7th Assembly")

    english = render_press_release(assembly, "en")
    korean = render_press_release(assembly, "ko")

    assert "7th Assembly took place in person and online" in english
    assert "About" not in english  # no one checked in: no participation figure
    assert "among them" not in english
    assert "Gold" not in english
    assert "plenary" not in english
    assert "Official sponsors" not in english
    assert "제7회 총회" in korean
    assert "금상" not in korean
    assert "참여했으며" not in korean


def test_release_in_an_unknown_language_is_refused(organization: Organization) -> None:
    assembly = AssemblyFactory(organization=organization, edition=7)

    with pytest.raises(Invalid, match="--lang must be one of en, ko, not 'fr'"):
        render_press_release(assembly, "fr")
