"""Rounds, jurors, assignments, conflicts of interest and score sheets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moim.awards.enums import (
    ConflictSource,
    ConflictStatus,
    EntryStatus,
    RankingMethod,
    RoundKind,
    RoundStatus,
    TieRule,
)
from moim.awards.models.editions import Category, Criterion, Edition
from moim.awards.models.entries import Entry
from moim.members.models import Person


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

    # A round with scores is never deleted: the database refuses it too.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sheets")
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
