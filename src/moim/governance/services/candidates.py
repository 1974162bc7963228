"""Candidates (or appointees) put on a decision in one step, before any of its polls opens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from moim.errors import Conflict, Invalid
from moim.governance import audit
from moim.governance.enums import AuditAction, DecisionKind, OptionValue, PollState
from moim.governance.models import Candidate, Decision, PollOption
from moim.governance.rules import can_manage_decisions
from moim.members.models import Member
from moim.permissions import require


def check_candidates(*, decision: Decision, members: Sequence[Member]) -> list[Member]:
    """The members to add, in order and without repeats; raises when the rules refuse them."""
    if decision.kind == DecisionKind.MOTION:
        raise Invalid(_("A motion has no candidates."))
    if decision.published_at is not None:
        raise Conflict(_("This decision is already published."))
    if decision.polls.exclude(state=PollState.DRAFT).exists():
        raise Conflict(_("A poll of this decision has opened: its candidates are fixed."))
    unique = list(dict.fromkeys(members))
    if not unique:
        raise Invalid(_("Choose at least one member."))
    organization_id = decision.assembly.organization_id
    foreign = [m.name_en for m in unique if m.organization_id != organization_id]
    if foreign:
        raise Invalid(
            _("Not members of this organization: %(names)s.") % {"names": ", ".join(foreign)}
        )
    standing = set(decision.candidates.values_list("member_id", flat=True))
    already = [m.name_en for m in unique if m.pk in standing]
    if already:
        raise Conflict(
            _("Already on the list: %(names)s. Nothing was added.") % {"names": ", ".join(already)}
        )
    return unique


@transaction.atomic
def add_candidates(*, decision: Decision, members: Sequence[Member], by: Any) -> list[Candidate]:
    """Add a slate of candidates (or appointees) to `decision` at once, with one audit entry.

    Refused, with nothing added, once a poll of the decision has opened, for a member already on
    the list or outside the organization. A draft poll gets the new candidates as options too.
    """
    require(can_manage_decisions, by)
    return add_named_candidates(decision=decision, members=members, by=by)


def add_named_candidates(
    *, decision: Decision, members: Sequence[Member], by: Any
) -> list[Candidate]:
    """`add_candidates` once the caller has checked who may name them (e.g. an appointment)."""
    decision = Decision.objects.select_for_update().select_related("assembly").get(pk=decision.pk)
    unique = check_candidates(decision=decision, members=members)
    start = (decision.candidates.aggregate(n=Max("position"))["n"] or 0) + 1
    added = Candidate.objects.bulk_create(
        [
            Candidate(decision=decision, member=member, position=start + i)
            for i, member in enumerate(unique)
        ]
    )
    added = list(decision.candidates.filter(member__in=unique).select_related("member"))
    for poll in decision.polls.filter(state=PollState.DRAFT):
        first = (poll.options.aggregate(n=Max("position"))["n"] or 0) + 1
        PollOption.objects.bulk_create(
            [
                PollOption(
                    poll=poll,
                    position=first + i,
                    value=OptionValue.CANDIDATE,
                    candidate=candidate,
                    label_en=candidate.member.name_en,
                    label_ko=candidate.member.name_ko,
                )
                for i, candidate in enumerate(added)
            ]
        )
    audit.record(
        action=AuditAction.CANDIDATES_ADDED,
        by=by,
        subject=f"decision:{decision.pk}",
        data={"members": [m.slug for m in unique]},
    )
    return added
