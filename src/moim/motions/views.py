"""Pages of the motions members table: the list, a new motion, a motion with its supporters,
amendments and final text, the actions by role, and tabling an amendment to a paragraph.

Views check access, validate with a form, call one service, then render or redirect; a
refusal is shown on the page with what was typed kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moim.assemblies.access import assembly_by_edition
from moim.assemblies.models import Assembly
from moim.errors import Refused
from moim.governance import services as governance
from moim.governance.access import public_decision_by_id
from moim.governance.amendments import tabled_paragraphs
from moim.governance.enums import DecisionKind, DecisionStatus
from moim.governance.models import Decision
from moim.governance.rules import can_manage_decisions
from moim.members.models import Member
from moim.motions import queries, services
from moim.motions.access import motion_in
from moim.motions.enums import StateMeaning
from moim.motions.forms import AmendmentForm, MotionForm, MoveForm, ReasonForm
from moim.motions.models import Motion, WorkflowState
from moim.motions.projection import projected_motion
from moim.motions.rules import (
    can_decide_motion,
    can_submit_motion,
    can_support_motion,
    can_withdraw_motion,
)
from moim.motions.workflow import next_states
from moim.permissions import allows, guard


def _texts_on_agenda(assembly: Assembly) -> list[Decision]:
    """Motions on the agenda with a text to amend (the Statute's too), amendments aside."""
    return [
        d
        for d in Decision.objects.filter(
            assembly=assembly, kind=DecisionKind.MOTION, amends__isnull=True
        )
        .exclude(status__in=[DecisionStatus.DRAFT, DecisionStatus.WITHDRAWN])
        .order_by("position", "pk")
        if d.text_en or d.text_ko
    ]


def motion_list(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    member = queries.member_of(request.user)
    return render(
        request,
        "motions/list.html",
        {
            "assembly": assembly,
            "motions": queries.motions_for_assembly(assembly),
            "texts": _texts_on_agenda(assembly),
            "deadline": services.deadline_for(assembly),
            "rules": services.motion_rules_for(assembly.organization),
            "can_submit": member is not None and allows(can_submit_motion, request.user, member),
        },
    )


def _own_members(request: HttpRequest, assembly: Assembly) -> Any:
    member = queries.member_of(request.user)
    return Member.objects.filter(
        pk=member.pk if member is not None else 0, organization=assembly.organization
    )


def motion_new(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    guard(request, can_submit_motion, queries.member_of(request.user))
    members = _own_members(request, assembly)
    form = MotionForm(request.POST or None, members=members, initial={"member": members.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = services.submit_motion(
                assembly=assembly,
                member=data["member"],
                by=request.user,
                title_en=data["title_en"],
                title_ko=data["title_ko"],
                text_en=data["text_en"],
                text_ko=data["text_ko"],
                reason=data["reason"],
            )
        except Refused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your motion is submitted."))
            return redirect("motions:detail", edition=edition, pk=motion.pk)
    return render(
        request,
        "motions/new.html",
        {"assembly": assembly, "form": form, "deadline": services.deadline_for(assembly)},
    )


def motion_detail(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    motion = motion_in(assembly, pk)
    member = queries.member_of(request.user)
    decide = allows(can_decide_motion, request.user)
    submitted = motion.state.meaning == StateMeaning.SUBMITTED
    decision = motion.decision
    return render(
        request,
        "motions/detail.html",
        {
            "assembly": assembly,
            "motion": motion,
            "paragraphs": tabled_paragraphs_of(motion),
            "supports": motion.supports.select_related("member"),
            "changes": motion.changes.select_related("source", "target"),
            "projected": projected_motion(decision, request.LANGUAGE_CODE)
            if decision is not None
            else None,
            "amendable": decision is not None and _may_amend(request, decision),
            "can_support": submitted
            and member is not None
            and member.pk != motion.mover_id
            and allows(can_support_motion, request.user, member)
            and not motion.supports.filter(member=member).exists(),
            "can_withdraw": allows(can_withdraw_motion, request.user, motion),
            "can_decide": decide and submitted,
            "moves": [s for s in next_states(motion.state) if s.meaning not in _SPECIAL]
            if decide
            else [],
        },
    )


_SPECIAL = (StateMeaning.ADMITTED, StateMeaning.REFUSED, StateMeaning.WITHDRAWN)


def tabled_paragraphs_of(motion: Motion) -> list[str]:
    """The motion's text as submitted, a paragraph per line."""
    return [line for line in motion.text.splitlines() if line.strip()]


def _may_amend(request: HttpRequest, decision: Decision) -> bool:
    """Whether to offer "Amend this paragraph": to the secretariat and members' delegates,
    while the text can still be amended."""
    user = request.user
    member = queries.member_of(user)
    may = allows(can_manage_decisions, user) or (
        member is not None and allows(can_submit_motion, user, member)
    )
    return may and _amendable(decision)


def _amendable(decision: Decision) -> bool:
    try:
        governance.check_amendable(decision)
    except Refused:
        return False
    return decision.status != DecisionStatus.DRAFT


def decision_text(request: HttpRequest, edition: int, decision_pk: int) -> HttpResponse:
    """A text on the agenda (a motion, the Statute's amendment) with its amendments and final
    text, whether or not a member tabled it."""
    assembly = assembly_by_edition(edition)
    decision = public_decision_by_id(decision_pk)
    if decision.assembly_id != assembly.pk or decision.amends_id is not None:
        raise Http404
    return render(
        request,
        "motions/text.html",
        {
            "assembly": assembly,
            "decision": decision,
            "projected": projected_motion(decision, request.LANGUAGE_CODE),
            "amendable": _may_amend(request, decision),
        },
    )


@require_POST
def motion_action(request: HttpRequest, edition: int, pk: int, action: str) -> HttpResponse:
    """Support, withdraw, admit, refuse or move: each checked again by its service."""
    assembly = assembly_by_edition(edition)
    motion = motion_in(assembly, pk)
    if not request.user.is_authenticated:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "support":
            member = queries.member_of(request.user)
            guard(request, can_support_motion, member)
            assert member is not None
            services.support_motion(motion=motion, member=member, by=request.user)
            messages.success(request, _("Your support is recorded."))
        elif action == "withdraw":
            guard(request, can_withdraw_motion, motion)
            services.withdraw_motion(motion=motion, by=request.user, reason=reason)
            messages.success(request, _("The motion is withdrawn."))
        elif action == "admit":
            guard(request, can_decide_motion)
            services.admit_motion(motion=motion, by=request.user, reason=reason)
            messages.success(request, _("The motion is admitted and on the agenda."))
        elif action == "refuse":
            guard(request, can_decide_motion)
            services.refuse_motion(motion=motion, by=request.user, reason=reason)
            messages.success(request, _("The motion is refused."))
        elif action == "move":
            guard(request, can_decide_motion)
            move = MoveForm(request.POST)
            if not move.is_valid():
                messages.error(request, _("Choose a state and say why."))
            else:
                to = WorkflowState.objects.filter(
                    pk=move.cleaned_data["to"], workflow=motion.state.workflow
                ).first()
                if to is None:
                    raise Http404
                services.move_motion(
                    motion=motion, to=to, by=request.user, reason=move.cleaned_data["reason"]
                )
                messages.success(request, _("The motion is moved."))
        else:
            raise Http404
    except Refused as error:
        messages.error(request, error.message)
    return redirect("motions:detail", edition=edition, pk=motion.pk)


def amend(request: HttpRequest, edition: int, decision_pk: int, paragraph: int) -> HttpResponse:
    """Table an amendment to paragraph `paragraph` of a text on the agenda: a delegate for its
    own member (the secretariat admits it), the secretariat directly onto the agenda."""
    assembly = assembly_by_edition(edition)
    decision = public_decision_by_id(decision_pk)
    if decision.assembly_id != assembly.pk:
        raise Http404
    member = queries.member_of(request.user)
    direct = allows(can_manage_decisions, request.user)
    if not direct:
        guard(request, can_submit_motion, member)
    tabled = tabled_paragraphs(decision)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if direct:
                governance.table_amendment(
                    decision=decision,
                    paragraph=paragraph,
                    action=data["action"],
                    text_en=data["text_en"],
                    text_ko=data["text_ko"],
                    by=request.user,
                )
                messages.success(request, _("The amendment is on the agenda."))
            else:
                assert member is not None
                motion = services.submit_amendment(
                    decision=decision,
                    member=member,
                    by=request.user,
                    paragraph=paragraph,
                    action=data["action"],
                    text_en=data["text_en"],
                    text_ko=data["text_ko"],
                    reason=data["reason"],
                )
                messages.success(request, _("Your amendment is submitted."))
                return redirect("motions:detail", edition=edition, pk=motion.pk)
        except Refused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("motions:text", edition=edition, decision_pk=decision.pk)
    return render(
        request,
        "motions/amend.html",
        {
            "assembly": assembly,
            "decision": decision,
            "paragraph": paragraph,
            "current": tabled[paragraph - 1] if 1 <= paragraph <= len(tabled) else "",
            "form": form,
            "direct": direct,
        },
    )
