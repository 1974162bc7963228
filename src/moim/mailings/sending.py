"""The mail worker: sends queued deliveries in batches, each at most once.

A batch is claimed first, in a short transaction of its own: the due pending rows are locked
(`select_for_update(skip_locked=True)` on PostgreSQL, so two workers take different rows; SQLite
runs one writer at a time, `BEGIN IMMEDIATE`) and marked `sending`. Only then is the mail server
asked, outside any transaction, and each row marked `sent`, or put back with a later attempt
time (doubling each time), or `failed` after the rules' last attempt. A worker that dies between
the mail server and the mark leaves the row `sending`: after STALE_AFTER it is marked failed, as
"may have been sent", and never sent again unless the secretariat asks (retry). So nothing
marked sent, and nothing that may have left, is ever sent twice by the worker itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from moim.mailings.enums import DeliveryStatus
from moim.mailings.models import DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MINUTES, Delivery, MailingRules

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
INTERRUPTED = "Interrupted while sending: it may have reached the recipient."


@dataclasses.dataclass
class BatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    interrupted: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def release_interrupted(now: dt.datetime) -> int:
    """Deliveries left `sending` by a worker that stopped: failed, never sent again by itself."""
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_AFTER
    ).update(status=DeliveryStatus.FAILED, last_error=INTERRUPTED)


def claim_batch(size: int, now: dt.datetime) -> list[int]:
    """Lock and mark `sending` up to `size` due pending deliveries; returns their ids."""
    with transaction.atomic():
        due = Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:size])
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claimed_at=now
        )
    return ids


def _policy(delivery: Delivery) -> tuple[int, int]:
    organization_id = delivery.mailing.assembly.organization_id
    rules = MailingRules.objects.filter(organization_id=organization_id).first()
    if rules is None:
        return DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MINUTES
    return rules.max_attempts, rules.retry_minutes


def backoff(attempts: int, retry_minutes: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones: 1, 2, 4... times the
    first wait, at most a day."""
    return min(dt.timedelta(minutes=retry_minutes * 2 ** (attempts - 1)), dt.timedelta(days=1))


def send_delivery(delivery_id: int, result: BatchResult, now: dt.datetime) -> None:
    """Send one claimed delivery and record what happened. Never raises for the mail server."""
    delivery = Delivery.objects.select_related("mailing__assembly").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.SENDING:
        return
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        to=[delivery.address],
        headers={"Message-ID": delivery.message_id},
    )
    try:
        message.send()
    except Exception as error:  # any backend failure: SMTP, socket, TLS, a refused address
        problem = f"{type(error).__name__}: {error}"[:300]
        attempts = delivery.attempts + 1
        max_attempts, retry_minutes = _policy(delivery)
        logger.warning("delivery %s: attempt %d failed: %s", delivery_id, attempts, problem)
        if attempts >= max_attempts:
            status = DeliveryStatus.FAILED
            result.failed += 1
        else:
            status = DeliveryStatus.PENDING
            result.retrying += 1
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
            status=status,
            attempts=attempts,
            last_error=problem,
            next_attempt_at=now + backoff(attempts, retry_minutes),
        )
        return
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT,
        attempts=delivery.attempts + 1,
        sent_at=timezone.now(),
        last_error="",
    )
    result.sent += 1


def send_pending(*, batch: int = 50, now: dt.datetime | None = None) -> BatchResult:
    """Send one batch of due deliveries (the worker calls this in a loop)."""
    now = now or timezone.now()
    result = BatchResult(interrupted=release_interrupted(now))
    for delivery_id in claim_batch(max(1, batch), now):
        send_delivery(delivery_id, result, now)
    return result
