"""Every change of a list is announced on the assembly's live channel after commit, naming the
list (never anyone's request in detail): the projector and the floor's pages redraw."""

from __future__ import annotations

import json
from typing import Any

from moim import live
from moim.floor import services
from moim.floor.models import SpeakersList
from moim.permissions import SYSTEM


def test_a_change_is_announced_after_commit(
    speakers_list: SpeakersList, django_capture_on_commit_callbacks: Any
) -> None:
    subscription = live.subscribe(live.assembly_channel(speakers_list.assembly_id))
    try:
        with django_capture_on_commit_callbacks(execute=False) as pending:
            services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Ana")
        assert subscription.get(timeout=0) == []  # nothing before the commit
        for callback in pending:
            callback()
        events = [json.loads(data) for data in subscription.get(timeout=2)]
    finally:
        subscription.close()

    assert events == [{"floor": speakers_list.pk}]


def test_floor_pages_listen_to_the_assembly_stream(
    speakers_list: SpeakersList, client: Any
) -> None:
    answer = client.get(f"/en/floor/{speakers_list.assembly.edition}/events/")
    try:
        first = next(iter(answer.streaming_content))
    finally:
        answer.close()

    assert answer["Content-Type"].startswith("text/event-stream")
    assert first.startswith(b"retry:")
