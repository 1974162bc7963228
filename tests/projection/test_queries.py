"""The control page and a screen cost the same queries at one and at three queued slides."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moim.permissions import SYSTEM
from moim.projection import services
from moim.projection.enums import SlideKind
from tests.projection.conftest import Hall


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _queue(hall: Hall, count: int) -> None:
    for n in range(count):
        services.add_slide(
            projector=hall.hall, kind=SlideKind.MESSAGE, text_en=f"Notice {n}", by=SYSTEM
        )
    services.next_slide(projector=hall.hall, by=SYSTEM)


def test_the_control_page_holds_its_query_count_at_one_and_three_slides(
    client: Client, hall: Hall, chair: Any
) -> None:
    client.force_login(chair)
    _queue(hall, 1)
    client.get("/en/projection/5/")  # the session and roles, read once per login
    one = _queries(client, "/en/projection/5/")
    _queue(hall, 2)

    assert _queries(client, "/en/projection/5/") == one


def test_a_screen_holds_its_query_count_at_one_and_three_slides(client: Client, hall: Hall) -> None:
    _queue(hall, 1)
    one = _queries(client, "/en/projector/5/hall/state/")
    _queue(hall, 2)

    assert _queries(client, "/en/projector/5/hall/state/") == one
