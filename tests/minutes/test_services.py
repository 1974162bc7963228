"""Drafting, editing, regenerating, approving and publishing the minutes, and the freeze."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from moim.errors import Conflict, Invalid, NotAllowed
from moim.minutes.enums import MinutesStage, SectionKey
from moim.minutes.models import Minutes
from moim.minutes.services import (
    approve_minutes,
    draft_minutes,
    edit_section,
    publish_minutes,
    regenerate_section,
    withdraw_minutes,
)
from moim.permissions import SYSTEM
from tests.site.publication_plenary import Published

pytestmark = pytest.mark.django_db


def _decisions(minutes: Minutes) -> Any:
    return minutes.sections.get(key=SectionKey.DECISIONS)


def test_a_draft_has_every_section_in_order_in_both_languages(minutes: Minutes) -> None:
    sections = list(minutes.sections.all())

    assert [s.key for s in sections] == SectionKey.values
    assert all(s.text_en and s.text_ko for s in sections)
    assert not any(s.edited for s in sections)
    assert minutes.stage == MinutesStage.DRAFT


def test_writing_again_refreshes_unedited_sections_and_keeps_edited_ones(
    minutes: Minutes, plenary: Published, secretariat: Any
) -> None:
    decisions = _decisions(minutes)
    edit_section(section=decisions, by=secretariat, text_en="Our wording.", text_ko="우리 문안.")
    plenary.motion.title_en = "Adopt the 2031 Master Plan"
    plenary.motion.save()

    draft_minutes(assembly=plenary.plenary.assembly, by=secretariat)

    decisions.refresh_from_db()
    attendance = minutes.sections.get(key=SectionKey.ATTENDANCE)
    assert decisions.text_en == "Our wording."
    assert decisions.edited_by == secretariat
    assert "Adopt the 2030 Master Plan" in decisions.generated_en  # left untouched
    assert "Adopt the 2031 Master Plan" in attendance.text_en


def test_regenerating_an_edited_section_warns_then_overwrites_on_request(
    minutes: Minutes, secretariat: Any
) -> None:
    decisions = _decisions(minutes)
    edit_section(section=decisions, by=secretariat, text_en="Our wording.", text_ko="")

    with pytest.raises(Conflict, match="replaces the edit"):
        regenerate_section(section=decisions, by=secretariat)
    decisions.refresh_from_db()
    kept = decisions.text_en
    regenerate_section(section=decisions, by=secretariat, overwrite=True)

    decisions.refresh_from_db()
    assert kept == "Our wording."
    assert "Adopt the 2030 Master Plan" in decisions.text_en
    assert not decisions.edited


def test_approval_records_who_and_when(minutes: Minutes, chair: Any) -> None:
    before = timezone.now()

    approve_minutes(minutes=minutes, by=chair)

    minutes.refresh_from_db()
    assert minutes.approved_by == chair
    assert minutes.approved_by_name == "Charles Chair"
    assert minutes.approved_at is not None
    assert minutes.approved_at >= before
    assert minutes.stage == MinutesStage.APPROVED


def test_approved_minutes_are_frozen(minutes: Minutes, secretariat: Any) -> None:
    approve_minutes(minutes=minutes, by=secretariat)
    decisions = _decisions(minutes)
    text = decisions.text_en

    with pytest.raises(Conflict, match="approved"):
        edit_section(section=decisions, by=secretariat, text_en="Rewritten.", text_ko="")
    with pytest.raises(Conflict, match="approved"):
        regenerate_section(section=decisions, by=secretariat, overwrite=True)
    with pytest.raises(Conflict, match="approved"):
        draft_minutes(assembly=minutes.assembly, by=secretariat)
    with pytest.raises(Conflict, match="already approved"):
        approve_minutes(minutes=minutes, by=secretariat)

    decisions.refresh_from_db()
    assert decisions.text_en == text


def test_only_approved_minutes_are_published(minutes: Minutes, secretariat: Any) -> None:
    with pytest.raises(Conflict, match="approve them first"):
        publish_minutes(minutes=minutes, by=secretariat)

    approve_minutes(minutes=minutes, by=secretariat)
    publish_minutes(minutes=minutes, by=secretariat)
    minutes.refresh_from_db()
    published = minutes.stage
    withdraw_minutes(minutes=minutes, by=secretariat)
    minutes.refresh_from_db()

    assert published == MinutesStage.PUBLISHED
    assert minutes.stage == MinutesStage.APPROVED


def test_the_database_refuses_published_minutes_that_are_not_approved(minutes: Minutes) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Minutes.objects.filter(pk=minutes.pk).update(published_at=timezone.now())


def test_the_system_drafts_approves_and_publishes_without_a_name(plenary: Published) -> None:
    minutes = draft_minutes(assembly=plenary.plenary.assembly, by=SYSTEM)
    approve_minutes(minutes=minutes, by=SYSTEM)
    publish_minutes(minutes=minutes, by=SYSTEM)

    minutes.refresh_from_db()
    assert minutes.approved_by is None
    assert minutes.approved_by_name == ""
    assert minutes.published_at is not None


def test_a_control_character_or_an_empty_english_text_is_refused(
    minutes: Minutes, secretariat: Any
) -> None:
    decisions = _decisions(minutes)

    with pytest.raises(Invalid, match="U\\+001B") as bad:
        edit_section(section=decisions, by=secretariat, text_en="a\x1b[2J", text_ko="")
    with pytest.raises(Invalid, match="English text cannot be empty"):
        edit_section(section=decisions, by=secretariat, text_en="  \n", text_ko="")

    assert bad.value.field == "text_en"


@pytest.mark.parametrize("who", ["delegate_a", "chair", "outsider"])
def test_only_the_secretariat_drafts_and_edits(
    minutes: Minutes, who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    decisions = _decisions(minutes)

    with pytest.raises(NotAllowed):
        edit_section(section=decisions, by=user, text_en="Mine.", text_ko="")
    with pytest.raises(NotAllowed):
        regenerate_section(section=decisions, by=user, overwrite=True)
    with pytest.raises(NotAllowed):
        draft_minutes(assembly=minutes.assembly, by=user)
    with pytest.raises(NotAllowed):
        publish_minutes(minutes=minutes, by=user)


@pytest.mark.parametrize("who", ["delegate_a", "outsider", None])
def test_a_delegate_or_outsider_cannot_approve(
    minutes: Minutes, who: str | None, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who) if who else None

    with pytest.raises(NotAllowed):
        approve_minutes(minutes=minutes, by=user)

    minutes.refresh_from_db()
    assert minutes.approved_at is None
