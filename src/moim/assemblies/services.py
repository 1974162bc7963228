"""State changes of an assembly: registration, approval, check-in, joining online, programme order.

Every function here checks what it must, acts inside one transaction and logs an
AttendanceEvent; mail leaves only after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import time

import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from moim.assemblies.credential_links import send_contact_request
from moim.assemblies.enums import (
    REPRESENTING_ROLES,
    AssemblyStatus,
    AttendanceAction,
    AttendanceMode,
    Credential,
    MailStatus,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import (
    Assembly,
    AttendanceEvent,
    ProgrammeItem,
    Registration,
    new_join_token,
)
from moim.assemblies.registrants import Registrant, clean_registrant, describe
from moim.assemblies.rules import can_edit_programme, can_manage_registrations, can_run_desk
from moim.errors import Conflict, Invalid
from moim.members.models import Member, Person
from moim.permissions import SystemActor, require

logger = logging.getLogger(__name__)

# Who acts: the logged-in user of a view, the API or the admin (anonymous is refused by rules),
# or the system itself (a loader, a command).
type Actor = User | AnonymousUser | SystemActor

# Online attendees may open their join link this long before the assembly starts.
JOIN_OPENS_BEFORE = dt.timedelta(hours=1)


def _registrant(**typed: str) -> Registrant:
    """The typed fields cleaned (`clean_registrant`), or `Invalid` naming each bad one."""
    try:
        return clean_registrant(**typed)
    except ValidationError as error:
        raise Invalid(describe(error)) from None


def _user(by: Actor | None) -> User | None:
    """The user to store as actor (None for anonymous)."""
    return by if isinstance(by, User) else None


def _log(
    registration: Registration,
    action: str,
    by: Actor | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> AttendanceEvent:
    return AttendanceEvent.objects.create(
        registration=registration,
        action=action,
        at=at or timezone.now(),
        by=_user(by),
        note=note,
    )


def site_url() -> str:
    return settings.MOIM_SITE_URL


def duplicate_message(existing: Registration) -> str:
    return _(
        "%(email)s is already registered for the %(assembly)s (since %(date)s). "
        "Your confirmation e-mail holds your check-in code; write to the secretariat "
        "to change the registration."
    ) % {
        "email": existing.email,
        "assembly": existing.assembly.title,
        "date": formats.date_format(timezone.localtime(existing.created_at), "DATE_FORMAT"),
    }


def _check_capacity(assembly: Assembly, attendance_mode: str) -> None:
    capacity = assembly.capacity_for(attendance_mode)
    if capacity is None:
        return
    taken = assembly.registrations.counted().filter(attendance_mode=attendance_mode).count()
    if taken >= capacity:
        raise Conflict(
            _("All %(capacity)d places to attend %(mode)s are taken.")
            % {"capacity": capacity, "mode": AttendanceMode(attendance_mode).label.lower()}
        )


def person_for(*, organization_id: int, email: str, member: Member | None = None) -> Person | None:
    """The registry's person with this e-mail (any case): the member's own first, then the
    one with a login, then the oldest."""
    people = list(
        Person.objects.filter(organization_id=organization_id, email__iexact=email.strip())
    )
    if not people:
        return None
    member_id = member.pk if member is not None else None
    people.sort(key=lambda p: (p.member_id != member_id, p.user_id is None, p.pk))
    return people[0]


def initial_credential(member: Member | None, role: str) -> Credential:
    """A registration that names a member in a representing role is a claim awaiting
    accreditation (see moim.assemblies.credentials); any other represents no member."""
    if member is not None and role in REPRESENTING_ROLES:
        return Credential.AWAITING
    return Credential.NONE


def link_person(registration: Registration) -> Person | None:
    """Link a registration to the registry's person with its e-mail address, or create that
    person when the registrant is accredited for a member; anyone else with no record stays
    unlinked (a claim alone never puts a person among a member's people).

    Call inside the caller's transaction; saves the registration when the link changes."""
    if registration.person_id is not None:
        return registration.person
    organization_id = registration.assembly.organization_id
    person = person_for(
        organization_id=organization_id, email=registration.email, member=registration.member
    )
    if person is None and registration.is_accredited:
        person = Person.objects.create(
            organization_id=organization_id,
            name_en=registration.full_name,
            title_en=registration.title,
            email=registration.email,
            member_id=registration.member_id,
        )
    if person is not None:
        registration.person = person
        registration.save(update_fields=["person"])
    return person


@transaction.atomic
def link_people(*, assembly: Assembly) -> int:
    """Link every registration of `assembly` that has no person yet (see `link_person`),
    including those made before the person's record existed. Returns how many were linked."""
    linked = 0
    for registration in (
        Registration.objects.filter(assembly=assembly, person__isnull=True)
        .select_related("assembly", "member")
        .order_by("pk")
    ):
        if link_person(registration) is not None:
            linked += 1
    return linked


def _create_registration(
    *,
    assembly: Assembly,
    typed: Registrant,
    member: Member | None,
    illustrative: bool,
    status: str,
    now: dt.datetime,
    by: Actor | None = None,
    note: str = "",
) -> Registration:
    """The checks every registration passes, then the record, its person and its log line.

    The caller holds the assembly row locked and has checked what is particular to it
    (the public form's window and places, the desk's permission)."""
    full_name, email, role, attendance_mode = (
        typed.full_name,
        typed.email,
        typed.role,
        typed.attendance_mode,
    )
    country = typed.country
    if not full_name or not email:
        raise Invalid(_("A name and an e-mail address are required."))
    existing = Registration.objects.filter(assembly=assembly, email__iexact=email).first()
    if existing is not None:
        raise Conflict(duplicate_message(existing))
    if attendance_mode not in assembly.modes_offered():
        raise Invalid(
            _("The %(assembly)s cannot be attended %(mode)s.")
            % {"assembly": assembly.title, "mode": AttendanceMode(attendance_mode).label.lower()}
        )
    if not role:
        raise Invalid(_("Role: choose the role in which the person attends."))
    if role not in ParticipantRole.values:
        raise Invalid(_("%(role)s is not a participant role.") % {"role": role})
    if member is not None and member.organization_id != assembly.organization_id:
        raise Invalid(_("The delegation must be a member of the organization."))
    if role == ParticipantRole.AMBASSADOR and not country:
        raise Invalid(_("An ambassador must name the country represented."))
    if member is None and not country:
        raise Invalid(_("Guests who represent no member must name the country they come from."))
    registration = Registration(
        assembly=assembly,
        full_name=full_name,
        email=email,
        title=typed.title.strip(),
        organization_name=typed.organization_name.strip(),
        member=member,
        role=role,
        attendance_mode=attendance_mode,
        country=country or (member.country if member is not None else ""),
        accessibility_needs=typed.accessibility_needs.strip(),
        language=typed.language,
        status=status,
        credential=initial_credential(member, role),
        join_token=new_join_token() if attendance_mode == AttendanceMode.ONLINE else None,
        illustrative=illustrative,
    )
    try:
        # A concurrent registration of the same e-mail meets the unique constraint here.
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        existing = Registration.objects.filter(assembly=assembly, email__iexact=email).first()
        if existing is None:
            raise
        raise Conflict(duplicate_message(existing)) from None
    link_person(registration)
    _log(registration, AttendanceAction.REGISTERED, by, note, at=now)
    return registration


@transaction.atomic
def register(
    *,
    assembly: Assembly,
    full_name: str,
    email: str,
    role: str,
    attendance_mode: str,
    member: Member | None = None,
    country: str = "",
    organization_name: str = "",
    title: str = "",
    accessibility_needs: str = "",
    language: str = "en",
    illustrative: bool = False,
    base_url: str | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register someone for the assembly and send the confirmation (or acknowledgement) e-mail.

    Locks the assembly row so that two registrations cannot both take the last place.
    The registration is linked to the registry's person with its e-mail address (created for
    a member's registrant when there is none), so that checking in makes the member present.
    Raises `Invalid` for what was typed, `Conflict` for a second registration of one e-mail,
    a full assembly or closed registration.
    """
    now = now or timezone.now()
    typed = _registrant(
        full_name=full_name,
        email=email,
        title=title,
        organization_name=organization_name,
        country=country,
        accessibility_needs=accessibility_needs,
        language=language,
        role=role,
        attendance_mode=attendance_mode,
    )
    full_name, email, attendance_mode = typed.full_name, typed.email, typed.attendance_mode
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if not full_name or not email:
        raise Invalid(_("A name and an e-mail address are required."))
    existing = Registration.objects.filter(assembly=assembly, email__iexact=email).first()
    if existing is not None:
        raise Conflict(duplicate_message(existing))
    if assembly.status != AssemblyStatus.REGISTRATION_OPEN:
        raise Conflict(
            _("Registration for the %(assembly)s is not open (it is %(status)s).")
            % {"assembly": assembly.title, "status": assembly.get_status_display().lower()}
        )
    if attendance_mode not in assembly.modes_offered():
        raise Invalid(
            _("The %(assembly)s cannot be attended %(mode)s.")
            % {"assembly": assembly.title, "mode": AttendanceMode(attendance_mode).label.lower()}
        )
    deadline = assembly.deadline_for(attendance_mode)
    if deadline is not None and now > deadline:
        raise Conflict(
            _("Registration to attend %(mode)s closed on %(date)s.")
            % {
                "mode": AttendanceMode(attendance_mode).label.lower(),
                "date": formats.date_format(
                    timezone.localtime(deadline, assembly.zone), "DATETIME_FORMAT"
                ),
            }
        )
    _check_capacity(assembly, attendance_mode)
    registration = _create_registration(
        assembly=assembly,
        typed=typed,
        member=member,
        illustrative=illustrative,
        status=(
            RegistrationStatus.PENDING
            if assembly.requires_approval
            else RegistrationStatus.CONFIRMED
        ),
        now=now,
    )
    mail_after_commit(registration, base_url)
    ask_contact_after_commit(registration, base_url)
    return registration


@transaction.atomic
def register_walk_in(
    *,
    assembly: Assembly,
    by: Actor,
    full_name: str,
    email: str,
    role: str,
    member: Member | None = None,
    country: str = "",
    organization_name: str = "",
    title: str = "",
    accessibility_needs: str = "",
    language: str = "en",
    base_url: str | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register someone who turns up at the desk and check them in, in one step.

    The secretariat may do this while the assembly is open for registration or in session,
    after the public deadline and whether or not the public form is open; the registration is
    confirmed at once (the secretariat is the approver) and the confirmation e-mail follows.
    """
    require(can_run_desk, by)
    now = now or timezone.now()
    typed = _registrant(
        full_name=full_name,
        email=email,
        title=title,
        organization_name=organization_name,
        country=country,
        accessibility_needs=accessibility_needs,
        language=language,
        role=role,
        attendance_mode=AttendanceMode.IN_PERSON,
    )
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status not in (AssemblyStatus.REGISTRATION_OPEN, AssemblyStatus.IN_SESSION):
        raise Conflict(
            _("Nobody can be registered at the desk: the %(assembly)s is %(status)s.")
            % {"assembly": assembly.title, "status": assembly.get_status_display().lower()}
        )
    if AttendanceMode.IN_PERSON not in assembly.modes_offered():
        raise Conflict(
            _("The %(assembly)s is held online only: there is no desk to check in at.")
            % {"assembly": assembly.title}
        )
    registration = _create_registration(
        assembly=assembly,
        typed=typed,
        member=member,
        illustrative=False,
        status=RegistrationStatus.CONFIRMED,
        now=now,
        by=by,
        note=_("Registered at the desk."),
    )
    registration.checked_in_at = now
    registration.save(update_fields=["checked_in_at"])
    _log(registration, AttendanceAction.CHECKED_IN, by, at=now)
    mail_after_commit(registration, base_url)
    ask_contact_after_commit(registration, base_url)
    return registration


@transaction.atomic
def approve_registration(
    *, registration: Registration, by: Actor, base_url: str | None = None
) -> Registration:
    """Confirm a pending registration; the registrant then receives the check-in code."""
    require(can_manage_registrations, by)
    Assembly.objects.select_for_update().get(pk=registration.assembly_id)
    registration = (
        Registration.objects.select_for_update().select_related("assembly").get(pk=registration.pk)
    )
    if registration.status == RegistrationStatus.CONFIRMED:
        raise Conflict(_("%(name)s is already confirmed.") % {"name": registration.full_name})
    if registration.status != RegistrationStatus.PENDING:
        # A declined or cancelled registration gave up its place: it needs one again.
        _check_capacity(registration.assembly, registration.attendance_mode)
    registration.status = RegistrationStatus.CONFIRMED
    registration.save(update_fields=["status"])
    _log(registration, AttendanceAction.APPROVED, by)
    mail_after_commit(registration, base_url)
    return registration


@transaction.atomic
def decline_registration(*, registration: Registration, by: Actor, note: str = "") -> Registration:
    require(can_manage_registrations, by)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_present:
        raise Conflict(
            _("%(name)s is present; undo the check-in first.") % {"name": registration.full_name}
        )
    if registration.is_accredited:
        raise Conflict(
            _("%(name)s is accredited; withdraw the accreditation first.")
            % {"name": registration.full_name}
        )
    registration.status = RegistrationStatus.DECLINED
    registration.save(update_fields=["status"])
    _log(registration, AttendanceAction.DECLINED, by, note)
    return registration


@transaction.atomic
def check_in(
    *, registration: Registration, by: Actor, now: dt.datetime | None = None
) -> Registration:
    """Mark a registrant present in the room. Someone registered online who comes to the desk
    is switched to in-person attendance, and the log says so."""
    require(can_run_desk, by)
    registration = (
        Registration.objects.select_for_update().select_related("assembly").get(pk=registration.pk)
    )
    if registration.assembly.status == AssemblyStatus.CLOSED:
        raise Conflict(_("The assembly is closed."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Conflict(
            _("%(name)s cannot be checked in: the registration is %(status)s.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    if (
        registration.checked_in_at is not None
        and registration.attendance_mode == AttendanceMode.IN_PERSON
    ):
        raise Conflict(
            _("%(name)s was already checked in at %(time)s.")
            % {
                "name": registration.full_name,
                "time": formats.time_format(
                    timezone.localtime(registration.checked_in_at, registration.assembly.zone)
                ),
            }
        )
    note = ""
    if registration.attendance_mode == AttendanceMode.ONLINE:
        registration.attendance_mode = AttendanceMode.IN_PERSON
        note = _("Registered online; came in person.")
    registration.checked_in_at = now or timezone.now()
    registration.save(update_fields=["checked_in_at", "attendance_mode"])
    link_person(registration)
    _log(registration, AttendanceAction.CHECKED_IN, by, note, at=registration.checked_in_at)
    return registration


@transaction.atomic
def undo_check_in(*, registration: Registration, by: Actor) -> Registration:
    require(can_run_desk, by)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.checked_in_at is None:
        raise Conflict(_("%(name)s is not checked in.") % {"name": registration.full_name})
    registration.checked_in_at = None
    if registration.join_token:
        # Registered online and switched to in person at the desk: back to online.
        registration.attendance_mode = AttendanceMode.ONLINE
    registration.save(update_fields=["checked_in_at", "attendance_mode"])
    _log(registration, AttendanceAction.CHECK_IN_UNDONE, by)
    return registration


@transaction.atomic
def join_online(*, token: str, now: dt.datetime | None = None) -> Registration:
    """An online attendee opens the personal join link: from then on they count as present.

    Raises Registration.DoesNotExist for an unknown token, `Conflict` when joining is not
    possible (yet)."""
    now = now or timezone.now()
    registration = (
        Registration.objects.select_for_update().select_related("assembly").get(join_token=token)
    )
    assembly = registration.assembly
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Conflict(
            _("Your registration is %(status)s; the join link works once it is confirmed.")
            % {"status": registration.get_status_display().lower()}
        )
    if assembly.status == AssemblyStatus.CLOSED or now > assembly.ends_at:
        raise Conflict(_("The assembly has ended."))
    opens = assembly.starts_at - JOIN_OPENS_BEFORE
    if assembly.status != AssemblyStatus.IN_SESSION and now < opens:
        raise Conflict(
            _("The session opens at %(time)s (%(zone)s).")
            % {
                "time": formats.date_format(
                    timezone.localtime(opens, assembly.zone), "DATETIME_FORMAT"
                ),
                "zone": assembly.time_zone,
            }
        )
    if registration.joined_at is None:
        registration.joined_at = now
        registration.save(update_fields=["joined_at"])
        _log(registration, AttendanceAction.JOINED_ONLINE, at=now)
    link_person(registration)
    return registration


@transaction.atomic
def move_item(*, item: ProgrammeItem, position: int, by: Actor) -> list[ProgrammeItem]:
    """Move a programme item to `position` (0-based) and re-time the programme.

    Items run back to back from the programme's first start time, each keeping its duration;
    a Break item stands for a pause. Returns the items in their new order."""
    require(can_edit_programme, by)
    Assembly.objects.select_for_update().get(pk=item.assembly_id)
    items = list(
        ProgrammeItem.objects.filter(assembly_id=item.assembly_id).order_by(
            "position", "starts_at", "pk"
        )
    )
    if not items:
        return []
    start = min(i.starts_at for i in items)
    moving = next(i for i in items if i.pk == item.pk)
    items.remove(moving)
    position = max(0, min(position, len(items)))
    items.insert(position, moving)
    clock = start
    for index, each in enumerate(items):
        each.position = index
        each.starts_at = clock
        clock = clock + each.duration
    ProgrammeItem.objects.bulk_update(items, ["position", "starts_at"])
    return items


def check_in_qr_png(registration: Registration) -> bytes:
    buffer = io.BytesIO()
    segno.make(registration.check_in_code, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def mail_after_commit(registration: Registration, base_url: str | None = None) -> None:
    """Send the registration's mail once the transaction commits (`deliver_registration_mail`):
    nothing a mail server does can undo the registration or fail the request that made it."""
    url = base_url or site_url()
    registration_id = registration.pk
    transaction.on_commit(
        lambda: deliver_registration_mail(registration_id=registration_id, base_url=url),
        robust=True,
    )


def ask_contact_after_commit(registration: Registration, base_url: str | None = None) -> None:
    """Once the registration commits, ask the member's known contact to confirm or decline the
    claim (`send_contact_request`); a failing mail server cannot undo the registration."""
    url = base_url or site_url()
    registration_id = registration.pk
    transaction.on_commit(
        lambda: send_contact_request(registration_id=registration_id, base_url=url), robust=True
    )


def deliver_registration_mail(*, registration_id: int, base_url: str) -> str:
    """Send the confirmation or acknowledgement, trying MOIM_MAIL_ATTEMPTS times with a growing
    pause, and record on the registration whether it left (`mail_status`, `mail_error`), so
    the secretariat sees a failure and can resend. Returns the status; never raises for the
    mail server's sake."""
    registration = Registration.objects.select_related("assembly").get(pk=registration_id)
    attempts = max(1, int(settings.MOIM_MAIL_ATTEMPTS))
    problem = ""
    for attempt in range(1, attempts + 1):
        try:
            send_registration_mail(registration=registration, base_url=base_url)
        except Exception as error:  # any backend failure: SMTP, socket, TLS, a bad address
            problem = f"{type(error).__name__}: {error}"[:300]
            logger.warning(
                "registration %s: mail attempt %d of %d failed: %s",
                registration_id,
                attempt,
                attempts,
                problem,
            )
            if attempt < attempts:
                time.sleep(float(settings.MOIM_MAIL_RETRY_SECONDS) * attempt)
        else:
            Registration.objects.filter(pk=registration_id).update(
                mail_status=MailStatus.SENT, mail_error=""
            )
            return MailStatus.SENT
    Registration.objects.filter(pk=registration_id).update(
        mail_status=MailStatus.FAILED, mail_error=problem
    )
    return MailStatus.FAILED


@transaction.atomic
def resend_registration_mail(
    *, registration: Registration, by: Actor, base_url: str | None = None
) -> Registration:
    """The secretariat sends a registration's mail again (after a failure, or on request)."""
    require(can_manage_registrations, by)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING):
        raise Conflict(
            _("%(name)s's registration is %(status)s: there is no mail to send.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    registration.mail_status = MailStatus.PENDING
    registration.save(update_fields=["mail_status"])
    mail_after_commit(registration, base_url)
    return registration


def send_registration_mail(*, registration: Registration, base_url: str) -> None:
    """The confirmation (with check-in code, QR and join link) or the acknowledgement."""
    registration.refresh_from_db()
    assembly = registration.assembly
    with translation.override(registration.language), timezone.override(assembly.zone):
        context = {
            "registration": registration,
            "assembly": assembly,
            "join_url": f"{base_url}{registration.join_path()}" if registration.join_token else "",
            "page_url": f"{base_url}{assembly.get_absolute_url()}",
            # Where a delegate follows the sitting and finds its ballot (the governance pages).
            "sitting_url": f"{base_url}{reverse('governance:sitting', args=[assembly.edition])}"
            if registration.member_id
            else "",
        }
        confirmed = registration.status == RegistrationStatus.CONFIRMED
        template = "confirmed" if confirmed else "received"
        subject = render_to_string(f"assemblies/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"assemblies/email/{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[registration.email])
    if confirmed:
        message.attach(
            f"check-in-{registration.check_in_code}.png", check_in_qr_png(registration), "image/png"
        )
    message.send()
