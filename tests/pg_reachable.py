"""Exit 0 when the PostgreSQL server in the given URL answers, 1 otherwise.

Used by `make test` (`python tests/pg_reachable.py URL`) to decide whether to run the PostgreSQL
leg of the suite.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit


def reachable(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return True
    except psycopg.Error:
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
