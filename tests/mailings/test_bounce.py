"""The bounce hook: only a caller holding MOIM_BOUNCE_SECRET marks a sent delivery bounced."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from moim.mailings.enums import DeliveryStatus
from moim.mailings.models import Delivery, Mailing
from moim.mailings.sending import send_pending
from moim.members.models import Organization
from tests.factories import MemberFactory
from tests.mailings.conftest import Convened, convoke, make_assembly

SECRET = "bounce-secret-for-the-tests-only"
URL = "/mailings/bounce/"


@pytest.fixture
def sent(convened: Convened, settings: Any) -> Mailing:
    settings.MOIM_BOUNCE_SECRET = SECRET
    mailing = convoke(convened.assembly)
    send_pending(batch=10)
    return mailing


def _post(payload: dict[str, str], **headers: str) -> Any:
    return Client().post(URL, json.dumps(payload), content_type="application/json", headers=headers)


def _lima(mailing: Mailing) -> Delivery:
    return Delivery.objects.get(mailing=mailing, address="mayor@lima.example")


def test_bounce_with_the_secret_marks_the_delivery_bounced(sent: Mailing) -> None:
    lima = _lima(sent)

    response = _post(
        {"message_id": lima.message_id, "reason": "550 no such user"},
        X_Moim_Bounce_Secret=SECRET,
    )

    lima.refresh_from_db()
    assert response.json() == {"status": "bounced"}
    assert (lima.status, lima.last_error) == (DeliveryStatus.BOUNCED, "550 no such user")
    assert lima.bounced_at is not None


def test_bounce_accepts_a_bearer_token_and_a_bare_message_id(sent: Mailing) -> None:
    lima = _lima(sent)

    _post({"message_id": lima.message_id.strip("<>")}, Authorization=f"Bearer {SECRET}")

    lima.refresh_from_db()
    assert lima.status == DeliveryStatus.BOUNCED


@pytest.mark.parametrize("secret", ["", "wrong", SECRET + "x", SECRET[:-1]])
def test_bounce_without_the_secret_changes_nothing(sent: Mailing, secret: str) -> None:
    lima = _lima(sent)

    response = _post({"message_id": lima.message_id}, X_Moim_Bounce_Secret=secret)

    lima.refresh_from_db()
    assert (response.status_code, response.json()) == (403, {"detail": "forbidden"})
    assert lima.status == DeliveryStatus.SENT


def test_bounce_hook_is_off_without_a_configured_secret(sent: Mailing, settings: Any) -> None:
    settings.MOIM_BOUNCE_SECRET = ""
    lima = _lima(sent)

    response = _post({"message_id": lima.message_id}, X_Moim_Bounce_Secret="")

    lima.refresh_from_db()
    assert response.status_code == 404
    assert lima.status == DeliveryStatus.SENT


def test_bounce_refuses_a_get(sent: Mailing) -> None:
    response = Client().get(URL, {"message_id": _lima(sent).message_id})

    assert response.status_code == 405
    assert _lima(sent).status == DeliveryStatus.SENT


def test_a_delivery_not_yet_sent_cannot_bounce(convened: Convened, settings: Any) -> None:
    settings.MOIM_BOUNCE_SECRET = SECRET
    mailing = convoke(convened.assembly)
    lima = _lima(mailing)

    response = _post({"message_id": lima.message_id}, X_Moim_Bounce_Secret=SECRET)

    lima.refresh_from_db()
    assert response.json() == {"status": "ignored"}
    assert lima.status == DeliveryStatus.PENDING


def test_another_organization_s_delivery_cannot_bounce_here(
    sent: Mailing, other_organization: Organization
) -> None:
    foreign_assembly = make_assembly(other_organization, edition=1)
    MemberFactory(organization=other_organization, contact_email="x@metropolis.example")
    foreign = convoke(foreign_assembly)
    send_pending(batch=10)
    delivery = foreign.deliveries.get()

    response = _post({"message_id": delivery.message_id}, X_Moim_Bounce_Secret=SECRET)

    delivery.refresh_from_db()
    assert response.json() == {"status": "ignored"}
    assert delivery.status == DeliveryStatus.SENT


def test_bounce_without_a_message_id_is_refused(sent: Mailing) -> None:
    response = _post({"reason": "x"}, X_Moim_Bounce_Secret=SECRET)

    assert (response.status_code, response.json()) == (400, {"detail": "message_id is required"})
