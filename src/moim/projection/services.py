"""The chair's acts on the projectors: queue a slide, project it, go to the next, clear the
screen, remove or reorder a slide.

Each act checks `can_control_projection`, validates, then changes one projector under a lock on
its row, and after the commit tells the assembly's live channel, whose screens draw the new
slide (`moim.projection.slides`). A slide may only show what belongs to the projector's
assembly, and never a decision still in draft: the screens are public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim import live
from moim.assemblies.models import Assembly
from moim.errors import Invalid
from moim.governance.enums import DecisionStatus
from moim.governance.models import AgendaItem, Decision, Poll
from moim.permissions import require
from moim.projection.enums import ProjectorStyle, SlideKind, SlideMove
from moim.projection.models import Projector, Slide
from moim.projection.rules import can_control_projection

# The projectors every assembly gets on first use: slug, English and Korean names, style.
DEFAULT_PROJECTORS = (
    ("hall", "Hall", "본회의장", ProjectorStyle.HALL),
    ("livestream", "Livestream overlay", "생중계 오버레이", ProjectorStyle.OVERLAY),
)
LONGEST_COUNTDOWN = 24 * 60 * 60


def announce(projector: Projector) -> None:
    """After commit, tell the assembly's screens that a projector changed."""
    assembly_id, projector_id = projector.assembly_id, projector.pk
    transaction.on_commit(
        lambda: live.publish(live.assembly_channel(assembly_id), projector=projector_id),
        robust=True,
    )


def ensure_projectors(*, assembly: Assembly, by: Any) -> list[Projector]:
    """The assembly's projectors, creating the default two the first time."""
    require(can_control_projection, by)
    if not Projector.objects.filter(assembly=assembly).exists():
        for position, (slug, name_en, name_ko, style) in enumerate(DEFAULT_PROJECTORS):
            Projector.objects.get_or_create(
                assembly=assembly,
                slug=slug,
                defaults={
                    "name_en": name_en,
                    "name_ko": name_ko,
                    "style": style,
                    "position": position,
                },
            )
    return list(Projector.objects.filter(assembly=assembly).order_by("position", "pk"))


def _same_assembly(projector: Projector, assembly_id: int, field: str) -> None:
    if assembly_id != projector.assembly_id:
        raise Invalid(_("That belongs to another assembly."), field=field)


def _public_decision(decision: Decision, field: str) -> None:
    if decision.status == DecisionStatus.DRAFT:
        raise Invalid(_("A decision still in draft cannot be projected."), field=field)


def check_slide(slide: Slide) -> None:
    """Refuse a slide that lacks what its kind shows, or shows another assembly's records."""
    projector = slide.projector
    kind = slide.kind
    if kind not in SlideKind.values:
        raise Invalid(_("Choose what the slide shows."), field="kind")
    if kind == SlideKind.AGENDA_ITEM:
        item: AgendaItem | None = slide.agenda_item
        if item is None:
            raise Invalid(_("Choose the agenda item."), field="agenda_item")
        _same_assembly(projector, item.assembly_id, "agenda_item")
        if item.decision is not None:
            _public_decision(item.decision, "agenda_item")
    elif kind == SlideKind.MOTION:
        if slide.decision is None:
            raise Invalid(_("Choose the decision."), field="decision")
        _same_assembly(projector, slide.decision.assembly_id, "decision")
        _public_decision(slide.decision, "decision")
    elif kind == SlideKind.POLL:
        poll: Poll | None = slide.poll
        if poll is None:
            raise Invalid(_("Choose the poll."), field="poll")
        _same_assembly(projector, poll.decision.assembly_id, "poll")
        _public_decision(poll.decision, "poll")
    elif kind == SlideKind.COUNTDOWN:
        if not slide.seconds or not 0 < slide.seconds <= LONGEST_COUNTDOWN:
            raise Invalid(_("Give the countdown between 1 second and 24 hours."), field="seconds")
    elif kind == SlideKind.MESSAGE and not (slide.title_en or slide.text_en):
        raise Invalid(_("Write the message in English at least."), field="text_en")


def _locked(projector: Projector) -> Projector:
    return Projector.objects.select_for_update().get(pk=projector.pk)


def _queue(projector: Projector) -> list[Slide]:
    return list(Slide.objects.filter(projector=projector).order_by("position", "pk"))


def add_slide(
    *,
    projector: Projector,
    kind: str,
    by: Any,
    agenda_item: AgendaItem | None = None,
    decision: Decision | None = None,
    poll: Poll | None = None,
    seconds: int | None = None,
    title_en: str = "",
    title_ko: str = "",
    text_en: str = "",
    text_ko: str = "",
) -> Slide:
    """A new slide at the end of the projector's queue (not yet shown)."""
    require(can_control_projection, by)
    slide = Slide(
        projector=projector,
        kind=kind,
        agenda_item=agenda_item if kind == SlideKind.AGENDA_ITEM else None,
        decision=decision if kind == SlideKind.MOTION else None,
        poll=poll if kind == SlideKind.POLL else None,
        seconds=seconds if kind == SlideKind.COUNTDOWN else None,
        title_en=title_en.strip(),
        title_ko=title_ko.strip(),
        text_en=text_en.strip(),
        text_ko=text_ko.strip(),
    )
    check_slide(slide)
    with transaction.atomic():
        _locked(projector)
        queue = _queue(projector)
        slide.position = queue[-1].position + 1 if queue else 0
        slide.save()
    announce(projector)
    return slide


def _show(projector: Projector, slide: Slide | None) -> None:
    if slide is not None and slide.kind == SlideKind.COUNTDOWN and slide.seconds:
        slide.ends_at = timezone.now() + dt.timedelta(seconds=slide.seconds)
        slide.save(update_fields=["ends_at"])
    projector.current = slide
    projector.save(update_fields=["current"])
    announce(projector)


def project_slide(*, slide: Slide, by: Any) -> Slide:
    """Show `slide` now; a countdown starts from its full duration."""
    require(can_control_projection, by)
    with transaction.atomic():
        projector = _locked(slide.projector)
        slide = Slide.objects.select_related(
            "agenda_item__decision", "decision", "poll__decision"
        ).get(pk=slide.pk)
        check_slide(slide)  # what it points at may have changed since it was queued
        _show(projector, slide)
    return slide


def next_slide(*, projector: Projector, by: Any) -> Slide | None:
    """Show the slide after the current one (the first when none is shown); after the last,
    the last stays."""
    require(can_control_projection, by)
    with transaction.atomic():
        projector = _locked(projector)
        queue = _queue(projector)
        if not queue:
            return None
        ids = [s.pk for s in queue]
        index = ids.index(projector.current_id) + 1 if projector.current_id in ids else 0
        if index >= len(queue):
            return queue[-1]
        chosen = queue[index]
    return project_slide(slide=chosen, by=by)


def clear_projector(*, projector: Projector, by: Any) -> Projector:
    """Show no slide: the screen falls back to the assembly's title."""
    require(can_control_projection, by)
    with transaction.atomic():
        projector = _locked(projector)
        _show(projector, None)
    return projector


def remove_slide(*, slide: Slide, by: Any) -> None:
    """Take a slide off the queue (and off the screen if it is shown)."""
    require(can_control_projection, by)
    with transaction.atomic():
        projector = _locked(slide.projector)
        slide.delete()
        projector.refresh_from_db(fields=["current"])
    announce(projector)


def move_slide(*, slide: Slide, direction: str, by: Any) -> Slide:
    """One place up or down in the queue; at either end nothing changes."""
    require(can_control_projection, by)
    if direction not in SlideMove.values:
        raise Invalid(_("Move a slide up or down."))
    with transaction.atomic():
        projector = _locked(slide.projector)
        queue = _queue(projector)
        index = next(n for n, s in enumerate(queue) if s.pk == slide.pk)
        other = index - 1 if direction == SlideMove.UP else index + 1
        if 0 <= other < len(queue):
            queue[index], queue[other] = queue[other], queue[index]
        for position, queued in enumerate(queue):
            if queued.position != position:
                queued.position = position
                queued.save(update_fields=["position"])
    announce(projector)
    return slide
