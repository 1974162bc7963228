"""The hub across processes: one Redis pubsub connection or one PostgreSQL LISTEN connection per
server process, however many screens, and a fresh state for all of them after a reconnect."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from moim import live
from moim.live import brokers
from moim.live import hub as live_hub
from moim.live.hub import PG_APPLICATION_NAME, REDIS_CLIENT_NAME
from moim.members.models import Organization
from tests.governance.conftest import build_plenary
from tests.live.asgi_server import greeted, next_event, open_stream, run_in_thread, serving
from tests.reachable import redis_reachable
from tests.site.publication_plenary import open_motion

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("MOIM_TEST_LIVE_REDIS_URL", "redis://127.0.0.1:6379/11")
EN = "/en/projector/5/events/"


@pytest.fixture(autouse=True)
def _roomy(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 10_000
    # The hub checks a quiet connection every fifth of a second: the tests cross quiet spells.
    monkeypatch.setattr(live_hub, "IDLE_CHECK_SECONDS", 0.2)
    brokers._brokers.clear()
    cache.clear()
    yield
    brokers._brokers.clear()
    cache.clear()


def hub_connections() -> list[dict[str, Any]]:
    """The Redis connections of live hubs on this test's database number (pub/sub itself
    ignores database numbers, so other runs' hubs are told apart by theirs)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    database = str(client.connection_pool.connection_kwargs.get("db", 0))
    return [
        c
        for c in client.client_list()
        if c.get("name") == REDIS_CLIENT_NAME and str(c.get("db")) == database
    ]


@pytest.mark.skipif(not redis_reachable(REDIS_URL), reason=f"no Redis server at {REDIS_URL}")
def test_redis_three_hundred_streams_share_one_pubsub_connection_and_survive_its_loss(
    organization: Organization, chair: Any, settings: Any
) -> None:
    settings.MOIM_LIVE_BACKEND = "redis"
    settings.REDIS_URL = REDIS_URL
    plenary = build_plenary(organization, 6)
    poll = open_motion(organization, plenary, chair)
    channel = live.assembly_channel(plenary.assembly.pk)

    with serving() as served:

        async def clients() -> dict[str, Any]:
            streams = await asyncio.gather(*(open_stream(served.port, EN) for _ in range(300)))
            await greeted(streams)
            await asyncio.to_thread(served.settle)
            hub = served.hub()
            assert hub is not None
            connections = await asyncio.to_thread(hub_connections)
            # Published by another client, as another worker process would.
            other = brokers.RedisBroker(REDIS_URL)
            await asyncio.to_thread(other.publish, channel, json.dumps({"poll": poll.pk}))
            published = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in streams)
            )
            # The hub's connection drops: the streams stay open and, once it has subscribed
            # again, each gets a fresh state with nothing published.
            import redis

            killer = redis.Redis.from_url(REDIS_URL)
            await asyncio.to_thread(killer.client_kill_filter, _id=connections[0]["id"])
            refreshed = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in streams)
            )
            after = await asyncio.to_thread(hub_connections)
            for _, writer, _ in streams:
                writer.close()
            return {
                "connections": len(connections),
                "published": published,
                "refreshed": refreshed,
                "subscriptions": hub.subscriptions,
                "after": len(after),
            }

        seen = run_in_thread(clients)

    assert seen["connections"] == 1
    assert len(seen["published"]) == 300
    assert all("0 of 6 members have voted" in state for state in seen["published"])
    assert seen["subscriptions"] == 2
    assert seen["after"] == 1
    assert all("0 of 6 members have voted" in state for state in seen["refreshed"])


def test_postgres_two_hundred_streams_listen_on_one_connection(
    organization: Organization, chair: Any, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    settings.MOIM_LIVE_BACKEND = "postgres"
    plenary = build_plenary(organization, 6)
    open_motion(organization, plenary, chair)
    channel = live.assembly_channel(plenary.assembly.pk)

    def listening() -> int:
        try:
            with connection.cursor() as cursor:
                # The hub's connection names itself; its last query may be LISTEN or the ping
                # it sends when quiet.
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = %s",
                    [PG_APPLICATION_NAME],
                )
                return int(cursor.fetchone()[0])
        finally:
            connection.close()

    def publish() -> None:
        try:
            live.publish(channel, poll=1)
        finally:
            connection.close()

    with serving() as served:

        async def clients() -> tuple[int, list[str]]:
            streams = await asyncio.gather(*(open_stream(served.port, EN) for _ in range(200)))
            await greeted(streams)
            await asyncio.to_thread(served.settle)
            listeners = await asyncio.to_thread(listening)
            await asyncio.to_thread(publish)
            states = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in streams)
            )
            for _, writer, _ in streams:
                writer.close()
            return listeners, states

        listeners, states = run_in_thread(clients)

    assert listeners == 1
    assert len(states) == 200
    assert all("0 of 6 members have voted" in state for state in states)
