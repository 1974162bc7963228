"""Password logins against the user table: Django's ModelBackend, its user read written once.

Every logged-in request reads its user; the ORM built that query anew each time, as much work
as a ballot's own reads (moim/rows.py). Logging in, permissions and every check are Django's
ModelBackend unchanged. Sessions made under ModelBackend's name are renamed to this one by
migration members 0004, so nobody is logged out by the change.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from moim.rows import columns, fetch, instance, quoted, table


@cache
def _user_sql(vendor: str) -> str:
    model = get_user_model()
    return (
        f"SELECT {columns(model, 'u')} FROM {table(model)} u "
        f"WHERE u.{quoted(str(model._meta.pk.column))} = %s"
    )


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        found = fetch(_user_sql(connection.vendor), [user_id])
        if not found:
            return None
        user = instance(get_user_model(), found[0])
        return user if self.user_can_authenticate(user) else None
