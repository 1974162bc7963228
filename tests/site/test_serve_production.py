"""`moim serve-production`: refuses what must not serve, then serves with uvicorn's workers,
answers /healthz from the database, carries live updates between workers and ends on SIGTERM."""

from __future__ import annotations

import http.client
import importlib
import json
import os
import secrets
import signal
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from moim.intake import AcceptsWithRoom
from moim.live.brokers import RedisBroker
from tests.site.production_server import SECRETS, free_port, moim, production_env, start

# The projector's assembly, made in the served database by the test factories.
MAKE_ASSEMBLY = (
    "from tests.assemblies.factories import AssemblyFactory; "
    "from tests.factories import OrganizationFactory; "
    "print(AssemblyFactory(organization=OrganizationFactory(), edition=9).pk)"
)
REDIS_URL = os.environ.get("MOIM_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
# A server started from `production_env` alone serves its own SQLite file (or the PostgreSQL
# address it is given), whatever this run's database: the same on either leg of `make test`.
single_leg = pytest.mark.single_leg


def _cores() -> int:
    return len(os.sched_getaffinity(0))


# --- what it refuses, before anything is served ---------------------------------------------


def test_serve_production_refuses_debug(settings: Any) -> None:
    settings.DEBUG = True

    with pytest.raises(CommandError, match="DEBUG is on: the production server never runs"):
        call_command("serve-production", "--workers", "1")


def test_serve_production_refuses_the_development_only_secret_key(settings: Any) -> None:
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY

    with pytest.raises(CommandError, match="SECRET_KEY is not set"):
        call_command("serve-production", "--workers", "1")


def test_serve_production_refuses_an_empty_allowed_hosts(settings: Any) -> None:
    settings.SECRET_KEY = SECRETS["SECRET_KEY"]
    settings.ALLOWED_HOSTS = []

    with pytest.raises(CommandError, match="ALLOWED_HOSTS is empty: set it to the site's host"):
        call_command("serve-production", "--workers", "1")


@pytest.mark.parametrize(("accept_with_room", "gated"), [(True, True), (False, False)])
def test_serve_production_accepts_by_room_unless_told_not_to(
    settings: Any, accept_with_room: bool, gated: bool
) -> None:
    settings.MOIM_ACCEPT_WITH_ROOM = accept_with_room
    command = importlib.import_module("moim.site.management.commands.serve-production")

    config = command.uvicorn_config("127.0.0.1", 8000, 2, 10)
    loop = config.get_loop_factory()()  # as each worker makes its loop
    try:
        assert isinstance(loop, AcceptsWithRoom) is gated
    finally:
        loop.close()


def test_serve_production_takes_its_workers_from_the_settings(settings: Any) -> None:
    settings.SECRET_KEY = SECRETS["SECRET_KEY"]
    settings.MOIM_LIVE_BACKEND = "memory"
    settings.MOIM_WORKERS = 7

    with pytest.raises(CommandError, match=r"^7 worker processes need live updates"):
        call_command("serve-production")


@single_leg
@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, f"127.0.0.1 8000 {max(_cores(), 2)} 10"),
        (
            {
                "MOIM_HOST": "0.0.0.0",
                "MOIM_PORT": "8080",
                "MOIM_WORKERS": "7",
                "MOIM_GRACEFUL_TIMEOUT": "3",
            },
            "0.0.0.0 8080 7 3",
        ),
    ],
)
def test_serve_production_settings_come_from_the_environment(
    tmp_path: Path, environment: dict[str, str], expected: str
) -> None:
    show = (
        "from django.conf import settings as s; "
        "print(s.MOIM_HOST, s.MOIM_PORT, s.MOIM_WORKERS, s.MOIM_GRACEFUL_TIMEOUT)"
    )

    result = moim(["shell", "--no-imports", "-c", show], production_env(tmp_path, **environment))

    assert result.stdout.strip() == expected, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers (MOIM_WORKERS) must be 1 or more, not 0"),
        (["--port", "70000"], "--port (MOIM_PORT) must be between 1 and 65535, not 70000"),
        (["--port", "0"], "--port (MOIM_PORT) must be between 1 and 65535, not 0"),
        (["--host", " "], "--host (MOIM_HOST) must name an address"),
    ],
)
def test_serve_production_names_a_bad_option(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("serve-production", *args)

    assert str(refused.value).startswith(message)


@single_leg
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MOIM_WORKERS", "many", "MOIM_WORKERS must be a whole number, not 'many'"),
        ("MOIM_PORT", "http", "MOIM_PORT must be a whole number, not 'http'"),
    ],
)
def test_serve_production_names_a_bad_environment_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = moim(["serve-production"], production_env(tmp_path, **{variable: value}))

    assert result.returncode != 0
    assert message in result.stderr
    assert "Serving Moim" not in result.stdout


def test_serve_production_refuses_a_graceful_timeout_under_a_second(settings: Any) -> None:
    settings.MOIM_GRACEFUL_TIMEOUT = 0

    with pytest.raises(CommandError) as refused:
        call_command("serve-production")

    assert str(refused.value) == "MOIM_GRACEFUL_TIMEOUT must be 1 second or more, not 0"


@single_leg
def test_serve_production_without_the_vault_key_says_what_to_set(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["MOIM_VAULT_KEY"]

    result = moim(["serve-production", "--workers", "1"], env)

    assert result.returncode != 0
    assert "MOIM_VAULT_KEY must be set outside development" in result.stderr
    assert "Serving Moim" not in result.stdout


# --- serving --------------------------------------------------------------------------------


@single_leg
def test_serve_production_collects_static_files_answers_healthz_and_ends_on_sigterm(
    tmp_path: Path,
) -> None:
    server = start(tmp_path, production_env(tmp_path), workers=1)
    try:
        server.wait_until_serving()

        status, body = server.health()
        with urllib.request.urlopen(server.url + "/static/moim/css/moim.css", timeout=15) as css:
            stylesheet = css.read()

        assert (status, body) == (200, {"status": "ok", "database": "ok"})
        manifest = json.loads((tmp_path / "data" / "static" / "staticfiles.json").read_text())
        assert "moim/css/moim.css" in manifest["paths"]
        assert len(stylesheet) > 0
        assert server.terminate() == 0
        assert "Finished server process" in server.output()
    finally:
        server.stop()


@single_leg
def test_serve_production_restarts_its_workers_on_sighup_and_keeps_serving(
    tmp_path: Path,
) -> None:
    server = start(tmp_path, production_env(tmp_path), workers=1)
    try:
        server.wait_until_serving()
        before = server.worker_pids()

        server.process.send_signal(signal.SIGHUP)
        # A new worker imports Django before it serves: slow on a busy machine.
        deadline = time.monotonic() + 120
        after = before
        # uvicorn starts the new worker, then stops the old one.
        while time.monotonic() < deadline and (len(after) != 1 or after == before):
            time.sleep(0.2)
            after = server.worker_pids()

        assert len(before) == len(after) == 1
        assert after != before
        assert server.process.poll() is None
        assert server.health() == (200, {"status": "ok", "database": "ok"})
        assert server.terminate() == 0
    finally:
        server.stop()


@single_leg
def test_healthz_answers_503_when_the_database_does_not(tmp_path: Path) -> None:
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/moim"
    env = production_env(tmp_path, DATABASE_URL=nowhere, MOIM_DB_POOL_TIMEOUT="2")
    server = start(tmp_path, env, workers=1)
    try:
        server.wait_until_serving()

        status, body = server.health()

        assert (status, body) == (503, {"status": "unavailable", "database": "unreachable"})
        assert server.terminate() == 0
    finally:
        server.stop()


# --- several workers on PostgreSQL and Redis ------------------------------------------------


def _postgres_and_redis() -> tuple[str, str]:
    """The PostgreSQL server of this run and Redis, or a skip saying which one is missing."""
    import psycopg
    import redis

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("serves on PostgreSQL: runs on the PostgreSQL leg (DATABASE_URL=postgres://…)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"serves with Redis: no Redis answers at {REDIS_URL}")
    parts = urlsplit(url)
    try:
        psycopg.connect(
            host=parts.hostname, port=parts.port or 5432, user=parts.username,
            password=parts.password, dbname="postgres", connect_timeout=3,
        ).close()  # fmt: skip
    except psycopg.Error:
        pytest.skip(f"serves on PostgreSQL: no server answers at {parts.hostname}")
    return url, REDIS_URL


@pytest.fixture
def served_database() -> Iterator[str]:
    """A database of its own on this run's PostgreSQL server, dropped afterwards."""
    import psycopg

    url, _ = _postgres_and_redis()
    parts = urlsplit(url)
    name = f"moim_serve_production_{os.getpid()}"
    admin: dict[str, Any] = {
        "host": parts.hostname, "port": parts.port or 5432, "user": parts.username,
        "password": parts.password, "dbname": "postgres", "autocommit": True,
    }  # fmt: skip
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_workers_on_postgresql_and_redis_stream_an_event_and_end_on_sigterm(
    tmp_path: Path, served_database: str
) -> None:
    env = production_env(
        tmp_path,
        DATABASE_URL=served_database,
        REDIS_URL=REDIS_URL,
        MOIM_DB_POOL_MIN="1",
        MOIM_DB_POOL_MAX="4",
        MOIM_GRACEFUL_TIMEOUT="3",
    )
    migrated = moim(["migrate", "--noinput"], env)
    assert migrated.returncode == 0, migrated.stderr
    made = moim(
        ["shell", "-c", MAKE_ASSEMBLY],
        env,
    )
    assert made.returncode == 0, made.stderr
    assembly_pk = int(made.stdout.split()[-1])
    server = start(tmp_path, env, workers=2)
    try:
        server.wait_until_serving()
        assert server.health() == (200, {"status": "ok", "database": "ok"})
        assert len(set(server.worker_pids())) == 2

        stream = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        stream.request("GET", "/en/projector/9/events/")
        response = stream.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"
        lines = [response.readline(), response.readline()]
        assert lines == [b"retry: 1000\n", b": connected\n"]

        # The stream is held by one worker's hub; the event comes through Redis, as an event
        # published by any other process (another worker, a management command) does, and the
        # worker sends the projector's state itself, rendered from the database.
        token = secrets.token_hex(8)
        RedisBroker(REDIS_URL).publish(
            f"assembly:{assembly_pk}", json.dumps({"kind": "test", "token": token})
        )
        received: list[bytes] = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and b"</section>" not in b"".join(received):
            received.append(response.readline())

        assert b"event: state\n" in received
        assert any(b'data: <section class="projector-state"' in line for line in received)
        assert not any(token.encode() in line for line in received)  # never the event's data

        # SIGTERM with the stream still open: the workers give it MOIM_GRACEFUL_TIMEOUT seconds,
        # close it and the server exits cleanly.
        started = time.monotonic()
        assert server.terminate(timeout=30) == 0  # the supervisor exits 0 once its workers have
        assert time.monotonic() - started < 20
        output = server.output()
        assert output.count("Finished server process") == 2, output
    finally:
        server.stop()
