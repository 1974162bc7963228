"""The projector's live updates across processes: PostgreSQL LISTEN/NOTIFY and Redis pub/sub."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from moim import live
from moim.governance import services
from moim.governance.enums import PollState
from moim.governance.models import Poll
from moim.live import brokers
from moim.members.models import Organization
from tests.governance.conftest import build_plenary
from tests.reachable import redis_reachable
from tests.site.publication_plenary import open_motion

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def fresh_brokers() -> None:
    brokers._brokers.clear()


def test_an_unknown_backend_is_refused_with_the_choices() -> None:
    with (
        override_settings(MOIM_LIVE_BACKEND="carrier-pigeon"),
        pytest.raises(ValueError, match="must be one of memory, postgres, redis"),
    ):
        live.broker()


def test_a_broken_broker_never_breaks_the_chair_s_action(
    organization: Organization,
    chair: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    plenary = build_plenary(organization, 4)
    poll = open_motion(organization, plenary, chair)

    with (
        override_settings(MOIM_LIVE_BACKEND="redis", REDIS_URL="redis://127.0.0.1:1/0"),
        django_capture_on_commit_callbacks(execute=True) as announced,
    ):
        services.close_poll(poll=poll, by=chair)

    # The poll is closed and the failed announcement logged, not raised.
    assert Poll.objects.get(pk=poll.pk).state == PollState.CLOSED
    assert len(announced) >= 1
    assert f"live update on assembly:{plenary.assembly.pk} not sent" in caplog.text


@pytest.mark.skipif(not redis_reachable(REDIS_URL), reason="no Redis server at 127.0.0.1:6379")
def test_redis_carries_an_event_from_one_process_s_publish_to_another_s_stream() -> None:
    with override_settings(MOIM_LIVE_BACKEND="redis", REDIS_URL=REDIS_URL):
        subscription = live.subscribe("assembly:41")
        # A separate client, as another server process would use.
        brokers.RedisBroker(REDIS_URL).publish("assembly:42", '{"poll": 2}')
        brokers.RedisBroker(REDIS_URL).publish("assembly:41", '{"poll": 1}')
        received = subscription.get(timeout=10)  # a guard: the event is already on its way
        subscription.close()

    assert received == ['{"poll": 1}']


@pytest.mark.django_db(transaction=True)
def test_postgres_notify_reaches_a_listening_stream() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    with override_settings(MOIM_LIVE_BACKEND="postgres"):
        subscription = live.subscribe("assembly:51")
        received: list[str] = []
        reader = threading.Thread(target=lambda: received.extend(subscription.get(timeout=3)))
        reader.start()
        live.publish("assembly:52", poll=2)
        live.publish("assembly:51", poll=1)
        reader.join()
        subscription.close()

    assert received == ['{"poll": 1}']
