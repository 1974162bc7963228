"""Governance: the agenda, polls (never a per-option count before publication), casting a
ballot, the chair's poll actions and turnout, and the published ballot list."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.params import functions as param
from ninja.responses import Status
from ninja.security import django_auth
from pydantic import AfterValidator, WithJsonSchema

from moim.api.errors import REFUSALS, errors, invalid
from moim.api.params import MAX_ID, EditionNumber, RecordId, Slug
from moim.assemblies.access import assembly_by_edition
from moim.errors import NotAllowed
from moim.governance import ballot_reads, queries, services
from moim.governance.access import decision_by_id, poll_by_id
from moim.governance.enums import AnalogMethod, BallotShape, DecisionStatus, PollAction, PollState
from moim.governance.models import Poll
from moim.governance.rules import can_cast_ballot, can_run_polls
from moim.members.models import Member
from moim.members.queries import served_organization
from moim.permissions import require

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


# A ballot lists option ids; no poll has more options than this.
MAX_OPTIONS = 500
OptionId = Annotated[int, Field(ge=1, le=MAX_ID)]


class BallotIn(Schema):
    member: Slug = Field(description="Slug of the member whose vote is cast.")
    choices: list[OptionId] = Field(
        max_length=MAX_OPTIONS, description="Option ids, in order of preference when ranked."
    )
    # The client's token for this ballot: sent again with the same choices (a retry after a
    # lost answer), it gets the same receipt instead of "already voted".
    submission: str = Field(default="", max_length=128, pattern=r"^([A-Za-z0-9_-]{16,128})?$")


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


@router.get(
    "/assemblies/{edition}/decisions", response={200: list[DecisionOut], **errors(404, 422)}
)
def agenda(request: HttpRequest, edition: EditionNumber) -> list[DecisionOut]:
    assembly = assembly_by_edition(edition)
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


@router.get("/polls/{poll_id}", response={200: PollOut, **errors(404, 422)})
def poll_detail(request: HttpRequest, poll_id: RecordId) -> PollOut:
    poll = poll_by_id(poll_id, Poll.objects.exclude(decision__status=DecisionStatus.DRAFT))
    return _poll_out(poll)


@router.post(
    "/polls/{poll_id}/ballots",
    response={201: ReceiptOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def cast(request: HttpRequest, poll_id: RecordId, payload: BallotIn) -> Status:
    require(can_cast_ballot, request.user)
    # The options come with the poll, read once for the checks and the cast; the poll is the
    # served organization's, and so is the member named.
    poll = ballot_reads.poll_for_ballot(poll_id)
    person = ballot_reads.person_of_login(request.user.pk)
    member = Member.objects.filter(slug=payload.member, organization=served_organization()).first()
    if person is None:
        raise NotAllowed(_("Your login is not linked to a delegate."))
    if member is None:
        raise invalid("body.member", _("No member %(slug)r.") % {"slug": payload.member})
    receipt = services.cast_ballot(
        poll=poll,
        voter=person,
        member=member,
        choices=payload.choices,
        submission=payload.submission,
    )
    return Status(
        201, ReceiptOut(member=member.slug, receipt=receipt.code, receipt_hash=receipt.hash)
    )


@router.get(
    "/polls/{poll_id}/turnout",
    response={200: TurnoutOut, **errors(401, 403, 404, 422)},
    auth=django_auth,
)
def turnout(request: HttpRequest, poll_id: RecordId) -> TurnoutOut:
    require(can_run_polls, request.user)
    poll = poll_by_id(poll_id)
    figures = services.turnout(poll)
    return TurnoutOut(
        state=poll.state,
        voted=figures.voted,
        entitled=figures.entitled,
        voted_weight=figures.voted_weight,
        entitled_weight=figures.entitled_weight,
        not_voted=services.not_yet_voted(poll) if poll.state == PollState.OPEN else [],
    )


@router.get("/polls/{poll_id}/ballots", response={200: list[PublishedBallot], **errors(404, 422)})
def published(request: HttpRequest, poll_id: RecordId) -> list[PublishedBallot]:
    poll = poll_by_id(poll_id)
    if poll.state != PollState.PUBLISHED:
        raise Http404("The ballot list is published with the result.")
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
        le=MAX_OPTIONS,
        description="From 1 to the options (a choice ballot: one per seat). Empty: the most.",
    )


# Weights entered from paper: an option's position and a whole number of votes.
Position = Annotated[int, Field(ge=1, le=MAX_OPTIONS)]
Weight = Annotated[int, Field(ge=0, le=1_000_000_000)]


class AnalogIn(Schema):
    method: AnalogMethod
    counts: dict[Position, Weight] = Field(default_factory=dict, max_length=MAX_OPTIONS)
    note: str = Field("", max_length=300)


@router.post(
    "/decisions/{decision_id}/polls",
    response={201: PollOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def new_poll(request: HttpRequest, decision_id: RecordId, payload: NewPollIn) -> Status:
    require(can_run_polls, request.user)
    decision = decision_by_id(decision_id)
    poll = services.create_poll(
        decision=decision,
        by=request.user,
        shape=payload.shape,
        secret=payload.secret,
        max_choices=payload.max_choices,
    )
    return Status(201, _poll_out(poll))


@router.post(
    "/polls/{poll_id}/analog",
    response={200: PollOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def analog(request: HttpRequest, poll_id: RecordId, payload: AnalogIn) -> PollOut:
    """Paper or show-of-hands weights per option position, or acclamation (no numbers)."""
    require(can_run_polls, request.user)
    poll = poll_by_id(poll_id)
    services.enter_analog_result(
        poll=poll,
        by=request.user,
        method=payload.method,
        counts=payload.counts,
        note=payload.note,
    )
    return _poll_out(poll)


def _step(name: str) -> PollAction:
    if name not in services.POLL_STEPS:
        raise ValueError(
            _("Must be one of: %(choices)s.") % {"choices": ", ".join(services.POLL_STEPS)}
        )
    return PollAction(name)


# The life cycle's one-click steps (`services.TRANSITIONS`), as the console's buttons.
PollStep = Annotated[
    str,
    AfterValidator(_step),
    WithJsonSchema({"type": "string", "enum": [str(action) for action in services.POLL_STEPS]}),
    param.Path(
        description="A step of the poll's life cycle; the poll's stage must allow it (else 409).",
    ),
]


@router.post(
    "/polls/{poll_id}/{action}",
    response={200: PollOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def act(request: HttpRequest, poll_id: RecordId, action: PollStep) -> PollOut:
    require(can_run_polls, request.user)
    poll = poll_by_id(poll_id)
    poll = services.POLL_STEPS[PollAction(action)](poll=poll, by=request.user)
    return _poll_out(poll)
