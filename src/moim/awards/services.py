"""State changes of entries: drafts, submission, the city's approval, attachments, screening.

Each service checks access and validates first, then acts in one transaction with its log entry.
Jury work (assignment, conflicts, scoring, ranking, decisions, announcement) is in `judging.py`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moim.awards.answers import questions_for, unanswered
from moim.awards.enums import EditionStatus, EntryStatus, LogAction
from moim.awards.models import (
    COUNTED_STATUSES,
    Attachment,
    Edition,
    Entry,
    EntryAnswer,
    LogEntry,
)
from moim.awards.rules import can_change_entries_late, can_edit_entry, can_manage_awards
from moim.errors import Conflict, Invalid, invalid_from
from moim.members.models import Member
from moim.permissions import allows, require, stored_user
from moim.questions import store_answers
from moim.uploads import kind_of

# Accepted attachment types: the extension names the type, and the content must be that type by
# its magic bytes (`filetype`), so a renamed executable, an HTML page called .pdf or a plain zip
# called .docx is refused whatever its name says.
ATTACHMENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ACCEPTED_TYPES_LABEL = "PDF, PNG, JPEG, DOCX, PPTX"
REQUIRED_FOR_SUBMISSION = ("title", "summary", "description", "results")


def log(
    *,
    edition: Edition,
    action: LogAction,
    actor: Any = None,
    entry: Entry | None = None,
    **detail: Any,
) -> LogEntry:
    return LogEntry.objects.create(
        edition=edition,
        entry=entry,
        action=action,
        actor=stored_user(actor),
        detail=detail,
    )


def _when(moment: dt.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def check_entry_unlocked(*, entry: Entry, by: Any) -> bool:
    """Refuse a change after the deadline unless `by` is the secretariat.

    Returns True when the change is a late one (made by the secretariat), which callers log.
    """
    edition = entry.edition
    if not edition.deadline_passed() and edition.status in (
        EditionStatus.PREPARING,
        EditionStatus.CALL_OPEN,
    ):
        return False
    if allows(can_change_entries_late, by):
        return True
    raise PermissionDenied(
        _("The entry deadline (%(deadline)s) has passed: only the secretariat can change it now.")
        % {"deadline": _when(edition.deadline)}
    )


def save_entry(*, entry: Entry, by: Any, fields: list[str] | None = None) -> Entry:
    """Save a draft or a revision (the form's autosave calls this too)."""
    late = entry.pk is not None and check_entry_unlocked(entry=entry, by=by)
    if entry.pk is None:
        if not entry.edition.is_open_for_entries() and not allows(can_change_entries_late, by):
            raise Conflict(_("This edition is not open for entries."))
        entry.created_by = stored_user(by)
    try:
        entry.full_clean(exclude=["approval_token"], validate_unique=True)
    except ValidationError as error:
        raise invalid_from(error) from None
    with transaction.atomic():
        entry.save()
        if late:
            log(
                edition=entry.edition,
                entry=entry,
                action=LogAction.ENTRY_CHANGED_AFTER_DEADLINE,
                actor=by,
                fields=fields or [],
            )
    return entry


def save_entry_answers(*, entry: Entry, answers: Mapping[int, Any], by: Any) -> None:
    """Store the answers to the edition's own questions; a required one may wait for the
    submission (a draft may be incomplete)."""
    require(can_edit_entry, by, entry)
    late = check_entry_unlocked(entry=entry, by=by)
    with transaction.atomic():
        store_answers(
            answer_model=EntryAnswer,
            owner={"entry": entry},
            questions=questions_for(entry.edition),
            answers=answers,
            enforce_required=False,
            file_stem=f"entry-{entry.pk}",
        )
        if late:
            log(
                edition=entry.edition,
                entry=entry,
                action=LogAction.ENTRY_CHANGED_AFTER_DEADLINE,
                actor=by,
                fields=["answers"],
            )


def _check_city_limit(entry: Entry) -> None:
    edition = entry.edition
    taken = (
        Entry.objects.filter(
            edition=edition, beneficiary=entry.beneficiary, status__in=COUNTED_STATUSES
        )
        .exclude(pk=entry.pk)
        .count()
    )
    if taken >= edition.max_entries_per_city:
        raise Conflict(
            _("%(city)s already has %(count)d entries in this edition, the most allowed.")
            % {"city": entry.beneficiary.name, "count": taken}
        )


def submit_entry(*, entry: Entry, by: Any) -> Entry:
    """Submit an entry. An entry made on a city's behalf waits for that city's approval.

    Locks the beneficiary city's member row while counting its entries against the limit.
    The approval request goes to the city's contact after the transaction commits.
    """
    check_entry_unlocked(entry=entry, by=by)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.DECLINED):
        raise Conflict(_("This entry has already been submitted."))
    missing = [name for name in REQUIRED_FOR_SUBMISSION if not str(getattr(entry, name)).strip()]
    if missing:
        labels = [
            str(getattr(Entry._meta.get_field(name), "verbose_name", name)) for name in missing
        ]
        raise Invalid(_("Fill in before submitting: %s.") % ", ".join(labels))
    questions_left = unanswered(entry)
    if questions_left:
        raise Invalid(_("Answer before submitting: %s.") % ", ".join(questions_left))
    if entry.on_behalf and not entry.approval_contact:
        raise Invalid(_("An entry made on a city's behalf needs the e-mail of the city's contact."))
    with transaction.atomic():
        # Lock the city's row so two entries submitted at once cannot both take the last place.
        Member.objects.select_for_update().get(pk=entry.beneficiary_id)
        _check_city_limit(entry)
        entry.submitted_at = timezone.now()
        entry.status = EntryStatus.AWAITING_APPROVAL if entry.on_behalf else EntryStatus.SUBMITTED
        entry.save(update_fields=["status", "submitted_at", "updated_at"])
        log(edition=entry.edition, entry=entry, action=LogAction.ENTRY_SUBMITTED, actor=by)
        if entry.on_behalf:
            transaction.on_commit(lambda: send_approval_request(entry_id=entry.pk))
    return entry


def approval_path(entry: Entry) -> str:
    return reverse("awards:approval", kwargs={"token": entry.approval_token})


def send_approval_request(*, entry_id: int) -> None:
    entry = Entry.objects.select_related("beneficiary", "edition").get(pk=entry_id)
    send_mail(
        subject=_("Please approve an award entry made on behalf of %(city)s")
        % {"city": entry.beneficiary.name_en},
        message=_(
            "%(applicant)s has entered “%(title)s” in the %(edition)s on behalf of %(city)s.\n"
            "Approve or decline it here: %(link)s\n"
        )
        % {
            "applicant": entry.applicant,
            "title": entry.title,
            "edition": entry.edition.title_en,
            "city": entry.beneficiary.name_en,
            "link": settings.MOIM_SITE_URL + approval_path(entry),
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[entry.approval_contact],
    )


def _decide_approval(*, entry: Entry, name: str) -> None:
    if entry.status != EntryStatus.AWAITING_APPROVAL:
        raise Conflict(_("This entry is not waiting for the city's approval."))
    if not name.strip():
        raise Invalid(_("Give the name of the person deciding for the city."))


def approve_on_behalf(*, entry: Entry, name: str) -> Entry:
    """The beneficiary city approves an entry made on its behalf (through the approval link)."""
    _decide_approval(entry=entry, name=name)
    with transaction.atomic():
        entry.status = EntryStatus.SUBMITTED
        entry.approval_decided_at = timezone.now()
        entry.approval_decided_by = name.strip()
        entry.save(update_fields=["status", "approval_decided_at", "approval_decided_by"])
        log(edition=entry.edition, entry=entry, action=LogAction.ENTRY_APPROVED, by_name=name)
    return entry


def decline_on_behalf(*, entry: Entry, name: str, reason: str) -> Entry:
    """The beneficiary city declines: the entry does not go forward and does not count."""
    _decide_approval(entry=entry, name=name)
    with transaction.atomic():
        entry.status = EntryStatus.DECLINED
        entry.approval_decided_at = timezone.now()
        entry.approval_decided_by = name.strip()
        entry.decline_reason = reason.strip()
        entry.save(
            update_fields=["status", "approval_decided_at", "approval_decided_by", "decline_reason"]
        )
        log(
            edition=entry.edition,
            entry=entry,
            action=LogAction.ENTRY_DECLINED,
            by_name=name,
            reason=reason,
        )
    return entry


def check_attachment(*, edition: Edition, upload: UploadedFile) -> str:
    """The upload's content type, or a clear error on a forbidden type or an oversized file."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise Invalid(
            _("“%(name)s” is not an accepted file type. Accepted: %(types)s.")
            % {"name": name, "types": ACCEPTED_TYPES_LABEL}
        )
    limit = edition.max_attachment_mb * 1024 * 1024
    size = upload.size or 0
    if size > limit:
        raise Invalid(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": name, "size": size / 1024 / 1024, "limit": edition.max_attachment_mb}
        )
    content_type = ATTACHMENT_TYPES[suffix]
    upload.seek(0)
    kind = kind_of(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime != content_type:
        found = f"{kind.mime} (.{kind.extension})" if kind is not None else _("unknown")
        raise Invalid(
            _(
                "“%(name)s” does not contain what its name says (%(suffix)s): its content is "
                "%(found)s. It was refused."
            )
            % {"name": name, "suffix": suffix, "found": found}
        )
    return content_type


def add_attachment(*, entry: Entry, upload: UploadedFile, by: Any) -> Attachment:
    late = check_entry_unlocked(entry=entry, by=by)
    content_type = check_attachment(edition=entry.edition, upload=upload)
    original = PurePath(upload.name or "attachment").name[:200]
    with transaction.atomic():
        attachment = Attachment(
            entry=entry,
            original_name=original,
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=stored_user(by),
        )
        # The stored name is ours, never the uploader's: it only keeps the checked extension.
        attachment.file.save(f"entry-{entry.pk}{PurePath(original).suffix.lower()}", upload, False)
        attachment.save()
        log(
            edition=entry.edition,
            entry=entry,
            action=LogAction.ENTRY_CHANGED_AFTER_DEADLINE if late else LogAction.ATTACHMENT_ADDED,
            actor=by,
            attachment=original,
        )
    return attachment


def extend_deadline(*, edition: Edition, deadline: dt.datetime, by: Any) -> Edition:
    require(can_manage_awards, by, message=_("Only the secretariat extends the deadline."))
    if edition.deadline is not None and deadline <= edition.deadline:
        raise Invalid(
            _("An extended deadline must be later than the current one."), field="deadline"
        )
    # The rest of the timeline as the caller has it: a deadline past screening is refused.
    moved = copy.copy(edition)
    moved.deadline = deadline
    problems = moved.timeline_errors()
    if problems:
        raise invalid_from(ValidationError(problems))
    with transaction.atomic():
        previous = edition.deadline
        if edition.original_deadline is None:
            edition.original_deadline = previous
        edition.deadline = deadline
        edition.save(update_fields=["deadline", "original_deadline"])
        log(
            edition=edition,
            action=LogAction.DEADLINE_EXTENDED,
            actor=by,
            previous=previous.isoformat() if previous else None,
            deadline=deadline.isoformat(),
        )
    return edition


def screen_entry(*, entry: Entry, eligible: bool, reason: str, by: Any) -> Entry:
    """The secretariat marks a submitted entry eligible or not; refusing needs a reason."""
    require(can_manage_awards, by, message=_("Only the secretariat screens entries."))
    if entry.status not in (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE):
        raise Conflict(
            _("Only submitted entries are screened (this one is “%(status)s”).")
            % {"status": entry.get_status_display()}
        )
    if not eligible and not reason.strip():
        raise Invalid(_("Say why the entry is not eligible."))
    with transaction.atomic():
        entry.status = EntryStatus.ELIGIBLE if eligible else EntryStatus.INELIGIBLE
        entry.screening_reason = reason.strip()
        entry.save(update_fields=["status", "screening_reason"])
        log(
            edition=entry.edition,
            entry=entry,
            action=LogAction.ENTRY_SCREENED,
            actor=by,
            eligible=eligible,
            reason=reason,
        )
    return entry
