"""State changes of the minutes: draft from the records, edit or regenerate a section, approve
(which freezes the text), publish and withdraw. Each checks access first, then acts in one
transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.assemblies.models import Assembly
from moim.errors import Conflict, Invalid
from moim.minutes.enums import SectionKey
from moim.minutes.models import Minutes, Section
from moim.minutes.rules import can_approve_minutes, can_edit_minutes, can_publish_minutes
from moim.minutes.writing import section_text
from moim.permissions import require, stored_user
from moim.text import check_plain_text

LANGUAGES = ("en", "ko")


def _refuse_if_approved(minutes: Minutes) -> None:
    if minutes.approved:
        raise Conflict(_("The minutes are approved: their text can no longer change."))


def _write(section: Section) -> None:
    assembly = section.minutes.assembly
    section.generated_en = section_text(assembly, section.key, "en")
    section.generated_ko = section_text(assembly, section.key, "ko")
    section.text_en, section.text_ko = section.generated_en, section.generated_ko
    section.generated_at = timezone.now()
    section.edited_at = None
    section.edited_by = None


@transaction.atomic
def draft_minutes(*, assembly: Assembly, by: Any) -> Minutes:
    """Write the minutes from the records: a new draft with every section, or, for a draft that
    exists, the sections the secretariat has not edited (an edited one is left as it reads;
    `regenerate_section` overwrites it on request). Refused once the minutes are approved."""
    require(can_edit_minutes, by, message=_("Only the secretariat may draft the minutes."))
    now = timezone.now()
    minutes, _created = Minutes.objects.select_for_update().get_or_create(
        assembly=assembly, defaults={"drafted_at": now}
    )
    _refuse_if_approved(minutes)
    minutes.assembly = assembly
    existing = {s.key: s for s in minutes.sections.all()}
    for position, key in enumerate(SectionKey.values):
        section = existing.get(key) or Section(minutes=minutes, key=key)
        section.minutes = minutes
        section.position = position
        if section.pk is None or not section.edited:
            _write(section)
        section.save()
    minutes.drafted_at = now
    minutes.save(update_fields=["drafted_at", "updated_at"])
    return minutes


def _locked(section: Section) -> Minutes:
    """The section's minutes, locked for the change, refused if approved meanwhile."""
    minutes = Minutes.objects.select_for_update().get(pk=section.minutes_id)
    _refuse_if_approved(minutes)
    return minutes


def _clean(text: str, field: str) -> str:
    try:
        cleaned = check_plain_text(text.replace("\r\n", "\n"), multiline=True)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field=field) from None
    return cleaned.strip()


@transaction.atomic
def edit_section(*, section: Section, by: Any, text_en: str, text_ko: str) -> Section:
    """Replace a section's text in both languages with what the secretariat wrote. The text is
    plain (line breaks kept, shown escaped); refused once the minutes are approved."""
    require(can_edit_minutes, by, message=_("Only the secretariat may edit the minutes."))
    minutes = _locked(section)
    section.minutes = minutes
    section.text_en = _clean(text_en, "text_en")
    section.text_ko = _clean(text_ko, "text_ko")
    if not section.text_en.strip():
        raise Invalid(_("The English text cannot be empty."), field="text_en")
    section.edited_at = timezone.now()
    section.edited_by = stored_user(by)
    section.save()
    minutes.save(update_fields=["updated_at"])
    return section


@transaction.atomic
def regenerate_section(*, section: Section, by: Any, overwrite: bool = False) -> Section:
    """Write a section again from the records. An edited section is overwritten only when
    `overwrite` is given: otherwise a `Conflict` warns that the edit would be lost."""
    require(can_edit_minutes, by, message=_("Only the secretariat may edit the minutes."))
    minutes = _locked(section)
    section.minutes = minutes
    if section.edited and not overwrite:
        raise Conflict(
            _("This section was edited; writing it again from the records replaces the edit.")
        )
    _write(section)
    section.save()
    minutes.save(update_fields=["updated_at"])
    return section


@transaction.atomic
def approve_minutes(*, minutes: Minutes, by: Any) -> Minutes:
    """Approve the minutes as they read now (the chair or the secretariat): who and when are
    recorded, and the text is frozen from then on."""
    require(can_approve_minutes, by, message=_("Only the chair or the secretariat may approve."))
    minutes = Minutes.objects.select_for_update().select_related("assembly").get(pk=minutes.pk)
    if minutes.approved:
        raise Conflict(_("The minutes are already approved."))
    if not minutes.sections.exists():
        raise Conflict(_("Draft the minutes from the records before approving them."))
    user = stored_user(by)
    minutes.approved_at = timezone.now()
    minutes.approved_by = user
    minutes.approved_by_name = _approver_name(user)
    minutes.save(update_fields=["approved_at", "approved_by", "approved_by_name", "updated_at"])
    return minutes


def _approver_name(user: Any) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    if person is not None:
        return str(person.name_en)
    return str(user.get_full_name() or user.get_username())


@transaction.atomic
def publish_minutes(*, minutes: Minutes, by: Any) -> Minutes:
    """Publish approved minutes on the public site (the secretariat)."""
    require(can_publish_minutes, by, message=_("Only the secretariat may publish the minutes."))
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if not minutes.approved:
        raise Conflict(_("Only approved minutes can be published; approve them first."))
    minutes.published_at = timezone.now()
    minutes.save(update_fields=["published_at", "updated_at"])
    return minutes


@transaction.atomic
def withdraw_minutes(*, minutes: Minutes, by: Any) -> Minutes:
    """Take the minutes off the public site; they stay approved and frozen."""
    require(can_publish_minutes, by, message=_("Only the secretariat may publish the minutes."))
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    minutes.published_at = None
    minutes.save(update_fields=["published_at", "updated_at"])
    return minutes
