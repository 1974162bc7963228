"""The jury's decisions, the awards, the announced results and the log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moim.awards.enums import (
    AcceptanceMode,
    LogAction,
    RemarksForm,
)
from moim.awards.models.base import new_token
from moim.awards.models.editions import AwardLevel, Category, Edition
from moim.awards.models.entries import Entry
from moim.awards.models.jury import Round


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
