"""Whether an optional service the tests use is there: tests that need it skip without it."""

from __future__ import annotations


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False
