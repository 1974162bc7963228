"""Entries and their attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moim.awards.enums import (
    ApplicantKind,
    EntryStatus,
)
from moim.awards.models.base import new_token
from moim.awards.models.editions import Category, Edition
from moim.members.models import Member
from moim.text import NameField


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
    applicant_name = NameField(
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
