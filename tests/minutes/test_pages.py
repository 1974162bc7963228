"""The secretariat writes, edits and regenerates the minutes on their page, the chair approves,
the secretariat publishes, and the public reads them in either language."""

from __future__ import annotations

from typing import Any

import pytest

from moim.minutes.models import Minutes
from moim.minutes.services import approve_minutes, edit_section, publish_minutes
from tests.minutes.conftest import logged_in
from tests.site.publication_plenary import Published

pytestmark = pytest.mark.django_db

DRAFT = "/en/minutes/5/"


def test_minutes_walked_from_a_blank_start_to_publication(
    plenary: Published, secretariat: Any, chair: Any
) -> None:
    staff = logged_in(secretariat)
    blank = staff.get(DRAFT).content.decode()
    staff.post(f"{DRAFT}write/")
    drafted = staff.get(DRAFT).content.decode()
    form = staff.get(f"{DRAFT}section/closing/").content.decode()
    staff.post(
        f"{DRAFT}section/closing/",
        {"text_en": "The chair closed the sitting.\n\nThanks.", "text_ko": "의장이 폐회하였다."},
    )
    warned = staff.post(f"{DRAFT}section/closing/regenerate/").content.decode()
    minutes = Minutes.objects.get(assembly=plenary.plenary.assembly)
    still_edited = minutes.sections.get(key="closing").text_en
    logged_in(chair).post(f"{DRAFT}approve/")
    staff.post(f"{DRAFT}publish/")
    english = logged_in().get(f"{DRAFT}published/").content.decode()
    korean = logged_in().get("/ko/minutes/5/published/").content.decode()

    assert "Write the minutes from the records" in blank
    assert "Adopt the 2030 Master Plan" in drafted
    assert "Yes 8, No 2 and Abstain 2" in drafted
    assert "찬성 8, 반대 2, 기권 2" in drafted  # the Korean column beside the English
    assert 'name="text_ko"' in form
    assert "replaces your edit" in warned
    assert still_edited == "The chair closed the sitting.\n\nThanks."
    assert "<p>The chair closed the sitting.</p>" in english
    assert "<p>Thanks.</p>" in english
    assert "Yes 8, No 2 and Abstain 2" in english
    assert "Approved by Charles Chair" in english
    assert "의장이 폐회하였다." in korean
    assert "찬성 8, 반대 2, 기권 2" in korean


def test_confirmed_regeneration_replaces_the_edit(minutes: Minutes, secretariat: Any) -> None:
    staff = logged_in(secretariat)
    staff.post(f"{DRAFT}section/closing/", {"text_en": "Ours.", "text_ko": ""})

    staff.post(f"{DRAFT}section/closing/regenerate/", {"confirm": "overwrite"})

    closing = minutes.sections.get(key="closing")
    assert closing.text_en == closing.generated_en
    assert "The General Assembly closed on" in closing.text_en


def test_an_empty_english_text_shows_the_form_again_with_the_korean_kept(
    minutes: Minutes, secretariat: Any
) -> None:
    response = logged_in(secretariat).post(
        f"{DRAFT}section/closing/", {"text_en": "", "text_ko": "한국어 문안"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "한국어 문안" in html
    assert "errorlist" in html
    assert minutes.sections.get(key="closing").text_ko != "한국어 문안"


def test_unpublished_minutes_are_not_public(minutes: Minutes, secretariat: Any) -> None:
    approve_minutes(minutes=minutes, by=secretariat)

    before = logged_in().get(f"{DRAFT}published/")
    publish_minutes(minutes=minutes, by=secretariat)
    after = logged_in().get(f"{DRAFT}published/")

    assert before.status_code == 404
    assert "Minutes of the sitting" in after.content.decode()


def test_the_back_office_withdraws_published_minutes(minutes: Minutes, secretariat: Any) -> None:
    approve_minutes(minutes=minutes, by=secretariat)
    publish_minutes(minutes=minutes, by=secretariat)
    staff = logged_in(secretariat)

    listing = staff.get("/en/admin/moim_minutes/minutes/").content.decode()
    staff.post(
        "/en/admin/moim_minutes/minutes/",
        {"action": "unpublish", "_selected_action": [minutes.pk]},
    )

    minutes.refresh_from_db()
    assert '<option value="unpublish">Withdraw from publication</option>' in listing
    assert minutes.published_at is None


def test_the_published_page_reads_the_same_number_of_queries(
    minutes: Minutes, secretariat: Any, django_assert_num_queries: Any
) -> None:
    approve_minutes(minutes=minutes, by=secretariat)
    publish_minutes(minutes=minutes, by=secretariat)
    client = logged_in()

    with django_assert_num_queries(4):
        client.get(f"{DRAFT}published/")


def test_the_back_office_writes_an_assembly_s_minutes_and_leads_to_their_page(
    plenary: Published, secretariat: Any
) -> None:
    staff = logged_in(secretariat)
    assembly = plenary.plenary.assembly

    response = staff.post("/en/admin/moim_minutes/minutes/add/", {"assembly": assembly.pk})
    listing = staff.get("/en/admin/moim_minutes/minutes/").content.decode()

    minutes = Minutes.objects.get(assembly=assembly)
    assert response["Location"] == DRAFT
    assert minutes.sections.count() == 8
    assert f'href="{DRAFT}"' in listing


def test_a_delegate_finds_no_minutes_in_the_back_office(minutes: Minutes, delegate_a: Any) -> None:
    delegate_a.is_staff = True
    delegate_a.save()

    response = logged_in(delegate_a).post(
        "/en/admin/moim_minutes/minutes/",
        {"action": "approve", "_selected_action": [minutes.pk]},
    )

    minutes.refresh_from_db()
    assert response.status_code == 403
    assert minutes.approved_at is None


@pytest.mark.parametrize("edited", [1, 3])
def test_the_draft_page_reads_as_many_queries_whatever_the_edits(
    minutes: Minutes, secretariat: Any, edited: int, django_assert_num_queries: Any
) -> None:
    for section in list(minutes.sections.all())[:edited]:
        edit_section(section=section, by=secretariat, text_en="Edited.", text_ko="수정.")
    client = logged_in(secretariat)
    client.get(DRAFT)  # the session and the roles are read once for the client

    with django_assert_num_queries(7):
        html = client.get(DRAFT).content.decode()

    assert html.count("Edited on") == edited
