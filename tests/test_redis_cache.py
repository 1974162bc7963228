"""The Redis cache of the production server: one client, one pool of connections, per process
(moim/redis_cache.py), however many requests and threads use it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path

from moim.handlers import PageHandler
from tests.live.test_hub_brokers import REDIS_URL
from tests.reachable import redis_reachable
from tests.test_handlers import _call

pytestmark = pytest.mark.skipif(
    not redis_reachable(REDIS_URL), reason=f"no Redis server at {REDIS_URL}"
)


def counts(request: HttpRequest) -> HttpResponse:
    """As a live stream counts itself for its address: a value kept in the cache."""
    cache.add("moim-test:counted", 0, 60)
    count = cache.incr("moim-test:counted")
    pool = cache._cache._get_connection_pool(write=True)  # type: ignore[attr-defined]
    return HttpResponse(f"{count} {id(pool)}")


urlpatterns = [path("counts/", counts)]


def test_requests_on_the_page_threads_share_one_pool_of_redis_connections() -> None:
    backend = {"BACKEND": "moim.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    with override_settings(
        ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], CACHES={"default": backend}
    ):
        cache.delete("moim-test:counted")
        handler = PageHandler(threads=2)

        async def twenty() -> list[tuple[int, bytes, int]]:
            return await asyncio.gather(*(_call(handler, "/counts/") for _ in range(20)))

        with ThreadPoolExecutor(max_workers=1) as thread:
            answers = thread.submit(asyncio.run, twenty()).result(timeout=30)
        cache.delete("moim-test:counted")

    assert [status for status, _body, _n in answers] == [200] * 20
    found: list[Any] = [body.decode().split() for _status, body, _n in answers]
    assert sorted(int(count) for count, _pool in found) == list(range(1, 21))
    assert len({pool for _count, pool in found}) == 1
