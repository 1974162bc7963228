"""The juried competition: programmes, editions, entries, rounds, jurors, scores and awards."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from moim.assemblies.models import Assembly
from moim.awards.enums import (
    AcceptanceMode,
    ApplicantKind,
    ConflictSource,
    ConflictStatus,
    EditionStatus,
    EntryStatus,
    LogAction,
    RankingMethod,
    RemarksForm,
    RoundKind,
    RoundStatus,
    TieRule,
)
from moim.members.models import Member, Organization, Person

# Entries that have left the applicant's hands and count against the per-city limit.
COUNTED_STATUSES = (
    EntryStatus.AWAITING_APPROVAL,
    EntryStatus.SUBMITTED,
    EntryStatus.ELIGIBLE,
    EntryStatus.INELIGIBLE,
    EntryStatus.FINALIST,
)


def _pick(en: str, ko: str) -> str:
    return ko if translation.get_language() == "ko" and ko else en


def new_token() -> str:
    return secrets.token_urlsafe(32)


class AwardProgramme(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="award_programmes"
    )
    slug = models.SlugField(_("slug"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)

    class Meta:
        verbose_name = _("award programme")
        verbose_name_plural = _("award programmes")
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_programme_slug")
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return _pick(self.name_en, self.name_ko)


class Edition(models.Model):
    """One numbered edition: its categories, criteria, levels, timeline and limits."""

    programme = models.ForeignKey(AwardProgramme, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveSmallIntegerField(_("edition number"))
    year = models.PositiveSmallIntegerField(_("year judged"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EditionStatus.choices, default=EditionStatus.PREPARING
    )
    ceremony_en = models.CharField(
        _("ceremony (English)"),
        max_length=200,
        blank=True,
        help_text=_("Where and when the awards are presented, e.g. '2012 Barcelona'."),
    )
    ceremony_ko = models.CharField(_("ceremony (Korean)"), max_length=200, blank=True)
    assembly = models.ForeignKey(
        Assembly,
        verbose_name=_("presented at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="award_editions",
        help_text=_("The General Assembly at whose ceremony the awards are presented."),
    )
    # Timeline. The deadline may be extended; the first one is kept for the record.
    call_opens = models.DateTimeField(_("call opens"), null=True, blank=True)
    deadline = models.DateTimeField(_("entry deadline"), null=True, blank=True)
    original_deadline = models.DateTimeField(_("original deadline"), null=True, blank=True)
    screening_starts = models.DateTimeField(_("screening starts"), null=True, blank=True)
    finalists_announced = models.DateTimeField(_("finalists announced"), null=True, blank=True)
    jury_round_starts = models.DateTimeField(_("jury round starts"), null=True, blank=True)
    winners_announced = models.DateTimeField(_("winners announced"), null=True, blank=True)
    # Limits and rules.
    max_entries_per_city = models.PositiveSmallIntegerField(
        _("entries per city"), default=2, help_text=_("At most this many entries per city.")
    )
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("attachment size limit (MB)"), default=10
    )
    conflict_same_country = models.BooleanField(
        _("same country is a conflict"),
        default=False,
        help_text=_("Jurors from a member in the same country as the city are conflicted too."),
    )
    # Closed earlier editions may be kept as a summary only.
    reported_entries = models.PositiveIntegerField(_("entries (reported)"), null=True, blank=True)
    reported_winners = models.PositiveIntegerField(_("winners (reported)"), null=True, blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("awards edition")
        verbose_name_plural = _("awards editions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_edition_number"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(call_opens__isnull=True)
                | Q(deadline__gte=models.F("call_opens")),
                name="edition_deadline_after_call",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("awards:edition", kwargs={"number": self.number})

    @property
    def title(self) -> str:
        return _pick(self.title_en, self.title_ko)

    @property
    def ceremony(self) -> str:
        return _pick(self.ceremony_en, self.ceremony_ko)

    def deadline_passed(self) -> bool:
        return self.deadline is not None and timezone.now() > self.deadline

    def is_open_for_entries(self) -> bool:
        now = timezone.now()
        started = self.call_opens is None or self.call_opens <= now
        return self.status == EditionStatus.CALL_OPEN and started and not self.deadline_passed()


class Category(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    slug = models.SlugField(_("slug"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    sub_themes_en = models.TextField(
        _("sub-themes (English)"), blank=True, help_text=_("One a line.")
    )
    sub_themes_ko = models.TextField(
        _("sub-themes (Korean)"), blank=True, help_text=_("One a line.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_award_category_slug")
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return _pick(self.name_en, self.name_ko)

    @property
    def description(self) -> str:
        return _pick(self.description_en, self.description_ko)

    @property
    def sub_themes(self) -> list[str]:
        text = _pick(self.sub_themes_en, self.sub_themes_ko)
        return [line.strip() for line in text.splitlines() if line.strip()]


class Criterion(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_criterion_key"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_ordered"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="criterion_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return _pick(self.name_en, self.name_ko)


class AwardLevel(models.Model):
    """Gold, Silver, Bronze...: position 1 is the highest; `per_category` awards of it each."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(_("rank"), default=1)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    per_category = models.PositiveSmallIntegerField(_("awards per category"), default=1)

    class Meta:
        verbose_name = _("award level")
        verbose_name_plural = _("award levels")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "position"], name="unique_level_position")
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return _pick(self.name_en, self.name_ko)


class Entry(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="entries")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="entries"
    )
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    description = models.TextField(_("description"), blank=True)
    results = models.TextField(_("results"), blank=True)
    applicant_kind = models.CharField(
        _("applicant"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.MEMBER
    )
    applicant_member = models.ForeignKey(
        Member,
        verbose_name=_("applicant member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_entries_made",
    )
    applicant_name = models.CharField(
        _("applicant name"),
        max_length=200,
        blank=True,
        help_text=_("The company or organization applying, when it is not a member."),
    )
    beneficiary = models.ForeignKey(
        Member,
        verbose_name=_("beneficiary city"),
        on_delete=models.PROTECT,
        related_name="award_entries",
    )
    approval_contact = models.EmailField(
        _("city contact for approval"),
        blank=True,
        help_text=_("Who at the city approves an entry made on its behalf."),
    )
    approval_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    approval_decided_at = models.DateTimeField(null=True, blank=True)
    approval_decided_by = models.CharField(_("decided by (name)"), max_length=200, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    screening_reason = models.TextField(_("screening reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="award_entries",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["category__position", "title"]
        constraints = [
            # Each project enters one category once: a city cannot file the same title twice.
            models.UniqueConstraint(
                fields=["edition", "beneficiary", "title"], name="unique_entry_project"
            ),
            models.CheckConstraint(
                condition=~Q(applicant_kind=ApplicantKind.MEMBER)
                | Q(applicant_member__isnull=False),
                name="entry_member_applicant_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def applicant(self) -> str:
        if self.applicant_member is not None:
            return self.applicant_member.name
        return self.applicant_name

    @property
    def on_behalf(self) -> bool:
        """True when someone other than the city itself applies, so the city must approve."""
        return self.applicant_member_id != self.beneficiary_id


class Attachment(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="awards/attachments/%Y/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Round(models.Model):
    """An evaluation round; each keeps its own scores, and opening it freezes the conflicts."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.PREPARING
    )
    due = models.DateTimeField(_("scores due"), null=True, blank=True)
    method = models.CharField(
        _("ranking method"),
        max_length=20,
        choices=RankingMethod.choices,
        default=RankingMethod.Z_SCORE,
    )
    tie_rule = models.CharField(
        _("tie rule"), max_length=20, choices=TieRule.choices, default=TieRule.OTHER_METHOD
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["edition", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "kind"], name="unique_round_kind")
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.get_kind_display()}"

    def entry_statuses(self) -> tuple[EntryStatus, ...]:
        if self.kind == RoundKind.JURY:
            return (EntryStatus.FINALIST,)
        return (EntryStatus.ELIGIBLE, EntryStatus.FINALIST)


class Juror(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jurors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="juror_seats")
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="jurors",
        help_text=_("For assignment per category; empty means all categories."),
    )
    is_chair = models.BooleanField(_("jury chair"), default=False)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["person__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "person"], name="unique_juror_person")
        ]

    def __str__(self) -> str:
        return self.person.name_en


class Assignment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "juror", "entry"], name="unique_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.entry}"


class ConflictQuerySet(models.QuerySet["Conflict"]):
    def applying(self) -> ConflictQuerySet:
        return self.exclude(status=ConflictStatus.WAIVED)


class Conflict(models.Model):
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["juror", "entry"], name="unique_conflict")]

    def __str__(self) -> str:
        return f"{self.juror} / {self.entry}: {self.reason}"


class Sheet(models.Model):
    """One juror's scores for one entry in one round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sheets")
    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="sheets")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="sheets")
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["round", "juror", "entry"], name="unique_sheet")
        ]

    def __str__(self) -> str:
        return f"{self.juror} / {self.entry}"


class Score(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="unique_score")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class JuryDecision(models.Model):
    """The jury's decision for one award: it may follow the ranking or depart from it."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="decisions")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="decisions")
    level = models.ForeignKey(AwardLevel, on_delete=models.PROTECT, related_name="decisions")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="decisions")
    ranking_position = models.PositiveSmallIntegerField(null=True, blank=True)
    follows_ranking = models.BooleanField(default=True)
    rationale = models.TextField(_("rationale"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("jury decision")
        verbose_name_plural = _("jury decisions")
        ordering = ["category__position", "level__position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry"], name="unique_decision_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.level} — {self.category}: {self.entry}"


class Award(models.Model):
    """An announced award and how it was accepted at the ceremony."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="awards")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="awards")
    level = models.ForeignKey(AwardLevel, on_delete=models.PROTECT, related_name="awards")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="award")
    decision = models.OneToOneField(
        JuryDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    acceptance_mode = models.CharField(
        _("accepted"), max_length=20, choices=AcceptanceMode.choices, blank=True
    )
    accepted_by = models.CharField(_("accepted by"), max_length=200, blank=True)
    accepted_by_title = models.CharField(
        _("their title"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Ambassador of Brazil to the Republic of Korea"),
    )
    remarks_form = models.CharField(
        _("acceptance remarks"), max_length=20, choices=RemarksForm.choices, blank=True
    )
    certificate_code = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["category__position", "level__position", "entry__title"]

    def __str__(self) -> str:
        return f"{self.level} — {self.category}: {self.entry.beneficiary}"

    def get_absolute_url(self) -> str:
        return reverse("awards:certificate", kwargs={"code": self.certificate_code})


class ResultSnapshot(models.Model):
    """What was announced, frozen: a later recomputation is compared with it, never replaces it."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="snapshot")
    announced_at = models.DateTimeField(default=timezone.now)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField()

    class Meta:
        verbose_name = _("announced results")
        verbose_name_plural = _("announced results")

    def __str__(self) -> str:
        return f"{self.edition} ({self.announced_at:%Y-%m-%d})"


class LogEntry(models.Model):
    """Append-only record of every act on an edition and its entries."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="log")
    entry = models.ForeignKey(
        Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="log"
    )
    action = models.CharField(max_length=30, choices=LogAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("awards log entry")
        verbose_name_plural = _("awards log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
