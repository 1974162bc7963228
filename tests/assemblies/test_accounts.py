"""The secretariat issues accounts to registered delegates in bulk, from the registrations:
each gets an e-mail with a link to set a password, then logs in and reaches a ballot."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from moim.assemblies import accounts
from moim.assemblies.enums import Credential, ParticipantRole, RegistrationStatus
from moim.assemblies.models import Assembly, Registration
from moim.governance import services as governance
from moim.members.enums import Role
from tests.assemblies.factories import RegistrationFactory
from tests.conftest import Persona
from tests.factories import MemberFactory, PersonFactory, UserFactory
from tests.governance.conftest import make_motion, make_rules

LINK = re.compile(r"https?://[^/\s]+(/\S+/reset/\S+/)")


def _link_in(body: str) -> str:
    found = LINK.search(body)
    assert found, body
    return found.group(1)


def test_issued_account_sets_a_password_logs_in_and_reaches_the_ballot(
    client: Client,
    assembly: Assembly,
    secretariat: Persona,
    chair: Persona,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    member = MemberFactory(organization=assembly.organization, name_en="Mexico City")
    registration = RegistrationFactory(
        assembly=assembly,
        member=member,
        full_name="Lucía Delegada",
        email="Lucia@CDMX.gob.mx",
        checked_in_at=timezone.now(),
    )
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/assemblies/registration/",
            {"action": "issue_accounts", "_selected_action": [registration.pk]},
            follow=True,
        )

    assert "1 accounts issued" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Lucia@CDMX.gob.mx"]
    assert "5th General Assembly" in message.subject
    registration.refresh_from_db()
    assert registration.person is not None
    assert registration.person.user is not None
    user = registration.person.user
    assert user.groups.filter(name=Role.DELEGATE.value).exists()
    assert not user.has_usable_password()
    assert user.get_username() in message.body

    delegate = Client()
    form_page = delegate.get(_link_in(message.body), follow=True)
    assert "new_password1" in form_page.content.decode()
    delegate.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a long city passphrase", "new_password2": "a long city passphrase"},
    )
    delegate.logout()
    delegate.post(
        "/en/accounts/login/",
        {"username": user.get_username(), "password": "a long city passphrase"},
    )
    assert delegate.session.get("_auth_user_id") == str(user.pk)

    decision = make_motion(assembly, make_rules(assembly.organization), title="Adopt the plan")
    poll = governance.open_poll(poll=governance.create_poll(decision=decision, by=chair), by=chair)
    ballot = delegate.get(f"/en/governance/poll/{poll.pk}/vote/").content.decode()
    assert "Adopt the plan" in ballot
    assert "Mexico City" in ballot


def test_issuing_again_skips_those_with_an_account_and_says_so(
    client: Client,
    assembly: Assembly,
    secretariat: Persona,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    member = MemberFactory(organization=assembly.organization)
    new = RegistrationFactory(assembly=assembly, member=member, email="new@example.org")
    user = UserFactory(username="has-one", roles=[Role.DELEGATE])
    existing = RegistrationFactory(
        assembly=assembly,
        member=member,
        email="has@example.org",
        full_name="Has Account",
        person=PersonFactory(organization=assembly.organization, member=member, user=user),
        credential=Credential.ALTERNATE,
    )
    claimant = RegistrationFactory(
        assembly=assembly,
        member=member,
        email="claims@example.org",
        full_name="Mere Claimant",
        credential=Credential.AWAITING,
    )
    guest = RegistrationFactory(
        assembly=assembly, member=None, email="guest@example.org", full_name="Guest Person"
    )
    pending = RegistrationFactory(
        assembly=assembly,
        member=member,
        email="pending@example.org",
        full_name="Pending Person",
        status=RegistrationStatus.PENDING,
        credential=Credential.ALTERNATE,
    )
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/assemblies/{assembly.edition}/registrations/accounts/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/assemblies/registration/",
            {
                "action": "issue_accounts",
                "_selected_action": [new.pk, existing.pk, guest.pk, pending.pk, claimant.pk],
            },
            follow=True,
        )

    html = response.content.decode()
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert "0 accounts issued" in html
    assert "Has Account: already has an account (has-one)." in html
    assert "Guest Person: represents no member" in html
    assert "Pending Person: the registration is awaiting approval, not confirmed." in html
    # A claim awaiting accreditation gets no login: it would act for the member.
    assert f"Mere Claimant: is not accredited to represent {member.name_en}." in html
    assert not get_user_model().objects.filter(email="claims@example.org").exists()
    assert get_user_model().objects.filter(email="new@example.org").count() == 1


def test_the_registrations_page_issues_accounts_to_confirmed_delegates(
    client: Client,
    assembly: Assembly,
    secretariat: Persona,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    members = [MemberFactory(organization=assembly.organization) for _ in range(3)]
    for i, member in enumerate(members):
        RegistrationFactory(assembly=assembly, member=member, email=f"d{i}@example.org")
    RegistrationFactory(
        assembly=assembly, member=members[0], email="press@example.org", role=ParticipantRole.PRESS
    )
    client.force_login(secretariat)
    page = client.get(f"/en/assemblies/{assembly.edition}/registrations/").content.decode()
    assert "Issue accounts to delegates" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/assemblies/{assembly.edition}/registrations/accounts/", follow=True
        )

    assert "3 accounts issued" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "d0@example.org",
        "d1@example.org",
        "d2@example.org",
    ]
    assert Registration.objects.filter(assembly=assembly, person__user__isnull=False).count() == 3


def test_the_mail_is_in_the_registrations_language(
    assembly: Assembly,
    secretariat: Persona,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    registration = RegistrationFactory(assembly=assembly, language="ko")

    with django_capture_on_commit_callbacks(execute=True):
        accounts.issue_accounts(registrations=[registration], by=secretariat)

    assert "/ko/accounts/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_only_the_secretariat_issues_accounts(
    client: Client, assembly: Assembly, who: str, request: pytest.FixtureRequest
) -> None:
    registration = RegistrationFactory(assembly=assembly)
    if who == "outsider":
        client.force_login(request.getfixturevalue("outsider"))

    response = client.post(f"/en/assemblies/{assembly.edition}/registrations/accounts/")

    assert response.status_code == (403 if who == "outsider" else 404)
    registration.refresh_from_db()
    assert registration.person is None
    assert mail.outbox == []
