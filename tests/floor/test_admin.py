"""The back office shows the lists of speakers read-only to the secretariat and the chair."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moim.floor import services
from moim.floor.models import SpeakersList
from moim.permissions import SYSTEM
from tests.floor.conftest import client_for


def test_secretariat_reads_a_list_and_its_speeches_but_cannot_change_it(
    speakers_list: SpeakersList, secretariat: Any
) -> None:
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Ana Lima")
    client = client_for(secretariat)

    page = client.get(reverse("admin:floor_speakerslist_change", args=[speakers_list.pk]))
    changed = client.post(
        reverse("admin:floor_speakerslist_change", args=[speakers_list.pk]), {"closed": "on"}
    )

    assert "Ana Lima" in page.content.decode()
    assert changed.status_code == 403
    speakers_list.refresh_from_db()
    assert speakers_list.closed is False
