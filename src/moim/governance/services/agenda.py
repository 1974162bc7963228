"""Rules per decision type, polls on the agenda, and proxies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from moim.governance import audit, counting
from moim.governance.enums import (
    AuditAction,
    BallotShape,
    DecisionKind,
    DecisionStatus,
    OptionValue,
    PollState,
)
from moim.governance.models import (
    Candidate,
    Decision,
    DecisionRules,
    Poll,
    PollOption,
    Proxy,
)
from moim.governance.rules import can_manage_decisions, can_run_polls
from moim.governance.services.base import GovernanceError, PollStateError, _require
from moim.members.models import Member, Person
from moim.tally import methods as tally_methods


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
        "tie_policy": rules.tie_policy,
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
    chosen = method or decision.method
    if decision.kind == DecisionKind.MOTION:
        shape = BallotShape.YES_NO_ABSTAIN
    elif shape is None and chosen in tally_methods.METHODS:
        # The ballot the decision's method counts (a ranked ballot for STV, say).
        shape = BallotShape(sorted(tally_methods.METHODS[chosen].shapes)[0])
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
    chosen = chosen or counting.default_method(shape, seats)
    try:
        tally_methods.check(chosen, shape, seats)
    except tally_methods.MethodError as error:
        raise GovernanceError(str(error)) from None
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
        method=chosen,
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
