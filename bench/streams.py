"""How many projector screens one worker holds: N streams on `moim serve-production --workers 1`
with Redis, the time from a publish to each stream's `state` event, and the worker's memory and
threads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moim_live_bench \\
    MOIM_BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python -m bench.streams --streams 2000 --rounds 20

It makes (and afterwards drops) the database named in DATABASE_URL. The clients run in this
process, on one event loop, on the same machine as the server: on a small machine they share its
cores, so the figures are an upper bound of what the server alone needs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.live.asgi_server import next_event, open_stream
from tests.site.production_server import moim, production_env, start

MAKE_ASSEMBLY = (
    "from tests.assemblies.factories import AssemblyFactory; "
    "from tests.factories import OrganizationFactory; "
    "print(AssemblyFactory(organization=OrganizationFactory(), edition=9).pk)"
)


def _admin(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname, "port": parts.port or 5432, "user": parts.username,
        "password": parts.password, "dbname": "postgres", "autocommit": True,
    }  # fmt: skip


def _proc(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return {"rss": fields["VmRSS"], "threads": fields["Threads"]}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _measure(port: int, streams: int, rounds: int, redis_url: str, channel: str) -> dict:
    import redis

    opened = []
    for start_at in range(0, streams, 200):  # in waves, as screens come up
        batch = min(200, streams - start_at)
        opened += await asyncio.gather(
            *(open_stream(port, "/en/projector/9/events/") for _ in range(batch))
        )
    publisher = redis.Redis.from_url(redis_url)
    last, each = [], []
    for n in range(rounds):
        started = time.perf_counter()

        async def arrival(reader: asyncio.StreamReader, started: float = started) -> float:
            await next_event(reader, "state", timeout=60)
            return time.perf_counter() - started

        waits = [asyncio.ensure_future(arrival(reader)) for reader, _, _ in opened]
        await asyncio.sleep(0)
        await asyncio.to_thread(publisher.publish, "moim:live:" + channel, json.dumps({"round": n}))
        times = await asyncio.gather(*waits)
        last.append(max(times))
        each += times
        await asyncio.sleep(0.5)  # the next round starts from a quiet server
    result = {"opened": len(opened), "last": last, "each": each}
    for _, writer, _ in opened:
        writer.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    import psycopg

    url = os.environ["DATABASE_URL"]
    redis_url = os.environ.get("MOIM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(**_admin(url)) as conn:  # type: ignore[arg-type]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    tmp = Path(tempfile.mkdtemp(prefix="moim-bench-"))
    env = production_env(
        tmp,
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        MOIM_LIVE_STREAMS_PER_ADDRESS=str(options.streams + 10),
        MOIM_DB_POOL_MIN="1",
        MOIM_DB_POOL_MAX="4",
        MOIM_GRACEFUL_TIMEOUT="2",
    )
    server = None
    try:
        assert moim(["migrate", "--noinput"], env).returncode == 0
        made = moim(["shell", "-c", MAKE_ASSEMBLY], env)
        assembly_pk = int(made.stdout.split()[-1])
        server = start(tmp, env, workers=1)
        server.wait_until_serving()
        [worker] = server.worker_pids()
        idle = _proc(worker)
        result = asyncio.run(
            _measure(
                server.port, options.streams, options.rounds, redis_url, f"assembly:{assembly_pk}"
            )
        )
        held = _proc(worker)
        print(f"streams open: {result['opened']} on one worker (pid {worker})")
        print(f"worker idle: RSS {idle['rss']}, {idle['threads']} threads")
        print(f"worker with the streams: RSS {held['rss']}, {held['threads']} threads")
        last, each = result["last"], result["each"]
        for what, times in (("last stream's", last), ("each stream's", each)):
            p50, p99 = statistics.median(times) * 1000, _percentile(times, 0.99) * 1000
            print(
                f"publish -> {what} state, {len(times)} times: p50 {p50:.0f} ms, p99 {p99:.0f} ms"
            )
    finally:
        if server is not None:
            server.terminate(timeout=60)
            server.stop()
        with psycopg.connect(**_admin(url)) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
