"""Rules per decision type, polls on the agenda, and proxies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from moim.errors import Conflict, Invalid
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
    max_choices_limit,
)
from moim.governance.rules import can_give_proxy, can_run_polls
from moim.governance.services.base import PollStateError
from moim.members.models import Member, Person
from moim.permissions import require
from moim.tally import registry as tally_methods


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


def check_secrecy(*, rules: DecisionRules, secret: bool | None) -> None:
    """The decision's rules say whether its ballot is secret; nobody running a poll changes it.

    A named poll publishes how each member voted: opening one where the rules promise a secret
    ballot would expose every voter, and a secret one where they promise a roll call would hide
    it. To vote otherwise, the secretariat changes the rules (an audited act) before the poll.
    """
    if secret is None or bool(secret) == rules.secret:
        return
    if rules.secret:
        raise Invalid(
            _(
                "The rules of this decision (%(rules)s) say the ballot is secret: a poll of it "
                "cannot be named."
            )
            % {"rules": rules.name}
        )
    raise Invalid(
        _(
            "The rules of this decision (%(rules)s) say the vote is named, with a published "
            "roll call: a poll of it cannot be secret unless the rules are changed first."
        )
        % {"rules": rules.name}
    )


def check_max_choices(*, shape: str, seats: int, options: int, max_choices: Any) -> int:
    """`max_choices` checked against the ballot (the default when None): a whole number from 1
    to `max_choices_limit`; an `Invalid` saying what is allowed otherwise."""
    limit = max_choices_limit(shape=shape, seats=seats, options=options)
    if max_choices is None:
        return limit
    if isinstance(max_choices, bool) or not isinstance(max_choices, int):
        raise Invalid(
            _("At most how many choices: %(value)r is not a whole number.") % {"value": max_choices}
        )
    if max_choices < 1 or max_choices > limit:
        raise Invalid(
            _(
                "At most how many choices: %(value)d is not allowed; this ballot (%(n)d "
                "option(s), %(seats)d seat(s)) allows from 1 to %(limit)d."
            )
            % {"value": max_choices, "n": options, "seats": seats, "limit": limit}
        )
    return max_choices


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
    """A draft poll for `decision`, with its options; a later call makes the next round.

    Its secrecy is the rules' (`secret`, when given, must agree: `check_secrecy`) and
    `max_choices` is checked against the ballot (`check_max_choices`).
    """
    require(can_run_polls, by)
    if decision.kind == DecisionKind.APPOINTMENT:
        raise Invalid(_("An appointment is recorded, not voted."))
    if decision.published_at is not None:
        raise Conflict(_("This decision is already published."))
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
        raise Conflict(_("This decision has no candidates to vote on."))
    seats = decision.seats
    chosen = chosen or counting.default_method(shape, seats)
    try:
        tally_methods.check(chosen, shape, seats)
    except tally_methods.MethodError as error:
        raise Invalid(str(error)) from None
    check_secrecy(rules=rules, secret=secret)
    options = 3 if shape == BallotShape.YES_NO_ABSTAIN else len(standing)
    max_choices = check_max_choices(
        shape=shape, seats=seats, options=options, max_choices=max_choices
    )
    poll = Poll.objects.create(
        decision=decision,
        round=1 if previous is None else previous.round + 1,
        shape=shape,
        secret=rules.secret,
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


def proxy_limit(assembly: Any) -> int:
    """The most proxies one delegate may hold at `assembly`: the strictest of the rules its
    decisions are voted under (the organization's rules when the agenda names none), so a proxy
    accepted here holds in every poll."""
    named = DecisionRules.objects.filter(decisions__assembly=assembly).distinct()
    rules = (
        named
        if named.exists()
        else DecisionRules.objects.filter(organization=assembly.organization)
    )
    limits = [r.max_proxies_per_delegate for r in rules]
    default = DecisionRules._meta.get_field("max_proxies_per_delegate").get_default()
    return min(limits, default=int(default))


def _refuse_while_open(assembly: Any) -> None:
    if Poll.objects.filter(decision__assembly=assembly, state=PollState.OPEN).exists():
        raise PollStateError(
            _(
                "A poll is open: proxies cannot change until it closes (its voting register "
                "was frozen when it opened)."
            )
        )


def check_proxy(
    *, assembly: Any, principal: Member, holder: Person, replacing: Proxy | None = None
) -> None:
    """Refuse, with the reason, a proxy the rules do not allow; stores nothing.

    The holder is a person of another member of the same organization; a proxy is not passed
    on (a holder whose own member gave its proxy away holds none, and a member whose people
    hold proxies keeps its own vote); a delegate holds at most `proxy_limit` proxies; nothing
    changes while a poll is open.
    """
    _refuse_while_open(assembly)
    if principal.organization_id != assembly.organization_id:
        raise Invalid(
            _("%(member)s is not a member of this organization.") % {"member": principal.name_en}
        )
    if holder.member_id is None:
        raise Invalid(
            _("%(holder)s represents no member: a proxy goes to another member's delegate.")
            % {"holder": holder.name_en}
        )
    if holder.member_id == principal.pk:
        raise Invalid(
            _("%(holder)s is a delegate of %(member)s itself: a proxy goes to another member.")
            % {"holder": holder.name_en, "member": principal.name_en}
        )
    others = Proxy.objects.filter(assembly=assembly)
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    if others.filter(principal=principal).exists():
        raise Conflict(
            _("%(member)s has already given its proxy; withdraw it first.")
            % {"member": principal.name_en}
        )
    if others.filter(principal_id=holder.member_id).exists():
        raise Conflict(
            _("%(holder)s's own member has given its proxy away: a proxy is not passed on.")
            % {"holder": holder.name_en}
        )
    if others.filter(holder__member=principal).exists():
        raise Conflict(
            _("A delegate of %(member)s holds proxies: %(member)s cannot give its own away.")
            % {"member": principal.name_en}
        )
    limit = proxy_limit(assembly)
    held = others.filter(holder=holder).count()
    if held >= limit:
        raise Conflict(
            _(
                "%(holder)s already holds %(n)d proxies; the rules of this assembly allow "
                "at most %(limit)d per delegate."
            )
            % {"holder": holder.name_en, "n": held, "limit": limit}
        )


@transaction.atomic
def give_proxy(
    *,
    assembly: Any,
    principal: Member,
    holder: Person,
    by: Any,
    replacing: Proxy | None = None,
) -> Proxy:
    """`principal` gives its vote at `assembly` to `holder`, another member's delegate.

    `replacing`: an existing proxy of the same assembly that this one takes the place of (the
    back office's change form); it is withdrawn in the same transaction.
    """
    require(can_give_proxy, by, principal)
    # Lock the assembly's proxies so two gifts to one holder cannot both pass the limit.
    list(Proxy.objects.select_for_update().filter(assembly=assembly).values_list("pk"))
    check_proxy(assembly=assembly, principal=principal, holder=holder, replacing=replacing)
    if replacing is not None:
        _withdraw(proxy=replacing, by=by)
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(assembly=assembly, principal=principal, holder=holder)
    except IntegrityError as error:
        raise Conflict(
            _("%(member)s has already given its proxy.") % {"member": principal.name_en}
        ) from error
    audit.record(
        action=AuditAction.PROXY_GIVEN,
        by=by,
        subject=f"assembly:{assembly.pk}",
        data={
            "principal": principal.slug,
            "holder": holder.pk,
            "holder_name": holder.name_en,
            "holder_member": holder.member.slug if holder.member else None,
        },
    )
    return proxy


def _withdraw(*, proxy: Proxy, by: Any) -> None:
    data = {
        "principal": proxy.principal.slug,
        "holder": proxy.holder_id,
        "holder_name": proxy.holder.name_en,
    }
    subject = f"assembly:{proxy.assembly_id}"
    proxy.delete()
    audit.record(action=AuditAction.PROXY_WITHDRAWN, by=by, subject=subject, data=data)


@transaction.atomic
def withdraw_proxy(*, proxy: Proxy, by: Any) -> None:
    """The principal takes its vote back; refused while a poll of the assembly is open."""
    require(can_give_proxy, by, proxy.principal)
    _refuse_while_open(proxy.assembly)
    _withdraw(proxy=proxy, by=by)
