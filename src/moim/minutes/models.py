"""The minutes of an assembly's sitting: sections written from the records in English and
Korean, edited by the secretariat, approved (then frozen) and published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moim.bilingual import InLanguage
from moim.minutes.enums import MinutesStage, SectionKey


class Minutes(models.Model):
    """One assembly's minutes. Approval freezes the text; only approved minutes are published
    (a check constraint holds that)."""

    assembly = models.OneToOneField(
        "assemblies.Assembly",
        verbose_name=_("assembly"),
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    drafted_at = models.DateTimeField(_("drafted from the records"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as written at approval: the account may later be renamed or removed.
    approved_by_name = models.CharField(_("approved by (name)"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["-assembly__edition"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(approved_at__isnull=False),
                name="minutes_published_only_when_approved",
            )
        ]

    def __str__(self) -> str:
        return str(self.assembly)

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    @property
    def stage(self) -> MinutesStage:
        if self.published_at is not None:
            return MinutesStage.PUBLISHED
        return MinutesStage.APPROVED if self.approved else MinutesStage.DRAFT


class Section(models.Model):
    """One section of the minutes: the text as it reads now, and as the records last wrote it
    (so that a regeneration knows whether it would overwrite the secretariat's edit)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=20, choices=SectionKey.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ko = models.TextField(_("text (Korean)"), blank=True)
    generated_en = models.TextField(_("written from the records (English)"), blank=True)
    generated_ko = models.TextField(_("written from the records (Korean)"), blank=True)
    generated_at = models.DateTimeField(_("written from the records"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("section of the minutes")
        verbose_name_plural = _("sections of the minutes")
        ordering = ["minutes", "position"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "key"], name="one_minutes_section_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.minutes}: {self.get_key_display()}"

    @property
    def edited(self) -> bool:
        """Whether the text differs from what the records last wrote."""
        return self.text_en != self.generated_en or self.text_ko != self.generated_ko

    text = InLanguage()
