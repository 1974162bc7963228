"""The WeGO 2021 demo: the Charter and Statute amendments heard three speeches, one online and
one point of order that interrupted it, and the list is closed."""

from __future__ import annotations

import pytest

from moim.assemblies import demo as assemblies_demo
from moim.floor import demo as floor_demo
from moim.floor.models import SpeakersList
from moim.floor.queries import speeches_for_minutes
from moim.governance import demo as governance_demo
from moim.members import demo as members_demo

pytestmark = pytest.mark.django_db


def test_demo_list_on_the_charter_amendments() -> None:
    organization = members_demo.load()
    assemblies_demo.load(organization)
    governance_demo.load(organization)
    floor_demo.load(organization)
    floor_demo.load(organization)  # idempotent

    speakers_list = SpeakersList.objects.get()
    [item] = speeches_for_minutes(speakers_list.assembly_id)
    assert item.agenda_title_en == "Amendments to the Charter and the Statute"
    assert [(s.speaker, s.kind, s.online) for s in item.speeches] == [
        ("Park Jung-sook", "speech", False),
        ("Ricardo Nunes", "speech", True),
        ("Jung Hae-won", "point_of_order", False),
    ]
    nunes, order = item.speeches[1], item.speeches[2]
    assert nunes.started_at < order.started_at
    assert order.ended_at is not None
    assert nunes.ended_at is not None
    assert order.ended_at < nunes.ended_at
    assert speakers_list.closed is True
    assert speakers_list.assembly.edition == 5
