"""State changes of the plenary: agenda, proxies, the poll life cycle, casting, publishing.

Each service is one keyword-only function that checks access, validates, then acts in one
transaction together with its audit entry. Views, the API, the admin and the demo call these.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from moim import live
from moim.governance import audit, counting
from moim.governance.enums import (
    AnalogMethod,
    AuditAction,
    BallotShape,
    DecisionKind,
    DecisionStatus,
    OptionValue,
    PollState,
    QuorumFailure,
    Verdict,
)
from moim.governance.models import (
    AnalogResult,
    Ballot,
    Candidate,
    Decision,
    DecisionRules,
    Poll,
    PollOption,
    Proxy,
    RegisterEntry,
    VoteRecord,
)
from moim.governance.presence import present_people, voting_delegates
from moim.governance.rules import can_manage_decisions, can_run_polls
from moim.members.enums import TermSource
from moim.members.models import Member, MemberCategory, Office, Person, Term, good_standing_q
from moim.members.queries import registry_today
from moim.tally.yna import quorum_met

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ILLUSTRATIVE = "illustrative"


class GovernanceError(Exception):
    """A request the rules refuse; the message says what is wrong, nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PollStateError(GovernanceError):
    pass


class BallotError(GovernanceError):
    pass


def _require(predicate: Any, user: Any, obj: Any = None) -> None:
    if user is not None and not (
        predicate.test(user, obj) if obj is not None else predicate.test(user)
    ):
        raise PermissionDenied(_("You may not do this."))


# --- rules and agenda -----------------------------------------------------------------------


def rules_for(decision: Decision) -> DecisionRules:
    if decision.rules is not None:
        return decision.rules
    organization = decision.assembly.organization
    found = DecisionRules.objects.filter(organization=organization, kind=decision.kind).first()
    if found is None:
        found = DecisionRules.objects.create(
            organization=organization,
            kind=decision.kind,
            name=str(DecisionKind(decision.kind).label),
        )
    return found


def rules_snapshot(rules: DecisionRules) -> dict[str, Any]:
    categories = list(rules.entitled_categories.order_by("pk").values_list("code", flat=True))
    return {
        "name": rules.name,
        "entitled_categories": categories,
        "good_standing_required": rules.good_standing_required,
        "quorum_share": str(rules.quorum_share),
        "quorum_failure": rules.quorum_failure,
        "majority": rules.majority,
        "base": rules.base,
        "abstentions_counted": rules.abstentions_counted,
        "max_proxies_per_delegate": rules.max_proxies_per_delegate,
        "principal_may_vote": rules.principal_may_vote,
        "secret": rules.secret,
        "assumed": rules.assumed,
    }


@transaction.atomic
def create_poll(
    *,
    decision: Decision,
    by: Any,
    shape: BallotShape | None = None,
    secret: bool | None = None,
    max_choices: int | None = None,
    method: str | None = None,
    candidates: Sequence[Candidate] | None = None,
) -> Poll:
    """A draft poll for `decision`, with its options; a later call makes the next round."""
    _require(can_run_polls, by)
    if decision.kind == DecisionKind.APPOINTMENT:
        raise GovernanceError(_("An appointment is recorded, not voted."))
    if decision.published_at is not None:
        raise GovernanceError(_("This decision is already published."))
    rules = rules_for(decision)
    previous = decision.polls.order_by("-round").first()
    if previous is not None and previous.state != PollState.PUBLISHED:
        raise PollStateError(_("The previous round must be published before another opens."))
    if decision.kind == DecisionKind.MOTION:
        shape = BallotShape.YES_NO_ABSTAIN
    elif shape is None:
        shape = BallotShape.CHOOSE
    standing = (
        list(candidates)
        if candidates is not None
        else list(decision.candidates.filter(withdrawn=False))
    )
    if decision.kind != DecisionKind.MOTION and not standing:
        raise GovernanceError(_("This decision has no candidates to vote on."))
    seats = decision.seats
    if shape == BallotShape.CHOOSE:
        max_choices = max_choices or seats
    elif shape == BallotShape.YES_NO_ABSTAIN:
        max_choices = 1
    else:
        max_choices = max_choices or len(standing)
    poll = Poll.objects.create(
        decision=decision,
        round=1 if previous is None else previous.round + 1,
        shape=shape,
        secret=rules.secret if secret is None else secret,
        max_choices=max_choices,
        method=method or decision.method or counting.default_method(shape, seats),
        seats=seats,
    )
    if shape == BallotShape.YES_NO_ABSTAIN:
        for position, value in enumerate(
            [OptionValue.YES, OptionValue.NO, OptionValue.ABSTAIN], start=1
        ):
            PollOption.objects.create(
                poll=poll,
                position=position,
                value=value,
                label_en=str(value.label),
                label_ko={"yes": "찬성", "no": "반대", "abstain": "기권"}[value.value],
            )
    else:
        for position, candidate in enumerate(standing, start=1):
            PollOption.objects.create(
                poll=poll,
                position=position,
                value=OptionValue.CANDIDATE,
                candidate=candidate,
                label_en=candidate.member.name_en,
                label_ko=candidate.member.name_ko,
            )
    if decision.status == DecisionStatus.DRAFT:
        decision.status = DecisionStatus.ON_AGENDA
        decision.save(update_fields=["status"])
    audit.record(
        action=AuditAction.POLL_CREATED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={
            "decision": decision.pk,
            "round": poll.round,
            "shape": poll.shape,
            "secret": poll.secret,
            "method": poll.method,
            "options": [o.label_en for o in poll.options.all()],
        },
    )
    return poll


# --- proxies --------------------------------------------------------------------------------


@transaction.atomic
def give_proxy(*, assembly: Any, principal: Member, holder: Person, by: Any) -> Proxy:
    """`principal` gives its vote at `assembly` to `holder`, another member's delegate."""
    _require(can_manage_decisions, by)
    if holder.member_id is None:
        raise GovernanceError(_("A proxy goes to a member's delegate."))
    if holder.member_id == principal.pk:
        raise GovernanceError(_("A member cannot give a proxy to its own delegate."))
    limit = max(
        (
            r.max_proxies_per_delegate
            for r in DecisionRules.objects.filter(organization=assembly.organization)
        ),
        default=1,
    )
    held = Proxy.objects.select_for_update().filter(assembly=assembly, holder=holder).count()
    if held >= limit:
        raise GovernanceError(
            _("%(holder)s already holds %(n)d proxies, the most a delegate may hold.")
            % {"holder": holder.name_en, "n": held}
        )
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(assembly=assembly, principal=principal, holder=holder)
    except IntegrityError as error:
        raise GovernanceError(
            _("%(member)s has already given its proxy.") % {"member": principal.name_en}
        ) from error
    audit.record(
        action=AuditAction.PROXY_GIVEN,
        by=by,
        subject=f"assembly:{assembly.pk}",
        data={"principal": principal.slug, "holder": holder.pk},
    )
    return proxy


# --- the poll life cycle --------------------------------------------------------------------


def _announce(poll: Poll, **data: Any) -> None:
    """After commit, tell live pages (the projector) that the poll changed; never what was voted."""
    poll_id, decision_id = poll.pk, poll.decision_id

    def send() -> None:
        assembly_id = Decision.objects.values_list("assembly_id", flat=True).get(pk=decision_id)
        live.publish(live.assembly_channel(assembly_id), poll=poll_id, **data)

    transaction.on_commit(send)


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().select_related("decision__assembly").get(pk=poll.pk)


def entitled_members(rules: DecisionRules, organization: Any, on: dt.date) -> Any:
    members = Member.objects.filter(organization=organization)
    categories = list(rules.entitled_categories.all())
    if categories:
        members = members.filter(category__in=categories, category__has_vote=True)
    else:
        members = members.filter(category__in=MemberCategory.objects.filter(has_vote=True))
    if rules.good_standing_required:
        members = members.filter(good_standing_q(organization, on))
    else:
        members = members.voting()
    return members.order_by("name_en", "pk")


@transaction.atomic
def open_poll(
    *, poll: Poll, by: Any, on: dt.date | None = None, assume_present: bool = False
) -> Poll:
    """Open a draft poll and freeze its voting register.

    The register holds each entitled member (good standing on the day, categories with a vote),
    its weight, its own voting delegate if present, and the holder of its proxy if present.
    Without quorum the poll does not open, or opens with a void result, as the rules say.
    Standing is judged on `on` (default: the registry's today). `assume_present` counts every
    entitled member as present; only an illustrative (demonstration) decision accepts it.
    """
    _require(can_run_polls, by)
    poll = _locked(poll)
    if poll.state != PollState.DRAFT:
        raise PollStateError(
            _("Only a draft poll can open; this one is %(state)s.")
            % {"state": poll.get_state_display()}
        )
    decision = poll.decision
    assembly = decision.assembly
    rules = rules_for(decision)
    if assume_present and not decision.illustrative:
        raise GovernanceError(_("Only an illustrative decision may assume everyone present."))
    today = on or registry_today()
    delegates = voting_delegates(assembly)
    present = present_people(assembly)
    proxies: dict[int, Person] = {}
    per_holder: dict[int, int] = {}
    for proxy in Proxy.objects.filter(assembly=assembly).select_related("holder").order_by("pk"):
        if proxy.holder_id not in present:
            continue
        if per_holder.get(proxy.holder_id, 0) >= rules.max_proxies_per_delegate:
            continue
        per_holder[proxy.holder_id] = per_holder.get(proxy.holder_id, 0) + 1
        proxies[proxy.principal_id] = proxy.holder
    entries = []
    for member in entitled_members(rules, assembly.organization, today):
        own = delegates.get(member.pk)
        entries.append(
            RegisterEntry(
                poll=poll,
                member=member,
                weight=1,
                delegate=own.person if own else None,
                attendance=own.attendance if own else (ILLUSTRATIVE if assume_present else ""),
                proxy_holder=proxies.get(member.pk),
                principal_may_vote=rules.principal_may_vote,
            )
        )
    RegisterEntry.objects.bulk_create(entries)
    entitled = sum(e.weight for e in entries)
    represented = sum(e.weight for e in entries if e.represented)
    share = Fraction(rules.quorum_share)
    met = quorum_met(share, present=represented, entitled=entitled)
    if not met and rules.quorum_failure == QuorumFailure.REFUSE_OPEN:
        raise PollStateError(
            _(
                "No quorum: %(present)d of %(entitled)d entitled are present or represented; "
                "%(share)s%% are needed."
            )
            % {"present": represented, "entitled": entitled, "share": f"{share * 100:.4g}"}
        )
    poll.state = PollState.OPEN
    poll.opened_at = timezone.now()
    poll.rules_snapshot = rules_snapshot(rules)
    poll.entitled_weight = entitled
    poll.entitled_count = len(entries)
    poll.present_weight = represented
    poll.quorum_met = met
    poll.save()
    audit.record(
        action=AuditAction.POLL_OPENED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={
            "entitled": entitled,
            "present_or_represented": represented,
            "quorum_met": met,
            "rules": poll.rules_snapshot,
            "register": [
                [e.member.slug, e.weight, e.delegate_id, e.proxy_holder_id] for e in entries
            ],
        },
    )
    _announce(poll, state=poll.state)
    return poll


def _reshuffle(poll: Poll) -> None:
    """Rewrite the poll's ballots in random order, so not even storage order follows casting."""
    rows = list(Ballot.objects.filter(poll=poll).values("id", "choices", "weight", "receipt_hash"))
    random.SystemRandom().shuffle(rows)
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create([Ballot(poll=poll, **row) for row in rows])


@transaction.atomic
def close_poll(*, poll: Poll, by: Any) -> Poll:
    _require(can_run_polls, by)
    poll = _locked(poll)
    if poll.state != PollState.OPEN:
        raise PollStateError(_("Only an open poll can close."))
    voters = VoteRecord.objects.filter(poll=poll).count()
    ballots = Ballot.objects.filter(poll=poll).count()
    if voters != ballots:  # the schema and cast_ballot make this impossible; say so if not
        raise PollStateError(
            _("%(b)d ballots but %(v)d recorded voters: the poll stays open.")
            % {"b": ballots, "v": voters}
        )
    _reshuffle(poll)
    poll.state = PollState.CLOSED
    poll.closed_at = timezone.now()
    poll.save(update_fields=["state", "closed_at"])
    audit.record(
        action=AuditAction.POLL_CLOSED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={"voters": voters, "ballots": ballots, "ballot_digest": ballot_digest(poll)},
    )
    _announce(poll, state=poll.state)
    return poll


def ballot_digest(poll: Poll) -> str:
    """sha256 over the sorted published ballots, so the audit log pins what was counted."""
    rows = sorted(
        (b.receipt_hash, b.weight, list(b.choices)) for b in Ballot.objects.filter(poll=poll)
    )
    return hashlib.sha256(audit.canonical({"ballots": rows})).hexdigest()


@transaction.atomic
def enter_analog_result(
    *,
    poll: Poll,
    by: Any,
    method: AnalogMethod,
    counts: Mapping[int, int] | None = None,
    note: str = "",
) -> AnalogResult:
    """Votes taken on paper or by show of hands (weight per option position), or acclamation."""
    _require(can_run_polls, by)
    poll = _locked(poll)
    if poll.state not in (PollState.OPEN, PollState.CLOSED) or poll.counted_at is not None:
        raise PollStateError(_("Analog results are entered while the poll is open or closed."))
    positions = set(poll.options.values_list("position", flat=True))
    clean: dict[str, int] = {}
    if method == AnalogMethod.ACCLAMATION:
        if poll.shape != BallotShape.YES_NO_ABSTAIN:
            raise GovernanceError(_("Only a motion can be carried by acclamation."))
    else:
        for position, weight in (counts or {}).items():
            if int(position) not in positions:
                raise GovernanceError(
                    _("Option %(p)s is not an option of this poll.") % {"p": position}
                )
            if int(weight) < 0:
                raise GovernanceError(_("A count cannot be negative."))
            clean[str(int(position))] = int(weight)
        if poll.shape == BallotShape.RANKED:
            raise GovernanceError(_("Ranked ballots on paper are entered as ballots, not counts."))
    result, _created = AnalogResult.objects.update_or_create(
        poll=poll, defaults={"method": method, "counts": clean, "note": note, "entered_by": by}
    )
    audit.record(
        action=AuditAction.ANALOG_ENTERED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={"method": method, "counts": clean, "note": note},
    )
    return result


@transaction.atomic
def count_poll(*, poll: Poll, by: Any) -> Poll:
    """Count a closed poll through the tally engine and store the result and its verdict."""
    _require(can_run_polls, by)
    poll = _locked(poll)
    if poll.state != PollState.CLOSED:
        raise PollStateError(_("A poll is counted after it closes."))
    analog = AnalogResult.objects.filter(poll=poll).first()
    outcome = counting.count(
        poll=poll, ballots=list(Ballot.objects.filter(poll=poll)), analog=analog
    )
    poll.result = outcome.result
    poll.verdict = outcome.verdict
    poll.counted_at = timezone.now()
    poll.save(update_fields=["result", "verdict", "counted_at"])
    audit.record(
        action=AuditAction.POLL_COUNTED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={
            "verdict": poll.verdict,
            "result_sha256": hashlib.sha256(audit.canonical(poll.result)).hexdigest(),
        },
    )
    _announce(poll, state=poll.state, counted=True)
    return poll


@transaction.atomic
def publish_poll(*, poll: Poll, by: Any) -> Poll:
    """Publish a counted poll; a decisive result publishes its decision (terms follow)."""
    _require(can_run_polls, by)
    poll = _locked(poll)
    if poll.state != PollState.CLOSED or poll.counted_at is None:
        raise PollStateError(_("A poll is published after it is closed and counted."))
    poll.state = PollState.PUBLISHED
    poll.published_at = timezone.now()
    poll.save(update_fields=["state", "published_at"])
    audit.record(
        action=AuditAction.POLL_PUBLISHED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={"verdict": poll.verdict, "ballot_digest": ballot_digest(poll)},
    )
    if poll.verdict in (Verdict.ADOPTED, Verdict.REJECTED, Verdict.ELECTED, Verdict.NO_QUORUM):
        publish_decision(
            decision=poll.decision,
            by=by,
            verdict=Verdict(poll.verdict),
            winners=list(poll.result.get("elected_members", [])),
        )
    _announce(poll, state=poll.state)
    return poll


# --- casting --------------------------------------------------------------------------------


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


def validate_choices(poll: Poll, choices: Sequence[Any]) -> list[int]:
    """Option ids → option positions, or a clear error; nothing is stored either way."""
    if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
        raise BallotError(_("Choices are a list of option ids."))
    options = {o.pk: o for o in poll.options.all()}
    positions: list[int] = []
    for raw in choices:
        try:
            option_id = int(raw)
        except (TypeError, ValueError) as error:
            raise BallotError(_("%(v)r is not an option id.") % {"v": raw}) from error
        option = options.get(option_id)
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


def _receipt_code() -> str:
    return "-".join("".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(4)) for _ in range(4))


def receipt_hash(poll_id: int, code: str) -> str:
    return hashlib.sha256(f"moim-receipt:{poll_id}:{code.strip().upper()}".encode()).hexdigest()


@dataclass(frozen=True)
class Receipt:
    member: Member
    code: str
    hash: str


def cast_ballot(*, poll: Poll, voter: Person, member: Member, choices: Sequence[Any]) -> Receipt:
    """Cast `member`'s ballot in `poll`, by `voter`, who must hold the member's vote.

    Locks the poll row (select_for_update) so a close cannot interleave with a cast; the unique
    constraint on (poll, member) of VoteRecord is what makes a second ballot impossible, even
    from two requests at once. A secret poll's Ballot row carries no member, voter or time.
    Returns the receipt, whose code is shown to the voter once and never stored.
    SQLite may refuse a transaction for a moment under a burst of writers ("database is
    locked"); nothing was written then, so the cast is tried again a few times.
    """
    for attempt in range(_LOCK_RETRIES):
        try:
            return _cast(poll=poll, voter=voter, member=member, choices=choices)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == _LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


_LOCK_RETRIES = 5


def _cast(*, poll: Poll, voter: Person, member: Member, choices: Sequence[Any]) -> Receipt:
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.state != PollState.OPEN:
            raise PollStateError(_("This poll is not open."))
        entry = RegisterEntry.objects.filter(poll=locked, member=member).first()
        if entry is None:
            raise BallotError(
                _("%(m)s is not on this poll's voting register.") % {"m": member.name_en}
            )
        if voter.pk not in entry.voters():
            raise BallotError(_("You do not hold %(m)s's vote.") % {"m": member.name_en})
        positions = validate_choices(locked, choices)
        if VoteRecord.objects.filter(poll=locked, member=member).exists():
            raise BallotError(_("%(m)s has already voted in this poll.") % {"m": member.name_en})
        code = _receipt_code()
        digest = receipt_hash(locked.pk, code)
        try:
            with transaction.atomic():
                VoteRecord.objects.create(
                    poll=locked,
                    member=member,
                    cast_by=voter,
                    choices=None if locked.secret else positions,
                )
        except IntegrityError as error:
            raise BallotError(
                _("%(m)s has already voted in this poll.") % {"m": member.name_en}
            ) from error
        Ballot.objects.create(
            poll=locked, choices=positions, weight=entry.weight, receipt_hash=digest
        )
        _announce(locked, turnout=True)
    return Receipt(member, code, digest)


def load_illustrative_ballots(*, poll: Poll, ballots: Sequence[tuple[Member, list[int]]]) -> int:
    """Invented ballots for a demonstration decision (no voter, no receipt handed out).

    Refused for any real decision. Each ballot still goes through the choice checks, the
    one-ballot-per-member constraint and the unlinked ballot table, as a cast one does.
    """
    with transaction.atomic():
        locked = Poll.objects.select_for_update().select_related("decision").get(pk=poll.pk)
        if not locked.decision.illustrative:
            raise GovernanceError(_("Invented ballots go only into an illustrative decision."))
        if locked.state != PollState.OPEN:
            raise PollStateError(_("This poll is not open."))
        by_position = {o.position: o.pk for o in locked.options.all()}
        weights = dict(RegisterEntry.objects.filter(poll=locked).values_list("member_id", "weight"))
        for member, positions in ballots:
            if member.pk not in weights:
                raise BallotError(_("%(m)s is not on the register.") % {"m": member.name_en})
            checked = validate_choices(locked, [by_position[p] for p in positions])
            VoteRecord.objects.create(
                poll=locked, member=member, choices=None if locked.secret else checked
            )
            Ballot.objects.create(
                poll=locked,
                choices=checked,
                weight=weights[member.pk],
                receipt_hash=receipt_hash(locked.pk, _receipt_code()),
            )
    return len(ballots)


# --- decisions and the registry -------------------------------------------------------------


def _reconcile_term(
    *,
    office: Office,
    member: Member,
    starts: dt.date,
    ends: dt.date | None,
    source: TermSource,
    basis: str,
    appointed_by: Member | None = None,
    illustrative: bool = False,
) -> Term:
    """The term this decision rests on; an existing identical term is taken over, not doubled."""
    term = Term.objects.filter(office=office, member=member, starts=starts).first()
    if term is None:
        term = Term.objects.create(
            office=office,
            member=member,
            starts=starts,
            ends=ends,
            source=source,
            basis=basis,
            appointed_by=appointed_by,
            illustrative=illustrative,
        )
    else:
        # The registry already holds this term (entered directly): the decision takes it over.
        term.ends, term.source = ends, source
        term.basis = term.basis or basis
        term.appointed_by = appointed_by or term.appointed_by
        term.save(update_fields=["ends", "source", "basis", "appointed_by"])
    return term


def _end_others(office: Office, keep: set[int], starts: dt.date) -> list[int]:
    """End the current terms in `office` that this decision replaces (the day before)."""
    ended = []
    for term in Term.objects.current(starts).filter(office=office).exclude(pk__in=keep):
        if term.starts >= starts:
            continue
        term.ends = starts - dt.timedelta(days=1)
        term.save(update_fields=["ends"])
        ended.append(term.pk)
    return ended


@transaction.atomic
def publish_decision(
    *, decision: Decision, by: Any, verdict: Verdict, winners: Sequence[int] = ()
) -> Decision:
    """Record the decision's verdict and make the registry follow it.

    An election or host selection gives its winners terms in the office (and, for a host, the
    ex-officio office); an appointment gives its appointees terms. Terms held by others in the
    office end the day before. Publishing again changes nothing (idempotent).
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.published_at is not None:
        return decision
    decision.verdict = verdict
    decision.status = DecisionStatus.DECIDED
    decision.published_at = timezone.now()
    starts = decision.term_starts or timezone.localdate()
    created: list[int] = []
    ended: list[int] = []
    if decision.kind == DecisionKind.APPOINTMENT:
        winners = list(decision.candidates.values_list("member_id", flat=True))
    if decision.office is not None and verdict in (Verdict.ELECTED, Verdict.RECORDED):
        members = list(Member.objects.filter(pk__in=winners))
        source = (
            TermSource.APPOINTMENT
            if decision.kind == DecisionKind.APPOINTMENT
            else TermSource.ELECTION
        )
        basis = f"{decision.title_en} ({decision.assembly.title_en})"
        offices = [(decision.office, source)]
        if decision.ex_officio_office is not None:
            offices.append((decision.ex_officio_office, TermSource.EX_OFFICIO))
        for office, term_source in offices:
            terms = [
                _reconcile_term(
                    office=office,
                    member=member,
                    starts=starts,
                    ends=decision.term_ends,
                    source=term_source,
                    basis=basis,
                    appointed_by=decision.appointed_by,
                    illustrative=decision.illustrative,
                )
                for member in members
            ]
            decision.terms.add(*terms)
            created += [t.pk for t in terms]
            if decision.kind != DecisionKind.APPOINTMENT or office.seats:
                ended += _end_others(office, {t.pk for t in terms}, starts)
        decision.outcome = {**decision.outcome, "winners": [m.slug for m in members]}
    decision.save()
    audit.record(
        action=AuditAction.DECISION_PUBLISHED,
        by=by,
        subject=f"decision:{decision.pk}",
        data={"verdict": verdict, "winners": list(winners)},
    )
    if created or ended:
        audit.record(
            action=AuditAction.TERMS_CHANGED,
            by=by,
            subject=f"decision:{decision.pk}",
            data={"created": created, "ended": ended},
        )
    return decision


def record_appointment(*, decision: Decision, by: Any) -> Decision:
    """An appointment is recorded, not voted: its appointees take office when it is published."""
    _require(can_manage_decisions, by)
    if decision.kind != DecisionKind.APPOINTMENT:
        raise GovernanceError(_("Only an appointment is recorded without a vote."))
    if not decision.candidates.exists():
        raise GovernanceError(_("Name at least one appointee."))
    return publish_decision(decision=decision, by=by, verdict=Verdict.RECORDED)


# --- what the chair sees while a poll is open -----------------------------------------------


@dataclass(frozen=True)
class Turnout:
    voted: int
    entitled: int
    voted_weight: int
    entitled_weight: int


def turnout(poll: Poll) -> Turnout:
    """How many entitled members have voted: heads and weight, never what they chose."""
    totals = RegisterEntry.objects.filter(poll=poll).aggregate(n=Count("pk"), w=Sum("weight"))
    voted_ids = VoteRecord.objects.filter(poll=poll).values("member_id")
    voted = RegisterEntry.objects.filter(poll=poll, member_id__in=voted_ids).aggregate(
        n=Count("pk"), w=Sum("weight")
    )
    return Turnout(voted["n"] or 0, totals["n"] or 0, voted["w"] or 0, totals["w"] or 0)


def not_yet_voted(poll: Poll) -> list[str]:
    voted_ids = VoteRecord.objects.filter(poll=poll).values("member_id")
    return list(
        RegisterEntry.objects.filter(poll=poll)
        .exclude(member_id__in=voted_ids)
        .order_by("member__name_en")
        .values_list("member__name_en", flat=True)
    )


def votes_held_by(poll: Poll, person: Person) -> list[RegisterEntry]:
    """The register entries whose ballot `person` may cast in `poll`."""
    entries = (
        RegisterEntry.objects.filter(poll=poll)
        .filter(Q(proxy_holder=person) | Q(delegate=person))
        .select_related("member")
    )
    return [e for e in entries if person.pk in e.voters()]
