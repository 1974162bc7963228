"""Every back-office page of the registry opens for the secretariat, in English and Korean."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moim.members.enums import OfficeKind, Role, TermSource
from moim.members.models import Member, Office, Person, Term
from tests.conftest import Persona
from tests.factories import PersonFactory, UserFactory

MODELS = ["organization", "membercategory", "region", "member", "person", "office", "term"]


@pytest.fixture
def registry(city_a: Member, city_b: Member) -> Term:
    office = Office.objects.create(
        organization=city_a.organization,
        kind=OfficeKind.PRESIDENT,
        name_en="President",
        name_ko="회장",
        seats=1,
    )
    PersonFactory(organization=city_a.organization, member=city_a, name_en="Seoul Mayor")
    return Term.objects.create(
        office=office, member=city_a, starts=dt.date(2021, 10, 18), source=TermSource.ELECTION
    )


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("model", MODELS)
def test_changelist_add_and_change_pages_open(
    client: Client, secretariat: Persona, registry: Term, model: str, language: str
) -> None:
    client.force_login(secretariat)
    base = f"/{language}/admin/members/{model}/"

    listing = client.get(base)
    adding = client.get(f"{base}add/")
    first = listing.context["cl"].result_list[0]
    changing = client.get(f"{base}{first.pk}/change/")

    assert listing.status_code == adding.status_code == changing.status_code == 200
    assert f'lang="{language}"' in listing.content.decode()


def test_member_page_has_people_and_terms_inlines(
    client: Client, secretariat: Persona, registry: Term, city_a: Member
) -> None:
    client.force_login(secretariat)

    html = client.get(f"/en/admin/members/member/{city_a.pk}/change/").content.decode()

    assert "People of this member" in html
    assert "Seoul Mayor" in html
    assert "Terms of office" in html
    assert 'value="Seoul Mayor"' in html


def test_office_page_lists_its_terms(client: Client, secretariat: Persona, registry: Term) -> None:
    client.force_login(secretariat)

    html = client.get(f"/en/admin/members/office/{registry.office_id}/change/").content.decode()

    assert "Terms of office" in html
    assert "Seoul" in html


def test_korean_names_shown_beside_english(
    client: Client, secretariat: Persona, city_a: Member
) -> None:
    city_a.name_ko = "서울"
    city_a.save()
    client.force_login(secretariat)

    html = client.get("/ko/admin/members/member/").content.decode()

    assert ">서울<" in html
    assert ">Seoul<" in html


def test_member_autocomplete_for_terms(
    client: Client, secretariat: Persona, registry: Term
) -> None:
    client.force_login(secretariat)

    response = client.get(
        "/en/admin/autocomplete/",
        {"app_label": "members", "model_name": "term", "field_name": "member", "term": "Mex"},
    )

    assert [item["text"] for item in json.loads(response.content)["results"]] == ["Mexico City"]


@pytest.mark.parametrize("page", ["user", "group"])
def test_account_pages_open(
    client: Client, secretariat: Persona, outsider: Persona, page: str
) -> None:
    client.force_login(secretariat)

    html = client.get(f"/en/admin/auth/{page}/").content.decode()

    assert "Moim back office" in html
    if page == "user":
        assert "oscar" in html
        assert "Secretariat" in html  # sofia's roles column
    else:
        assert "Member delegate" in html  # role groups by their readable label


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_people_terms_and_users_lists_do_not_grow_with_rows(
    client: Client, secretariat: Persona, registry: Term, city_a: Member
) -> None:
    client.force_login(secretariat)
    urls = ["/en/admin/members/person/", "/en/admin/members/term/", "/en/admin/auth/user/"]
    before = [queries_for(client, url) for url in urls]

    for number in range(2):
        user = UserFactory(username=f"extra{number}", roles=[Role.JUROR, Role.DELEGATE])
        PersonFactory(organization=city_a.organization, member=city_a, user=user)
        Term.objects.create(
            office=registry.office,
            person=Person.objects.get(user=user),
            starts=dt.date(2022, 1, 1),
            source=TermSource.APPOINTMENT,
        )

    assert [queries_for(client, url) for url in urls] == before
