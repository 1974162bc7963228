"""Roles are Django groups with a fixed permission set each, kept in step after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from moim.members.enums import Role

# "app_label" (every model of the app) or "app_label.model" -> the actions allowed on it.
# Apps added later extend this table; the groups follow at the next migrate.
ROLE_PERMISSIONS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.SECRETARIAT: {
        "members": ("view", "add", "change", "delete"),
        "assemblies": ("view", "add", "change", "delete"),
        "governance": ("view", "add", "change", "delete", "run"),
        "awards": ("view", "add", "change", "delete"),
        # Motions members table: rules, workflows, admission (through the services).
        "motions": ("view", "add", "change", "delete"),
        # The public site's press release: drafted, edited and published by the secretariat.
        "moim_site": ("view", "add", "change", "delete", "publish"),
        # Lists of speakers: read in the back office, run from the chair's console.
        "floor": ("view",),
        # The convocation, messages to groups, their templates and the mailing rules.
        "mailings": ("view", "add", "change", "delete"),
        # Accounts: the secretariat opens logins and hands out roles; it never edits the
        # role groups themselves (they are defined here) and cannot make superusers.
        "auth.user": ("view", "add", "change"),
        "auth.group": ("view",),
        # Logins locked after failed attempts: seen and lifted (deleted) by the secretariat.
        "axes.accessattempt": ("view", "delete"),
        "axes.accesslog": ("view",),
        # A second factor lost with its phone: the secretariat removes the device, so its
        # holder can set up a new one. The device's secret is never shown in the back office.
        "otp_totp.totpdevice": ("view", "delete"),
        "otp_static.staticdevice": ("view", "delete"),
    },
    Role.CHAIR: {
        "members": ("view",),
        "governance": ("view", "run"),
        "awards": ("view",),
        "floor": ("view",),
    },
    Role.DELEGATE: {},
    Role.JUROR: {},
}

# Roles whose holders work in the back office (the Django admin), and so need `is_staff`.
STAFF_ROLES: frozenset[Role] = frozenset({Role.SECRETARIAT, Role.CHAIR})


def permissions_for(role: Role) -> Q:
    """The permissions a role's group holds, as a filter on Permission."""
    wanted = Q(pk__in=[])
    for target, actions in ROLE_PERMISSIONS[role].items():
        app_label, _dot, model = target.partition(".")
        scope = Q(content_type__app_label=app_label)
        if model:
            scope &= Q(content_type__model=model)
        codenames = Q(codename__regex=r"^(" + "|".join(actions) + r")_")
        wanted |= scope & codenames
    return wanted


def ensure_role_groups(**_: Any) -> None:
    """Create each role's group and give it exactly its permission set (idempotent)."""
    for role in ROLE_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(permissions_for(role)))
