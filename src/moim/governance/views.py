"""Pages of the plenary: agenda, decisions and results, the public ballot list, the chair's
console and the delegate's voting page. Views check access, call one service, then render."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import connection
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moim.assemblies.access import assembly_by_edition, assembly_by_id
from moim.errors import NotAllowed, Refused
from moim.governance import amendments, ballot_reads, queries, results, services
from moim.governance.access import (
    decision_by_id,
    poll_by_id,
    proxy_by_id,
    public_decision_by_id,
)
from moim.governance.agenda_tree import agenda_tree
from moim.governance.enums import AnalogMethod, BallotShape, DecisionKind, PollAction, PollState
from moim.governance.forms import (
    AnalogResultForm,
    AppointmentForm,
    BallotForm,
    NewPollForm,
    SlateForm,
)
from moim.governance.models import Decision, Poll
from moim.governance.rules import (
    can_cast_ballot,
    can_give_proxy,
    can_manage_decisions,
    can_record_appointment,
    can_run_polls,
)
from moim.members.models import Member, Person
from moim.permissions import guard

logger = logging.getLogger(__name__)


_PERSON = "_moim_person"


def _person(request: HttpRequest) -> Person | None:
    """The logged-in person's record (with its member), read once per request."""
    if not hasattr(request, _PERSON):
        _remember_person(request, ballot_reads.person_of_login(request.user.pk))
    found: Person | None = getattr(request, _PERSON)
    return found


def _remember_person(request: HttpRequest, person: Person | None) -> None:
    setattr(request, _PERSON, person)
    user = request.user
    if person is not None and isinstance(user, Model):
        # The page header names the person (user.person): no second query for it.
        Person.user.field.remote_field.set_cached_value(user, person)


def _person_and_ballots(request: HttpRequest, poll: Poll) -> tuple[Person | None, Held]:
    """The logged-in person and the votes it holds in `poll` (one query on the voting page)."""
    if hasattr(request, _PERSON):
        person = _person(request)
        return person, services.ballots_held_by(poll, person) if person else []
    person, held = ballot_reads.person_with_ballots(request.user.pk, poll)
    _remember_person(request, person)
    return person, held


def agenda(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    nodes = [node for root in agenda_tree(assembly.pk, public=True) for node in root.walk()]
    return render(request, "governance/agenda.html", {"assembly": assembly, "nodes": nodes})


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = public_decision_by_id(pk)
    diff = None
    if decision.kind == DecisionKind.MOTION and decision.previous_text:
        # The previous text against the one adopted: the tabled text with its amendments.
        final = "\n".join(amendments.final_text(decision))
        diff = amendments.word_diff(decision.previous_text, final)
    return render(
        request,
        "governance/decision.html",
        {
            "decision": decision,
            "anchor": queries.decision_publication_entry(decision),
            "diff": diff,
            "polls": results.poll_views(decision.polls.order_by("round")),
            "candidates": decision.candidates.select_related("member"),
            "terms": queries.decision_terms(decision),
        },
    )


def poll_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    poll = poll_by_id(pk, Poll.objects.select_related("decision"))
    if poll.state != PollState.PUBLISHED:
        raise Http404
    labels = {o.position: o.label for o in poll.options.all()}
    code = request.GET.get("receipt", "").strip()
    wanted = services.receipt_hash(poll.pk, code) if code else ""
    ballots = [
        {
            "hash": b.receipt_hash,
            "weight": b.weight,
            "choices": [labels[p] for p in b.choices],
            "mine": b.receipt_hash == wanted,
        }
        for b in queries.published_ballots(poll)
    ]
    return render(
        request,
        "governance/ballots.html",
        {
            "poll": poll,
            "ballots": ballots,
            "receipt": code,
            "found": any(b["mine"] for b in ballots),
        },
    )


# --- the chair's console --------------------------------------------------------------------


def console(request: HttpRequest, edition: int) -> HttpResponse:
    guard(request, can_run_polls)
    assembly = assembly_by_edition(edition)
    decisions = (
        Decision.objects.filter(assembly=assembly)
        .prefetch_related("polls")
        .order_by("position", "pk")
    )
    organization = assembly.organization
    can_manage = can_manage_decisions.test(request.user)
    can_appoint = can_record_appointment.test(request.user)
    return render(
        request,
        "governance/console.html",
        {
            "assembly": assembly,
            "decisions": decisions,
            "shapes": BallotShape.choices,
            "can_manage": can_manage,
            "can_appoint": can_appoint,
            "member_choices": [
                (m.pk, m.name)
                for m in Member.objects.filter(organization=organization).order_by("name_en", "pk")
            ]
            if can_manage or can_appoint
            else [],
        },
    )


def _form_errors(form: SlateForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
def add_slate(request: HttpRequest, pk: int) -> HttpResponse:
    """Add several candidates at once: picked from the list, or pasted one name per line."""
    guard(request, can_manage_decisions)
    decision = decision_by_id(pk, Decision.objects.select_related("assembly"))
    form = SlateForm(request.POST, organization=decision.assembly.organization)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            added = services.add_candidates(
                decision=decision, members=form.cleaned_data["chosen"], by=request.user
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(n)d candidates added to %(decision)s.")
                % {"n": len(added), "decision": decision.title},
            )
    return redirect("governance:console", edition=decision.assembly.edition)


@require_POST
def record_appointment(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an appointment (no vote): its appointees take office when it is published."""
    guard(request, can_record_appointment)
    decision = decision_by_id(pk, Decision.objects.select_related("assembly"))
    form = AppointmentForm(request.POST, organization=decision.assembly.organization)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.record_appointment(
                decision=decision,
                by=request.user,
                appointees=form.cleaned_data["chosen"],
                appointed_by=form.cleaned_data.get("appointed_by"),
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Appointment recorded and published."))
    return redirect("governance:console", edition=decision.assembly.edition)


def _poll_console_context(poll: Poll, confirming: str = "") -> dict[str, Any]:
    allowed = services.allowed_actions(poll)
    return {
        "poll": poll,
        # What the life cycle allows now: a button or form for each, and nothing else.
        "steps": [t for t in allowed if t.step],
        # Why "Open" is missing: amendments to be decided first, in voting order.
        "amendments_first": amendments.undecided_before(poll.decision)
        if poll.state == PollState.DRAFT
        else [],
        "allowed": {str(t.action) for t in allowed},
        "turnout": services.turnout(poll),
        "not_voted": services.not_yet_voted_by_presence(poll),
        "confirming": confirming,
        "analog_methods": AnalogMethod.choices,
        "options": poll.options.all(),
        # The chair sees the count before publishing it, drawn as every results page draws it.
        "result": results.poll_view(poll) if poll.counted_at is not None else None,
    }


def poll_console(request: HttpRequest, pk: int) -> HttpResponse:
    guard(request, can_run_polls)
    poll = poll_by_id(pk, Poll.objects.select_related("decision__assembly"))
    context = _poll_console_context(poll)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "governance/poll_console.html#turnout", context)
    return render(request, "governance/poll_console.html", context)


def _back_to_console(poll: Poll) -> HttpResponseRedirect:
    return redirect("governance:poll_console", pk=poll.pk)


@require_POST
def create_poll(request: HttpRequest, pk: int) -> HttpResponse:
    guard(request, can_run_polls)
    decision = decision_by_id(pk)
    form = NewPollForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("governance:console", edition=decision.assembly.edition)
    shape = form.cleaned_data["shape"]
    try:
        poll = services.create_poll(
            decision=decision,
            by=request.user,
            shape=BallotShape(shape) if shape else None,
            max_choices=form.cleaned_data["max_choices"],
        )
    except Refused as error:
        messages.error(request, error.message)
        return redirect("governance:console", edition=decision.assembly.edition)
    return _back_to_console(poll)


@require_POST
def poll_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A one-click step of the poll's life cycle (`services.TRANSITIONS`)."""
    guard(request, can_run_polls)
    poll = poll_by_id(pk)
    if action not in services.POLL_STEPS:
        raise Http404
    step = PollAction(action)
    if services.TRANSITIONS[step].confirm and request.POST.get("confirm") != action:
        # An act that cannot be undone: without the confirmation, ask; change nothing.
        poll = Poll.objects.select_related("decision__assembly").get(pk=poll.pk)
        return render(request, "governance/poll_console.html", _poll_console_context(poll, action))
    try:
        services.POLL_STEPS[step](poll=poll, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    return _back_to_console(poll)


@require_POST
def enter_analog(request: HttpRequest, pk: int) -> HttpResponse:
    """Record paper or show-of-hands figures; a refusal shows the form again, figures kept."""
    guard(request, can_run_polls)
    poll = poll_by_id(pk, Poll.objects.select_related("decision__assembly"))
    form = AnalogResultForm(request.POST, poll=poll)
    if form.is_valid():
        try:
            services.enter_analog_result(
                poll=poll,
                by=request.user,
                method=AnalogMethod(form.cleaned_data["method"]),
                counts=form.counts(),
                note=form.cleaned_data["note"],
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The analog result is recorded."))
            return _back_to_console(poll)
    return render(request, "governance/analog_form.html", {"poll": poll, "form": form}, status=400)


# --- a delegate's proxy, from the account page ----------------------------------------------


@require_POST
def give_proxy(request: HttpRequest, assembly_pk: int) -> HttpResponse:
    """A delegate gives its member's vote at an assembly to another member's delegate."""
    person = _person(request)
    member = person.member if person is not None else None
    guard(request, can_give_proxy, member)
    if member is None:  # the secretariat gives a member's proxy in the back office
        raise NotAllowed(_("You may not do this."))
    assembly = assembly_by_id(assembly_pk)
    raw = request.POST.get("holder", "").strip()
    holder = Person.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if holder is None:
        messages.error(request, _("Choose the delegate who holds your proxy."))
        return redirect("account")
    try:
        services.give_proxy(assembly=assembly, principal=member, holder=holder, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Your member's vote is given to %(holder)s.") % {"holder": holder.name}
        )
    return redirect("account")


@require_POST
def withdraw_proxy(request: HttpRequest, pk: int) -> HttpResponse:
    proxy = proxy_by_id(pk)
    guard(request, can_give_proxy, proxy.principal)
    try:
        services.withdraw_proxy(proxy=proxy, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The proxy is withdrawn: your member votes itself."))
    return redirect("account")


@require_POST
def poll_method(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat sets the counting method of a poll not yet counted."""
    guard(request, can_run_polls)
    poll = poll_by_id(pk)
    try:
        services.change_poll_method(
            poll=poll, by=request.user, method=request.POST.get("method", "")
        )
    except Refused as error:
        messages.error(request, error.message)
    return _back_to_console(poll)


@require_POST
def poll_tie(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair settles the tie a count stopped on: a draw by lot, or a decision."""
    guard(request, can_run_polls)
    poll = poll_by_id(pk)
    how = request.POST.get("how", "")
    if how not in {s.value for s in services.TieSettlement}:
        messages.error(request, _("Draw by lot or choose a candidate."))
        return _back_to_console(poll)
    try:
        services.settle_tie(
            poll=poll,
            by=request.user,
            how=services.TieSettlement(how),
            chosen=request.POST.get("chosen", ""),
        )
    except Refused as error:
        messages.error(request, error.message)
    return _back_to_console(poll)


# --- voting ---------------------------------------------------------------------------------


def my_polls(request: HttpRequest, edition: int) -> HttpResponse:
    guard(request, can_cast_ballot)
    assembly = assembly_by_edition(edition)
    polls = Poll.objects.filter(decision__assembly=assembly, state=PollState.OPEN).select_related(
        "decision"
    )
    return render(request, "governance/my_polls.html", {"assembly": assembly, "polls": polls})


Held = ballot_reads.Held


def _vote_context(
    poll: Poll, person: Person, held: Held | None = None, receipt: services.Receipt | None = None
) -> dict[str, Any]:
    """The voting page: each vote the person holds, and whether it was cast.

    `held` as read before the cast, if any: the member of `receipt` has voted since."""
    if held is None:
        held = services.ballots_held_by(poll, person)
    just_cast = receipt.member.pk if receipt is not None else None
    return {
        "poll": poll,
        "held": [(entry, voted or entry.member_id == just_cast) for entry, voted in held],
        "submission": services.new_submission_token(),
    }


def cast_from_form(
    request: HttpRequest, poll: Poll, person: Person, held: Held | None = None
) -> tuple[services.Receipt | None, str]:
    """Check the posted ballot (BallotForm), then cast it: the receipt, or what is wrong.

    `held`: the person's votes in `poll` (`services.ballots_held_by`), if read already."""
    if held is None:
        held = services.ballots_held_by(poll, person)
    members = {entry.member_id: entry.member for entry, _voted in held}
    form = BallotForm(request.POST, poll=poll, held=members)
    if not form.is_valid():
        return None, form.error_text()
    try:
        receipt = services.cast_ballot(
            poll=poll,
            voter=person,
            member=members[form.cleaned_data["member"]],
            choices=form.cleaned_data["choices"],
            submission=form.cleaned_data["submission"],
        )
    except Refused as failure:
        return None, failure.message
    return receipt, ""


def answer_after_cast(
    request: HttpRequest, receipt: services.Receipt | None, draw: Callable[[], HttpResponse]
) -> HttpResponse:
    """Draw the answer to a ballot; once a ballot is stored, nothing may fail the answer.

    The ballot is committed and its receipt shown nowhere else: if the page cannot be drawn
    (a database connection dropped after the commit, say), the receipt is shown on its own,
    from a template that needs no database, and the broken connection is let go.
    """
    if receipt is None:
        return draw()
    try:
        return draw()
    except Exception:
        logger.exception("the page after a stored ballot failed; its receipt is shown alone")
        if not connection.in_atomic_block:
            connection.close()
        html = render_to_string(
            "governance/receipt_only.html",
            {"receipt": receipt, "fragment": bool(request.htmx)},  # type: ignore[attr-defined]
        )
        return HttpResponse(html)


def vote(request: HttpRequest, pk: int) -> HttpResponse:
    guard(request, can_cast_ballot)
    # The page shows the poll's decision, never its assembly; the options serve form and cast.
    poll = ballot_reads.poll_for_ballot(pk)
    person, held = _person_and_ballots(request, poll)
    if person is None:
        raise NotAllowed(_("You may not do this."))
    receipt = None
    error = ""
    if request.method == "POST":
        receipt, error = cast_from_form(request, poll, person, held)

    def draw() -> HttpResponse:
        # After a refusal the votes are read again: another holder may have cast one meanwhile.
        context = {
            **_vote_context(poll, person, None if error else held, receipt),
            "receipt": receipt,
            "error": error,
        }
        # A refused ballot is a bad request; htmx swaps only 2xx answers, so its fragment is 200.
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "governance/vote.html#ballots", context)
        return render(request, "governance/vote.html", context, status=400 if error else 200)

    return answer_after_cast(request, receipt, draw)
