"""Published decisions create and end terms of office in the member registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.errors import Conflict, Invalid
from moim.governance import audit
from moim.governance.enums import (
    AuditAction,
    DecisionKind,
    DecisionStatus,
    Verdict,
)
from moim.governance.models import (
    Decision,
)
from moim.governance.rules import can_record_appointment
from moim.governance.services.candidates import add_named_candidates
from moim.governance.signals import decision_published
from moim.members.enums import TermSource
from moim.members.models import Member, Office, Term
from moim.members.queries import registry_today
from moim.permissions import require


def _reconcile_term(
    *,
    office: Office,
    member: Member,
    starts: dt.date,
    ends: dt.date | None,
    source: TermSource,
    basis: str,
    basis_ko: str = "",
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
            basis_ko=basis_ko,
            appointed_by=appointed_by,
            illustrative=illustrative,
        )
    else:
        # The registry already holds this term (entered directly): the decision takes it over.
        term.ends, term.source = ends, source
        term.basis = term.basis or basis
        term.basis_ko = term.basis_ko or basis_ko
        term.appointed_by = appointed_by or term.appointed_by
        term.save(update_fields=["ends", "source", "basis", "basis_ko", "appointed_by"])
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
    # Without a set date, terms begin on the day of publication at the assembly's venue.
    starts = decision.term_starts or registry_today(decision.assembly.zone)
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
        basis_ko = (
            f"{decision.title_ko or decision.title_en} "
            f"({decision.assembly.title_ko or decision.assembly.title_en})"
        )
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
                    basis_ko=basis_ko,
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
        data={"verdict": verdict, "winners": list(winners), "outcome": decision.outcome},
    )
    if created or ended:
        audit.record(
            action=AuditAction.TERMS_CHANGED,
            by=by,
            subject=f"decision:{decision.pk}",
            data={"created": created, "ended": ended},
        )
    decision_published.send(sender=Decision, decision=decision, by=by)
    return decision


@transaction.atomic
def record_appointment(
    *,
    decision: Decision,
    by: Any,
    appointees: Sequence[Member] = (),
    appointed_by: Member | None = None,
) -> Decision:
    """An appointment is recorded, not voted: its appointees take office when it is published.

    `appointees` not yet named on the decision are added first (as `add_candidates` does, with
    its audit entry); `appointed_by` records who appointed them (e.g. the President city).
    """
    require(can_record_appointment, by)
    if decision.kind != DecisionKind.APPOINTMENT:
        raise Invalid(_("Only an appointment is recorded without a vote."))
    if decision.published_at is not None:
        raise Conflict(_("This decision is already published."))
    named = set(decision.candidates.values_list("member_id", flat=True))
    new = [m for m in appointees if m.pk not in named]
    if new:
        add_named_candidates(decision=decision, members=new, by=by)
    if not decision.candidates.exists():
        raise Invalid(_("Name at least one appointee."))
    if appointed_by is not None and appointed_by.pk != decision.appointed_by_id:
        decision.appointed_by = appointed_by
        decision.save(update_fields=["appointed_by"])
    return publish_decision(decision=decision, by=by, verdict=Verdict.RECORDED)
