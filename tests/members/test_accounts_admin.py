"""Accounts in the back office: opening a login with its roles, and taking roles away."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from moim.members.enums import Role
from moim.members.services import assign_role
from tests.conftest import Persona
from tests.factories import UserFactory


def test_secretariat_opens_a_login_with_a_role(client: Client, secretariat: Persona) -> None:
    client.force_login(secretariat)
    form = client.get("/en/admin/auth/user/add/").content.decode()
    assert "Chair" in form  # the roles, as checkboxes with readable labels
    chair = Group.objects.get(name=Role.CHAIR.value)

    response = client.post(
        "/en/admin/auth/user/add/",
        {
            "username": "presiding",
            "email": "presiding@example.org",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "groups": [str(chair.pk)],
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(username="presiding")
    assert user.email == "presiding@example.org"
    assert list(user.groups.values_list("name", flat=True)) == [Role.CHAIR.value]
    assert user.is_staff
    assert user.check_password("a long enough passphrase")


def test_taking_the_last_back_office_role_closes_the_back_office(
    client: Client, secretariat: Persona
) -> None:
    former = UserFactory(username="former")
    assign_role(user=former, role=Role.CHAIR)
    client.force_login(secretariat)

    client.post(
        "/en/admin/auth/user/",
        {"action": "remove_role_chair", "_selected_action": [former.pk]},
    )

    former.refresh_from_db()
    assert former.groups.count() == 0
    assert not former.is_staff


def test_role_actions_are_offered_by_name(client: Client, secretariat: Persona) -> None:
    client.force_login(secretariat)

    html = client.get("/en/admin/auth/user/").content.decode()

    for label in (
        "Give the role: Secretariat",
        "Give the role: Juror",
        "Take away the role: Chair",
    ):
        assert label in html
