"""Projection: what a projector shows now, as data (public, like the screen itself)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as param

from moim.api.errors import errors
from moim.api.params import EditionNumber
from moim.assemblies.access import assembly_by_edition
from moim.governance.enums import PollState
from moim.projection.access import projector_of
from moim.projection.slides import shown

router = Router(tags=["projection"])

ProjectorSlug = Annotated[
    str, param.Path(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$", description="A slug.")
]


class AgendaPlaceOut(Schema):
    number: str
    title_en: str
    title_ko: str
    trail: list[str]


class PollOnScreenOut(Schema):
    id: int
    decision: int
    round: int
    state: str
    voted: int | None = None
    entitled: int | None = None
    verdict: str | None = None


class SlideOut(Schema):
    id: int
    kind: str
    title_en: str
    title_ko: str
    text_en: str
    text_ko: str
    seconds: int | None
    ends_at: dt.datetime | None
    agenda_item: AgendaPlaceOut | None = None
    decision: int | None = None
    poll: PollOnScreenOut | None = None


class ProjectorOut(Schema):
    slug: str
    name_en: str
    name_ko: str
    style: str
    slide: SlideOut | None


@router.get("/{edition}/projectors/{slug}", response={200: ProjectorOut, **errors(404, 422)})
def projector_detail(
    request: HttpRequest, edition: EditionNumber, slug: ProjectorSlug
) -> ProjectorOut:
    """The projector's current slide (null when the screen shows the assembly's title)."""
    projector = projector_of(assembly_by_edition(edition), slug)
    now = shown(projector)
    slide = now.slide
    out = ProjectorOut(
        slug=projector.slug,
        name_en=projector.name_en,
        name_ko=projector.name_ko,
        style=projector.style,
        slide=None,
    )
    if slide is None:
        return out
    data = SlideOut(
        id=slide.pk,
        kind=slide.kind,
        title_en=slide.title_en,
        title_ko=slide.title_ko,
        text_en=slide.text_en,
        text_ko=slide.text_ko,
        seconds=slide.seconds,
        ends_at=slide.ends_at,
        decision=slide.decision_id,
    )
    if now.node is not None and now.node.item is not None:
        item = now.node.item
        data.agenda_item = AgendaPlaceOut(
            number=now.node.number,
            title_en=item.title_en or (item.decision.title_en if item.decision else ""),
            title_ko=item.title_ko or (item.decision.title_ko if item.decision else ""),
            trail=[f"{n.number}. {n.title}" for n in now.trail],
        )
    state = now.poll_state
    if state is not None and state.poll is not None:
        poll = state.poll
        data.poll = PollOnScreenOut(
            id=poll.pk,
            decision=poll.decision_id,
            round=poll.round,
            state=poll.state,
            voted=state.turnout.voted if state.turnout else None,
            entitled=state.turnout.entitled if state.turnout else None,
            verdict=poll.decision.verdict if poll.state == PollState.PUBLISHED else None,
        )
    out.slide = data
    return out
