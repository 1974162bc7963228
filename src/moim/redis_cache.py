"""Django's Redis cache with one client, and so one pool of connections, per process.

Django keeps a cache backend per thread and per asynchronous context (asgiref's `Local`), and each
backend builds its own Redis client with a connection pool of its own. The production server runs
each request in a fresh copy of the event loop's context (`moim.handlers`), and an answer's end
(`close()`) on another thread: each request that used the cache (a live stream counting itself
for its address, and again when it ends) built a client, opened a new TCP connection to Redis and
read redis-py's package metadata, a third of a stream's opening. Here the backends of a process
share one client per location and options; redis-py's pool is thread-safe, opens connections as
threads need them and, after a fork, starts anew in the child.
"""

from __future__ import annotations

import re
import threading
from typing import Any, ClassVar

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class RedisCache(DjangoRedisCache):
    _clients: ClassVar[dict[str, RedisCacheClient]] = {}
    _clients_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # As Django reads them: servers separated by commas or semicolons, OPTIONS for the client.
        self._shared_servers = re.split("[;,]", server) if isinstance(server, str) else server
        self._shared_options: dict[str, Any] = params.get("OPTIONS", {})

    @cached_property
    def _cache(self) -> RedisCacheClient:
        key = repr((self._shared_servers, sorted(self._shared_options.items())))
        with self._clients_lock:
            client = self._clients.get(key)
            if client is None:
                client = RedisCacheClient(self._shared_servers, **self._shared_options)
                self._clients[key] = client
            return client
