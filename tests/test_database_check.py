"""The pool's check on a connection it hands out (moim/database.py): no round trip for a sound
one; a connection the database terminated is found out and replaced before a request gets it."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from moim import database

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: its connections are pooled (run with DATABASE_URL=postgres://...)",
)


def conninfo() -> str:
    given = connection.settings_dict
    parts = {
        "host": given["HOST"] or "127.0.0.1",
        "port": given["PORT"] or 5432,
        "user": given["USER"],
        "password": given["PASSWORD"],
        "dbname": "postgres",
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


@pytest.fixture
def admin() -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(conninfo(), autocommit=True) as conn:
        yield conn


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The connections psycopg_pool's own check (an empty statement) was run on, by server pid."""
    checked: list[int] = []
    original = ConnectionPool.check_connection

    def counted(conn: psycopg.Connection[Any]) -> None:
        checked.append(conn.info.backend_pid)
        original(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counted))
    return checked


def terminate(admin: psycopg.Connection[Any], conn: psycopg.Connection[Any]) -> None:
    """The database ends `conn`, as a restart or an administrator does; back once its socket
    has the news."""
    pid = conn.info.backend_pid
    assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    waiting = select.poll()
    waiting.register(conn.pgconn.socket, select.POLLIN)
    assert waiting.poll(5000), "the terminated connection's socket stayed silent for 5 s"


def test_a_sound_idle_connection_is_handed_out_without_a_round_trip(full_checks: list[int]) -> None:
    with psycopg.connect(conninfo(), autocommit=True) as conn:
        conn.execute("SELECT 1")

        database.check_connection(conn)

        assert database.quiet(conn)
        assert full_checks == []


def test_a_connection_inside_a_transaction_gets_the_full_check(full_checks: list[int]) -> None:
    with psycopg.connect(conninfo()) as conn:
        conn.execute("SELECT 1")  # opens a transaction: not autocommit

        assert not database.quiet(conn)
        # psycopg_pool's check refuses it (the pool would discard it), as it always did.
        with pytest.raises(psycopg.ProgrammingError):
            database.check_connection(conn)
        assert full_checks == [conn.info.backend_pid]


def test_a_terminated_connection_fails_the_check(
    admin: psycopg.Connection[Any], full_checks: list[int]
) -> None:
    conn = psycopg.connect(conninfo(), autocommit=True)
    pid = conn.info.backend_pid
    terminate(admin, conn)

    assert not database.quiet(conn)
    with pytest.raises(psycopg.OperationalError):
        database.check_connection(conn)
    assert full_checks == [pid]
    conn.close()


def test_the_pool_replaces_a_connection_the_database_terminated_before_handing_it_out(
    admin: psycopg.Connection[Any], full_checks: list[int]
) -> None:
    pool = ConnectionPool(
        conninfo(),
        min_size=1,
        max_size=1,
        check=database.check_connection,
        kwargs={"autocommit": True},
        open=True,
    )
    try:
        with pool.connection(timeout=10) as first:
            ended = first.info.backend_pid
        with pool.connection(timeout=10) as again:
            assert again.info.backend_pid == ended  # sound: handed out as it was
        assert full_checks == []
        with pool.connection(timeout=10) as conn:
            terminate(admin, conn)
            # Back into the pool dead, as when the database restarts between two requests.

        started = time.monotonic()
        with pool.connection(timeout=10) as replaced:
            assert replaced.execute("SELECT 41 + 1").fetchone() == (42,)
            assert replaced.info.backend_pid != ended
        assert time.monotonic() - started < 10
    finally:
        pool.close()
