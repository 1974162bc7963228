"""The sections of the minutes, in the order they are read (never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SectionKey(models.TextChoices):
    OPENING = "opening", _("Opening")
    ATTENDANCE = "attendance", _("Attendance and quorum")
    DECISIONS = "decisions", _("Decisions")
    ELECTIONS = "elections", _("Elections")
    SPEAKERS = "speakers", _("Speakers")
    APPOINTMENTS = "appointments", _("Appointments")
    AWARDS = "awards", _("Awards presented")
    CLOSING = "closing", _("Closing")


class MinutesStage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
