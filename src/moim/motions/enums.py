"""Kinds of what members table, and what each state of a workflow means to the services."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MotionKind(models.TextChoices):
    MOTION = "motion", _("Motion")
    AMENDMENT = "amendment", _("Amendment")


class StateMeaning(models.TextChoices):
    """What a workflow state stands for. The services move a motion to the state that means
    what they did (admitting it, refusing it); a state the secretariat adds means "other"
    and is reached by moving the motion there by hand, with a reason."""

    SUBMITTED = "submitted", _("Submitted")
    ADMITTED = "admitted", _("Admitted")
    ON_AGENDA = "on_agenda", _("On the agenda")
    AMENDED = "amended", _("Amended")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("decision", "Withdrawn")
    REFUSED = "refused", _("Refused")
    OTHER = "other", _("Other")
