"""Projectors and their slides.

A projector belongs to one assembly and has a queue of slides in order; `current` is the slide it
shows (none: the assembly's title). A slide points at what it shows (an agenda item, a decision,
a poll) or carries its own words (a message, a countdown's label); what it shows is drawn fresh
from the database each time, so a poll's turnout or a renamed item is never stale.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moim.bilingual import InLanguage
from moim.projection.enums import ProjectorStyle, SlideKind


class Projector(models.Model):
    assembly = models.ForeignKey(
        "assemblies.Assembly",
        verbose_name=_("assembly"),
        on_delete=models.CASCADE,
        related_name="projectors",
    )
    slug = models.SlugField(_("address"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    style = models.CharField(
        _("style"), max_length=20, choices=ProjectorStyle.choices, default=ProjectorStyle.HALL
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    current = models.ForeignKey(
        "Slide",
        verbose_name=_("current slide"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("projector")
        verbose_name_plural = _("projectors")
        ordering = ["assembly", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "slug"], name="projector_slug_per_assembly")
        ]

    def __str__(self) -> str:
        return self.name_en

    name = InLanguage()


class Slide(models.Model):
    projector = models.ForeignKey(
        Projector, verbose_name=_("projector"), on_delete=models.CASCADE, related_name="slides"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=SlideKind.choices)
    agenda_item = models.ForeignKey(
        "governance.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.ForeignKey(
        "governance.Decision",
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    poll = models.ForeignKey(
        "governance.Poll",
        verbose_name=_("poll"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    seconds = models.PositiveIntegerField(_("seconds"), null=True, blank=True)
    # Set when a countdown is projected: the screens tick towards it on their own.
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ko = models.TextField(_("text (Korean)"), blank=True)

    class Meta:
        verbose_name = _("slide")
        verbose_name_plural = _("slides")
        ordering = ["projector", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=SlideKind.AGENDA_ITEM) | Q(agenda_item__isnull=False),
                name="slide_agenda_item_has_its_item",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SlideKind.MOTION) | Q(decision__isnull=False),
                name="slide_motion_has_its_decision",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SlideKind.POLL) | Q(poll__isnull=False),
                name="slide_poll_has_its_poll",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SlideKind.COUNTDOWN) | Q(seconds__gt=0),
                name="slide_countdown_has_its_duration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title_en}".strip()

    title = InLanguage()
    text = InLanguage()
