"""The record that the convocation went out, for the Assembly's minutes and the secretariat."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Count, Q

from moim.assemblies.models import Assembly
from moim.mailings.enums import DeliveryStatus, MailingKind
from moim.mailings.models import Mailing


@dataclasses.dataclass(frozen=True)
class ConvocationRecord:
    """When the convocation went out, against the notice the rules required, and what became
    of its deliveries (`pending` counts those still being sent)."""

    sent_at: dt.datetime
    notice_days_required: int
    days_before: int
    on_time: bool
    recipients: int
    sent: int
    bounced: int
    failed: int
    pending: int


def delivery_counts(mailing: Mailing) -> dict[str, int]:
    """How many deliveries of `mailing` stand in each state, and in all (one query)."""
    counts = mailing.deliveries.aggregate(
        recipients=Count("pk"),
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        bounced=Count("pk", filter=Q(status=DeliveryStatus.BOUNCED)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        pending=Count("pk", filter=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def convocation_record(assembly: Assembly) -> ConvocationRecord | None:
    """The convocation of `assembly` as sent, or None when it has not been sent."""
    mailing = Mailing.objects.filter(assembly=assembly, kind=MailingKind.CONVOCATION).first()
    if mailing is None:
        return None
    required = mailing.notice_days_required or 0
    days_before = mailing.days_before or 0
    return ConvocationRecord(
        sent_at=mailing.created_at,
        notice_days_required=required,
        days_before=days_before,
        on_time=days_before >= required,
        **delivery_counts(mailing),
    )
