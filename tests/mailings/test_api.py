"""GET /api/mailings/{edition}/convocation: the convocation's record, for the secretariat only."""

from __future__ import annotations

from typing import Any

from django.test import Client

from moim.mailings.sending import send_pending
from tests.mailings.conftest import Convened, convoke, logged_in

URL = "/api/mailings/5/convocation"


def test_secretariat_reads_the_convocation_record(convened: Convened, secretariat: Any) -> None:
    convoke(convened.assembly)
    send_pending(batch=2)

    body = logged_in(secretariat).get(URL).json()

    assert body["sent"] is True
    assert (body["days_before"], body["notice_days_required"], body["on_time"]) == (40, 30, True)
    assert (body["recipients"], body["delivered"], body["pending"]) == (3, 2, 1)


def test_before_the_convocation_the_record_says_not_sent(
    convened: Convened, secretariat: Any
) -> None:
    body = logged_in(secretariat).get(URL).json()

    assert (body["sent"], body["sent_at"], body["recipients"]) == (False, None, 0)


def test_others_are_refused(convened: Convened, delegate_a: Any, chair: Any) -> None:
    convoke(convened.assembly)

    assert Client().get(URL).status_code == 401
    for user in (delegate_a, chair):
        response = logged_in(user).get(URL)
        assert response.status_code == 403
        assert "recipients" not in response.json()
