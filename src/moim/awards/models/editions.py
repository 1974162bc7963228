"""Programmes and editions, with their categories, criteria and award levels."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moim.assemblies.models import Assembly
from moim.awards.enums import (
    EditionStatus,
)
from moim.bilingual import InLanguage, in_language
from moim.members.models import Organization


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

    name = InLanguage()


# The timeline in its order; each date, when set, comes no earlier than the one before it.
TIMELINE = (
    "call_opens",
    "deadline",
    "screening_starts",
    "finalists_announced",
    "jury_round_starts",
    "winners_announced",
)
TIMELINE_MESSAGES = {
    ("call_opens", "deadline"): _("The entry deadline must not come before the call opens."),
    ("deadline", "screening_starts"): _("Screening must not start before the entry deadline."),
    ("screening_starts", "finalists_announced"): _(
        "The finalists must not be announced before screening starts."
    ),
    ("finalists_announced", "jury_round_starts"): _(
        "The jury round must not start before the finalists are announced."
    ),
    ("jury_round_starts", "winners_announced"): _(
        "The winners must not be announced before the jury round starts."
    ),
}


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

    title = InLanguage()

    ceremony = InLanguage()

    def timeline_errors(self) -> dict[str, str]:
        """What is out of order in the timeline, by the field that comes too early."""
        errors: dict[str, str] = {}
        earlier: str | None = None
        for name in TIMELINE:
            when = getattr(self, name)
            if when is None:
                continue
            if earlier is not None and when < getattr(self, earlier):
                message = TIMELINE_MESSAGES.get((earlier, name)) or _(
                    "“%(later)s” must not come before “%(earlier)s”."
                ) % {
                    "later": getattr(self._meta.get_field(name), "verbose_name", name),
                    "earlier": getattr(self._meta.get_field(earlier), "verbose_name", earlier),
                }
                errors[name] = str(message)
            else:
                earlier = name
        return errors

    def clean(self) -> None:
        errors = self.timeline_errors()
        if errors:
            raise ValidationError(errors)

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

    name = InLanguage()

    description = InLanguage()

    @property
    def sub_themes(self) -> list[str]:
        text = in_language(self.sub_themes_en, self.sub_themes_ko)
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

    name = InLanguage()


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

    name = InLanguage()
