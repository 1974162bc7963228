"""Sessions in the database, as Django's `db` engine keeps them, read by one written query.

Every logged-in request reads its session first; the ORM built that query anew each time, and
on a delegate's ballot it cost as much as the read itself (moim/rows.py). The table, the rows
and their encoding are Django's own: sessions made before or by the `db` engine stay valid,
and writing, expiry and logout are Django's code unchanged.
"""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from moim.rows import fetch, quoted, table


@cache
def _load_sql(vendor: str) -> str:
    return (
        f"SELECT {quoted('session_data')} FROM {table(Session)} "
        f"WHERE {quoted('session_key')} = %s AND {quoted('expire_date')} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:
            return None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = fetch(_load_sql(connection.vendor), [key, now])
        if not rows:
            self._session_key = None
            return None
        return Session(session_key=key, session_data=rows[0][0])
