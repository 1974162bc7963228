"""The member contact's signed link to confirm or decline who represents the member.

The link carries the registration, the member it claims and the registration's credential nonce,
signed with a key derived from the vault key (outside the database): a database reader cannot
make one, a link for one member's claim says nothing about another's, and since every change of
the credential renews the nonce, a link works once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from moim.assemblies.enums import Credential
from moim.assemblies.models import Registration
from moim.keys import derive

_SALT = "moim.assemblies.credentials"
# A contact's link lasts for the registration period; a later claim gets a new one.
MAX_AGE_DAYS = 90


def _key() -> str:
    return derive("credentials-contact").hex()


def contact_token(registration: Registration) -> str:
    assert registration.member_id is not None
    payload = {
        "r": registration.pk,
        "m": registration.member_id,
        "n": registration.credential_nonce,
    }
    return signing.dumps(payload, key=_key(), salt=_SALT)


@dataclass(frozen=True)
class ContactClaim:
    registration_id: int
    member_id: int
    nonce: str


def read_contact_token(token: str) -> ContactClaim | None:
    """The claim a genuine, unexpired token names; None for anything forged or expired.

    Whether the claim still stands (same member, same nonce, still awaiting) is the
    service's check, made on the locked row."""
    try:
        payload = signing.loads(token, key=_key(), salt=_SALT, max_age=MAX_AGE_DAYS * 86400)
    except signing.BadSignature:
        return None
    try:
        return ContactClaim(int(payload["r"]), int(payload["m"]), str(payload["n"]))
    except (KeyError, TypeError, ValueError):
        return None


def contact_path(registration: Registration) -> str:
    return reverse("assemblies:credential_contact", kwargs={"token": contact_token(registration)})


def send_contact_request(*, registration_id: int, base_url: str) -> None:
    """Ask the member's known contact to confirm or decline a registrant who claims the member.

    Runs after the registration commits; nothing is sent when the member has no contact (the
    secretariat then decides) or the claim no longer waits."""
    registration = (
        Registration.objects.select_related("assembly", "member").filter(pk=registration_id).first()
    )
    if (
        registration is None
        or registration.member is None
        or not registration.member.contact_email
        or registration.credential != Credential.AWAITING
    ):
        return
    assembly = registration.assembly
    with translation.override(registration.language), timezone.override(assembly.zone):
        context = {
            "registration": registration,
            "assembly": assembly,
            "member": registration.member,
            "link": f"{base_url}{contact_path(registration)}",
        }
        subject = render_to_string("assemblies/email/credential_subject.txt", context).strip()
        body = render_to_string("assemblies/email/credential.txt", context)
    EmailMessage(subject=subject, body=body, to=[registration.member.contact_email]).send()
