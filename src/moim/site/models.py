"""What the site publishes beyond the domain apps' records: the press release of an assembly."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    KOREAN = "ko", _("Korean")


class PressRelease(models.Model):
    """A release drafted from the records, edited by the secretariat, then published."""

    assembly = models.ForeignKey(
        "assemblies.Assembly",
        verbose_name=_("assembly"),
        on_delete=models.CASCADE,
        related_name="press_releases",
    )
    language = models.CharField(_("language"), max_length=5, choices=ReleaseLanguage.choices)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Left empty, it is drafted from the records when saved."),
    )
    drafted_at = models.DateTimeField(_("drafted from the records"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        ordering = ["-assembly__edition", "language"]
        permissions = [("publish_pressrelease", _("Can publish or withdraw a press release"))]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "language"], name="one_press_release_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assembly} ({self.get_language_display()})"

    @property
    def headline(self) -> str:
        return self.body.strip().split("\n", 1)[0] if self.body.strip() else ""

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.strip().split("\n\n")[1:] if p.strip()]
