from django.db import models
from django.utils.translation import gettext_lazy as _


class SlideKind(models.TextChoices):
    AGENDA_ITEM = "agenda_item", _("Agenda item")
    MOTION = "motion", _("Decision text")
    FLOOR_LIST = "floor_list", _("List of speakers")
    COUNTDOWN = "countdown", _("Countdown")
    POLL = "poll", _("Poll")
    MESSAGE = "message", _("Message")


class ProjectorStyle(models.TextChoices):
    """How a screen draws its slide: full screen in the hall, or a compact band on a
    transparent background that the livestream lays over its picture."""

    HALL = "hall", _("Hall screen")
    OVERLAY = "overlay", _("Livestream overlay")


class SlideMove(models.TextChoices):
    UP = "up", _("Up")
    DOWN = "down", _("Down")
