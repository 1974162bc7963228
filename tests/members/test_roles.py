"""Roles are groups with exactly their permission sets, and predicates read them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from moim.members.enums import Role
from moim.members.models import Member
from moim.members.roles import ROLE_PERMISSIONS, ensure_role_groups, permissions_for
from moim.members.rules import (
    can_export_members,
    can_import_members,
    can_manage_accounts,
    can_manage_members,
    can_view_member_contacts,
    can_view_members_admin,
    can_view_own_account,
    is_chair,
    is_delegate,
    is_secretariat,
)
from moim.members.services import assign_role, remove_role
from tests.conftest import Persona
from tests.factories import UserFactory


def codenames(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


@pytest.mark.django_db
def test_every_role_has_a_group_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_groups_hold_every_permission_the_table_names(role: Role) -> None:
    # Apps listed after `members` in INSTALLED_APPS count too: the groups are filled after
    # the last app's permissions exist.
    for target, actions in ROLE_PERMISSIONS[role].items():
        app_label, _dot, model = target.partition(".")
        held = {name for name in codenames(role) if name.startswith(f"{app_label}.")}
        for action in actions:
            expected = Permission.objects.filter(
                content_type__app_label=app_label, codename__startswith=f"{action}_"
            )
            if model:
                expected = expected.filter(content_type__model=model)
            assert {f"{app_label}.{p.codename}" for p in expected} <= held, (role, target)
    assert set(Group.objects.get(name=role.value).permissions.all()) == set(
        Permission.objects.filter(permissions_for(role))
    )


@pytest.mark.django_db
def test_secretariat_manages_members_and_accounts_but_not_superusers() -> None:
    held = codenames(Role.SECRETARIAT)
    assert {"members.change_member", "members.delete_member", "auth.change_user"} <= held
    assert "auth.change_group" not in held
    assert "auth.change_permission" not in held


@pytest.mark.django_db
def test_chair_views_members_only() -> None:
    held = {name for name in codenames(Role.CHAIR) if name.startswith("members.")}
    assert held
    assert all(".view_" in name for name in held)
    assert not any(name.startswith("auth.") for name in codenames(Role.CHAIR))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DELEGATE, Role.JUROR])
def test_delegate_and_juror_hold_no_back_office_permission(role: Role) -> None:
    assert not any(name.startswith(("members.", "auth.")) for name in codenames(role))


@pytest.mark.django_db
def test_ensure_role_groups_restores_a_tampered_group() -> None:
    chair = Group.objects.get(name=Role.CHAIR.value)
    chair.permissions.add(Permission.objects.get(codename="delete_member"))
    Group.objects.filter(name=Role.JUROR.value).delete()

    ensure_role_groups()

    assert "members.delete_member" not in codenames(Role.CHAIR)
    assert Group.objects.filter(name=Role.JUROR.value).exists()


def test_predicates_per_persona(
    secretariat: Persona,
    chair: Persona,
    delegate_a: Persona,
    delegate_b: Persona,
    juror: Persona,
    outsider: Persona,
    city_a: Member,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    table = {
        "secretariat": (
            secretariat,
            [
                is_secretariat,
                can_manage_members,
                can_import_members,
                can_export_members,
                can_manage_accounts,
                can_view_members_admin,
            ],
        ),
        "chair": (chair, [is_chair, can_view_members_admin]),
        "delegate_a": (delegate_a, [is_delegate]),
        "delegate_b": (delegate_b, [is_delegate]),
        "juror": (juror, []),
        "outsider": (outsider, []),
    }
    every = [
        is_secretariat,
        is_chair,
        is_delegate,
        can_manage_members,
        can_import_members,
        can_export_members,
        can_manage_accounts,
        can_view_members_admin,
    ]
    for name, (user, allowed) in table.items():
        for predicate in every:
            assert predicate.test(user) == (predicate in allowed), (name, predicate.name)
        assert can_view_own_account.test(user)
    assert not any(predicate.test(anonymous) for predicate in every)
    assert not can_view_own_account.test(anonymous)
    # Contacts of Seoul: the secretariat and Seoul's own delegate only.
    assert can_view_member_contacts.test(secretariat, city_a)
    assert can_view_member_contacts.test(delegate_a, city_a)
    for user in (chair, delegate_b, juror, outsider, anonymous):
        assert not can_view_member_contacts.test(user, city_a)


@pytest.mark.django_db
def test_superuser_counts_as_secretariat_and_inactive_users_as_nobody() -> None:
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    gone = UserFactory(username="gone", is_active=False, roles=[Role.SECRETARIAT])

    assert is_secretariat.test(root)
    assert not is_secretariat.test(gone)


@pytest.mark.django_db
def test_back_office_roles_bring_staff_status_and_take_it_away() -> None:
    user = UserFactory(username="newchair")
    assert not user.is_staff

    assign_role(user=user, role=Role.CHAIR)
    user.refresh_from_db()
    assert user.is_staff
    assert is_chair.test(user)

    assign_role(user=user, role=Role.JUROR)
    remove_role(user=user, role=Role.CHAIR)
    user.refresh_from_db()
    assert not user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {Role.JUROR.value}
