"""The poll life cycle: open (freezing the register), close, count, publish."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.assemblies.services import link_people
from moim.errors import Invalid
from moim.governance import audit, digests, seal
from moim.governance.digests import ballot_digest
from moim.governance.enums import (
    AnalogMethod,
    AuditAction,
    BallotShape,
    PollAction,
    PollState,
    QuorumFailure,
    Verdict,
)
from moim.governance.models import (
    AnalogResult,
    AuditEntry,
    Ballot,
    DecisionRules,
    Poll,
    Proxy,
    RegisterEntry,
    SealedBallot,
    VoteRecord,
    new_ballot_id,
)
from moim.governance.presence import present_people, voting_delegates
from moim.governance.services.agenda import check_max_choices, rules_for, rules_snapshot
from moim.governance.services.base import (
    ILLUSTRATIVE,
    PollStateError,
    SealError,
    _announce,
)
from moim.governance.services.lifecycle import begin
from moim.governance.services.registry import publish_decision
from moim.members.models import Member, MemberCategory, Person, good_standing_q
from moim.members.queries import registry_today
from moim.tally.methods.yna import quorum_met

logger = logging.getLogger(__name__)


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
    The ballot is secret exactly when the rules in force at opening say so.
    Standing is judged on `on` (default: the registry's today). `assume_present` counts every
    entitled member as present; only an illustrative (demonstration) decision accepts it.
    """
    poll = begin(PollAction.OPEN, poll=poll, by=by)
    decision = poll.decision
    assembly = decision.assembly
    rules = rules_for(decision)
    # A draft made before these checks, or changed behind the services, opens only if it fits.
    check_max_choices(
        shape=poll.shape,
        seats=poll.seats,
        options=poll.options.count(),
        max_choices=poll.max_choices,
    )
    if assume_present and not decision.illustrative:
        raise Invalid(_("Only an illustrative decision may assume everyone present."))
    today = on or registry_today()
    # Registrants checked in before their person record existed are linked now, so that every
    # present representative can stand in the register, with a login or without.
    link_people(assembly=assembly)
    delegates = voting_delegates(assembly)
    present = present_people(assembly)
    proxies: dict[int, Person] = {}
    per_holder: dict[int, int] = {}
    lapsed: list[dict[str, Any]] = []
    for proxy in (
        Proxy.objects.filter(assembly=assembly).select_related("holder", "principal").order_by("pk")
    ):
        reason = _proxy_lapses(proxy, present, per_holder, rules)
        if reason:
            # Not dropped silently: reported to the chair and kept in the audit log.
            lapsed.append(
                {
                    "principal": proxy.principal.slug,
                    "principal_name": proxy.principal.name_en,
                    "holder": proxy.holder_id,
                    "holder_name": proxy.holder.name_en,
                    "reason": reason,
                }
            )
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
    # The rules as they stand at opening decide the ballot's secrecy, whatever the draft said
    # (the rules may have changed since it was made): the chair cannot open it otherwise.
    secret_before = poll.secret
    poll.secret = rules.secret
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
            "secret": poll.secret,
            "secret_changed_by_rules": poll.secret != secret_before,
            "max_choices": poll.max_choices,
            "rules": poll.rules_snapshot,
            "register": [
                [e.member.slug, e.weight, e.delegate_id, e.proxy_holder_id] for e in entries
            ],
        },
    )
    if lapsed:
        audit.record(
            action=AuditAction.PROXY_LAPSED,
            by=by,
            subject=f"poll:{poll.pk}",
            data={"lapsed": lapsed},
        )
    _announce(poll, state=poll.state)
    return poll


LAPSE_ABSENT = "holder_absent"
LAPSE_OVER_LIMIT = "over_limit"


def _proxy_lapses(
    proxy: Proxy, present: set[int], per_holder: dict[int, int], rules: DecisionRules
) -> str:
    """Why `proxy` does not hold in this poll ("" when it holds)."""
    if proxy.holder_id not in present:
        return LAPSE_ABSENT
    if per_holder.get(proxy.holder_id, 0) >= rules.max_proxies_per_delegate:
        return LAPSE_OVER_LIMIT
    return ""


def lapsed_proxies(poll: Poll) -> list[dict[str, Any]]:
    """The proxies that did not hold when `poll` opened, with the reason in words."""
    reasons = {
        LAPSE_ABSENT: _("the holder is not present"),
        LAPSE_OVER_LIMIT: _("the holder already holds the most proxies these rules allow"),
    }
    found: list[dict[str, Any]] = []
    for entry in AuditEntry.objects.filter(
        action=AuditAction.PROXY_LAPSED, subject=f"poll:{poll.pk}"
    ).order_by("sequence"):
        for item in entry.data.get("lapsed", []):
            found.append({**item, "reason_text": reasons.get(item["reason"], item["reason"])})
    return found


def _reshuffle(poll: Poll) -> None:
    """Rewrite the poll's ballots in random order, so not even storage order follows casting.

    A secret poll's sealed ballots are opened here and written out as plain ballots, shuffled
    together with any already plain, in this one transaction; their sealed rows are deleted.
    A seal that does not open (the vault key changed or is missing) stops the close before
    anything is written: the poll stays open and every ballot stays stored.
    """
    sealed = list(SealedBallot.objects.filter(poll=poll).values_list("pk", "sealed"))
    rows = list(Ballot.objects.filter(poll=poll).values("id", "choices", "weight", "receipt_hash"))
    broken = 0
    for _pk, blob in sealed:
        try:
            content = seal.open_seal(poll_id=poll.pk, sealed=bytes(blob))
        except seal.SealBroken:
            broken += 1
            continue
        rows.append(
            {
                "id": new_ballot_id(),
                "choices": content.choices,
                "weight": content.weight,
                "receipt_hash": content.receipt_hash,
            }
        )
    if broken:
        raise SealError(
            _(
                "%(n)d of %(total)d sealed ballots do not open with the vault key in use "
                "(MOIM_VAULT_KEY changed or missing since the poll opened). The poll stays "
                "open and no ballot is lost: restore the vault key that was in use, then close."
            )
            % {"n": broken, "total": len(sealed)}
        )
    random.SystemRandom().shuffle(rows)
    if sealed:
        _erase_sealed(poll)
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create([Ballot(poll=poll, **row) for row in rows])
    if sealed:
        transaction.on_commit(reclaim_sealed_space, robust=True)


def _erase_sealed(poll: Poll) -> None:
    """Delete the poll's sealed rows; on SQLite, with their bytes overwritten in the file."""
    if connection.vendor == "sqlite":
        # Also set for every connection in settings: cells moved when pages split while the
        # sealed rows were written must not leave copies behind either.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    SealedBallot.objects.filter(poll=poll).delete()


def reclaim_sealed_space() -> None:
    """After the close commits: give back the space the deleted sealed rows held.

    PostgreSQL: VACUUM the sealed table (it cannot run inside a transaction), so its dead
    tuples are removed from the heap. SQLite: a checkpoint that truncates the write-ahead log,
    so the frames that held the sealed rows (and their deletion) leave the -wal file.
    """
    if connection.in_atomic_block:  # still inside an outer transaction (a test's): not yet
        return
    table = connection.ops.quote_name(SealedBallot._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM {table}")
        elif connection.vendor == "sqlite":
            for _attempt in range(5):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()
                if busy is None or not busy[0]:
                    return
                time.sleep(0.1)
            logger.warning("the write-ahead log could not be truncated after a poll closed")


@transaction.atomic
def close_poll(*, poll: Poll, by: Any) -> Poll:
    """Close an open poll; a secret poll's sealed ballots are written out, shuffled, here.

    The write-out and the deletion of the sealed rows commit with the close; the space they
    held is reclaimed after the commit (`reclaim_sealed_space`). If a seal does not open, the
    poll stays open with every ballot kept (SealError).
    """
    poll = begin(PollAction.CLOSE, poll=poll, by=by)
    voters = VoteRecord.objects.filter(poll=poll).count()
    ballots = (
        Ballot.objects.filter(poll=poll).count() + SealedBallot.objects.filter(poll=poll).count()
    )
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
        data={
            "voters": voters,
            "ballots": ballots,
            "ballot_digest": ballot_digest(poll),
            "roll_call_digest": digests.roll_call_digest(poll),
        },
    )
    _announce(poll, state=poll.state)
    return poll


def _whole_number(raw: Any, label: str) -> int:
    """A count as typed or sent: a whole number of votes, never negative, never a fraction."""
    if isinstance(raw, bool):
        raise Invalid(_("%(o)s: a count is a whole number of votes.") % {"o": label})
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        value = int(raw.strip())
    else:
        raise Invalid(_("%(o)s: %(v)s is not a whole number of votes.") % {"o": label, "v": raw})
    if value < 0:
        raise Invalid(_("%(o)s: a count cannot be negative.") % {"o": label})
    return value


def check_analog_counts(poll: Poll, counts: Mapping[Any, Any]) -> dict[str, int]:
    """Counts per option position, checked against the register frozen at opening.

    No option may hold more than the weight present or represented (nor the entitled weight),
    less the weight that already voted electronically; a ballot marks at most `max_choices`
    options, so all options together hold at most that many times as much. The check that
    refuses 500 raised hands among 147 entitled.
    """
    labels = {o.position: o.label_en for o in poll.options.all()}
    clean: dict[str, int] = {}
    for position, raw in counts.items():
        try:
            key = int(position)
        except (TypeError, ValueError):
            key = -1
        if key not in labels:
            raise Invalid(_("Option %(p)s is not an option of this poll.") % {"p": position})
        clean[str(key)] = _whole_number(raw, labels[key])
    # The weight of the members who voted (a secret poll's ballots are sealed while open).
    electronic = sum(
        RegisterEntry.objects.filter(
            poll=poll, member_id__in=VoteRecord.objects.filter(poll=poll).values("member_id")
        ).values_list("weight", flat=True)
    )
    room = min(poll.entitled_weight, poll.present_weight) - electronic
    per_ballot = 1 if poll.shape == BallotShape.YES_NO_ABSTAIN else max(poll.max_choices, 1)
    total = sum(clean.values())
    for stored, value in clean.items():
        if value > room:
            raise Invalid(
                _(
                    "%(o)s: %(n)d is more than the %(room)d votes that can still be cast "
                    "(%(e)d entitled, %(p)d present or represented, %(v)d voted electronically)."
                )
                % {
                    "o": labels[int(stored)],
                    "n": value,
                    "room": max(room, 0),
                    "e": poll.entitled_weight,
                    "p": poll.present_weight,
                    "v": electronic,
                }
            )
    if total > room * per_ballot:
        raise Invalid(
            _(
                "The figures add up to %(n)d, more than the %(room)d votes that can still be "
                "cast (%(e)d entitled, %(p)d present or represented, %(v)d voted electronically)."
            )
            % {
                "n": total,
                "room": max(room, 0) * per_ballot,
                "e": poll.entitled_weight,
                "p": poll.present_weight,
                "v": electronic,
            }
        )
    return clean


@transaction.atomic
def enter_analog_result(
    *,
    poll: Poll,
    by: Any,
    method: AnalogMethod,
    counts: Mapping[Any, Any] | None = None,
    note: str = "",
) -> AnalogResult:
    """Votes taken on paper or by show of hands (weight per option position), or acclamation.

    The figures are checked against the frozen register (`check_analog_counts`); the audit
    entry names who entered them and what they were, before and after a correction.
    """
    poll = begin(PollAction.ANALOG, poll=poll, by=by)
    clean: dict[str, int] = {}
    if method == AnalogMethod.ACCLAMATION:
        if poll.shape != BallotShape.YES_NO_ABSTAIN:
            raise Invalid(_("Only a motion can be carried by acclamation."))
    else:
        if poll.shape == BallotShape.RANKED:
            raise Invalid(_("Ranked ballots on paper are entered as ballots, not counts."))
        clean = check_analog_counts(poll, counts or {})
    previous = AnalogResult.objects.filter(poll=poll).first()
    before = None if previous is None else {"method": previous.method, "counts": previous.counts}
    user = by if getattr(by, "is_authenticated", False) else None
    result, _created = AnalogResult.objects.update_or_create(
        poll=poll, defaults={"method": method, "counts": clean, "note": note, "entered_by": user}
    )
    audit.record(
        action=AuditAction.ANALOG_ENTERED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={
            "method": method,
            "counts": clean,
            "total": sum(clean.values()),
            "note": note,
            "entered_by": audit.actor_name(by),
            "entitled_weight": poll.entitled_weight,
            "present_weight": poll.present_weight,
            "replaces": before,
        },
    )
    return result


@transaction.atomic
def publish_poll(*, poll: Poll, by: Any) -> Poll:
    """Publish a counted poll; a decisive result publishes its decision (terms follow)."""
    poll = begin(PollAction.PUBLISH, poll=poll, by=by)
    poll.state = PollState.PUBLISHED
    poll.published_at = timezone.now()
    poll.save(update_fields=["state", "published_at"])
    audit.record(
        action=AuditAction.POLL_PUBLISHED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={
            "verdict": poll.verdict,
            "ballot_digest": ballot_digest(poll),
            "roll_call_digest": digests.roll_call_digest(poll),
            "result_sha256": digests.result_digest(poll.result),
            "summary": digests.result_summary(poll.result),
        },
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
