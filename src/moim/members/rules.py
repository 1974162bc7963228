"""Who may do what in the member registry: one named predicate per action.

Views, the admin and commands all ask these predicates; roles are the groups of `roles.py`.
A superuser counts as the secretariat.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import rules
from django.contrib.auth.models import Group
from django.db import connection

from moim.members.enums import Role
from moim.members.models import Member, Person
from moim.rows import fetch, quoted, table

_ROLE_CACHE = "_moim_role_names"


@cache
def _roles_sql(vendor: str) -> str:
    """The names of a user's groups: read on every logged-in request, so written once (rows)."""
    groups = Group.user_set.through
    return (
        f"SELECT g.{quoted('name')} FROM {table(Group)} g "
        f"JOIN {table(groups)} ug ON ug.{quoted('group_id')} = g.{quoted('id')} "
        f"WHERE ug.{quoted('user_id')} = %s"
    )


def role_names(user: Any) -> frozenset[str]:
    """The role groups an active, logged-in user belongs to (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        cached = frozenset(name for (name,) in fetch(_roles_sql(connection.vendor), [user.pk]))
        setattr(user, _ROLE_CACHE, cached)
    return cached


def remember_roles(user: Any, names: frozenset[str]) -> None:
    """Roles read with the user (members.backends): `role_names` asks no query then."""
    setattr(user, _ROLE_CACHE, names)


def forget_roles(user: Any) -> None:
    """Drop the cached roles after a change, so the next check reads the database."""
    if hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)


@rules.predicate
def is_signed_in(user: Any) -> bool:
    """A logged-in person whose account is active (what every role needs too)."""
    return user is not None and bool(user.is_authenticated) and bool(user.is_active)


@rules.predicate
def is_secretariat(user: Any) -> bool:
    if is_signed_in(user) and user.is_superuser:
        return True
    return Role.SECRETARIAT.value in role_names(user)


@rules.predicate
def is_chair(user: Any) -> bool:
    return Role.CHAIR.value in role_names(user)


@rules.predicate
def is_delegate(user: Any) -> bool:
    return Role.DELEGATE.value in role_names(user)


@rules.predicate
def is_delegate_of(user: Any, member: Member | None) -> bool:
    """A delegate whose person record belongs to `member`."""
    if member is None or not is_delegate(user):
        return False
    return Person.objects.filter(user=user, member=member).exists()


# The back office: the registry itself.
can_view_members_admin = is_secretariat | is_chair
can_manage_members = is_secretariat
can_import_members = is_secretariat
can_export_members = is_secretariat
# E-mail addresses of people: the secretariat for everyone, a delegate for its own member.
can_view_member_contacts = is_secretariat | is_delegate_of
can_view_people_contacts = is_secretariat
# Logins and the roles they hold.
can_manage_accounts = is_secretariat
can_view_own_account = is_signed_in
