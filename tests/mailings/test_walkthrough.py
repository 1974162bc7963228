"""The secretariat's whole path from a blank start: set the rules and a template in the back
office, send the convocation from its page, let the worker send, take a bounce, retry a failure,
read the record in the API and on the page."""

from __future__ import annotations

import json
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from moim.mailings.enums import DeliveryStatus
from moim.mailings.models import Delivery, Mailing, MailingRules
from moim.members.models import Organization
from tests.mailings.conftest import Convened, logged_in


def test_secretariat_convenes_the_assembly_end_to_end(
    organization: Organization, convened: Convened, secretariat: Any, settings: Any
) -> None:
    settings.MOIM_BOUNCE_SECRET = "s3cret-for-the-walkthrough"
    client = logged_in(secretariat)

    # The back office: the Statute's notice is 35 days (the Assembly is 40 days away).
    add = client.post(
        reverse("admin:mailings_mailingrules_add"),
        {"organization": organization.pk, "notice_days": 35, "max_attempts": 2, "retry_minutes": 1},
    )
    assert add.status_code == 302
    rules = MailingRules.objects.get(organization=organization)
    assert (rules.notice_days, rules.max_attempts, rules.notice_assumed) == (35, 2, False)

    # The overview says it is not sent; the convocation page previews it and sends it.
    overview = client.get(reverse("mailings:overview", args=[5])).content.decode()
    assert "Convocation not sent yet." in overview
    sent = client.post(reverse("mailings:convocation", args=[5]), {})
    assert sent["Location"] == reverse("mailings:overview", args=[5])

    # The worker sends; Lima's server reports a bounce.
    call_command("send-mail")
    assert len(mail.outbox) == 3
    lima = Delivery.objects.get(address="mayor@lima.example")
    bounce = Client().post(
        "/mailings/bounce/",
        json.dumps({"message_id": lima.message_id, "reason": "550 unknown"}),
        content_type="application/json",
        headers={"X-Moim-Bounce-Secret": "s3cret-for-the-walkthrough"},
    )
    assert bounce.json() == {"status": "bounced"}

    # The record: on the page, in the back office's list, in the API.
    overview = client.get(reverse("mailings:overview", args=[5])).content.decode()
    assert "(40 days before), 2 delivered, 1 bounced." in overview
    mailing = Mailing.objects.get()
    deliveries = client.get(reverse("admin:mailings_delivery_changelist")).content.decode()
    assert "mayor@lima.example" in deliveries
    record = client.get("/api/mailings/5/convocation").json()
    assert (record["delivered"], record["bounced"], record["notice_days_required"]) == (2, 1, 35)

    # A failure is retried from the back office's action, and sent once more only.
    Delivery.objects.filter(address="intl@busan.example").update(status=DeliveryStatus.FAILED)
    client.post(
        reverse("admin:mailings_mailing_changelist"),
        {"action": "retry_failed", "_selected_action": [mailing.pk]},
    )
    call_command("send-mail")
    assert [m.to for m in mail.outbox[3:]] == [["intl@busan.example"]]
    assert Delivery.objects.get(address="intl@busan.example").status == DeliveryStatus.SENT


def test_back_office_lists_render_for_the_secretariat(convened: Convened, secretariat: Any) -> None:
    client = logged_in(secretariat)
    client.get(reverse("mailings:compose", args=[5]))  # makes the default templates

    for name in ("mailingrules", "messagetemplate", "mailing", "delivery"):
        response = client.get(reverse(f"admin:mailings_{name}_changelist"))
        assert response.status_code == 200, name
    templates = client.get(reverse("admin:mailings_messagetemplate_changelist")).content.decode()
    assert "Convocation of the General Assembly" in templates
