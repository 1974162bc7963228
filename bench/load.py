"""Load benchmark: 2,000 delegates casting ballots and 2,000 projector screens, through the
server a secretariat deploys (`moim serve-production`) and the development server (`moim serve`),
on SQLite and on PostgreSQL.

    python bench/load.py [--db sqlite,postgres] [--server production,development]
                         [--delegates 2000] [--streams 2000] [--repeat 1] [--quick]
                         [--out docs/benchmarks.md]

Per database (a fresh SQLite file in a temporary folder; PostgreSQL at $PG_URL, dropped and
created anew), a child process builds the assembly, measures the database's raw commit rate,
then for each server starts it, has every delegate open its ballot page (untimed) and cast in
three scenarios (bursts of 50 and 200 in flight, then 200 per second whatever the answers),
each on a new poll, checks the database against the receipts, and finally opens the projector
streams, publishes a result and times its arrival on every screen. Both servers get the same
Redis (REDIS_URL, database 13 by default, flushed first): the benchmark closes and publishes
from its own process, through the services, and Redis carries that to the served streams.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script: find moim and this folder's modules
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import client  # noqa: E402

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/moim_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
QUICK_SIZE = 200
# Throwaway production secrets, the same for the servers and for the process that made the
# sessions and seals the polls' ballots (sessions are signed and tied to SECRET_KEY).
SECRETS = {
    "SECRET_KEY": "load-bench-" + "Vq3Lr8Zt1Wm6Pn0Xk4Bh9Cd2Fg7Js5Ya" * 2,
    "MOIM_VAULT_KEY": "load-vault-" + "Ha6Tq1Zm8Lr3Wp0Xc5Bn2Vk7Dg4Fs9Je" * 2,
}
# The last line of a logged traceback: "package.module.SomeError: what went wrong".
LOGGED_EXCEPTION = re.compile(
    r"^([A-Za-z_][\w.]*(?:Error|Exception|Timeout|Exhausted)\w*)(?::|$)", re.MULTILINE
)
MARK_START, MARK_END = "<!-- load:start -->", "<!-- load:end -->"
T = TypeVar("T")


@dataclass(frozen=True)
class Scenario:
    name: str
    in_flight: int = 0  # closed loop: this many ballots on the way at once
    interval: float = 0.0  # open loop: one ballot sent every `interval` seconds
    # Every delegate's sitting page open meanwhile: its stream, and its ballot part asked for
    # again when the stream says the poll closed (production server only: the development
    # server holds a thread and a broker connection per stream).
    sitting: bool = False


# How long the sitting pages stay open before the ballots come, at least (`settle`).
SETTLE_SECONDS = 5.0

SCENARIOS = [
    Scenario("burst, 50 in flight", in_flight=50),
    Scenario("burst, 200 in flight", in_flight=200),
    Scenario("steady, 200 per second, every sitting page open", interval=0.005, sitting=True),
    Scenario("steady, 200 per second", interval=0.005),
]


# --- the served site --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


TUNABLES = ("MOIM_WORKERS", "MOIM_PAGE_THREADS", "MOIM_ACCEPT_WITH_ROOM", "MOIM_DB_PREPARED")
# Time a stopped leg has to stop its server (`Server.stop` waits up to 30 s) before it is killed.
LEG_STOP_SECONDS = 45


def base_env(data_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """What the benchmark's process and both servers share: the database, Redis, the keys, a
    data folder of this run, plain HTTP allowed on 127.0.0.1 (no proxy terminates TLS here)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(data_dir)),
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "moim.settings",
        "MOIM_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        **SECRETS,
        # The production server's sizes, when the caller sets them, to compare one with another.
        **{name: os.environ[name] for name in TUNABLES if name in os.environ},
    }


@dataclass
class Server:
    kind: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_serving(self, probe: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.kind} server ended early:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + probe, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the {self.kind} server did not answer in {timeout} s:\n{self.tail()}")

    def exceptions(self) -> dict[str, int]:
        """The exceptions the server logged, by class: what lies behind its 500 answers."""
        found: dict[str, int] = {}
        text = self.log.read_text(encoding="utf-8", errors="replace")
        for match in LOGGED_EXCEPTION.finditer(text):
            found[match.group(1)] = found.get(match.group(1), 0) + 1
        return found

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the server's process group, then SIGKILL what is left after 30 s."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def start_server(kind: str, env: dict[str, str], streams: int, folder: Path) -> Server:
    port = free_port()
    command = (
        ["serve-production", "--port", str(port)]
        if kind == "production"
        else ["serve", "--port", str(port), "--noreload"]
    )
    # Every screen of the benchmark comes from 127.0.0.1: let them all in, and the streams of a
    # scenario that just ended too, which the server may still count for a moment.
    server_env = {**env, "MOIM_LIVE_STREAMS_PER_ADDRESS": str(2 * streams + 50)}
    log = folder / f"{kind}-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "moim.cli", *command],
            env=server_env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(kind, process, port, log)


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from /proc/<pid>/task/*/children."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                queue.extend(int(child) for child in (task / "children").read_text().split())
    return found


def memory_and_threads(pid: int) -> tuple[float, int, int]:
    """Resident memory (MB) and threads summed over a process tree, and its process count."""
    rss_kb = threads = processes = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{member}/status").read_text()
            processes += 1
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    rss_kb += int(line.split()[1])
                elif line.startswith("Threads:"):
                    threads += int(line.split()[1])
    return rss_kb / 1024, threads, processes


TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pids: Sequence[int], reaped: bool = False) -> float:
    """CPU time (user + system, every thread) of these processes so far, from /proc/<pid>/stat;
    with `reaped`, also that of their children already ended and waited for."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            if reaped:
                ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICKS_PER_SECOND


def postgres_pids() -> list[int]:
    """Every PostgreSQL process of this machine (the server, its backends and helpers)."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError, ValueError):
            if comm.read_text().strip() == "postgres":
                found.append(int(comm.parent.name))
    return found


@dataclass(frozen=True)
class CpuClock:
    """CPU seconds spent so far by the server, by PostgreSQL (its postmaster's reaped children
    included, so a backend that ends meanwhile still counts) and by this process."""

    server: float
    database: float
    client: float

    @classmethod
    def read(cls, server_pid: int, postgres: bool) -> CpuClock:
        return cls(
            server=cpu_seconds(process_tree(server_pid), reaped=True),
            database=cpu_seconds(postgres_pids(), reaped=True) if postgres else 0.0,
            client=time.process_time(),
        )

    def per(self, later: CpuClock, count: int) -> dict[str, float]:
        """Milliseconds of each per item, from this reading to `later`."""
        count = max(count, 1)
        return {
            "server": (later.server - self.server) * 1000 / count,
            "database": (later.database - self.database) * 1000 / count,
            "client": (later.client - self.client) * 1000 / count,
        }


# --- one database: the child process that drives the servers --------------------------------


class Database:
    """Runs the Django side (`bench.population`) in one thread of its own: the ORM is
    synchronous, the client an asyncio loop."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work, *args)

    def call(self, work: Callable[..., T], *args: Any) -> T:
        return self._thread.submit(work, *args).result()


def run_leg(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    from bench import population

    db = Database()
    print(f"[{args.leg}] migrating and building {args.delegates} delegates", flush=True)
    started = time.perf_counter()
    db.call(population.migrate)
    plenary = db.call(population.build, args.delegates)
    built = time.perf_counter() - started
    raw = db.call(population.raw_commit_rate, args.commit_seconds)
    print(f"[{args.leg}] built in {built:.1f} s; raw commits {raw:,.0f}/s", flush=True)
    leg: dict[str, Any] = {
        "database": args.leg,
        "version": db.call(population.database_version),
        "build_seconds": built,
        "raw_commits": raw,
        "servers": [],
    }
    cookies = client.Cookies(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    env = {k: v for k, v in os.environ.items() if k in base_env(Path(), "", "")}
    folder = Path(os.environ["MOIM_DATA_DIR"])
    for kind in args.server.split(","):
        flush_redis(os.environ["REDIS_URL"])
        # Every screen and every delegate's sitting page comes from this one address.
        server = start_server(kind, env, max(args.streams, args.delegates), folder)
        try:
            server.wait_until_serving("/healthz" if kind == "production" else "/en/")
            print(f"[{args.leg}] {kind} server up on {server.url}", flush=True)
            figures = asyncio.run(
                drive(
                    server,
                    db,
                    population,
                    plenary,
                    cookies,
                    args.streams,
                    raw,
                    args.repeat,
                    args.only,
                    args.connection_per_request,
                )
            )
        finally:
            server.stop()
        figures["exceptions"] = server.exceptions()
        if args.keep_logs:
            Path(args.keep_logs).mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log, Path(args.keep_logs) / f"{args.leg}-{server.log.name}")
        if has_errors(figures):
            figures["log_tail"] = server.tail(15)
            print(f"[{args.leg}] {kind} server's last lines:\n{figures['log_tail']}", flush=True)
        leg["servers"].append({"server": kind, **figures})
    db.call(connections.close_all)
    Path(args.json).write_text(json.dumps(leg), encoding="utf-8")
    return 0


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise Unavailable(
            f"no Redis answers at {url} ({error}): the production server carries live updates "
            "through it, and both servers hear the benchmark's published result through it"
        ) from None


def has_errors(figures: dict[str, Any]) -> bool:
    return bool((figures["streams"] or {}).get("failures")) or any(
        run["errors"] or run["pages_failed"] for run in figures["scenarios"]
    )


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=5).flushdb()


async def drive(
    server: Server,
    db: Database,
    population: Any,
    plenary: Any,
    cookies: client.Cookies,
    streams: int,
    raw: float,
    repeat: int,
    only: str = "",
    per_request: bool = False,
) -> dict[str, Any]:
    sessions = [d.session_key for d in plenary.delegates]
    results: list[dict[str, Any]] = []
    last_poll = 0
    chosen = [
        scenario
        for scenario in SCENARIOS
        if only in scenario.name and (server.kind == "production" or not scenario.sitting)
    ]
    async with client.http_client(per_request=per_request) as http:
        for scenario in chosen:
            runs = []
            for attempt in range(repeat):
                # The last poll stays open: the screens then see it close and its result.
                final = scenario is chosen[-1] and attempt == repeat - 1 and not only
                run = await cast_scenario(
                    server, db, population, plenary, http, sessions, cookies, scenario, final
                )
                run["ratio"] = run["rate"] / raw if raw else 0.0
                runs.append(run)
                last_poll = run["poll"]
                print(f"  {server.kind}: {scenario.name}: {summary_line(run)}", flush=True)
            results.append(median_run(scenario, runs))
    if only:  # part of the benchmark: the screens' part needs the last poll left open
        return {"scenarios": results, "streams": None}
    async with client.http_client() as http:
        screens = await watch_screens(server, db, population, plenary, http, streams, last_poll)
    print(f"  {server.kind}: streams: {json.dumps(screens)}", flush=True)
    return {"scenarios": results, "streams": screens}


def median_run(scenario: Scenario, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run to report of several: the median by casts/s in a burst (what varies when the
    ballots are on the way as fast as they are answered), by p99 at a steady rate (the rate is
    the one offered; the latency is what varies). Every run's casts/s and p99 are kept."""
    key = "p99" if scenario.interval else "rate"
    ordered = sorted(runs, key=lambda r: r[key] if r[key] is not None else math.inf)
    return {
        **ordered[len(ordered) // 2],
        "runs": len(runs),
        "every_rate": [r["rate"] for r in runs],
        "every_p99": [r["p99"] for r in runs],
    }


async def cast_scenario(
    server: Server,
    db: Database,
    population: Any,
    plenary: Any,
    http: Any,
    sessions: list[str],
    cookies: client.Cookies,
    scenario: Scenario,
    keep_open: bool,
) -> dict[str, Any]:
    poll = await db.run(population.open_poll, plenary, f"{scenario.name} ({server.kind})")
    forms, page_failures = await client.fetch_ballot_forms(
        http, server.url, poll.vote_path, sessions, cookies
    )
    ballots = [
        (form, poll.options[i % len(poll.options)])
        for i, form in enumerate(forms)
        if form is not None
    ]
    url = server.url + poll.vote_path
    cap = max(120.0, len(ballots) * 0.1)
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    pages: list[client.SittingPage] = []
    page_tasks: list[asyncio.Future[None]] = []
    settled = opening = 0.0
    if scenario.sitting:
        paths = await db.run(population.paths)
        pages = [
            client.SittingPage(
                http,
                server.url + paths["sitting_events"],
                server.url + paths["sitting_ballot"],
                f"{cookies.session_name}={session}",
            )
            for session in sessions
        ]
        opening = time.perf_counter()
        page_tasks = [asyncio.ensure_future(page.run()) for page in pages]
        await client.wait_until(lambda: all(p.opened.is_set() for p in pages), 120)
        opening = time.perf_counter() - opening
        settled = await settle(server.process.pid)
        print(f"  {server.kind}: sitting pages open, quiet after {settled:.1f} s", flush=True)
    clock = CpuClock.read(server.process.pid, postgres)
    print(f"  {server.kind}: {scenario.name}: casting {len(ballots):,}", flush=True)
    async with client.LoopLag() as lag:
        if scenario.in_flight:
            result = await client.cast_closed_loop(
                http, url, ballots, in_flight=scenario.in_flight, cap=cap
            )
        else:
            result = await client.cast_open_loop(
                http, url, ballots, interval=scenario.interval, cap=cap
            )
    cpu = clock.per(CpuClock.read(server.process.pid, postgres), result.accepted)
    open_count = await db.run(population.stored, poll.poll_id)
    closed_count = open_count
    closed_at = time.perf_counter()
    if not keep_open:
        await db.run(population.close_poll, plenary, poll.poll_id)
        closed_count = await db.run(population.stored, poll.poll_id)
    sitting = await sitting_pages(pages, page_tasks, closed_at) if pages else None
    if sitting is not None:
        sitting["settled"] = settled
        sitting["opening"] = opening
    unknown = unanswered(result.failures.counts)
    ok = consistent(asdict(open_count), result.accepted, unknown) and consistent(
        asdict(closed_count), result.accepted, unknown
    )
    return {
        "scenario": scenario.name,
        "poll": poll.poll_id,
        "pages_failed": page_failures.total,
        "page_errors": page_failures.first,
        "sent": result.sent,
        "accepted": result.accepted,
        "busy_retries": result.busy_retries,
        "errors": result.failures.counts,
        "first_errors": result.failures.first,
        "span": result.span,
        "rate": result.rate,
        "p50": client.percentile(result.latencies, 0.50),
        "p95": client.percentile(result.latencies, 0.95),
        "p99": client.percentile(result.latencies, 0.99),
        "cpu_ms": cpu,
        "client_lag_p99": client.percentile(lag.lags, 0.99),
        "client_lag_max": max(lag.lags, default=None),
        "timeline": [[round(at, 4), round(took, 4)] for at, took in result.timeline],
        "sitting": sitting,
        "stored_open": asdict(open_count),
        "stored_closed": asdict(closed_count),
        "check": ok,
    }


async def settle(pid: int, *, at_least: float = SETTLE_SECONDS, most: float = 60.0) -> float:
    """Wait until the server is quiet: at least `at_least` seconds, then until it spends less
    than a tenth of a core over half a second (or `most` seconds pass). The seconds waited.

    Delegates open their sitting page as they join the sitting, long before the chair opens a
    vote: the vote is measured with the pages open, not with their opening still under way.
    """
    started = time.perf_counter()
    await asyncio.sleep(at_least)
    while (waited := time.perf_counter() - started) < most:
        before, since = cpu_seconds(process_tree(pid)), time.perf_counter()
        await asyncio.sleep(0.5)
        if cpu_seconds(process_tree(pid)) - before < 0.1 * (time.perf_counter() - since):
            break
    return waited


async def sitting_pages(
    pages: list[client.SittingPage], tasks: list[asyncio.Future[None]], closed_at: float
) -> dict[str, Any]:
    """What the delegates' sitting pages saw: updates their streams brought while the ballots
    came (each ballot's turnout is not for them), then the word that the poll closed, and their
    ballot parts asked for again after it."""
    opened = [p for p in pages if not p.failed or p.updates]
    updates_while_voting = sum(p.updates for p in opened) - sum(
        1 for p in opened if p.word_at is not None
    )
    await client.wait_until(
        lambda: all(p.ballot_at or p.ballot_failed or p.failed for p in opened), 60
    )
    words = [p.word_at - closed_at for p in opened if p.word_at is not None]
    answered = [p.ballot_at - closed_at for p in opened if p.ballot_at is not None]
    failures = client.Failures()
    for page in pages:
        if page.failed:
            failures.add(page.failed, page.said)
        elif page.ballot_failed:
            failures.add(f"ballot part: {page.ballot_failed}")
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "pages": len(pages),
        "opened": len(opened),
        "updates_while_voting": updates_while_voting,
        "word": len(words),
        "word_p50": client.percentile(words, 0.50),
        "word_p99": client.percentile(words, 0.99),
        "ballot": len(answered),
        "ballot_p50": client.percentile(answered, 0.50),
        "ballot_p99": client.percentile(answered, 0.99),
        "failures": failures.counts,
    }


async def watch_screens(
    server: Server,
    db: Database,
    population: Any,
    plenary: Any,
    http: Any,
    count: int,
    poll_id: int,
) -> dict[str, Any]:
    """Open `count` projector streams, measure the server while they are open, then close,
    count and publish `poll_id` and time the result's arrival on every screen."""
    paths = await db.run(population.paths)
    watch = client.Watch()
    fetches = [0]
    # As projector.js does: the page says whether its stream greets it with the state. A
    # server still busy with the ballots may not answer: the screens then fetch on opening.
    try:
        async with http.get(server.url + paths["projector"]) as page:
            pushes_state = 'data-pushes-state="true"' in await page.text()
    except (TimeoutError, aiohttp.ClientError):
        pushes_state = False
    screens = [
        client.Screen(
            http,
            server.url + paths["events"],
            server.url + paths["state"],
            watch,
            fetches,
            pushes_state=pushes_state,
        )
        for _ in range(count)
    ]
    tasks = [asyncio.ensure_future(screen.run()) for screen in screens]
    open_cap = max(60.0, count * 0.03)
    await client.wait_until(lambda: all(s.opened.is_set() for s in screens), open_cap)
    opened = [s for s in screens if s.first_byte is not None and not s.failed]
    first_bytes = [s.first_byte for s in opened if s.first_byte is not None]
    await client.wait_until(lambda: fetches[0] == 0, 30)
    rss, threads, processes = memory_and_threads(server.process.pid)
    home, home_failed = await client.page_times(http, server.url + paths["home"], 20)
    # The chair closes and counts; the screens show "closed" (one snapshot each) meanwhile.
    await db.run(population.close_poll, plenary, poll_id)
    await db.run(population.count_poll, plenary, poll_id)
    await client.wait_until(lambda: fetches[0] == 0, 30)
    live = [s for s in opened if not s.failed]
    watch.poll_id, watch.since = poll_id, time.perf_counter()
    await db.run(population.publish_poll, plenary, poll_id)
    await client.wait_until(lambda: all(s.result_at or s.failed for s in live), 60)
    arrivals = [s.result_at - watch.since for s in live if s.result_at is not None]
    failures = client.Failures()
    for screen in screens:
        if screen.failed:
            failures.add(screen.failed, screen.said)
        elif screen.first_byte is None:
            failures.add(f"no first byte within the {open_cap:.0f} s cap")
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "requested": count,
        "opened": len(opened),
        "failures": failures.counts,
        "first_failures": failures.first,
        "first_byte_p50": client.percentile(first_bytes, 0.50),
        "first_byte_p99": client.percentile(first_bytes, 0.99),
        "rss_mb": rss,
        "threads": threads,
        "processes": processes,
        "home_p50": client.percentile(home, 0.50),
        "home_failed": home_failed,
        "live_at_publish": len(live),
        "result_within_1s": sum(1 for a in arrivals if a <= 1.0),
        "result_overall": len(arrivals),
        "result_p50": client.percentile(arrivals, 0.50),
        "result_p99": client.percentile(arrivals, 0.99),
    }


def unanswered(errors: dict[str, int]) -> int:
    """Ballots sent without an answer from the site (timeouts, dropped connections, the cap):
    each may or may not have been stored. An HTTP answer without a receipt stored nothing."""
    return sum(count for kind, count in errors.items() if not kind.startswith("HTTP "))


def consistent(stored: dict[str, int], accepted: int, unknown: int) -> bool:
    """One ballot per vote record, one for every receipt given, and none beyond those receipts
    except for ballots whose answer never came."""
    ballots = stored["ballots"]
    return ballots == stored["vote_records"] and accepted <= ballots <= accepted + unknown


def run_checks_out(run: dict[str, Any]) -> bool:
    unknown = unanswered(run["errors"])
    return all(
        consistent(run[key], run["accepted"], unknown) for key in ("stored_open", "stored_closed")
    )


def summary_line(run: dict[str, Any]) -> str:
    errors = sum(run["errors"].values())
    check = "ok" if run_checks_out(run) else "FAIL"
    return (
        f"{run['accepted']}/{run['sent']} accepted, {errors} errors, {run['rate']:.0f} casts/s, "
        f"p50 {ms(run['p50'])} p99 {ms(run['p99'])} ms, CPU per ballot {cpu_cell(run['cpu_ms'])}, "
        f"client loop late p99 {ms(run.get('client_lag_p99'))} "
        f"max {ms(run.get('client_lag_max'))} ms, "
        f"database check {check}"
        + (f"; sitting pages {json.dumps(run['sitting'])}" if run.get("sitting") else "")
    )


# --- the parent: one child per database, then the report --------------------------------------


def machine() -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        ram = int(next(x for x in meminfo if x.startswith("MemTotal")).split()[1]) / 1024**2
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gb": ram,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_start": os.getloadavg(),
        "python_loop_s": python_speed(),
    }


def python_speed() -> float:
    """CPU seconds for ten million steps of a plain Python loop, the best of three.

    Shared machines vary in speed from hour to hour; this figure, taken in the same run, tells
    how fast this one was, so runs on different days can be compared."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for step in range(10_000_000):
            total += step
        best = min(best, time.process_time() - started)
    return best


class Unavailable(Exception):
    """A service the benchmark needs does not answer, or is not one it may wipe."""


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark's database; only one whose name says it is for benchmarks,
    so that a PG_URL left pointing at real data is never wiped."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise Unavailable(
            f"the load benchmark drops and creates its database; {name!r} does not look like a "
            "benchmark's (its name must contain 'bench', e.g. moim_bench)"
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise Unavailable(
            f"no PostgreSQL answers at {parts.hostname}:{parts.port or 5432}: {error}"
        ) from None
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run_database(database: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    url = ""
    if database == "postgres":
        url = args.pg_url
        recreate_postgres(url)
    data = folder / database
    data.mkdir()
    env = base_env(data, url, args.redis_url)
    result = folder / f"{database}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--leg",
        database,
        "--server",
        args.server,
        "--delegates",
        str(args.delegates),
        "--streams",
        str(args.streams),
        "--repeat",
        str(args.repeat),
        "--commit-seconds",
        str(args.commit_seconds),
        "--only",
        args.only,
        *(["--connection-per-request"] if args.connection_per_request else []),
        "--json",
        str(result),
        *(["--keep-logs", str(Path(args.keep_logs).resolve())] if args.keep_logs else []),
    ]
    run_to_end(command, env, args.leg_timeout)
    leg: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return leg


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.0f}"


def p99_cell(run: dict[str, Any]) -> str:
    """The reported run's p99, and every run's when there were several."""
    every = sorted(p for p in run.get("every_p99") or [] if p is not None)
    if len(every) < 2:
        return f"{ms(run['p99'])} ms"
    return f"{ms(run['p99'])} ms ({', '.join(ms(p) for p in every)})"


def cpu_cell(cpu: dict[str, float] | None) -> str:
    """Server, PostgreSQL and load generator CPU per accepted ballot (not in older reports)."""
    if not cpu:
        return "–"
    parts = [f"server {cpu['server']:.1f}"]
    if cpu["database"]:
        parts.append(f"PostgreSQL {cpu['database']:.1f}")
    return ", ".join([*parts, f"client {cpu['client']:.1f} ms"])


def render(report: dict[str, Any]) -> list[str]:
    """The report as Markdown lines (stdout and docs/benchmarks.md alike)."""
    host = report["machine"]
    versions = [f"Python {host['python']}", f"SQLite {host['sqlite']}"]
    versions += [leg["version"] for leg in report["legs"] if leg["database"] == "postgres"]
    load = ", ".join(
        f"{label} {' / '.join(f'{x:.2f}' for x in host[key])}"
        for label, key in (("start", "load_start"), ("end", "load_end"))
    )
    lines = [
        f"Machine: {host['cores']} cores ({host['cpu']}), {host['ram_gb']:.1f} GB RAM; "
        f"{', '.join(versions)}; load average (1/5/15 min) at {load}."
        + (
            f" Python's speed: ten million steps of a plain loop in {host['python_loop_s']:.2f} s"
            " of CPU."
            if "python_loop_s" in host
            else ""
        ),
        "",
        "Command:",
        "",
        "```",
        report["command"],
        "```",
        "",
        f"{report['delegates']:,} delegates, {report['streams']:,} projector streams"
        + (f", median of {report['repeat']} runs per scenario" if report["repeat"] > 1 else "")
        + ".",
        "",
    ]
    for leg in report["legs"]:
        for served in leg["servers"]:
            lines += render_server(leg, served)
    return lines


def render_server(leg: dict[str, Any], served: dict[str, Any]) -> list[str]:
    label = "production server (`moim serve-production`)"
    if served["server"] != "production":
        label = "development server (`moim serve`)"
    lines = [
        f"### {leg['version']}, {label}",
        "",
        f"Raw commit rate of this database: {leg['raw_commits']:,.0f} commits/s "
        "(single-row INSERT + COMMIT).",
        "",
        "| scenario | accepted | errors | first send → last receipt | casts/s | p50 | p95 | p99 "
        "| of raw commits | CPU per ballot | database |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for run in served["scenarios"]:
        errors = sum(run["errors"].values())
        stored = run["stored_closed"]
        check = (
            f"{stored['ballots']:,} ballots = {stored['vote_records']:,} records"
            if run_checks_out(run)
            else f"FAIL: {stored['ballots']:,} ballots, {stored['vote_records']:,} records"
        )
        if stored["ballots"] > run["accepted"]:
            check += f" ({stored['ballots'] - run['accepted']:,} stored without an answer)"
        lines.append(
            f"| {run['scenario']} | {run['accepted']:,} / {run['sent']:,} | {errors:,} "
            f"| {run['span']:.1f} s | {run['rate']:,.0f} | {ms(run['p50'])} ms "
            f"| {ms(run['p95'])} ms | {p99_cell(run)} | {run['ratio']:.2%} "
            f"| {cpu_cell(run.get('cpu_ms'))} | {check} |"
        )
        for kind, count in run["errors"].items():
            said = run["first_errors"].get(kind, "")
            notes.append(
                f"- {run['scenario']}: {count:,} × {kind}" + (f": “{said}”" if said else "")
            )
        if run["pages_failed"]:
            why = "; ".join(
                f"{kind}" + (f": “{said}”" if said else "")
                for kind, said in run.get("page_errors", {}).items()
            )
            notes.append(
                f"- {run['scenario']}: {run['pages_failed']:,} ballot pages failed to open "
                f"before it (not counted as sent){f' ({why})' if why else ''}"
            )
        if run.get("client_lag_max") is not None:
            notes.append(
                f"- {run['scenario']}: the measuring client's own loop woke late by at most "
                f"{ms(run['client_lag_max'])} ms (p99 {ms(run['client_lag_p99'])} ms), "
                "counted in the latencies above"
            )
        if run.get("busy_retries"):
            notes.append(
                f"- {run['scenario']}: {run['busy_retries']:,} answers 503 “busy” (nothing "
                "stored), each ballot sent again after Retry-After as its page does"
            )
    sitting = [run for run in served["scenarios"] if run.get("sitting")]
    if sitting:
        lines += [
            "",
            "| with every sitting page open | pages holding their stream | updates they got "
            "while the ballots came | word of the close, p50 / p99 | ballot part asked again, "
            "answered | p50 / p99 (incl. the pages' 0–2 s spread) |",
            "|---|---|---|---|---|---|",
        ]
        for run in sitting:
            seen = run["sitting"]
            lines.append(
                f"| {run['scenario']} | {seen['opened']:,} / {seen['pages']:,} "
                f"| {seen['updates_while_voting']:,} | {ms(seen['word_p50'])} / "
                f"{ms(seen['word_p99'])} ms | {seen['ballot']:,} / {seen['word']:,} "
                f"| {ms(seen['ballot_p50'])} / {ms(seen['ballot_p99'])} ms |"
            )
            notes += [
                f"- sitting pages: {count:,} × {kind}" for kind, count in seen["failures"].items()
            ]
            if "settled" in seen:
                opened = (
                    f"opened their streams in {seen['opening']:.1f} s and "
                    if "opening" in seen
                    else ""
                )
                notes.append(
                    f"- {run['scenario']}: the pages {opened}were open {seen['settled']:.1f} s "
                    "before the first ballot (until the server was quiet)"
                )
    lines += ["", *notes, *([""] if notes else [])]
    screens = served["streams"]
    if screens is None:  # a run of some scenarios only (--only)
        return lines
    lines += [
        "| streams open | first byte p50 / p99 | server RSS | threads | home page p50 "
        "| result within 1 s | result overall | p50 / p99 |",
        "|---|---|---|---|---|---|---|---|",
        f"| {screens['opened']:,} / {screens['requested']:,} "
        f"| {ms(screens['first_byte_p50'])} / {ms(screens['first_byte_p99'])} ms "
        f"| {screens['rss_mb']:,.0f} MB ({screens['processes']} processes) "
        f"| {screens['threads']:,} | {ms(screens['home_p50'])} ms"
        + (f" ({screens['home_failed']} failed)" if screens["home_failed"] else "")
        + f" | {screens['result_within_1s']:,} | {screens['result_overall']:,} / "
        f"{screens['live_at_publish']:,} | {ms(screens['result_p50'])} / "
        f"{ms(screens['result_p99'])} ms |",
        "",
    ]
    logged = served.get("exceptions") or {}
    if logged:
        said = ", ".join(f"{n:,} × {name}" for name, n in sorted(logged.items()))
        lines += [f"Exceptions in the server's log: {said}.", ""]
    for kind, count in screens["failures"].items():
        said = screens.get("first_failures", {}).get(kind, "")
        lines.append(f"- streams: {count:,} × {kind}" + (f": “{said}”" if said else ""))
    if screens["failures"]:
        lines.append("")
    return lines


def failed_checks(report: dict[str, Any]) -> list[str]:
    found = []
    for leg in report["legs"]:
        for served in leg["servers"]:
            for run in served["scenarios"]:
                if not run_checks_out(run):
                    found.append(
                        f"FAIL: {leg['database']}, {served['server']}, {run['scenario']}: "
                        f"{run['accepted']} accepted, stored while open {run['stored_open']}, "
                        f"after close {run['stored_closed']}"
                    )
    return found


def write_section(path: Path, lines: list[str]) -> None:
    """Replace the generated part between the load markers, keeping the text around it."""
    generated = "\n".join([MARK_START, "", *lines, MARK_END])
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if MARK_START in text and MARK_END in text:
        text = (
            text[: text.index(MARK_START)]
            + generated
            + text[text.index(MARK_END) + len(MARK_END) :]
        )
    else:
        heading = "## Load: 2,000 delegates"
        text = (text.rstrip("\n") + "\n\n" if text else "") + f"{heading}\n\n{generated}\n"
    path.write_text(text, encoding="utf-8")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/load.py", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--server", default="production,development")
    parser.add_argument("--delegates", type=int)
    parser.add_argument("--streams", type=int)
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario (median)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE} of each, by default")
    parser.add_argument("--out", help="rewrite the load section of this file (docs/benchmarks.md)")
    parser.add_argument("--json", help="write the figures as JSON here")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--commit-seconds", type=float, default=3.0)
    parser.add_argument("--leg-timeout", type=float, default=3600.0)
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose name holds this (no --out)"
    )
    parser.add_argument(
        "--connection-per-request",
        action="store_true",
        help="cast each ballot on a new connection, as a proxy in front does (default: kept alive)",
    )
    parser.add_argument("--keep-logs", help="copy each server's log into this folder")
    parser.add_argument("--from-json", help="draw the report of an earlier run's --json file")
    parser.add_argument("--leg", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = QUICK_SIZE if args.quick else 2000
    args.delegates = args.delegates or size
    args.streams = args.streams if args.streams is not None else size
    for name, allowed in (
        ("db", {"sqlite", "postgres"}),
        ("server", {"production", "development"}),
    ):
        chosen = getattr(args, name).split(",")
        if not chosen or not set(chosen) <= allowed:
            parser.error(f"--{name} takes {','.join(sorted(allowed))}, not {getattr(args, name)}")
    if args.only and args.out:
        parser.error("--only runs part of the benchmark: its figures do not go to --out")
    if args.delegates < 1 or args.streams < 0 or args.repeat < 1:
        parser.error("--delegates and --repeat must be 1 or more, --streams 0 or more")
    return args


def exit_on_termination() -> None:
    """SIGTERM (a `timeout`, a CI runner giving up, a leg stopped by the run above it) ends
    this process as an exception would, so that its `finally` blocks stop the servers it
    started: they run in sessions of their own, and a killed benchmark would leave them
    serving, taking the cores from every later measurement."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def run_to_end(command: list[str], env: dict[str, str], timeout: float) -> None:
    """`command` (a leg) run to its end; if it outlives `timeout`, or this process is stopped
    meanwhile, the leg is asked to stop (SIGTERM: its servers stop with it) before it is
    killed."""
    leg = subprocess.Popen(command, env=env)
    try:
        code = leg.wait(timeout=timeout)
    except BaseException:
        leg.terminate()
        try:
            leg.wait(timeout=LEG_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            leg.kill()
            leg.wait()
        raise
    if code != 0:
        raise subprocess.CalledProcessError(code, command)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if argv is None:  # from the command line (not a test calling it in its own process)
        exit_on_termination()
    if args.leg:
        return run_leg(args)
    if args.from_json:  # the report of an earlier run, drawn again
        return report_on(json.loads(Path(args.from_json).read_text(encoding="utf-8")), args)
    shown = list(sys.argv[1:] if argv is None else argv)
    report: dict[str, Any] = {
        "command": shlex.join(["python", "bench/load.py", *shown]),
        "machine": machine(),
        "delegates": args.delegates,
        "streams": args.streams,
        "repeat": args.repeat,
        "legs": [],
    }
    try:
        check_redis(args.redis_url)
    except Unavailable as error:
        print(f"load benchmark: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="moim-load-") as folder:
        for database in args.db.split(","):
            try:
                report["legs"].append(run_database(database, args, Path(folder)))
            except Unavailable as error:
                print(f"SKIPPED: {database} leg - {error}")
    if not report["legs"]:
        return 2
    report["machine"]["load_end"] = os.getloadavg()
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report_on(report, args)


def report_on(report: dict[str, Any], args: argparse.Namespace) -> int:
    lines = render(report)
    print("\n".join(lines))
    if args.out:
        write_section(Path(args.out), lines)
        print(f"written to {args.out}")
    failures = failed_checks(report)
    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
