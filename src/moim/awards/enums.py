"""Every state and kind in the awards competition, as choices (never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    PREPARING = "preparing", _("In preparation")
    CALL_OPEN = "call_open", _("Call for entries open")
    SCREENING = "screening", _("Screening")
    JUDGING = "judging", _("Judging")
    ANNOUNCED = "announced", _("Winners announced")
    CLOSED = "closed", _("Closed")


class ApplicantKind(models.TextChoices):
    MEMBER = "member", _("A member")
    COMPANY = "company", _("A company")
    ORGANIZATION = "organization", _("An organization")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the city's approval")
    DECLINED = "declined", _("Declined by the city")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    FINALIST = "finalist", _("Finalist")


class RoundKind(models.TextChoices):
    FIRST = "first", _("First evaluation round")
    JURY = "jury", _("Jury round")


class RoundStatus(models.TextChoices):
    PREPARING = "preparing", _("In preparation")
    SCORING = "scoring", _("Scoring open")
    CLOSED = "closed", _("Closed")


class RankingMethod(models.TextChoices):
    Z_SCORE = "z_score", _("Mean of per-juror z-scores")
    WEIGHTED = "weighted", _("Weighted mean of jurors' totals")


class TieRule(models.TextChoices):
    OTHER_METHOD = (
        "other_method",
        _("Broken by the other method; what stays equal goes to the jury"),
    )
    NONE = "none", _("Every tie goes to the jury")


class ConflictSource(models.TextChoices):
    AUTOMATIC = "automatic", _("Detected from the member registry")
    DECLARED = "declared", _("Declared by the juror")
    CHAIR = "chair", _("Set by the chair or secretariat")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Applies (not reviewed)")
    CONFIRMED = "confirmed", _("Confirmed")
    WAIVED = "waived", _("Waived")


class AcceptanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    REPRESENTATIVE = "representative", _("By a representative")


class RemarksForm(models.TextChoices):
    IN_PERSON = "in_person", _("Spoken on stage")
    ONLINE = "online", _("Heard online")
    VIDEO = "video", _("Recorded video")
    WRITTEN = "written", _("Written")
    NONE = "none", _("No remarks")


class LogAction(models.TextChoices):
    ENTRY_SAVED = "entry_saved", _("Entry saved")
    ENTRY_SUBMITTED = "entry_submitted", _("Entry submitted")
    ENTRY_CHANGED_AFTER_DEADLINE = "entry_changed_late", _("Entry changed after the deadline")
    ENTRY_APPROVED = "entry_approved", _("Entry approved by the city")
    ENTRY_DECLINED = "entry_declined", _("Entry declined by the city")
    ENTRY_SCREENED = "entry_screened", _("Entry screened")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended")
    JURORS_ASSIGNED = "jurors_assigned", _("Jurors assigned")
    CONFLICT_RECORDED = "conflict_recorded", _("Conflict recorded")
    CONFLICT_REVIEWED = "conflict_reviewed", _("Conflict confirmed or waived")
    ROUND_OPENED = "round_opened", _("Scoring opened")
    ROUND_CLOSED = "round_closed", _("Scoring closed")
    ROUND_REOPENED = "round_reopened", _("Scoring reopened")
    ROUND_ENTRIES_ADDED = "round_entries_added", _("Entry added to an open round")
    ROUND_DELETED = "round_deleted", _("Round deleted")
    FINALISTS_SELECTED = "finalists_selected", _("Finalists selected")
    AWARD_DECIDED = "award_decided", _("Award decided by the jury")
    RESULTS_ANNOUNCED = "results_announced", _("Results announced")
