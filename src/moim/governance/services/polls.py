"""The poll life cycle: open (freezing the register), close, count, publish."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.assemblies.services import link_people
from moim.governance import audit, counting
from moim.governance.enums import (
    AnalogMethod,
    AuditAction,
    BallotShape,
    PollState,
    QuorumFailure,
    Verdict,
)
from moim.governance.models import (
    AnalogResult,
    Ballot,
    DecisionRules,
    Poll,
    Proxy,
    RegisterEntry,
    VoteRecord,
)
from moim.governance.presence import present_people, voting_delegates
from moim.governance.rules import can_run_polls
from moim.governance.services.agenda import rules_for, rules_snapshot
from moim.governance.services.base import (
    ILLUSTRATIVE,
    GovernanceError,
    PollStateError,
    _announce,
    _require,
)
from moim.governance.services.registry import publish_decision
from moim.members.models import Member, MemberCategory, Person, good_standing_q
from moim.members.queries import registry_today
from moim.tally.yna import quorum_met


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
    # Registrants checked in before their person record existed are linked now, so that every
    # present representative can stand in the register, with a login or without.
    link_people(assembly=assembly)
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
