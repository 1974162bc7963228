"""Two sites on one Redis server never hear each other's live events.

Redis pub/sub ignores the database number in REDIS_URL: a staging site and a production site
pointed at one Redis server would share channels, unless each site's channels carry its name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from moim.live import brokers
from tests.live.test_hub_brokers import REDIS_URL
from tests.reachable import redis_reachable

pytestmark = pytest.mark.skipif(
    not redis_reachable(REDIS_URL), reason=f"no Redis server at {REDIS_URL}"
)


@pytest.fixture
def site(settings: Any) -> Iterator[Any]:
    """Switch the site this process serves by the database it names."""

    def serve(name: str) -> brokers.RedisBroker:
        settings.DATABASES = {
            "default": {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "NAME": name}
        }
        brokers.redis_prefix.cache_clear()
        return brokers.RedisBroker(REDIS_URL)

    brokers.redis_prefix.cache_clear()
    yield serve
    brokers.redis_prefix.cache_clear()


def test_a_site_hears_its_own_events_and_not_another_sites(site: Any) -> None:
    production = site("moim_production")
    subscription = production.subscribe("assembly-5")
    production_prefix = brokers.redis_prefix()
    staging = site("moim_staging")
    staging_prefix = brokers.redis_prefix()
    try:
        # Staging publishes first on the same channel name, then production: the first event
        # the production subscription receives is production's own.
        staging.publish("assembly-5", json.dumps({"from": "staging"}))
        site("moim_production").publish("assembly-5", json.dumps({"from": "production"}))
        received = subscription.get(timeout=10)
    finally:
        subscription.close()
    assert [json.loads(event) for event in received] == [{"from": "production"}]
    assert staging_prefix != production_prefix


def test_processes_of_one_site_share_its_channels(site: Any) -> None:
    site("moim")
    first = brokers.redis_prefix()
    site("moim")
    assert brokers.redis_prefix() == first
    assert first.startswith("moim:live:")


def test_a_process_that_stops_sends_the_event_waiting_for_its_window() -> None:
    listener = redis.Redis.from_url(REDIS_URL).pubsub(ignore_subscribe_messages=True)
    listener.psubscribe("moim:live:*:stopping")
    while listener.get_message(timeout=1) is None and not listener.subscribed:
        pass
    # Two events within a minute's window: the first leaves at once, the second would wait a
    # minute, but the process ends first.
    code = (
        "import django; django.setup(); from moim import live; "
        "[live.publish_at_most(60, 'stopping', turnout=True) for _ in range(2)]"
    )
    environment = {**os.environ, "MOIM_LIVE_BACKEND": "redis", "REDIS_URL": REDIS_URL}
    environment |= {"DJANGO_SETTINGS_MODULE": "moim.settings", "MOIM_DEVELOPMENT": "1"}
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", code], env=environment, check=True, timeout=120)

    heard = []
    while time.monotonic() - started < 130 and len(heard) < 2:
        message = listener.get_message(timeout=1)
        if message is not None:
            heard.append(message["data"])
    listener.close()
    assert heard == [b'{"turnout": true}'] * 2
