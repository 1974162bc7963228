"""The mail worker: each delivery sent at most once, failures retried with a growing pause up to
the rules' attempts, and a delivery a crashed worker left half-sent never sent again by itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from moim.mailings.enums import DeliveryStatus
from moim.mailings.models import Delivery
from moim.mailings.sending import INTERRUPTED, STALE_AFTER, claim_batch, send_pending
from moim.mailings.services import mailing_rules, retry_failed
from moim.permissions import SYSTEM
from tests.mailings.conftest import Convened, convoke, statuses


class Refusing:
    """A mail backend that refuses some addresses, as a real server might."""

    refused: set[str] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        for message in messages:
            if set(message.to) & self.refused:
                raise ConnectionRefusedError("550 mailbox unavailable")
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture
def refusing(settings: Any) -> type[Refusing]:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.Refusing", "OPTIONS": {}}}
    Refusing.refused = {"mayor@lima.example"}
    return Refusing


def test_worker_sends_each_delivery_once_with_its_message_id(convened: Convened) -> None:
    mailing = convoke(convened.assembly)

    first = send_pending(batch=10)
    second = send_pending(batch=10)

    assert (first.sent, second.sent) == (3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "intl@busan.example",
        "mayor@lima.example",
        "wego@seoul.example",
    ]
    seoul = Delivery.objects.get(mailing=mailing, address="wego@seoul.example")
    sent = next(m for m in mail.outbox if m.to == ["wego@seoul.example"])
    assert sent.extra_headers["Message-ID"] == seoul.message_id
    assert sent.subject == seoul.subject
    assert set(statuses(mailing).values()) == {DeliveryStatus.SENT}


def test_worker_sends_in_batches(convened: Convened) -> None:
    mailing = convoke(convened.assembly)

    result = send_pending(batch=2)

    assert result.sent == 2
    assert sorted(statuses(mailing).values()) == ["pending", "sent", "sent"]


def test_failure_is_retried_later_with_a_doubling_pause(
    convened: Convened, refusing: type[Refusing]
) -> None:
    mailing = convoke(convened.assembly)
    now = timezone.now()

    result = send_pending(batch=10, now=now)

    lima = Delivery.objects.get(mailing=mailing, address="mayor@lima.example")
    assert (result.sent, result.retrying) == (2, 1)
    assert (lima.status, lima.attempts) == (DeliveryStatus.PENDING, 1)
    assert "550 mailbox unavailable" in lima.last_error
    assert lima.next_attempt_at - now == dt.timedelta(minutes=5)
    # Not due yet: the next batch leaves it alone.
    assert send_pending(batch=10, now=now).handled == 0

    retried_at = lima.next_attempt_at
    send_pending(batch=10, now=retried_at)
    lima.refresh_from_db()
    assert lima.attempts == 2
    assert lima.next_attempt_at - retried_at == dt.timedelta(minutes=10)


def test_failure_is_final_after_the_rules_attempts(
    convened: Convened, refusing: type[Refusing]
) -> None:
    rules = mailing_rules(convened.assembly.organization)
    rules.max_attempts = 2
    rules.save()
    mailing = convoke(convened.assembly)
    later = timezone.now() + dt.timedelta(days=2)

    send_pending(batch=10)
    result = send_pending(batch=10, now=later)

    lima = Delivery.objects.get(mailing=mailing, address="mayor@lima.example")
    assert (result.failed, lima.status, lima.attempts) == (1, DeliveryStatus.FAILED, 2)
    assert send_pending(batch=10, now=later + dt.timedelta(days=2)).handled == 0


def test_retry_of_failed_sends_only_the_failed_again(
    convened: Convened, refusing: type[Refusing]
) -> None:
    rules = mailing_rules(convened.assembly.organization)
    rules.max_attempts = 1
    rules.save()
    mailing = convoke(convened.assembly)
    send_pending(batch=10)
    assert len(mail.outbox) == 2

    refusing.refused = set()
    assert retry_failed(mailing=mailing, by=SYSTEM) == 1
    send_pending(batch=10)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "intl@busan.example",
        "mayor@lima.example",
        "wego@seoul.example",
    ]
    assert set(statuses(mailing).values()) == {DeliveryStatus.SENT}


def test_claimed_deliveries_are_not_taken_by_a_second_worker(convened: Convened) -> None:
    convoke(convened.assembly)
    now = timezone.now()

    first = claim_batch(10, now)
    second = claim_batch(10, now)

    assert len(first) == 3
    assert second == []


def test_a_crash_between_the_mail_server_and_the_record_never_sends_twice(
    convened: Convened,
) -> None:
    """A worker claimed a batch, sent one message, and died before writing it down."""
    mailing = convoke(convened.assembly)
    now = timezone.now()
    claimed = claim_batch(10, now)
    assert len(claimed) == 3

    # Restarted at once: the claimed rows are not due again.
    assert send_pending(batch=10, now=now).handled == 0
    # Much later: they are marked failed ("may have been sent"), still not sent again.
    result = send_pending(batch=10, now=now + STALE_AFTER + dt.timedelta(seconds=1))

    assert (result.interrupted, result.handled, len(mail.outbox)) == (3, 0, 0)
    assert set(statuses(mailing).values()) == {DeliveryStatus.FAILED}
    assert Delivery.objects.filter(last_error=INTERRUPTED).count() == 3


def test_a_delivery_marked_sent_is_never_sent_again(convened: Convened) -> None:
    mailing = convoke(convened.assembly)
    send_pending(batch=10)
    Delivery.objects.filter(mailing=mailing).update(next_attempt_at=timezone.now())

    retry_failed(mailing=mailing, by=SYSTEM)
    send_pending(batch=10)

    assert len(mail.outbox) == 3


def test_send_mail_command_reports_what_it_sent(convened: Convened, capsys: Any) -> None:
    convoke(convened.assembly)

    call_command("send-mail", "--batch", "2")

    assert "sent 2, to retry 0, failed 0" in capsys.readouterr().out
    assert len(mail.outbox) == 2
