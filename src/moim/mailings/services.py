"""The convocation and the messages to groups: queued here, sent by the mail worker (`sending`).

Each service checks who acts (`require`), validates, then queues one delivery per recipient in
one transaction; nothing leaves the machine here. `moim send-mail` sends what is queued.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.assemblies.models import Assembly
from moim.errors import Conflict, Invalid
from moim.mailings.enums import Audience, DeliveryStatus, MailingKind
from moim.mailings.models import Delivery, Mailing, MailingRules, MessageTemplate
from moim.mailings.recipients import Recipient, recipients_for
from moim.mailings.rendering import (
    CONVOCATION_DEFAULT,
    REMINDER_DEFAULT,
    assembly_facts,
    written_for,
)
from moim.mailings.rules import can_edit_mailing_rules, can_send_mailings
from moim.members.models import Organization
from moim.permissions import require, stored_user

CONVOCATION_KEY = "convocation"
REMINDER_KEY = "reminder"


def mailing_rules(organization: Organization) -> MailingRules:
    """The organization's mailing rules, created with the defaults on first use."""
    rules, _created = MailingRules.objects.get_or_create(organization=organization)
    return rules


@transaction.atomic
def update_mailing_rules(
    *,
    organization: Organization,
    notice_days: int,
    max_attempts: int,
    retry_minutes: int,
    by: Any,
) -> MailingRules:
    """Change the notice period and the retry policy. Sent convocations keep the notice they
    were judged by."""
    require(can_edit_mailing_rules, by)
    if not 0 <= notice_days <= 365:
        raise Invalid(_("The notice must be between 0 and 365 days."), field="notice_days")
    if not 1 <= max_attempts <= 20:
        raise Invalid(_("Attempts must be between 1 and 20."), field="max_attempts")
    if not 1 <= retry_minutes <= 1440:
        raise Invalid(_("The first retry must wait 1 to 1440 minutes."), field="retry_minutes")
    rules = mailing_rules(organization)
    rules.notice_days = notice_days
    rules.max_attempts = max_attempts
    rules.retry_minutes = retry_minutes
    rules.notice_assumed = False
    rules.save()
    return rules


def default_templates(organization: Organization) -> dict[str, MessageTemplate]:
    """The convocation and reminder templates, created from the shipped text on first use; the
    secretariat edits them in the back office."""
    found = {}
    for key, kind, text in (
        (CONVOCATION_KEY, MailingKind.CONVOCATION, CONVOCATION_DEFAULT),
        (REMINDER_KEY, MailingKind.MESSAGE, REMINDER_DEFAULT),
    ):
        found[key], _created = MessageTemplate.objects.get_or_create(
            organization=organization, key=key, defaults={"kind": kind, **text}
        )
    return found


@dataclasses.dataclass(frozen=True)
class Notice:
    """The convocation's notice if it were sent on `on`: days before the Assembly opens (in the
    venue's calendar) against the days the rules require."""

    on: dt.date
    assembly_day: dt.date
    days_before: int
    required: int
    assumed: bool

    @property
    def late(self) -> bool:
        return self.days_before < self.required

    @property
    def deadline(self) -> dt.date:
        return self.assembly_day - dt.timedelta(days=self.required)


def notice_for(assembly: Assembly, at: dt.datetime | None = None) -> Notice:
    at = at or timezone.now()
    rules = mailing_rules(assembly.organization)
    on = at.astimezone(assembly.zone).date()
    day = assembly.starts_at.astimezone(assembly.zone).date()
    return Notice(on, day, (day - on).days, rules.notice_days, rules.notice_assumed)


def _queue(
    *, mailing: Mailing, template: MessageTemplate, recipients: list[Recipient], at: dt.datetime
) -> int:
    facts: dict[str, dict[str, str]] = {}
    rows = []
    for recipient in recipients:
        if recipient.language not in facts:
            facts[recipient.language] = assembly_facts(mailing.assembly, recipient.language)
        subject, body = written_for(template, recipient, facts[recipient.language])
        rows.append(
            Delivery(
                mailing=mailing,
                member=recipient.member,
                person=recipient.person,
                name=recipient.name[:200],
                address=recipient.address,
                language=recipient.language,
                subject=subject,
                body=body,
                next_attempt_at=at,
            )
        )
    Delivery.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def send_convocation(
    *,
    assembly: Assembly,
    by: Any,
    confirm_late: bool = False,
    template: MessageTemplate | None = None,
    at: dt.datetime | None = None,
) -> Mailing:
    """Queue the statutory notice to every member's contacts, in each member's language.

    Refuses (`Conflict`) a second convocation, and one that would be late under the rules unless
    `confirm_late`; `Invalid` when no member has an address or the template is another
    organization's. The notice as judged now is kept on the mailing for the minutes.
    """
    require(can_send_mailings, by)
    at = at or timezone.now()
    if template is not None and template.organization_id != assembly.organization_id:
        raise Invalid(_("Choose one of this organization's templates."), field="template")
    with transaction.atomic():
        # One convocation at a time: the assembly row is the lock (the constraint backs it).
        assembly = (
            Assembly.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=assembly.pk)
        )
        if Mailing.objects.filter(assembly=assembly, kind=MailingKind.CONVOCATION).exists():
            raise Conflict(_("The convocation of this assembly was already sent."))
        notice = notice_for(assembly, at)
        if notice.late and not confirm_late:
            raise Conflict(
                _(
                    "The convocation would go out %(days)d days before the Assembly; the rules "
                    "ask for %(required)d. Confirm to send it late."
                )
                % {"days": notice.days_before, "required": notice.required},
                field="confirm_late",
            )
        template = template or default_templates(assembly.organization)[CONVOCATION_KEY]
        recipients = recipients_for(assembly, Audience.MEMBERS)
        if not recipients:
            raise Invalid(_("No member has an e-mail address: add contacts first."))
        mailing = Mailing(
            assembly=assembly,
            kind=MailingKind.CONVOCATION,
            audience=Audience.MEMBERS,
            template=template,
            subject_en=template.subject_en[:200],
            subject_ko=template.subject_ko[:200],
            created_at=at,
            created_by=stored_user(by),
            notice_days_required=notice.required,
            days_before=notice.days_before,
            late_confirmed=notice.late,
        )
        try:
            with transaction.atomic():
                mailing.save()
        except IntegrityError:
            raise Conflict(_("The convocation of this assembly was already sent.")) from None
        _queue(mailing=mailing, template=template, recipients=recipients, at=at)
    return mailing


@transaction.atomic
def send_message(
    *, assembly: Assembly, audience: str, template: MessageTemplate, by: Any
) -> Mailing:
    """Queue `template` to one group of the assembly (registered, present, delegates who have
    not voted, late jurors, every member), each recipient in its language."""
    require(can_send_mailings, by)
    if audience not in Audience.values:
        raise Invalid(_("Choose who the message goes to."), field="audience")
    if template.organization_id != assembly.organization_id:
        raise Invalid(_("Choose one of this organization's templates."), field="template")
    recipients = recipients_for(assembly, audience)
    if not recipients:
        raise Invalid(_("Nobody with an e-mail address is in this group now."), field="audience")
    at = timezone.now()
    mailing = Mailing.objects.create(
        assembly=assembly,
        kind=MailingKind.MESSAGE,
        audience=audience,
        template=template,
        subject_en=template.subject_en[:200],
        subject_ko=template.subject_ko[:200],
        created_at=at,
        created_by=stored_user(by),
    )
    _queue(mailing=mailing, template=template, recipients=recipients, at=at)
    return mailing


@transaction.atomic
def retry_failed(*, mailing: Mailing, by: Any) -> int:
    """Queue the failed deliveries of `mailing` again, with a fresh count of attempts; returns
    how many. Sent and bounced deliveries are never sent again."""
    require(can_send_mailings, by)
    return Delivery.objects.filter(mailing=mailing, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
    )


def record_bounce(*, message_id: str, reason: str, organization_id: int) -> Delivery | None:
    """Mark the sent delivery with this Message-ID bounced (the mail server's report, through
    the authenticated bounce hook). Only a sent delivery of the organization served can bounce;
    anything else is left as it is and None returned."""
    wanted = message_id.strip()
    if not wanted.startswith("<"):
        wanted = f"<{wanted}>"
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .filter(
                message_id=wanted,
                mailing__assembly__organization_id=organization_id,
                status__in=[DeliveryStatus.SENT, DeliveryStatus.BOUNCED],
            )
            .first()
        )
        if delivery is None:
            return None
        if delivery.status == DeliveryStatus.SENT:
            delivery.status = DeliveryStatus.BOUNCED
            delivery.bounced_at = timezone.now()
            delivery.last_error = reason.strip()[:300]
            delivery.save(update_fields=["status", "bounced_at", "last_error"])
    return delivery
