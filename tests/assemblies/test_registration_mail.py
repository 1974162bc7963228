"""A mail server that fails never turns a stored registration into an error: the mail leaves
after commit, is retried, and a last failure is shown to the secretariat, who can resend."""

from __future__ import annotations

import smtplib
from typing import Any, ClassVar

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocMemBackend
from django.test import Client

from moim.assemblies import services
from moim.assemblies.enums import MailStatus
from moim.assemblies.models import Assembly, Registration
from tests.assemblies.factories import RegistrationFactory
from tests.assemblies.test_views import form_data
from tests.conftest import Persona

BACKENDS = "tests.assemblies.test_registration_mail"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    calls: ClassVar[int] = 0

    def send_messages(self, email_messages: Any) -> int:
        type(self).calls += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocMemBackend):
    """A mail server that refuses the first attempt and accepts the next."""

    calls: ClassVar[int] = 0

    def send_messages(self, email_messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls == 1:
            raise ConnectionRefusedError(111, "Connection refused")
        return int(super().send_messages(email_messages))


@pytest.fixture
def mail_down(settings: Any) -> type[RefusingBackend]:
    RefusingBackend.calls = 0
    settings.MAILERS = {"default": {"BACKEND": f"{BACKENDS}.RefusingBackend"}}
    return RefusingBackend


def test_public_registration_is_kept_and_answered_when_mail_fails(
    client: Client,
    assembly: Assembly,
    mail_down: type[RefusingBackend],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/assemblies/{assembly.edition}/register/", form_data(), follow=True
        )

    registration = Registration.objects.get()
    assert "You are registered." in response.content.decode()
    assert mail_down.calls == 3  # tried three times
    assert registration.mail_status == MailStatus.FAILED
    assert registration.mail_error == ("SMTPServerDisconnected: Connection unexpectedly closed")


def test_api_registration_gets_201_when_mail_fails(
    client: Client,
    assembly: Assembly,
    mail_down: type[RefusingBackend],
    django_capture_on_commit_callbacks: Any,
) -> None:
    payload = {
        "full_name": "Clara Brugada",
        "email": "clara@example.org",
        "role": "mayor",
        "attendance_mode": "online",
        "country": "MX",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/assemblies/{assembly.edition}/registrations",
            payload,
            content_type="application/json",
        )

    assert response.status_code == 201
    assert Registration.objects.get().mail_status == MailStatus.FAILED


def test_mail_is_sent_after_commit_only(
    assembly: Assembly, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = services.register(
            assembly=assembly,
            full_name="Ana Costa",
            email="ana@example.org",
            role="delegate",
            attendance_mode="in_person",
            country="KR",
        )
    assert mailoutbox == []
    assert callbacks

    for callback in callbacks:
        callback()

    registration.refresh_from_db()
    assert [message.to for message in mailoutbox] == [["ana@example.org"]]
    assert registration.mail_status == MailStatus.SENT


def test_a_refused_first_attempt_is_retried(
    assembly: Assembly, settings: Any, mailoutbox: list[Any]
) -> None:
    FlakyBackend.calls = 0
    settings.MAILERS = {"default": {"BACKEND": f"{BACKENDS}.FlakyBackend"}}
    registration = RegistrationFactory(assembly=assembly, email="bo@example.org")

    status = services.deliver_registration_mail(
        registration_id=registration.pk, base_url="http://testserver"
    )

    registration.refresh_from_db()
    assert (status, FlakyBackend.calls) == (MailStatus.SENT, 2)
    assert (registration.mail_status, registration.mail_error) == (MailStatus.SENT, "")
    assert len(mailoutbox) == 1


def test_secretariat_sees_the_failure_and_resends(
    client: Client,
    assembly: Assembly,
    secretariat: Persona,
    mail_down: type[RefusingBackend],
    settings: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/assemblies/{assembly.edition}/register/", form_data())
    registration = Registration.objects.get()
    client.force_login(secretariat)
    page = client.get(f"/en/assemblies/{assembly.edition}/registrations/").content.decode()
    admin_list = client.get("/en/admin/assemblies/registration/?mail_status=failed")

    assert "Confirmation mail failed" in page
    assert f"/registrations/{registration.pk}/resend-mail/" in page
    assert registration.full_name in admin_list.content.decode()

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/assemblies/{assembly.edition}/registrations/{registration.pk}/resend-mail/",
            follow=True,
        )

    registration.refresh_from_db()
    assert "The e-mail to lucia@example.org is sent." in response.content.decode()
    assert registration.mail_status == MailStatus.SENT
    assert [message.to for message in mailoutbox] == [["lucia@example.org"]]
    assert "Confirmation mail failed" not in response.content.decode()


def test_admin_action_resends_and_records_a_new_failure(
    client: Client,
    assembly: Assembly,
    secretariat: Persona,
    mail_down: type[RefusingBackend],
    django_capture_on_commit_callbacks: Any,
) -> None:
    registration = RegistrationFactory(assembly=assembly, email="bo@example.org")
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/admin/assemblies/registration/",
            {"action": "resend_mail", "_selected_action": [str(registration.pk)]},
        )

    registration.refresh_from_db()
    assert mail_down.calls == 3
    assert registration.mail_status == MailStatus.FAILED


def test_only_the_secretariat_may_resend(
    client: Client, assembly: Assembly, delegate_a: Persona
) -> None:
    registration = RegistrationFactory(assembly=assembly, email="bo@example.org")
    client.force_login(delegate_a)

    response = client.post(
        f"/en/assemblies/{assembly.edition}/registrations/{registration.pk}/resend-mail/"
    )

    registration.refresh_from_db()
    assert response.status_code == 403
    assert registration.mail_status == MailStatus.PENDING
