"""Credentials: who represents a member at an assembly, and who holds its vote.

Registering for a member is a claim. A claimant counts for the member's presence and may hold its
vote only once accredited, by the member's known contact (the signed link e-mailed to
`Member.contact_email`) or by the secretariat (the credentials page, the registrations page, the
back office). A member has at most one voting delegate per assembly (a database constraint) and
any number of alternates, who stand in when the voting delegate is absent.

Each act is an AttendanceEvent on the registration and an entry in the audit log (who acted,
which registration, which member). While a poll of the assembly is open no credential changes:
the open poll's register was frozen when it opened, and the register of the next poll is the
first to follow a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.assemblies.credential_links import read_contact_token
from moim.assemblies.enums import (
    REPRESENTING_ROLES,
    AssemblyStatus,
    AttendanceAction,
    Credential,
    CredentialSource,
    RegistrationStatus,
)
from moim.assemblies.models import Assembly, Registration, new_credential_nonce
from moim.assemblies.queries import uncontested_claims
from moim.assemblies.rules import can_accredit
from moim.assemblies.services import Actor, _log, _user, link_person
from moim.errors import Conflict, Invalid, NotFound, Refused
from moim.governance import audit
from moim.governance.enums import AuditAction, PollState
from moim.governance.models import Poll
from moim.permissions import require

REASON_MAX = 300


class InvalidContactLink(NotFound):
    """A contact's link that is forged, expired, used, or no longer matches its claim."""


def _check_can_change(registration: Registration) -> None:
    assembly = registration.assembly
    if assembly.status == AssemblyStatus.CLOSED:
        raise Conflict(_("The assembly is closed; its credentials no longer change."))
    if Poll.objects.filter(decision__assembly=assembly, state=PollState.OPEN).exists():
        raise Conflict(
            _(
                "A poll is open: its voting register is frozen, so credentials change only "
                "once it is closed."
            )
        )
    if registration.member_id is None or registration.role not in REPRESENTING_ROLES:
        raise Invalid(
            _("%(name)s does not register for a member in a role that represents it.")
            % {"name": registration.full_name}
        )
    if registration.status not in (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED):
        raise Conflict(
            _("%(name)s's registration is %(status)s.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("assembly", "member")
        .get(pk=registration.pk)
    )


def _set(
    registration: Registration,
    credential: Credential,
    *,
    by: Actor | None,
    actor: str,
    source: str,
    note: str,
    now: dt.datetime,
) -> None:
    """Store a credential change, its log line and its audit entry (the caller holds the lock)."""
    previous = registration.credential
    registration.credential = credential
    registration.credential_source = (
        source if credential in (Credential.VOTING, Credential.ALTERNATE) else ""
    )
    registration.credential_note = note[:REASON_MAX]
    registration.credential_changed_at = now
    registration.credential_changed_by = _user(by)
    registration.credential_nonce = new_credential_nonce()
    try:
        with transaction.atomic():
            registration.save(
                update_fields=[
                    "credential",
                    "credential_source",
                    "credential_note",
                    "credential_changed_at",
                    "credential_changed_by",
                    "credential_nonce",
                ]
            )
    except IntegrityError as error:
        # Two voting delegates for one member meet the unique constraint (a race).
        raise Conflict(
            _("%(member)s already has a voting delegate.") % {"member": _member_name(registration)}
        ) from error
    if credential in (Credential.VOTING, Credential.ALTERNATE):
        action, audit_action = AttendanceAction.ACCREDITED, AuditAction.DELEGATE_ACCREDITED
    elif previous in (Credential.VOTING, Credential.ALTERNATE):
        action, audit_action = (
            AttendanceAction.ACCREDITATION_WITHDRAWN,
            AuditAction.ACCREDITATION_WITHDRAWN,
        )
    else:
        action, audit_action = AttendanceAction.CLAIM_REFUSED, AuditAction.CREDENTIAL_REFUSED
    label = Credential(credential).label
    _log(registration, action, by, f"{label}. {note}".strip() if note else str(label), at=now)
    assert registration.member is not None
    audit.record(
        action=audit_action,
        by=actor,
        subject=f"registration:{registration.pk}",
        data={
            "assembly": registration.assembly.edition,
            "registration": registration.pk,
            "name": registration.full_name,
            "email": registration.email,
            "member": registration.member.slug,
            "credential": str(credential),
            "previous": str(previous),
            "source": source,
            "reason": note,
        },
    )


def _member_name(registration: Registration) -> str:
    return registration.member.name if registration.member is not None else ""


def _voting_delegate(registration: Registration) -> Registration | None:
    return (
        Registration.objects.select_for_update(of=("self",))
        .filter(
            assembly_id=registration.assembly_id,
            member=registration.member,
            credential=Credential.VOTING,
        )
        .exclude(pk=registration.pk)
        .first()
    )


def _accredit(
    registration: Registration,
    credential: Credential,
    *,
    by: Actor | None,
    actor: str,
    source: CredentialSource,
    replace: bool,
    note: str = "",
    now: dt.datetime,
) -> Registration:
    _check_can_change(registration)
    if registration.credential == credential:
        raise Conflict(
            _("%(name)s is already accredited as %(credential)s of %(member)s.")
            % {
                "name": registration.full_name,
                "credential": Credential(credential).label.lower(),
                "member": _member_name(registration),
            }
        )
    if credential == Credential.VOTING:
        current = _voting_delegate(registration)
        if current is not None:
            if not replace:
                raise Conflict(
                    _(
                        "%(member)s already has a voting delegate, %(current)s: replace them, "
                        "or accredit %(name)s as an alternate."
                    )
                    % {
                        "member": _member_name(registration),
                        "current": current.full_name,
                        "name": registration.full_name,
                    }
                )
            # The replaced voting delegate stays accredited, as an alternate.
            _set(
                current,
                Credential.ALTERNATE,
                by=by,
                actor=actor,
                source=current.credential_source or source,
                note=_("Replaced as voting delegate by %(name)s.")
                % {"name": registration.full_name},
                now=now,
            )
    _set(registration, credential, by=by, actor=actor, source=source, note=note, now=now)
    # The accredited representative is now one of the member's people in the registry.
    link_person(registration)
    return registration


@transaction.atomic
def accredit(
    *,
    registration: Registration,
    by: Actor,
    credential: Credential = Credential.VOTING,
    replace: bool = False,
    now: dt.datetime | None = None,
) -> Registration:
    """The secretariat accredits a registrant as its member's voting delegate or an alternate.

    A member has one voting delegate: naming another is refused unless `replace`, which keeps the
    replaced one as an alternate. Refused while a poll of the assembly is open."""
    require(can_accredit, by)
    if credential not in (Credential.VOTING, Credential.ALTERNATE):
        raise Invalid(_("Accredit as the voting delegate or as an alternate."))
    return _accredit(
        _locked(registration),
        credential,
        by=by,
        actor=audit.actor_name(by),
        source=CredentialSource.SECRETARIAT,
        replace=replace,
        now=now or timezone.now(),
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Give the reason: the registrant and the audit log keep it."))
    if len(reason) > REASON_MAX:
        raise Invalid(
            _("The reason is too long (%(n)d characters, at most %(max)d).")
            % {"n": len(reason), "max": REASON_MAX}
        )
    return reason


def _refuse(
    registration: Registration, *, by: Actor, reason: str, now: dt.datetime | None
) -> Registration:
    """The claim ends: the registrant stays an attendee who represents no one."""
    _set(
        registration,
        Credential.REFUSED,
        by=by,
        actor=audit.actor_name(by),
        source="",
        note=reason,
        now=now or timezone.now(),
    )
    return registration


@transaction.atomic
def withdraw_accreditation(
    *, registration: Registration, by: Actor, reason: str, now: dt.datetime | None = None
) -> Registration:
    """Withdraw an accreditation: the registrant stays an attendee, represents no one."""
    require(can_accredit, by)
    reason = _reason(reason)
    registration = _locked(registration)
    _check_can_change(registration)
    if not registration.is_accredited:
        raise Conflict(_("%(name)s is not accredited.") % {"name": registration.full_name})
    return _refuse(registration, by=by, reason=reason, now=now)


@transaction.atomic
def refuse_claim(
    *, registration: Registration, by: Actor, reason: str, now: dt.datetime | None = None
) -> Registration:
    """Refuse a claim to represent a member, with the reason (an accredited one is withdrawn)."""
    require(can_accredit, by)
    reason = _reason(reason)
    registration = _locked(registration)
    _check_can_change(registration)
    if registration.credential == Credential.REFUSED:
        raise Conflict(_("%(name)s's claim is already refused.") % {"name": registration.full_name})
    return _refuse(registration, by=by, reason=reason, now=now)


@transaction.atomic
def resolve_claims(
    *, chosen: Registration, by: Actor, reason: str, now: dt.datetime | None = None
) -> list[Registration]:
    """Settle competing claims on a member: `chosen` becomes its voting delegate and every
    other standing claimant (awaiting or accredited) is refused with `reason`.

    All or nothing: one refusal stops the whole settlement. Returns the refused registrations."""
    require(can_accredit, by)
    reason = _reason(reason)
    now = now or timezone.now()
    chosen = _locked(chosen)
    _check_can_change(chosen)
    others = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("assembly", "member")
        .filter(
            assembly_id=chosen.assembly_id,
            member=chosen.member,
            credential__in=[Credential.AWAITING, Credential.VOTING, Credential.ALTERNATE],
        )
        .exclude(pk=chosen.pk)
        .order_by("pk")
    )
    actor = audit.actor_name(by)
    for other in others:
        _set(other, Credential.REFUSED, by=by, actor=actor, source="", note=reason, now=now)
    if chosen.credential != Credential.VOTING:
        _accredit(
            chosen,
            Credential.VOTING,
            by=by,
            actor=actor,
            source=CredentialSource.SECRETARIAT,
            replace=False,
            now=now,
        )
    return others


@dataclass
class BulkReport:
    accredited: list[Registration] = field(default_factory=list)
    skipped: list[tuple[Registration, str]] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [f"{r.full_name}: {reason}" for r, reason in self.skipped]


def accredit_uncontested(*, assembly: Assembly, by: Actor) -> BulkReport:
    """Accredit, as voting delegate, each member's only claimant whose e-mail the registry
    already lists among that member's people (the uncontested claims of the credentials page).

    Each in its own transaction: one refusal loses nothing done for the others."""
    require(can_accredit, by)
    report = BulkReport()
    for registration in uncontested_claims(assembly):
        try:
            accredit(registration=registration, by=by)
        except Refused as error:
            report.skipped.append((registration, error.message))
        else:
            report.accredited.append(registration)
    return report


def accredit_many(
    *, registrations: Iterable[Registration], by: Actor, credential: Credential
) -> BulkReport:
    """The back office's bulk action: each registration in its own transaction."""
    report = BulkReport()
    for registration in registrations:
        try:
            accredit(registration=registration, by=by, credential=credential)
        except Refused as error:
            report.skipped.append((registration, error.message))
        else:
            report.accredited.append(registration)
    return report


# The member's known contact, through the signed link.


def registration_for_contact(token: str) -> Registration:
    """The awaiting claim a contact's link names, or InvalidContactLink (forged, expired,
    used, or the registration no longer claims the member the link was made for)."""
    claim = read_contact_token(token)
    if claim is None:
        raise InvalidContactLink(_("This link is not valid. Ask the secretariat for a new one."))
    registration = (
        Registration.objects.select_related("assembly", "member")
        .filter(pk=claim.registration_id)
        .first()
    )
    if (
        registration is None
        or registration.member_id != claim.member_id
        or registration.credential_nonce != claim.nonce
        or registration.credential != Credential.AWAITING
    ):
        raise InvalidContactLink(
            _("This link has been used, or the claim has changed since it was sent.")
        )
    return registration


def _contact_actor(registration: Registration) -> str:
    assert registration.member is not None
    return f"contact of {registration.member.slug} <{registration.member.contact_email}>"


@transaction.atomic
def confirm_by_contact(
    *, token: str, credential: Credential = Credential.VOTING, now: dt.datetime | None = None
) -> Registration:
    """The member's contact confirms the claimant as voting delegate or alternate.

    The contact may not displace a voting delegate already accredited: that is the
    secretariat's call (the credentials page shows the conflict)."""
    if credential not in (Credential.VOTING, Credential.ALTERNATE):
        raise Invalid(_("Confirm as the voting delegate or as an alternate."))
    found = registration_for_contact(token)
    registration = _locked(found)
    if registration.credential_nonce != found.credential_nonce:
        raise InvalidContactLink(_("This link has been used."))
    return _accredit(
        registration,
        credential,
        by=None,
        actor=_contact_actor(registration),
        source=CredentialSource.CONTACT,
        replace=False,
        note=_("Confirmed by %(member)s's contact.") % {"member": _member_name(registration)},
        now=now or timezone.now(),
    )


@transaction.atomic
def decline_by_contact(*, token: str, reason: str, now: dt.datetime | None = None) -> Registration:
    """The member's contact declines the claim: the registrant represents no one."""
    reason = _reason(reason)
    found = registration_for_contact(token)
    registration = _locked(found)
    if registration.credential_nonce != found.credential_nonce:
        raise InvalidContactLink(_("This link has been used."))
    _check_can_change(registration)
    _set(
        registration,
        Credential.REFUSED,
        by=None,
        actor=_contact_actor(registration),
        source="",
        note=_("Declined by %(member)s's contact: %(reason)s")
        % {"member": _member_name(registration), "reason": reason},
        now=now or timezone.now(),
    )
    return registration
