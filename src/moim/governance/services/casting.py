"""Casting a ballot: one per entitled member and poll, whatever the concurrency."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from moim import rows
from moim.errors import Conflict, Invalid
from moim.governance import seal
from moim.governance.enums import (
    BallotShape,
    PollState,
)
from moim.governance.models import (
    Ballot,
    Decision,
    Poll,
    PollOption,
    RegisterEntry,
    SealedBallot,
    VoteRecord,
)
from moim.governance.services.base import (
    RECEIPT_ALPHABET,
    BallotError,
    PollStateError,
    _announce,
)
from moim.members.models import Member, Person


def ranking_from_ranks(ranks: Mapping[int, int | None]) -> list[int]:
    """Option ids ordered by the rank given to each (blank ranks left out).

    Two options at the same rank are refused: a ranked ballot names one candidate per rank.
    """
    seen: dict[int, int] = {}
    for option_id, rank in ranks.items():
        if rank is None:
            continue
        if rank < 1:
            raise BallotError(_("Ranks start at 1."))
        if rank in seen:
            raise BallotError(
                _("Rank %(rank)d is given to more than one candidate.") % {"rank": rank}
            )
        seen[rank] = option_id
    return [seen[r] for r in sorted(seen)]


def validate_choices(
    poll: Poll, choices: Sequence[Any], *, options: Sequence[PollOption] | None = None
) -> list[int]:
    """Option ids → option positions, or a clear error; nothing is stored either way.

    `options` are the poll's, when the caller has them already.
    """
    if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
        raise BallotError(_("Choices are a list of option ids."))
    by_id = {o.pk: o for o in (poll.options.all() if options is None else options)}
    positions: list[int] = []
    for raw in choices:
        try:
            option_id = int(raw)
        except (TypeError, ValueError) as error:
            raise BallotError(_("%(v)r is not an option id.") % {"v": raw}) from error
        option = by_id.get(option_id)
        if option is None:
            if PollOption.objects.filter(pk=option_id).exists():
                raise BallotError(_("Option %(id)d belongs to another poll.") % {"id": option_id})
            raise BallotError(_("Option %(id)d does not exist.") % {"id": option_id})
        if option.position in positions:
            if poll.shape == BallotShape.RANKED:
                raise BallotError(_("%(c)s is ranked more than once.") % {"c": option.label_en})
            raise BallotError(_("%(c)s is chosen more than once.") % {"c": option.label_en})
        positions.append(option.position)
    if poll.shape == BallotShape.YES_NO_ABSTAIN and len(positions) != 1:
        raise BallotError(_("Choose exactly one of yes, no or abstain."))
    if poll.shape == BallotShape.CHOOSE and len(positions) > poll.max_choices:
        raise BallotError(
            _("Over-vote: %(n)d chosen, at most %(max)d allowed.")
            % {"n": len(positions), "max": poll.max_choices}
        )
    if poll.shape == BallotShape.RANKED and not positions:
        raise BallotError(_("Rank at least one candidate."))
    return positions


# The token a ballot form or API client sends with a ballot (see `cast_ballot`).
SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")


def new_submission_token() -> str:
    """A fresh token for one ballot form: a retry of that form is the same submission."""
    return secrets.token_urlsafe(24)


def check_submission_token(token: str) -> str:
    """The token as given, or a clear error; an empty token means "no retry expected"."""
    if token and not SUBMISSION_TOKEN.fullmatch(token):
        raise BallotError(_("The submission token must be 16 to 128 letters, digits, '-' or '_'."))
    return token


def _receipt_code() -> str:
    return "-".join("".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(4)) for _ in range(4))


def receipt_hash(poll_id: int, code: str) -> str:
    return hashlib.sha256(f"moim-receipt:{poll_id}:{code.strip().upper()}".encode()).hexdigest()


@dataclass(frozen=True)
class Receipt:
    member: Member
    code: str
    hash: str


def _receipt(poll: Poll, member: Member, voter: Person, token: str) -> Receipt:
    """The receipt of one submission: its code derived from the vault key and the token (never
    stored), and the code's hash (stored with the ballot)."""
    code = seal.receipt_code(
        poll_id=poll.pk,
        member_id=member.pk,
        voter_id=voter.pk,
        token=token,
        alphabet=RECEIPT_ALPHABET,
    )
    return Receipt(member, code, receipt_hash(poll.pk, code))


def cast_ballot(
    *,
    poll: Poll,
    voter: Person,
    member: Member,
    choices: Sequence[Any],
    submission: str = "",
) -> Receipt:
    """Cast `member`'s ballot in `poll`, by `voter`, who must hold the member's vote.

    Locks the poll row for the cast: shared on PostgreSQL (FOR SHARE), so casts in one poll
    run side by side, while a close, a count or any other change of the poll takes the row
    alone (select_for_update) and so waits for every cast under way, and every later cast
    waits for it and then finds the poll closed. SQLite runs one writer at a time anyway
    (BEGIN IMMEDIATE). The unique constraint on (poll, member) of VoteRecord is what makes a
    second ballot impossible, even from two requests at once. A secret poll's ballot is stored
    sealed until the poll closes (`store_ballot`), with nothing in clear that ties it to the
    vote record.

    `submission` is the token of the form or request: the same submission sent again (same
    voter, member, token and choices) gets the same receipt back instead of "already voted",
    so a receipt lost with a failed response is never lost for good. The receipt code is
    derived from the vault key and that token; it is shown to the voter and never stored.
    Two requests for one member at once: the second one's insert waits for the first one's
    commit and fails on the constraint; it is then tried again, and answered as any later
    request is (the same receipt, or "already voted"). SQLite may refuse a transaction for a
    moment under a burst of writers ("database is locked"); nothing was written then, so the
    cast is tried again a few times.

    The poll's options are read from `poll` (prefetch them to spare the query): they are fixed
    once the poll is open.
    """
    token = check_submission_token(submission)
    raced = False
    for attempt in range(_LOCK_RETRIES):
        try:
            return _cast(poll=poll, voter=voter, member=member, choices=choices, token=token)
        except _Raced as error:
            if raced:
                raise Conflict(
                    _("%(m)s has already voted in this poll.") % {"m": member.name}
                ) from error
            raced = True
        except OperationalError as error:
            if "locked" not in str(error) or attempt == _LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


_LOCK_RETRIES = 5


class _Raced(Exception):
    """Another transaction stored this member's vote record while this cast was under way."""


def _replayed(
    poll: Poll,
    record: VoteRecord,
    voter: Person,
    member: Member,
    choices: Any,
    token: str,
    options: Sequence[PollOption],
) -> Receipt | None:
    """The receipt of `record` when this is the submission that stored it, else None."""
    if not token or not record.submission:
        return None
    try:
        positions = validate_choices(poll, choices, options=options)
    except BallotError:
        return None
    digest = seal.submission_digest(
        poll_id=poll.pk, member_id=member.pk, voter_id=voter.pk, token=token, positions=positions
    )
    if not hmac.compare_digest(digest, record.submission):
        return None
    return _receipt(poll, member, voter, token)


@dataclass(frozen=True)
class _Locked:
    """What a cast reads under its lock, in one round trip."""

    poll: Poll
    assembly_id: int
    entry: RegisterEntry | None
    record: VoteRecord | None


@cache
def _lock_sql(vendor: str, lock: bool) -> str:
    """The statement of `_lock_for_cast`, built once per process (moim/rows.py)."""
    q = rows.quoted
    return (
        f"SELECT {rows.columns(Poll, 'p')}, d.{q('assembly_id')}, "
        f"e.{q('id')}, e.{q('weight')}, e.{q('delegate_id')}, e.{q('proxy_holder_id')}, "
        f"e.{q('principal_may_vote')}, v.{q('id')}, v.{q('submission')} "
        f"FROM {rows.table(Poll)} p "
        f"JOIN {rows.table(Decision)} d ON d.{q('id')} = p.{q('decision_id')} "
        f"LEFT JOIN {rows.table(RegisterEntry)} e "
        f"ON e.{q('poll_id')} = p.{q('id')} AND e.{q('member_id')} = %s "
        f"LEFT JOIN {rows.table(VoteRecord)} v "
        f"ON v.{q('poll_id')} = p.{q('id')} AND v.{q('member_id')} = %s "
        f"WHERE p.{q('id')} = %s" + (" FOR SHARE OF p" if lock else "")
    )


def _lock_for_cast(poll_id: int, member: Member) -> _Locked:
    """The poll row, locked for a cast, with the member's register entry and vote record.

    FOR SHARE on PostgreSQL (Django's select_for_update has no shared mode): casts share the
    row, a close (FOR UPDATE) excludes them. On SQLite the transaction itself is the lock.
    """
    sql = _lock_sql(connection.vendor, connection.features.has_select_for_update)
    found = rows.fetch(sql, [member.pk, member.pk, poll_id])
    if not found:
        raise Poll.DoesNotExist
    row = found[0]
    poll = rows.instance(Poll, row)
    assert poll is not None
    (
        assembly_id,
        entry_id,
        weight,
        delegate_id,
        proxy_holder_id,
        principal_may_vote,
        record_id,
        submission,
    ) = row[rows.width(Poll) :]
    entry = None
    if entry_id is not None:
        entry = RegisterEntry(
            pk=entry_id,
            poll_id=poll.pk,
            member=member,
            weight=weight,
            delegate_id=delegate_id,
            proxy_holder_id=proxy_holder_id,
            principal_may_vote=bool(principal_may_vote),
        )
    record = None
    if record_id is not None:
        record = VoteRecord(pk=record_id, poll_id=poll.pk, member=member, submission=submission)
    return _Locked(poll, assembly_id, entry, record)


def _cast(
    *, poll: Poll, voter: Person, member: Member, choices: Sequence[Any], token: str
) -> Receipt:
    options = list(poll.options.all())
    try:
        with transaction.atomic():
            return _cast_locked(
                poll_id=poll.pk,
                voter=voter,
                member=member,
                choices=choices,
                token=token,
                options=options,
            )
    except IntegrityError as error:
        # The constraint on (poll, member): another request stored this member's vote since
        # the read above. Rolled back whole; cast_ballot asks again.
        raise _Raced from error


def _cast_locked(
    *,
    poll_id: int,
    voter: Person,
    member: Member,
    choices: Sequence[Any],
    token: str,
    options: Sequence[PollOption],
) -> Receipt:
    locked = _lock_for_cast(poll_id, member)
    poll, record, entry = locked.poll, locked.record, locked.entry
    if record is not None:
        replay = _replayed(poll, record, voter, member, choices, token, options)
        if replay is not None:
            return replay
    if poll.state != PollState.OPEN:
        if record is None:
            # This cast may have waited for the close: a record committed meanwhile is read
            # afresh, so that a retry of a stored submission still gets its receipt.
            record = VoteRecord.objects.filter(poll_id=poll.pk, member=member).first()
            if record is not None:
                replay = _replayed(poll, record, voter, member, choices, token, options)
                if replay is not None:
                    return replay
        raise PollStateError(_("This poll is not open."))
    if entry is None:
        raise BallotError(_("%(m)s is not on this poll's voting register.") % {"m": member.name})
    if voter.pk not in entry.voters():
        raise BallotError(_("You do not hold %(m)s's vote.") % {"m": member.name})
    positions = validate_choices(poll, choices, options=options)
    if record is not None:
        raise Conflict(_("%(m)s has already voted in this poll.") % {"m": member.name})
    # Without a token from the client, a random one: the receipt is still derived, but a
    # retry cannot be recognised.
    token = token or new_submission_token()
    receipt = _receipt(poll, member, voter, token)
    # Stored by rows.insert: the ORM's insert compiles its SQL anew for every ballot.
    rows.insert(
        VoteRecord(
            poll=poll,
            member=member,
            cast_by=voter,
            choices=None if poll.secret else positions,
            submission=seal.submission_digest(
                poll_id=poll.pk,
                member_id=member.pk,
                voter_id=voter.pk,
                token=token,
                positions=positions,
            ),
        )
    )
    store_ballot(
        poll=poll,
        positions=positions,
        weight=entry.weight,
        digest=receipt.hash,
        option_count=len(options),
    )
    # The turnout the projector shows, a few times a second however fast the ballots come.
    _announce(
        poll,
        assembly_id=locked.assembly_id,
        every=settings.MOIM_LIVE_TURNOUT_SECONDS,
        turnout=True,
    )
    return receipt


def store_ballot(
    *, poll: Poll, positions: list[int], weight: int, digest: str, option_count: int | None = None
) -> None:
    """Store one ballot: plain for a named poll, sealed for a secret one until it closes."""
    if not poll.secret:
        rows.insert(Ballot(poll=poll, choices=positions, weight=weight, receipt_hash=digest))
        return
    content = seal.SealedContent(choices=positions, weight=weight, receipt_hash=digest)
    if option_count is None:
        option_count = poll.options.count()
    rows.insert(
        SealedBallot(
            poll=poll,
            sealed=seal.seal(poll_id=poll.pk, option_count=option_count, content=content),
        )
    )


def load_illustrative_ballots(*, poll: Poll, ballots: Sequence[tuple[Member, list[int]]]) -> int:
    """Invented ballots for a demonstration decision (no voter, no receipt handed out).

    Refused for any real decision. Each ballot still goes through the choice checks, the
    one-ballot-per-member constraint and the same storage (sealed in a secret poll), as a cast
    one does.
    """
    with transaction.atomic():
        locked = Poll.objects.select_for_update().select_related("decision").get(pk=poll.pk)
        if not locked.decision.illustrative:
            raise Invalid(_("Invented ballots go only into an illustrative decision."))
        if locked.state != PollState.OPEN:
            raise PollStateError(_("This poll is not open."))
        by_position = {o.position: o.pk for o in locked.options.all()}
        weights = dict(RegisterEntry.objects.filter(poll=locked).values_list("member_id", "weight"))
        for member, positions in ballots:
            if member.pk not in weights:
                raise BallotError(_("%(m)s is not on the register.") % {"m": member.name})
            checked = validate_choices(locked, [by_position[p] for p in positions])
            VoteRecord.objects.create(
                poll=locked, member=member, choices=None if locked.secret else checked
            )
            store_ballot(
                poll=locked,
                positions=checked,
                weight=weights[member.pk],
                digest=receipt_hash(locked.pk, _receipt_code()),
            )
    return len(ballots)
