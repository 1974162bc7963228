"""State changes of the lists of speakers: each checks who acts, locks the list, then acts.

Every service locks its list's row (`select_for_update`) for its transaction, so that two
clicks of the chair, or a delegate asking while the chair starts the next speaker, are applied
one after the other against the queue as it then stands. After the commit each change is
announced on the assembly's live channel (the projector and the floor's pages redraw).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from moim import live
from moim.assemblies.enums import AttendanceMode, RegistrationStatus
from moim.assemblies.models import Registration
from moim.errors import Conflict, Invalid
from moim.floor.enums import DEFAULT_SPEAKING_SECONDS, SpeechKind, SpeechState
from moim.floor.models import MAX_SPEAKING_SECONDS, MIN_SPEAKING_SECONDS, SpeakersList, Speech
from moim.floor.rules import can_ask_to_speak, can_run_floor
from moim.governance.models import AgendaItem
from moim.members.models import Member, Person
from moim.permissions import require, stored_user


def _announce(speakers_list: SpeakersList) -> None:
    """After commit, tell the assembly's live pages that this list changed."""
    assembly_id, list_id = speakers_list.assembly_id, speakers_list.pk
    transaction.on_commit(
        lambda: live.publish(live.assembly_channel(assembly_id), floor=list_id), robust=True
    )


def _locked(speakers_list: SpeakersList) -> SpeakersList:
    return SpeakersList.objects.select_for_update().get(pk=speakers_list.pk)


def _touch(speakers_list: SpeakersList, now: dt.datetime, *fields: str) -> None:
    speakers_list.changed_at = now
    speakers_list.save(update_fields=["changed_at", *fields])
    _announce(speakers_list)


def _check_seconds(seconds: int) -> None:
    if not MIN_SPEAKING_SECONDS <= seconds <= MAX_SPEAKING_SECONDS:
        raise Invalid(
            _("The speaking time must be between %(least)d seconds and %(most)d minutes.")
            % {"least": MIN_SPEAKING_SECONDS, "most": MAX_SPEAKING_SECONDS // 60},
            field="speaking_seconds",
        )


def waiting_in_order(speakers_list: SpeakersList) -> list[Speech]:
    """The queue: points of order first, then by position (the order the chair set)."""
    waiting = list(
        speakers_list.speeches.filter(state=SpeechState.WAITING).order_by("position", "pk")
    )
    waiting.sort(key=lambda s: s.priority)
    return waiting


def _on_floor(speakers_list: SpeakersList, state: SpeechState) -> Speech | None:
    return speakers_list.speeches.filter(state=state).first()


# --- the list itself ------------------------------------------------------------------------


def open_list(
    *,
    agenda_item: AgendaItem,
    by: Any,
    speaking_seconds: int | None = None,
    at: dt.datetime | None = None,
) -> SpeakersList:
    """Open the list of speakers of an agenda item (one per item); an item whose list exists
    has it reopened instead."""
    require(can_run_floor, by)
    seconds = DEFAULT_SPEAKING_SECONDS if speaking_seconds is None else speaking_seconds
    _check_seconds(seconds)
    now = at or timezone.now()
    with transaction.atomic():
        existing = SpeakersList.objects.select_for_update().filter(agenda_item=agenda_item).first()
        if existing is not None:
            existing.closed = False
            _touch(existing, now, "closed")
            return existing
        speakers_list = SpeakersList.objects.create(
            assembly_id=agenda_item.assembly_id,
            agenda_item=agenda_item,
            speaking_seconds=seconds,
            opened_at=now,
            changed_at=now,
        )
        _announce(speakers_list)
        return speakers_list


def set_speaking_time(*, speakers_list: SpeakersList, by: Any, seconds: int) -> SpeakersList:
    """Change the list's speaking time; a speech under way keeps what it has spoken."""
    require(can_run_floor, by)
    _check_seconds(seconds)
    with transaction.atomic():
        locked = _locked(speakers_list)
        locked.speaking_seconds = seconds
        _touch(locked, timezone.now(), "speaking_seconds")
        return locked


def close_list(*, speakers_list: SpeakersList, by: Any) -> SpeakersList:
    """Close the list to new speeches and replies; those waiting still speak, and a point of
    order may still be raised."""
    require(can_run_floor, by)
    with transaction.atomic():
        locked = _locked(speakers_list)
        if locked.closed:
            raise Conflict(_("The list of speakers is already closed."))
        locked.closed = True
        _touch(locked, timezone.now(), "closed")
        return locked


def reopen_list(*, speakers_list: SpeakersList, by: Any) -> SpeakersList:
    require(can_run_floor, by)
    with transaction.atomic():
        locked = _locked(speakers_list)
        if not locked.closed:
            raise Conflict(_("The list of speakers is open."))
        locked.closed = False
        _touch(locked, timezone.now(), "closed")
        return locked


# --- asking for the floor -------------------------------------------------------------------


def _check_may_join(speakers_list: SpeakersList, kind: SpeechKind) -> None:
    if speakers_list.closed and kind != SpeechKind.POINT_OF_ORDER:
        raise Conflict(_("The list of speakers is closed: only a point of order may be raised."))


def _enqueue(speakers_list: SpeakersList, now: dt.datetime, **fields: Any) -> Speech:
    last = speakers_list.speeches.aggregate(last=Max("position"))["last"] or 0
    try:
        with transaction.atomic():
            speech = Speech.objects.create(
                speakers_list=speakers_list, position=last + 1, requested_at=now, **fields
            )
    except IntegrityError as error:
        raise Conflict(_("This person is already waiting to speak on this item.")) from error
    _touch(speakers_list, now)
    return speech


def online_registration(speakers_list: SpeakersList, person: Person) -> Registration | None:
    """The person's registration for the list's assembly as a member's delegate who has
    joined online, if there is one: who may ask for the floor from the sitting page."""
    return (
        Registration.objects.filter(
            assembly_id=speakers_list.assembly_id,
            person=person,
            member__isnull=False,
            status=RegistrationStatus.CONFIRMED,
            attendance_mode=AttendanceMode.ONLINE,
            joined_at__isnull=False,
        )
        .select_related("member")
        .first()
    )


def person_of(user: Any) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user_id=user.pk).select_related("member").first()


def ask_to_speak(
    *,
    speakers_list: SpeakersList,
    by: Any,
    kind: SpeechKind = SpeechKind.SPEECH,
    at: dt.datetime | None = None,
) -> Speech:
    """A delegate who has joined online asks for the floor, for itself only: the request is
    in its own name and its own delegation's, whatever was sent."""
    require(can_ask_to_speak, by)
    kind = SpeechKind(kind)
    person = person_of(by)
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(speakers_list)
        registration = online_registration(locked, person) if person is not None else None
        if person is None or registration is None:
            raise Conflict(
                _("Only a member's delegate who has joined the sitting online may ask here.")
            )
        _check_may_join(locked, kind)
        if locked.speeches.filter(person=person, state=SpeechState.WAITING).exists():
            raise Conflict(_("You are already on the list of speakers for this item."))
        return _enqueue(
            locked,
            now,
            kind=kind,
            person=person,
            member=registration.member,
            name_en=person.name_en,
            name_ko=person.name_ko,
            online=True,
            requested_by=stored_user(by),
        )


def add_speaker(
    *,
    speakers_list: SpeakersList,
    by: Any,
    kind: SpeechKind = SpeechKind.SPEECH,
    person: Person | None = None,
    member: Member | None = None,
    name_en: str = "",
    name_ko: str = "",
    online: bool = False,
    at: dt.datetime | None = None,
) -> Speech:
    """The chair or the secretariat puts a name on the list: someone in the room (or online)
    who asked by raising a hand. A person from the registry, or a name typed in."""
    require(can_run_floor, by)
    kind = SpeechKind(kind)
    name_en, name_ko = name_en.strip(), name_ko.strip()
    if person is not None:
        name_en, name_ko = name_en or person.name_en, name_ko or person.name_ko
        member = member or person.member
    if not name_en and member is not None:
        name_en, name_ko = member.name_en, name_ko or member.name_ko
    if not name_en:
        raise Invalid(_("Name the speaker, or choose a person or a member."), field="name_en")
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(speakers_list)
        for record in (person, member):
            if record is not None and record.organization_id != locked.assembly.organization_id:
                raise Invalid(_("That speaker belongs to another organization."))
        _check_may_join(locked, kind)
        if (
            person is not None
            and locked.speeches.filter(person=person, state=SpeechState.WAITING).exists()
        ):
            raise Conflict(_("This person is already waiting to speak on this item."))
        return _enqueue(
            locked,
            now,
            kind=kind,
            person=person,
            member=member,
            name_en=name_en,
            name_ko=name_ko,
            online=online,
            requested_by=stored_user(by),
        )


def _withdraw(speech: Speech) -> Speech:
    speech.state = SpeechState.WITHDRAWN
    speech.save(update_fields=["state"])
    _touch(speech.speakers_list, timezone.now())
    return speech


def withdraw_request(*, speech: Speech, by: Any) -> Speech:
    """The chair takes a waiting request off the list."""
    require(can_run_floor, by)
    with transaction.atomic():
        locked = _locked(speech.speakers_list)
        found = locked.speeches.filter(pk=speech.pk, state=SpeechState.WAITING).first()
        if found is None:
            raise Conflict(_("Only a request still waiting can be taken off the list."))
        found.speakers_list = locked
        return _withdraw(found)


def withdraw_mine(*, speakers_list: SpeakersList, by: Any) -> Speech:
    """A delegate withdraws its own waiting request."""
    require(can_ask_to_speak, by)
    person = person_of(by)
    with transaction.atomic():
        locked = _locked(speakers_list)
        found = (
            locked.speeches.filter(person=person, state=SpeechState.WAITING).first()
            if person is not None
            else None
        )
        if found is None:
            raise Conflict(_("You are not waiting to speak on this item."))
        found.speakers_list = locked
        return _withdraw(found)


def move_request(*, speech: Speech, by: Any, up: bool) -> Speech:
    """Move a waiting request one place up or down the queue. Points of order stay ahead of
    the other requests, so a request never moves past one."""
    require(can_run_floor, by)
    with transaction.atomic():
        locked = _locked(speech.speakers_list)
        queue = waiting_in_order(locked)
        index = next((i for i, s in enumerate(queue) if s.pk == speech.pk), None)
        if index is None:
            raise Conflict(_("Only a request still waiting can be moved."))
        other = index - 1 if up else index + 1
        if not 0 <= other < len(queue) or queue[other].priority != queue[index].priority:
            raise Conflict(_("This request cannot move further."))
        queue[index], queue[other] = queue[other], queue[index]
        for position, waiting in enumerate(queue, start=1):
            if waiting.position != position:
                waiting.position = position
                waiting.save(update_fields=["position"])
        _touch(locked, timezone.now())
        moved = queue[other]
        moved.speakers_list = locked
        return moved


# --- the floor ------------------------------------------------------------------------------


def start_speech(
    *,
    speakers_list: SpeakersList,
    by: Any,
    speech: Speech | None = None,
    at: dt.datetime | None = None,
) -> Speech:
    """Give the floor to `speech`, or to the first in the queue. A point of order interrupts
    the speech under way, whose clock stops until the point of order ends; anything else waits
    until the floor is free."""
    require(can_run_floor, by)
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(speakers_list)
        queue = waiting_in_order(locked)
        if speech is None:
            if not queue:
                raise Conflict(_("Nobody is waiting to speak."))
            chosen = queue[0]
        else:
            found = next((s for s in queue if s.pk == speech.pk), None)
            if found is None:
                raise Conflict(_("Only a request still waiting can be given the floor."))
            chosen = found
        current = _on_floor(locked, SpeechState.SPEAKING)
        if current is not None:
            interrupts = (
                chosen.kind == SpeechKind.POINT_OF_ORDER
                and current.kind != SpeechKind.POINT_OF_ORDER
            )
            if not interrupts:
                raise Conflict(
                    _("%(name)s has the floor: end that speech first.") % {"name": current.name}
                )
            current.state = SpeechState.INTERRUPTED
            current.paused_at = now
            current.save(update_fields=["state", "paused_at"])
        chosen.state = SpeechState.SPEAKING
        chosen.started_at = now
        chosen.save(update_fields=["state", "started_at"])
        chosen.speakers_list = locked
        _touch(locked, now)
        return chosen


def end_speech(
    *, speakers_list: SpeakersList, by: Any, at: dt.datetime | None = None
) -> Speech | None:
    """End the speech under way. If it was a point of order that interrupted a speech, that
    speech resumes with the time it had left; it is returned."""
    require(can_run_floor, by)
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(speakers_list)
        current = _on_floor(locked, SpeechState.SPEAKING)
        if current is None:
            raise Conflict(_("Nobody has the floor."))
        current.state = SpeechState.DONE
        current.ended_at = now
        current.save(update_fields=["state", "ended_at"])
        resumed = _on_floor(locked, SpeechState.INTERRUPTED)
        if resumed is not None:
            assert resumed.paused_at is not None
            resumed.paused_seconds += max(0, int((now - resumed.paused_at).total_seconds()))
            resumed.paused_at = None
            resumed.state = SpeechState.SPEAKING
            resumed.save(update_fields=["state", "paused_at", "paused_seconds"])
            resumed.speakers_list = locked
        _touch(locked, now)
        return resumed


def next_speaker(
    *, speakers_list: SpeakersList, by: Any, at: dt.datetime | None = None
) -> Speech | None:
    """End the speech under way (if any) and give the floor to whoever comes next: the
    interrupted speech when a point of order ends, else the first in the queue."""
    require(can_run_floor, by)
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(speakers_list)
        if _on_floor(locked, SpeechState.SPEAKING) is not None:
            resumed = end_speech(speakers_list=locked, by=by, at=now)
            if resumed is not None:
                return resumed
        if not waiting_in_order(locked):
            return None
        return start_speech(speakers_list=locked, by=by, at=now)
