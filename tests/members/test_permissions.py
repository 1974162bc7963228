"""Who sees what: staff pages and the back office, for every persona.

Outsiders (anonymous) get 404, a logged-in person without the right gets 403, and the
e-mail addresses that could leak are in the database for every test.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moim.members.enums import Role
from moim.members.models import Member, Person
from moim.members.services import assign_role
from tests.conftest import Persona
from tests.factories import PersonFactory, UserFactory

SECRET = "mayor.private@seoul.example.org"
CONTACTS = "/en/members/seoul/contacts/"
PERSONAS = ["secretariat", "chair", "delegate_a", "delegate_b", "juror", "outsider"]


@pytest.fixture
def seoul_mayor(city_a: Member) -> Person:
    return PersonFactory(
        organization=city_a.organization, member=city_a, name_en="Seoul Mayor", email=SECRET
    )


@pytest.fixture
def everyone(
    secretariat: Persona,
    chair: Persona,
    delegate_a: Persona,
    delegate_b: Persona,
    juror: Persona,
    outsider: Persona,
) -> dict[str, Persona]:
    return {
        "secretariat": secretariat,
        "chair": chair,
        "delegate_a": delegate_a,
        "delegate_b": delegate_b,
        "juror": juror,
        "outsider": outsider,
    }


def as_persona(client: Client, everyone: dict[str, Persona], name: str) -> Client:
    if name != "anonymous":
        client.force_login(everyone[name])
    return client


# --- a member's contacts ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["secretariat", "delegate_a"])
def test_contacts_shown_to_secretariat_and_the_members_own_delegate(
    client: Client, everyone: dict[str, Persona], seoul_mayor: Person, name: str
) -> None:
    html = as_persona(client, everyone, name).get(CONTACTS).content.decode()

    assert "Contacts of Seoul" in html
    assert f'<a href="mailto:{SECRET}">{SECRET}</a>' in html
    assert "dana.delegate@example.org" in html
    assert "Diego" not in html  # Mexico City's people are not Seoul's


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 404),
        ("chair", 403),
        ("delegate_b", 403),
        ("juror", 403),
        ("outsider", 403),
    ],
)
def test_contacts_refused_to_everyone_else(
    client: Client, everyone: dict[str, Persona], seoul_mayor: Person, name: str, status: int
) -> None:
    response = as_persona(client, everyone, name).get(CONTACTS)

    assert response.status_code == status
    assert SECRET not in response.content.decode()
    assert "dana.delegate@example.org" not in response.content.decode()


def test_contacts_of_unknown_member_is_404_even_for_secretariat(
    client: Client, secretariat: Persona
) -> None:
    client.force_login(secretariat)

    response = client.get("/en/members/atlantis/contacts/")

    assert response.status_code == 404
    assert "Contacts of" not in response.content.decode()


def test_contacts_page_queries_do_not_grow_with_people(
    client: Client, secretariat: Persona, city_a: Member
) -> None:
    client.force_login(secretariat)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert "Contacts of Seoul" in client.get(CONTACTS).content.decode()
        return len(captured)

    PersonFactory(organization=city_a.organization, member=city_a)
    one = count()
    PersonFactory.create_batch(2, organization=city_a.organization, member=city_a)
    three = count()

    assert one == three


# --- the members export ----------------------------------------------------------------------


def test_export_download_for_secretariat(
    client: Client, secretariat: Persona, city_a: Member
) -> None:
    client.force_login(secretariat)

    response = client.get("/en/members/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("slug,name_en,name_ko,kind,country,region,category")
    assert lines[1].startswith("seoul,Seoul,")


def test_export_download_xlsx_for_secretariat(
    client: Client, secretariat: Persona, city_a: Member
) -> None:
    client.force_login(secretariat)

    response = client.get("/en/members/export.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"  # a zip container, as XLSX is


def test_export_unknown_format_is_404(client: Client, secretariat: Persona) -> None:
    client.force_login(secretariat)

    assert client.get("/en/members/export.pdf").status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 404),
        ("chair", 403),
        ("delegate_a", 403),
        ("delegate_b", 403),
        ("juror", 403),
        ("outsider", 403),
    ],
)
def test_export_refused_to_everyone_but_secretariat(
    client: Client,
    everyone: dict[str, Persona],
    seoul_mayor: Person,
    name: str,
    status: int,
) -> None:
    response = as_persona(client, everyone, name).get("/en/members/export.csv")

    assert response.status_code == status
    assert "seoul,Seoul" not in response.content.decode()


# --- the back office -------------------------------------------------------------------------

MEMBERS_ADMIN = "/en/admin/members/member/"
PEOPLE_ADMIN = "/en/admin/members/person/"


@pytest.mark.parametrize("name", ["anonymous", "delegate_a", "delegate_b", "juror", "outsider"])
def test_back_office_closed_to_people_without_a_back_office_role(
    client: Client, everyone: dict[str, Persona], seoul_mayor: Person, name: str
) -> None:
    as_persona(client, everyone, name)

    for url in (MEMBERS_ADMIN, PEOPLE_ADMIN, f"{PEOPLE_ADMIN}{seoul_mayor.pk}/change/"):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.redirect_chain[0][0].startswith("/en/admin/login/")
        assert SECRET not in html
        assert "Select member to" not in html


@pytest.fixture
def chair_in_back_office(client: Client, chair: Persona) -> Client:
    assign_role(user=chair, role=Role.CHAIR)  # brings staff status with it
    client.force_login(chair)
    return client


def test_chair_views_members_but_cannot_change_them(
    chair_in_back_office: Client, city_a: Member, seoul_mayor: Person
) -> None:
    client = chair_in_back_office
    listing = client.get(MEMBERS_ADMIN).content.decode()
    assert "Select member to view" in listing
    assert ">Seoul<" in listing
    assert "Add member" not in listing
    page = client.get(f"{MEMBERS_ADMIN}{city_a.pk}/change/").content.decode()
    assert "View member" in page
    assert 'name="_save"' not in page

    response = client.post(
        f"{MEMBERS_ADMIN}{city_a.pk}/change/", {"name_en": "Renamed", "slug": "seoul"}
    )

    assert response.status_code == 403
    city_a.refresh_from_db()
    assert city_a.name_en == "Seoul"
    assert client.post(f"{MEMBERS_ADMIN}add/", {"name_en": "New"}).status_code == 403
    assert client.post(f"{MEMBERS_ADMIN}{city_a.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Member.objects.filter(pk=city_a.pk).exists()


def test_chair_cannot_import_export_or_see_emails_in_back_office(
    chair_in_back_office: Client, city_a: Member, seoul_mayor: Person
) -> None:
    client = chair_in_back_office

    assert client.get(f"{MEMBERS_ADMIN}import/").status_code == 403
    assert client.get(f"{MEMBERS_ADMIN}export/").status_code == 403
    for url in (
        PEOPLE_ADMIN,
        f"{PEOPLE_ADMIN}{seoul_mayor.pk}/change/",
        f"{MEMBERS_ADMIN}{city_a.pk}/change/",
        f"{PEOPLE_ADMIN}?q=mayor.private",
    ):
        html = client.get(url).content.decode()
        assert "Seoul Mayor" in html or "0 people" in html
        assert SECRET not in html, url


def test_chair_cannot_find_a_member_by_a_contacts_email(
    chair_in_back_office: Client, city_a: Member, seoul_mayor: Person
) -> None:
    response = chair_in_back_office.get(MEMBERS_ADMIN, {"q": SECRET})

    assert list(response.context["cl"].result_list) == []
    assert SECRET not in response.content.decode().replace(f'value="{SECRET}"', "")


def test_chair_cannot_manage_accounts(chair_in_back_office: Client, outsider: Persona) -> None:
    response = chair_in_back_office.get(f"/en/admin/auth/user/{outsider.pk}/change/")

    assert response.status_code == 403
    assert "oscar@example.org" not in response.content.decode()


def test_secretariat_changes_a_member(
    client: Client, secretariat: Persona, delegate_a: Persona, city_a: Member
) -> None:
    client.force_login(secretariat)
    page = client.get(f"{MEMBERS_ADMIN}{city_a.pk}/change/").content.decode()
    assert 'name="_save"' in page
    assert "dana.delegate@example.org" in page  # the people inline shows e-mails to staff
    data = {
        "organization": city_a.organization_id,
        "name_en": "Seoul Metropolitan Government",
        "slug": "seoul",
        "kind": city_a.kind,
        "country": "KR",
        "region": city_a.region_id,
        "category": city_a.category_id,
        "status": "active",
        "fees_paid_through": "2026",
        "people-TOTAL_FORMS": "0",
        "people-INITIAL_FORMS": "0",
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
    }

    response = client.post(f"{MEMBERS_ADMIN}{city_a.pk}/change/", data)

    assert response.status_code == 302
    city_a.refresh_from_db()
    assert city_a.name_en == "Seoul Metropolitan Government"


def test_secretariat_sees_people_emails(
    client: Client, secretariat: Persona, seoul_mayor: Person
) -> None:
    client.force_login(secretariat)

    html = client.get(PEOPLE_ADMIN).content.decode()

    assert SECRET in html


# --- accounts and roles in the back office ----------------------------------------------------


def test_secretariat_gives_roles_on_the_user_page(
    client: Client, secretariat: Persona, outsider: Persona
) -> None:
    from django.contrib.auth.models import Group

    client.force_login(secretariat)
    page = client.get(f"/en/admin/auth/user/{outsider.pk}/change/").content.decode()
    assert "Roles" in page
    assert "Member delegate" in page  # roles by their readable label
    assert 'name="is_superuser"' not in page
    chair_group = Group.objects.get(name=Role.CHAIR.value)

    response = client.post(
        f"/en/admin/auth/user/{outsider.pk}/change/",
        {
            "username": "oscar",
            "email": "oscar@example.org",
            "groups": [str(chair_group.pk)],
            "is_active": "on",
            "is_superuser": "on",  # ignored: not on the form for the secretariat
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    outsider.refresh_from_db()
    assert list(outsider.groups.values_list("name", flat=True)) == [Role.CHAIR.value]
    assert outsider.is_staff  # chair opens the back office
    assert not outsider.is_superuser


def test_secretariat_gives_a_role_to_many_accounts_at_once(
    client: Client, secretariat: Persona, outsider: Persona
) -> None:
    other = UserFactory(username="olga")
    client.force_login(secretariat)

    client.post(
        "/en/admin/auth/user/",
        {"action": "give_role_juror", "_selected_action": [outsider.pk, other.pk]},
    )

    for user in (outsider, other):
        assert list(user.groups.values_list("name", flat=True)) == [Role.JUROR.value]


def test_secretariat_cannot_touch_a_superuser(client: Client, secretariat: Persona) -> None:
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(secretariat)

    response = client.post(
        f"/en/admin/auth/user/{root.pk}/change/", {"username": "root", "email": "x@example.org"}
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@example.org"
    password = client.post(
        f"/en/admin/auth/user/{root.pk}/password/",
        {"password1": "taken over 12345", "password2": "taken over 12345"},
    )
    assert password.status_code == 403
    root.refresh_from_db()
    assert root.check_password("correct horse battery")


def test_anonymous_is_nobody(db: None) -> None:
    from moim.members.rules import can_view_member_contacts, is_secretariat

    assert not is_secretariat.test(AnonymousUser())
    assert not can_view_member_contacts.test(AnonymousUser(), None)
