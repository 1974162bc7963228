"""Attacks on the minutes' pages: a delegate who edits or approves, a chair who edits, an edit
after approval, script in an edited text, another organization's assembly."""

from __future__ import annotations

from typing import Any

import pytest

from moim.minutes.enums import SectionKey
from moim.minutes.models import Minutes
from moim.minutes.services import approve_minutes, edit_section, publish_minutes
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory
from tests.minutes.conftest import logged_in

pytestmark = pytest.mark.django_db

EDIT = "/en/minutes/5/section/decisions/"


def _text(minutes: Minutes) -> str:
    return minutes.sections.get(key=SectionKey.DECISIONS).text_en


def test_a_delegate_cannot_edit_a_section(minutes: Minutes, delegate_a: Any) -> None:
    before = _text(minutes)

    response = logged_in(delegate_a).post(EDIT, {"text_en": "Dana's version.", "text_ko": ""})

    assert response.status_code == 403
    assert _text(minutes) == before


def test_a_delegate_cannot_approve(minutes: Minutes, delegate_a: Any) -> None:
    response = logged_in(delegate_a).post("/en/minutes/5/approve/")

    minutes.refresh_from_db()
    assert response.status_code == 403
    assert minutes.approved_at is None


def test_a_delegate_cannot_publish_nor_write(
    minutes: Minutes, delegate_a: Any, secretariat: Any
) -> None:
    approve_minutes(minutes=minutes, by=secretariat)
    client = logged_in(delegate_a)

    published = client.post("/en/minutes/5/publish/")
    written = client.post("/en/minutes/5/write/")
    regenerated = client.post(f"{EDIT}regenerate/", {"confirm": "overwrite"})

    minutes.refresh_from_db()
    assert (published.status_code, written.status_code, regenerated.status_code) == (403,) * 3
    assert minutes.published_at is None


def test_the_chair_approves_but_cannot_edit(minutes: Minutes, chair: Any) -> None:
    client = logged_in(chair)
    before = _text(minutes)

    edited = client.post(EDIT, {"text_en": "The chair's version.", "text_ko": ""})
    client.post("/en/minutes/5/approve/")

    minutes.refresh_from_db()
    assert edited.status_code == 403
    assert _text(minutes) == before
    assert minutes.approved_by == chair


def test_a_visitor_who_is_not_logged_in_finds_nothing(minutes: Minutes) -> None:
    client = logged_in()

    draft = client.get("/en/minutes/5/")
    approve = client.post("/en/minutes/5/approve/")
    published = client.get("/en/minutes/5/published/")

    minutes.refresh_from_db()
    assert (draft.status_code, approve.status_code, published.status_code) == (404, 404, 404)
    assert minutes.approved_at is None


def test_an_edit_after_approval_is_refused_and_the_text_kept(
    minutes: Minutes, secretariat: Any
) -> None:
    approve_minutes(minutes=minutes, by=secretariat)
    before = _text(minutes)

    response = logged_in(secretariat).post(EDIT, {"text_en": "Late change.", "text_ko": ""})

    html = response.content.decode()
    assert response.status_code == 400
    assert "approved: their text can no longer change" in html
    assert "Late change." in html  # what was typed is shown again, not lost
    assert _text(minutes) == before


def test_script_in_an_edited_section_is_shown_as_text(minutes: Minutes, secretariat: Any) -> None:
    attack = '<script>alert("x")</script>\n\n<img src=x onerror=alert(1)>'
    section = minutes.sections.get(key=SectionKey.DECISIONS)
    edit_section(section=section, by=secretariat, text_en=attack, text_ko=attack)
    approve_minutes(minutes=minutes, by=secretariat)
    publish_minutes(minutes=minutes, by=secretariat)

    public = logged_in().get("/en/minutes/5/published/").content.decode()
    draft = logged_in(secretariat).get("/en/minutes/5/").content.decode()

    for html in (public, draft):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_another_organization_s_minutes_are_not_found(
    minutes: Minutes, secretariat: Any, organization: Any
) -> None:
    other = AssemblyFactory(
        organization=OrganizationFactory(slug="elsewhere", name_en="Elsewhere Cities"),
        edition=9,
        title_en="Elsewhere Assembly",
    )
    Minutes.objects.create(assembly=other, drafted_at=minutes.drafted_at)
    client = logged_in(secretariat)

    draft = client.get("/en/minutes/9/")
    approve = client.post("/en/minutes/9/approve/")
    ours = client.get("/en/minutes/5/").content.decode()

    assert (draft.status_code, approve.status_code) == (404, 404)
    assert "Elsewhere Assembly" not in ours
    assert Minutes.objects.get(assembly=other).approved_at is None
