"""Password logins against the user table: Django's ModelBackend, its user read written once.

Every logged-in request reads its user and its roles (the groups of members.roles); the ORM
built those queries anew each time, as much work as a ballot's own reads (moim/rows.py). Here
both come in one query. Logging in, permissions and every check are Django's
ModelBackend unchanged. Sessions made under ModelBackend's name are renamed to this one by
migration members 0004, so nobody is logged out by the change.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection

from moim.members.rules import remember_roles
from moim.rows import columns, fetch, instance, quoted, table


@cache
def _user_sql(vendor: str) -> str:
    """The user and the names of its groups (its roles): one row per group, or one without."""
    model = get_user_model()
    memberships = Group.user_set.through
    q = quoted
    key = q(str(model._meta.pk.column))
    return (
        f"SELECT {columns(model, 'u')}, g.{q('name')} FROM {table(model)} u "
        f"LEFT JOIN {table(memberships)} ug ON ug.{q('user_id')} = u.{key} "
        f"LEFT JOIN {table(Group)} g ON g.{q('id')} = ug.{q('group_id')} "
        f"WHERE u.{key} = %s"
    )


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The active user with this id, its roles read with it (members.rules), else None."""
        found = fetch(_user_sql(connection.vendor), [user_id])
        if not found:
            return None
        user = instance(get_user_model(), found[0])
        if not self.user_can_authenticate(user):
            return None
        remember_roles(user, frozenset(row[-1] for row in found if row[-1] is not None))
        return user
