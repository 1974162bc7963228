"""Governance: the agenda, polls (never a per-option count before publication), casting a
ballot, the chair's poll actions and turnout, and the published ballot list."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import django_auth

from moim.assemblies.models import Assembly
from moim.governance import queries, services
from moim.governance.enums import AnalogMethod, BallotShape, PollState
from moim.governance.models import Decision, Poll
from moim.governance.rules import can_cast_ballot, can_run_polls
from moim.members.models import Member, Person

router = Router(tags=["governance"])


class OptionOut(Schema):
    id: int
    position: int
    label_en: str
    label_ko: str


class PollOut(Schema):
    id: int
    decision: int
    round: int
    state: str
    shape: str
    secret: bool
    max_choices: int
    method: str
    options: list[OptionOut]
    verdict: str | None = None
    result: dict[str, Any] | None = None


class DecisionOut(Schema):
    id: int
    position: int
    kind: str
    title_en: str
    title_ko: str
    verdict: str
    polls: list[int]


class BallotIn(Schema):
    member: str
    choices: list[int]
    # The client's token for this ballot: sent again with the same choices (a retry after a
    # lost answer), it gets the same receipt instead of "already voted".
    submission: str = Field(
        default="", max_length=128, pattern=r"^([A-Za-z0-9_-]{16,128})?$", examples=[""]
    )


class ReceiptOut(Schema):
    member: str
    receipt: str
    receipt_hash: str


class TurnoutOut(Schema):
    state: str
    voted: int
    entitled: int
    voted_weight: int
    entitled_weight: int
    not_voted: list[str]


class PublishedBallot(Schema):
    receipt_hash: str
    weight: int
    choices: list[int]


def _poll_out(poll: Poll) -> PollOut:
    published = poll.state == PollState.PUBLISHED
    return PollOut(
        id=poll.pk,
        decision=poll.decision_id,
        round=poll.round,
        state=poll.state,
        shape=poll.shape,
        secret=poll.secret,
        max_choices=poll.max_choices,
        method=poll.method,
        options=[
            OptionOut(id=o.pk, position=o.position, label_en=o.label_en, label_ko=o.label_ko)
            for o in poll.options.all()
        ],
        verdict=poll.verdict if published else None,
        result=poll.result if published else None,
    )


def _require(request: HttpRequest, predicate: Any) -> None:
    if not predicate.test(request.user):
        raise HttpError(403, "You may not do this.")


@router.get("/assemblies/{edition}/decisions", response=list[DecisionOut])
def agenda(request: HttpRequest, edition: int) -> list[DecisionOut]:
    assembly = get_object_or_404(Assembly, edition=edition)
    return [
        DecisionOut(
            id=d.pk,
            position=d.position,
            kind=d.kind,
            title_en=d.title_en,
            title_ko=d.title_ko,
            verdict=d.verdict if d.published_at else "",
            polls=[p.pk for p in d.polls.order_by("round")],
        )
        for d in queries.agenda_for_public(assembly.pk)
    ]


@router.get("/polls/{poll_id}", response=PollOut)
def poll_detail(request: HttpRequest, poll_id: int) -> PollOut:
    poll = get_object_or_404(Poll.objects.exclude(decision__status="draft"), pk=poll_id)
    return _poll_out(poll)


@router.post("/polls/{poll_id}/ballots", response={201: ReceiptOut}, auth=django_auth)
def cast(request: HttpRequest, poll_id: int, payload: BallotIn) -> Status:
    _require(request, can_cast_ballot)
    poll = get_object_or_404(Poll, pk=poll_id)
    person = Person.objects.filter(user_id=request.user.pk or 0).first()
    organization = poll.decision.assembly.organization
    member = Member.objects.filter(slug=payload.member, organization=organization).first()
    if person is None:
        raise HttpError(403, "Your login is not linked to a delegate.")
    if member is None:
        raise HttpError(400, f"No member {payload.member!r}.")
    try:
        receipt = services.cast_ballot(
            poll=poll,
            voter=person,
            member=member,
            choices=payload.choices,
            submission=payload.submission,
        )
    except services.GovernanceError as error:
        raise HttpError(400, error.message) from error
    return Status(
        201, ReceiptOut(member=member.slug, receipt=receipt.code, receipt_hash=receipt.hash)
    )


@router.get("/polls/{poll_id}/turnout", response=TurnoutOut, auth=django_auth)
def turnout(request: HttpRequest, poll_id: int) -> TurnoutOut:
    _require(request, can_run_polls)
    poll = get_object_or_404(Poll, pk=poll_id)
    figures = services.turnout(poll)
    return TurnoutOut(
        state=poll.state,
        voted=figures.voted,
        entitled=figures.entitled,
        voted_weight=figures.voted_weight,
        entitled_weight=figures.entitled_weight,
        not_voted=services.not_yet_voted(poll) if poll.state == PollState.OPEN else [],
    )


@router.get("/polls/{poll_id}/ballots", response=list[PublishedBallot])
def published(request: HttpRequest, poll_id: int) -> list[PublishedBallot]:
    poll = get_object_or_404(Poll, pk=poll_id)
    if poll.state != PollState.PUBLISHED:
        raise HttpError(404, "The ballot list is published with the result.")
    return [
        PublishedBallot(receipt_hash=b.receipt_hash, weight=b.weight, choices=list(b.choices))
        for b in queries.published_ballots(poll)
    ]


class NewPollIn(Schema):
    shape: BallotShape | None = None
    secret: bool | None = Field(
        None,
        description="Must agree with the decision's rules when given: they decide secrecy.",
    )
    max_choices: int | None = Field(
        None,
        ge=1,
        le=32767,
        description="From 1 to the options (a choice ballot: one per seat). Empty: the most.",
    )


class AnalogIn(Schema):
    method: AnalogMethod
    counts: dict[int, int] = {}
    note: str = ""


@router.post("/decisions/{decision_id}/polls", response={201: PollOut}, auth=django_auth)
def new_poll(request: HttpRequest, decision_id: int, payload: NewPollIn) -> Status:
    _require(request, can_run_polls)
    decision = get_object_or_404(Decision, pk=decision_id)
    try:
        poll = services.create_poll(
            decision=decision,
            by=request.user,
            shape=payload.shape,
            secret=payload.secret,
            max_choices=payload.max_choices,
        )
    except services.GovernanceError as error:
        raise HttpError(409, error.message) from error
    return Status(201, _poll_out(poll))


@router.post("/polls/{poll_id}/analog", response=PollOut, auth=django_auth)
def analog(request: HttpRequest, poll_id: int, payload: AnalogIn) -> PollOut:
    """Paper or show-of-hands weights per option position, or acclamation (no numbers)."""
    _require(request, can_run_polls)
    poll = get_object_or_404(Poll, pk=poll_id)
    try:
        services.enter_analog_result(
            poll=poll,
            by=request.user,
            method=payload.method,
            counts=payload.counts,
            note=payload.note[:300],
        )
    except services.GovernanceError as error:
        raise HttpError(409, error.message) from error
    return _poll_out(poll)


ACTIONS = {
    "open": services.open_poll,
    "close": services.close_poll,
    "count": services.count_poll,
    "publish": services.publish_poll,
}


@router.post("/polls/{poll_id}/{action}", response=PollOut, auth=django_auth)
def act(request: HttpRequest, poll_id: int, action: str) -> PollOut:
    _require(request, can_run_polls)
    poll = get_object_or_404(Poll, pk=poll_id)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404
    try:
        poll = service(poll=poll, by=request.user)
    except services.GovernanceError as error:
        raise HttpError(409, error.message) from error
    return _poll_out(poll)
