"""The check the PostgreSQL connection pool runs on each connection it hands out.

psycopg_pool's own check sends an empty statement and waits for the answer: one more round trip
to the database for every request, a ballot's included. Here a connection is handed out as it
is when psycopg holds it as sound, outside any transaction, and nothing waits on its socket.
A connection the database closed or terminated (a restart, `pg_terminate_backend`, an idle
timeout) has its closing message or its end of file waiting there, so it gets the full check,
which fails, and the pool replaces it before the request sees it. A connection that died
without a word (a network cut with no reset) passes both checks alike: the empty statement
would wait on it as long as the request's first query does.
"""

from __future__ import annotations

import select

import psycopg
from psycopg import pq
from psycopg_pool import ConnectionPool


def quiet(connection: psycopg.Connection[object]) -> bool:
    """Sound and idle, with nothing from the server waiting on its socket."""
    pgconn = connection.pgconn
    if pgconn.status != pq.ConnStatus.OK:
        return False
    if pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    try:
        waiting = select.poll()
        waiting.register(pgconn.socket, select.POLLIN | select.POLLPRI)
        return not waiting.poll(0)
    except (OSError, ValueError, psycopg.Error):
        return False


def check_connection(connection: psycopg.Connection[object]) -> None:
    """The pool's `check`: quietly return for a quiet connection, else psycopg_pool's check
    (an empty statement), which raises for a dead connection so that the pool replaces it."""
    if not quiet(connection):
        ConnectionPool.check_connection(connection)
