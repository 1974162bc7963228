"""The kinds of request for the floor and the states a speech goes through (never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Speaking time of a new list when the chair sets none: three minutes.
DEFAULT_SPEAKING_SECONDS = 180


class SpeechKind(models.TextChoices):
    SPEECH = "speech", _("Speech")
    REPLY = "reply", _("Reply")
    POINT_OF_ORDER = "point_of_order", _("Point of order")


class SpeechState(models.TextChoices):
    """Waiting in the queue, speaking now, interrupted by a point of order (its clock stopped),
    done, or withdrawn before speaking."""

    WAITING = "waiting", _("Waiting")
    SPEAKING = "speaking", _("Speaking")
    INTERRUPTED = "interrupted", _("Interrupted")
    DONE = "done", _("Spoke")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Who has taken the floor (the minutes record them), and who holds it now.
SPOKEN_STATES = (SpeechState.SPEAKING, SpeechState.INTERRUPTED, SpeechState.DONE)
ON_THE_FLOOR = (SpeechState.SPEAKING, SpeechState.INTERRUPTED)


class FloorAction(models.TextChoices):
    """The chair's one-click acts on a list, as they appear in the console's addresses."""

    CLOSE = "close", _("Close the list")
    REOPEN = "reopen", _("Reopen the list")
    START = "start", _("Start the speech")
    END = "end", _("End the speech")
    NEXT = "next", _("Next speaker")
    UP = "up", _("Move up")
    DOWN = "down", _("Move down")
    WITHDRAW = "withdraw", _("Take off the list")
