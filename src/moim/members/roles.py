"""Roles are Django groups with a fixed permission set each, kept in step after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

from moim.members.enums import Role

# app_label -> actions on every model of that app. Apps added later extend this table.
ROLE_PERMISSIONS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.SECRETARIAT: {"members": ("view", "add", "change", "delete"), "auth": ("view",)},
    Role.CHAIR: {"members": ("view",)},
    Role.DELEGATE: {},
    Role.JUROR: {},
}


def ensure_role_groups(**_: Any) -> None:
    """Create each role's group and give it exactly its permission set."""
    for role, table in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for app_label, actions in table.items():
            wanted += list(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__regex=r"^(" + "|".join(actions) + r")_",
                )
            )
        group.permissions.set(wanted)
