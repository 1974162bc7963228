"""Every state and kind of the mailings app, as choices (never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailingKind(models.TextChoices):
    CONVOCATION = "convocation", _("Convocation (statutory notice)")
    MESSAGE = "message", _("Message")


class Audience(models.TextChoices):
    """Who a mailing goes to."""

    MEMBERS = "members", _("Every member (its contacts)")
    REGISTERED = "registered", _("Everyone registered")
    CHECKED_IN = "checked_in", _("Everyone present (checked in or joined online)")
    NOT_VOTED = "not_voted", _("Delegates who have not voted in the open poll")
    LATE_JURORS = "late_jurors", _("Jurors late with their scores")


class DeliveryStatus(models.TextChoices):
    """Where one recipient's message stands. A delivery is claimed (`sending`) before the mail
    server is asked, so that a second worker, or a worker restarted after a crash, never sends
    it again."""

    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")
