"""What a projector's screen shows, drawn from the database: the current slide and what it
points at, fresh each time (a poll's turnout, a renamed item).

The motions and floor apps draw what their slides carry (`projected_motion`, a text with its
amendments; `projected_list`, the list of speakers of the slide's item or the one in use).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from moim.floor.projection import projected_list
from moim.governance.agenda_tree import AgendaNode, agenda_tree
from moim.governance.enums import PollState
from moim.governance.results import poll_view
from moim.governance.services import turnout
from moim.motions.projection import projected_motion
from moim.projection.enums import SlideKind
from moim.projection.models import Projector, Slide
from moim.site.projector import ProjectorState


@dataclass
class Shown:
    """A projector and what its screen shows now."""

    projector: Projector
    slide: Slide | None = None
    # AGENDA_ITEM: the item's node and the nodes above it, outermost first.
    node: AgendaNode | None = None
    trail: list[AgendaNode] = field(default_factory=list)
    # MOTION and FLOOR_LIST: what the motions and floor apps draw.
    drawn: Any = None
    # FLOOR_LIST: when the speech under way runs out (None when nobody speaks or it is paused).
    speech_ends_at: dt.datetime | None = None
    # POLL: the site projector's state for that poll (turnout while open, result once out).
    poll_state: ProjectorState | None = None
    remaining: int = 0

    @property
    def clock(self) -> str:
        """The countdown's time left as the screen first shows it (m:ss, or h:mm:ss)."""
        hours, rest = divmod(self.remaining, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours}:{minutes:02d}:{seconds:02d}"
        return f"{minutes}:{seconds:02d}"


def _place(assembly_id: int, item_id: int) -> tuple[AgendaNode | None, list[AgendaNode]]:
    def find(nodes: list[AgendaNode], trail: list[AgendaNode]) -> Any:
        for node in nodes:
            if node.item is not None and node.item.pk == item_id:
                return node, trail
            found = find(node.children, [*trail, node])
            if found is not None:
                return found
        return None

    found = find(agenda_tree(assembly_id, public=True), [])
    return found if found is not None else (None, [])


def shown(projector: Projector) -> Shown:
    """What `projector` shows now (its assembly fetched with it)."""
    slide = (
        Slide.objects.select_related("agenda_item", "decision", "poll__decision")
        .filter(pk=projector.current_id)
        .first()
        if projector.current_id is not None
        else None
    )
    result = Shown(projector=projector, slide=slide)
    if slide is None:
        return result
    assembly = projector.assembly
    language = translation.get_language() or "en"
    if slide.kind == SlideKind.AGENDA_ITEM and slide.agenda_item_id is not None:
        result.node, result.trail = _place(assembly.pk, slide.agenda_item_id)
    elif slide.kind == SlideKind.MOTION and slide.decision is not None:
        result.drawn = projected_motion(slide.decision, language)
    elif slide.kind == SlideKind.FLOOR_LIST:
        result.drawn = projected_list(assembly, agenda_item=slide.agenda_item)
        current = result.drawn and result.drawn["current"]
        if current and not current["paused"]:
            result.speech_ends_at = timezone.now() + dt.timedelta(seconds=current["seconds_left"])
    elif slide.kind == SlideKind.POLL and slide.poll is not None:
        poll = slide.poll
        result.poll_state = ProjectorState(
            assembly=assembly,
            item=None,
            poll=poll,
            turnout=turnout(poll) if poll.state == PollState.OPEN else None,
            result=poll_view(poll) if poll.state == PollState.PUBLISHED else None,
        )
    elif slide.kind == SlideKind.COUNTDOWN and slide.ends_at is not None:
        result.remaining = max(int((slide.ends_at - timezone.now()).total_seconds()), 0)
    return result


def render_screen(projector: Projector) -> str:
    """The screen's fragment for `projector`, in the active language."""
    return render_to_string("projection/_screen_state.html", {"shown": shown(projector)})


def render_screen_state(projector_pk: int, language: str) -> str:
    """`render_screen` without a request: what the live hub pushes to every screen of this
    projector and language, rendered once however many screens listen."""
    with translation.override(language):
        projector = Projector.objects.select_related(
            "assembly__organization", "assembly__host"
        ).get(pk=projector_pk)
        return render_screen(projector)
