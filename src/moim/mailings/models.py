"""The convocation of an assembly and the messages sent to its groups, one delivery each."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moim.assemblies.models import Assembly
from moim.bilingual import InLanguage
from moim.mailings.enums import Audience, DeliveryStatus, MailingKind
from moim.members.models import Member, Organization, Person

# WeGO's notice period is not public: thirty days is assumed (the Statute asks candidates for
# President to file a month before, and the notice must reach them before that).
DEFAULT_NOTICE_DAYS = 30
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_MINUTES = 5


def new_message_id() -> str:
    return f"<{secrets.token_hex(16)}@moim>"


class MailingRules(models.Model):
    """An organization's rules for the convocation and its mail: one row per organization."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="mailing_rules"
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice (days)"),
        default=DEFAULT_NOTICE_DAYS,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "The convocation must go out at least this many days before the Assembly opens."
        ),
    )
    notice_assumed = models.BooleanField(
        _("notice period assumed"),
        default=True,
        help_text=_("Set when the Statute's notice period is not known and this one is assumed."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts per message"),
        default=DEFAULT_MAX_ATTEMPTS,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("A message the mail server refuses is tried this many times in all."),
    )
    retry_minutes = models.PositiveSmallIntegerField(
        _("first retry after (minutes)"),
        default=DEFAULT_RETRY_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("Each later retry waits twice as long as the one before."),
    )

    class Meta:
        verbose_name = _("mailing rules")
        verbose_name_plural = _("mailing rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1, max_attempts__lte=20),
                name="mailing_rules_attempts_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class MessageTemplate(models.Model):
    """A bilingual message the secretariat edits. Its text may name {member}, {name},
    {assembly}, {date}, {venue}, {agenda}, {documents} and {url}; nothing else is replaced."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="message_templates"
    )
    key = models.SlugField(_("key"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MailingKind.choices, default=MailingKind.MESSAGE
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_ko = models.TextField(_("text (Korean)"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["kind", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="unique_template_key")
        ]

    def __str__(self) -> str:
        return self.name_en

    name = InLanguage()


class Mailing(models.Model):
    """One message sent to a group for an assembly; the convocation is the first of them."""

    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.PROTECT, related_name="mailings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MailingKind.choices)
    audience = models.CharField(_("sent to"), max_length=20, choices=Audience.choices)
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailings",
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The convocation's notice, as it stood when it was sent (the rules may change later).
    notice_days_required = models.PositiveSmallIntegerField(
        _("notice required (days)"), null=True, blank=True
    )
    days_before = models.IntegerField(_("days before the Assembly"), null=True, blank=True)
    late_confirmed = models.BooleanField(
        _("sent late on purpose"),
        default=False,
        help_text=_("The secretariat confirmed sending the convocation after the notice period."),
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One statutory notice per assembly, whatever the concurrency.
            models.UniqueConstraint(
                fields=["assembly"],
                condition=Q(kind=MailingKind.CONVOCATION),
                name="one_convocation_per_assembly",
                violation_error_message=_("The convocation of this assembly was already sent."),
            ),
        ]

    def __str__(self) -> str:
        return self.subject_en

    subject = InLanguage()

    @property
    def on_time(self) -> bool | None:
        if self.notice_days_required is None or self.days_before is None:
            return None
        return self.days_before >= self.notice_days_required


class Delivery(models.Model):
    """One recipient's copy of a mailing, written in the recipient's language when queued."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("recipient"), max_length=200)
    address = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10, default="en")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # The Message-ID header: the mail server's bounce report names it.
    message_id = models.CharField(max_length=100, unique=True, default=new_message_id)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(Lower("address"), "mailing", name="one_delivery_per_address"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"
