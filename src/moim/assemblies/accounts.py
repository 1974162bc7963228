"""Accounts for registered delegates: issued in bulk by the secretariat from the registrations.

A delegate needs a login only to vote electronically; presence never depends on one. Each new
account has no usable password: its owner receives an e-mail, in the registration's language,
with a link (Django's password-reset token) to set one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from moim.assemblies.enums import REPRESENTING_ROLES, RegistrationStatus
from moim.assemblies.models import Registration
from moim.assemblies.rules import can_manage_registrations
from moim.assemblies.services import Actor, link_person, site_url
from moim.members.enums import Role
from moim.members.services import assign_role
from moim.permissions import require


@dataclass
class IssueReport:
    """What a bulk issuance did: the registrations that got an account, and why others not."""

    issued: list[Registration] = field(default_factory=list)
    skipped: list[tuple[Registration, str]] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [f"{r.full_name}: {reason}" for r, reason in self.skipped]


def _free_username(email: str) -> str:
    user_model = get_user_model()
    base = email[:140]
    username, n = base, 1
    while user_model.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _why_not(registration: Registration) -> str:
    """Why this registration gets no account, or "" when it may have one."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return _("the registration is %(status)s, not confirmed.") % {
            "status": registration.get_status_display().lower()
        }
    if registration.member_id is None or registration.role not in REPRESENTING_ROLES:
        return _("represents no member, so has no vote to cast.")
    if not registration.is_accredited:
        # A login would let an unaccredited claimant act for the member (its proxy, its ballot).
        return _("is not accredited to represent %(member)s.") % {
            "member": registration.member.name if registration.member else ""
        }
    return ""


def issue_accounts(
    *, registrations: list[Registration], by: Actor, base_url: str | None = None
) -> IssueReport:
    """Give each confirmed, accredited representative of a member a login (the delegate role).

    Idempotent: someone who already has a login is skipped and the report says so. Each
    registration is handled in its own transaction, so one refusal loses nothing done for the
    others; the e-mails leave after each commit.
    """
    require(can_manage_registrations, by)
    url = base_url or site_url()
    report = IssueReport()
    for registration in registrations:
        reason = _why_not(registration)
        if reason:
            report.skipped.append((registration, reason))
            continue
        with transaction.atomic():
            locked = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("assembly", "member", "person__user")
                .get(pk=registration.pk)
            )
            person = link_person(locked)
            assert person is not None  # a member's registrant always gets a person
            if person.user_id is not None:
                report.skipped.append(
                    (
                        locked,
                        _("already has an account (%(username)s).")
                        % {"username": person.user.get_username() if person.user else ""},
                    )
                )
                continue
            user_model = get_user_model()
            clash = user_model.objects.filter(
                Q(email__iexact=locked.email) | Q(username__iexact=locked.email)
            ).first()
            if clash is not None:
                report.skipped.append(
                    (
                        locked,
                        _(
                            "a login with this e-mail already exists (%(username)s); link it "
                            "to the person in the back office."
                        )
                        % {"username": clash.get_username()},
                    )
                )
                continue
            user = user_model(username=_free_username(locked.email), email=locked.email)
            assert isinstance(user, User)
            user.first_name = locked.full_name[:150]
            user.set_unusable_password()
            user.save()
            person.user = user
            person.save(update_fields=["user"])
            assign_role(user=user, role=Role.DELEGATE)
            transaction.on_commit(_mailer(locked, user, url))
            report.issued.append(locked)
    return report


def _mailer(registration: Registration, user: User, base_url: str) -> Callable[[], None]:
    return lambda: send_account_mail(registration=registration, user=user, base_url=base_url)


def set_password_path(user: User, language: str) -> str:
    """The path of the page where `user` sets a password (valid until it is used)."""
    with translation.override(language):
        return reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )


def send_account_mail(*, registration: Registration, user: User, base_url: str) -> None:
    assembly = registration.assembly
    with translation.override(registration.language), timezone.override(assembly.zone):
        context = {
            "registration": registration,
            "assembly": assembly,
            "username": user.get_username(),
            "set_password_url": f"{base_url}{set_password_path(user, registration.language)}",
            "login_url": f"{base_url}{reverse('login')}",
        }
        subject = render_to_string("assemblies/email/account_subject.txt", context).strip()
        body = render_to_string("assemblies/email/account.txt", context)
    EmailMessage(subject=subject, body=body, to=[registration.email]).send()
