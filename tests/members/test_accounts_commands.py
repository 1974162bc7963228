"""`moim create-secretariat` makes (or repairs) a secretariat login, and can run again."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from moim.members.enums import Role


@pytest.mark.django_db
def test_create_secretariat_makes_staff_secretariat_account() -> None:
    out = io.StringIO()

    call_command(
        "create-secretariat",
        "demo",
        email="demo@example.org",
        password="a long demo pass 7",
        stdout=out,
    )

    user = get_user_model().objects.get(username="demo")
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [Role.SECRETARIAT.value]
    assert user.check_password("a long demo pass 7")
    assert out.getvalue() == "created secretariat account demo\n"


@pytest.mark.django_db
def test_create_secretariat_is_idempotent_and_keeps_password() -> None:
    call_command(
        "create-secretariat",
        "demo",
        email="old@example.org",
        password="first pass 1234",
        stdout=io.StringIO(),
    )
    out = io.StringIO()

    call_command("create-secretariat", "demo", email="new@example.org", stdout=out)

    users = get_user_model().objects.filter(username="demo")
    assert users.count() == 1
    user = users.get()
    assert user.email == "new@example.org"
    assert user.check_password("first pass 1234")
    assert user.groups.count() == 1
    assert out.getvalue() == "updated secretariat account demo\n"


@pytest.mark.django_db
def test_create_secretariat_without_password_cannot_log_in_until_reset() -> None:
    call_command("create-secretariat", "demo", email="demo@example.org", stdout=io.StringIO())

    assert not get_user_model().objects.get(username="demo").has_usable_password()


@pytest.mark.django_db
def test_create_secretariat_rejects_weak_password_unless_allowed() -> None:
    with pytest.raises(CommandError, match="too short"):
        call_command("create-secretariat", "demo", email="demo@example.org", password="demo")
    assert not get_user_model().objects.filter(username="demo").exists()

    call_command(
        "create-secretariat",
        "demo",
        email="demo@example.org",
        password="demo",
        allow_weak_password=True,
        stdout=io.StringIO(),
    )
    assert get_user_model().objects.get(username="demo").check_password("demo")


@pytest.mark.django_db
def test_create_secretariat_rejects_bad_email() -> None:
    with pytest.raises(CommandError, match="valid email"):
        call_command("create-secretariat", "demo", email="not-an-address")
    assert not get_user_model().objects.filter(username="demo").exists()
