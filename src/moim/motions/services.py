"""State changes of motions: submit, support, withdraw, admit, refuse, move.

Each is one keyword-only function that checks the actor (`require`), validates, then acts in
one transaction, recording the move between workflow states with who, when and why. Admitting
puts the motion on the agenda as a governance decision (an amendment as an amendment decision,
through `moim.governance.services.table_amendment`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from moim.assemblies.models import Assembly
from moim.errors import Conflict, Invalid
from moim.governance import audit
from moim.governance import services as governance
from moim.governance.amendments import paragraphs
from moim.governance.enums import AuditAction, DecisionKind, DecisionStatus
from moim.governance.models import Decision, DecisionRules
from moim.governance.rules import can_manage_decisions
from moim.members.models import Member, Organization, Person
from moim.members.queries import registry_today
from moim.motions.enums import MotionKind, StateMeaning
from moim.motions.models import (
    Motion,
    MotionRules,
    StateChange,
    Support,
    WorkflowState,
    WorkflowTransition,
)
from moim.motions.rules import (
    can_decide_motion,
    can_submit_motion,
    can_support_motion,
    can_withdraw_motion,
)
from moim.motions.workflow import first_state
from moim.permissions import SYSTEM, allows, require, stored_user


def motion_rules_for(organization: Organization) -> MotionRules:
    rules, _created = MotionRules.objects.get_or_create(organization=organization)
    return rules


def deadline_for(assembly: Assembly) -> dt.date:
    """The last day a motion may be submitted for this assembly."""
    rules = motion_rules_for(assembly.organization)
    first_day = assembly.starts_at.astimezone(assembly.zone).date()
    return first_day - dt.timedelta(days=rules.deadline_days)


def _person(by: Any) -> Person | None:
    return Person.objects.filter(user_id=getattr(by, "pk", None) or 0).first()


def _check_member(member: Member, assembly: Assembly) -> None:
    if member.organization_id != assembly.organization_id:
        raise Invalid(_("That member belongs to another organization."), field="member")


def _check_words(*, title_en: str, title_ko: str, text_en: str, text_ko: str, reason: str) -> None:
    if not (title_en.strip() or title_ko.strip()):
        raise Invalid(_("Give the motion a title, in English or Korean."), field="title_en")
    if not (paragraphs(text_en) or paragraphs(text_ko)):
        raise Invalid(_("Write the motion's text, in English or Korean."), field="text_en")
    if not reason.strip():
        raise Invalid(_("Say why the Assembly should adopt it."), field="reason")


def _record(motion: Motion, target: WorkflowState, by: Any, reason: str) -> Motion:
    StateChange.objects.create(
        motion=motion, source=motion.state, target=target, by=stored_user(by), reason=reason
    )
    motion.state = target
    motion.save(update_fields=["state"])
    return motion


def _target(motion: Motion, meaning: StateMeaning) -> WorkflowState:
    """The state meaning `meaning` that the workflow lets the motion move to now."""
    found = (
        WorkflowTransition.objects.filter(source=motion.state, target__meaning=meaning)
        .select_related("target")
        .order_by("target__position", "target__pk")
        .first()
    )
    if found is None:
        raise Conflict(
            _("A motion that is %(state)s cannot be %(act)s.")
            % {"state": motion.state.name, "act": StateMeaning(meaning).label.lower()}
        )
    return found.target


def _locked(motion: Motion) -> Motion:
    return (
        Motion.objects.select_for_update()
        .select_related("assembly__organization", "state", "mover")
        .get(pk=motion.pk)
    )


@transaction.atomic
def submit_motion(
    *,
    assembly: Assembly,
    member: Member,
    by: Any,
    reason: str,
    title_en: str = "",
    title_ko: str = "",
    text_en: str = "",
    text_ko: str = "",
    on: dt.date | None = None,
) -> Motion:
    """A member's delegate submits a motion before the deadline (`deadline_for`), judged on
    `on` (default: the registry's today)."""
    require(can_submit_motion, by, member, _("Only a delegate of that member may move its motion."))
    _check_member(member, assembly)
    _check_words(
        title_en=title_en, title_ko=title_ko, text_en=text_en, text_ko=text_ko, reason=reason
    )
    deadline = deadline_for(assembly)
    if (on or registry_today(assembly.zone)) > deadline:
        raise Conflict(
            _("Motions for this Assembly were due by %(date)s.") % {"date": deadline.isoformat()}
        )
    motion = Motion.objects.create(
        assembly=assembly,
        kind=MotionKind.MOTION,
        mover=member,
        tabled_by=_person(by),
        title_en=title_en.strip(),
        title_ko=title_ko.strip(),
        text_en="\n".join(paragraphs(text_en)),
        text_ko="\n".join(paragraphs(text_ko)),
        reason=reason.strip(),
        state=first_state(assembly.organization, MotionKind.MOTION),
    )
    StateChange.objects.create(motion=motion, target=motion.state, by=stored_user(by))
    return motion


@transaction.atomic
def submit_amendment(
    *,
    decision: Decision,
    member: Member,
    by: Any,
    paragraph: int,
    action: str,
    reason: str,
    text_en: str = "",
    text_ko: str = "",
) -> Motion:
    """A member's delegate tables an amendment to paragraph `paragraph` of a decision's text;
    the secretariat admits it onto the agenda. Accepted until the text is put to the vote."""
    require(
        can_submit_motion, by, member, _("Only a delegate of that member may table its amendment.")
    )
    decision = Decision.objects.select_related("assembly").get(pk=decision.pk)
    _check_member(member, decision.assembly)
    if decision.status == DecisionStatus.DRAFT:
        raise Conflict(_("This decision is not on the agenda yet."))
    governance.check_amendable(decision)
    governance.check_amendment(
        decision=decision, paragraph=paragraph, action=action, text_en=text_en, text_ko=text_ko
    )
    if not reason.strip():
        raise Invalid(_("Say why the Assembly should adopt it."), field="reason")
    motion = Motion.objects.create(
        assembly=decision.assembly,
        kind=MotionKind.AMENDMENT,
        mover=member,
        tabled_by=_person(by),
        title_en=f"Amendment to {decision.title_en}, paragraph {paragraph}"[:200],
        title_ko=f"{decision.title_ko or decision.title_en} 제{paragraph}항 수정안"[:200],
        text_en="\n".join(paragraphs(text_en)),
        text_ko="\n".join(paragraphs(text_ko)),
        reason=reason.strip(),
        amends=decision,
        paragraph=paragraph,
        action=action,
        state=first_state(decision.assembly.organization, MotionKind.AMENDMENT),
    )
    StateChange.objects.create(motion=motion, target=motion.state, by=stored_user(by))
    return motion


@transaction.atomic
def support_motion(*, motion: Motion, member: Member, by: Any) -> Support:
    """A member's delegate supports another member's motion, once, while it awaits admission.
    One support per member is a unique constraint: two delegates racing make one."""
    require(can_support_motion, by, member, _("Only a delegate of that member may support."))
    motion = _locked(motion)
    _check_member(member, motion.assembly)
    if member.pk == motion.mover_id:
        raise Conflict(_("The mover does not support its own motion."))
    if motion.state.meaning != StateMeaning.SUBMITTED:
        raise Conflict(_("Only a motion awaiting admission can be supported."))
    try:
        with transaction.atomic():
            return Support.objects.create(motion=motion, member=member, by=_person(by))
    except IntegrityError:
        raise Conflict(_("%(member)s already supports this motion.") % {"member": member}) from None


@transaction.atomic
def withdraw_motion(*, motion: Motion, by: Any, reason: str = "") -> Motion:
    """The mover (or the secretariat) withdraws a motion not yet voted on; the decision it
    became, if admitted, leaves the agenda with it."""
    require(can_withdraw_motion, by, motion, _("Only the mover may withdraw its motion."))
    motion = _locked(motion)
    target = _target(motion, StateMeaning.WITHDRAWN)
    if motion.decision_id is not None:
        assert motion.decision is not None
        # The motion's own predicate was checked above: a mover's withdrawal takes its
        # decision off the agenda on the motion's account (the audit names the motion).
        actor = by if allows(can_manage_decisions, by) else SYSTEM
        governance.withdraw_decision(
            decision=motion.decision,
            by=actor,
            reason=reason.strip() or f"withdrawn by its mover (motion {motion.pk})",
        )
    return _record(motion, target, by, reason.strip())


@transaction.atomic
def admit_motion(*, motion: Motion, by: Any, reason: str = "") -> Motion:
    """The secretariat admits a motion with the supporters the rules require: it goes on the
    agenda as a decision (an amendment as an amendment to its text)."""
    require(can_decide_motion, by)
    motion = _locked(motion)
    target = _target(motion, StateMeaning.ADMITTED)
    rules = motion_rules_for(motion.assembly.organization)
    required = (
        rules.supporters_required
        if motion.kind == MotionKind.MOTION
        else rules.amendment_supporters_required
    )
    supporters = motion.supports.count()
    if supporters < required:
        raise Conflict(
            _("This motion has %(n)d supporter(s); the rules require %(required)d.")
            % {"n": supporters, "required": required}
        )
    if motion.kind == MotionKind.AMENDMENT:
        assert motion.amends is not None
        decision = governance.table_amendment(
            decision=motion.amends,
            paragraph=motion.paragraph or 0,
            action=motion.action,
            text_en=motion.text_en,
            text_ko=motion.text_ko,
            title_en=motion.title_en,
            title_ko=motion.title_ko,
            by=by,
        )
    else:
        decision = _put_on_agenda(motion, rules.decision_rules, by)
    motion.decision = decision
    motion.save(update_fields=["decision"])
    return _record(motion, target, by, reason.strip())


def _put_on_agenda(motion: Motion, rules: DecisionRules | None, by: Any) -> Decision:
    assembly = motion.assembly
    last = Decision.objects.filter(assembly=assembly).aggregate(last=Max("position"))["last"]
    decision = Decision(
        assembly=assembly,
        position=(last or 0) + 1,
        kind=DecisionKind.MOTION,
        status=DecisionStatus.ON_AGENDA,
        title_en=motion.title_en or motion.title_ko,
        title_ko=motion.title_ko,
        text_en=motion.text_en or motion.text_ko,
        text_ko=motion.text_ko,
        rules=rules,
    )
    if decision.rules is None:
        decision.rules = governance.rules_for(decision)
    decision.save()
    audit.record(
        action=AuditAction.DECISION_CREATED,
        by=by,
        subject=f"decision:{decision.pk}",
        data={"motion": motion.pk, "mover": motion.mover.slug},
    )
    return decision


@transaction.atomic
def refuse_motion(*, motion: Motion, by: Any, reason: str) -> Motion:
    """The secretariat refuses a motion, saying why (out of time, out of order, ...)."""
    require(can_decide_motion, by)
    if not reason.strip():
        raise Invalid(_("Say why the motion is refused."), field="reason")
    motion = _locked(motion)
    return _record(motion, _target(motion, StateMeaning.REFUSED), by, reason.strip())


@transaction.atomic
def move_motion(*, motion: Motion, to: WorkflowState, by: Any, reason: str) -> Motion:
    """The secretariat moves a motion to a state its workflow allows from the current one
    (a state it added, or recording the outcome). Admitting, refusing and withdrawing have
    their own services, which do more than move."""
    require(can_decide_motion, by)
    motion = _locked(motion)
    special = (StateMeaning.ADMITTED, StateMeaning.REFUSED, StateMeaning.WITHDRAWN)
    if to.meaning in special:
        raise Invalid(_("Use the action for this state: it does more than move."), field="to")
    if not WorkflowTransition.objects.filter(source=motion.state, target=to).exists():
        raise Conflict(
            _("The workflow does not allow a move from %(source)s to %(target)s.")
            % {"source": motion.state.name, "target": to.name}
        )
    if not reason.strip():
        raise Invalid(_("Say why the motion moves."), field="reason")
    return _record(motion, to, by, reason.strip())
