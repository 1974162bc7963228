"""The chair's acts on a projector: the queue, what is shown, and what may be shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from moim import live
from moim.errors import Invalid, NotAllowed
from moim.governance import services as governance
from moim.governance.enums import DecisionKind
from moim.governance.models import Decision
from moim.permissions import SYSTEM
from moim.projection import services
from moim.projection.enums import SlideKind, SlideMove
from moim.projection.models import Projector, Slide
from tests.factories import OrganizationFactory
from tests.projection.conftest import Hall, build_hall


def _message(hall: Hall, text: str, by: Any = SYSTEM) -> Slide:
    return services.add_slide(projector=hall.hall, kind=SlideKind.MESSAGE, text_en=text, by=by)


def _queue(projector: Projector) -> list[str]:
    return [s.text_en for s in projector.slides.order_by("position", "pk")]


def test_an_assembly_gets_the_hall_and_the_livestream_overlay_once(hall: Hall) -> None:
    again = services.ensure_projectors(assembly=hall.assembly, by=SYSTEM)

    assert [(p.slug, p.name_en, p.style) for p in again] == [
        ("hall", "Hall", "hall"),
        ("livestream", "Livestream overlay", "overlay"),
    ]
    assert Projector.objects.count() == 2


def test_next_walks_the_queue_and_stays_on_the_last_slide(hall: Hall) -> None:
    first, second = _message(hall, "Welcome"), _message(hall, "Coffee at 11")

    shown = [services.next_slide(projector=hall.hall, by=SYSTEM) for _ in range(3)]

    assert shown == [first, second, second]
    hall.hall.refresh_from_db()
    assert hall.hall.current == second


def test_clear_and_remove_leave_the_screen_empty(hall: Hall) -> None:
    slide = _message(hall, "Welcome")
    services.project_slide(slide=slide, by=SYSTEM)

    services.remove_slide(slide=slide, by=SYSTEM)
    hall.hall.refresh_from_db()
    assert hall.hall.current is None
    assert _queue(hall.hall) == []

    other = _message(hall, "Lunch")
    services.project_slide(slide=other, by=SYSTEM)
    services.clear_projector(projector=hall.hall, by=SYSTEM)
    hall.hall.refresh_from_db()
    assert hall.hall.current is None
    assert _queue(hall.hall) == ["Lunch"]


def test_slides_move_up_and_down_within_their_projector(hall: Hall) -> None:
    a, b, c = (_message(hall, t) for t in ("A", "B", "C"))
    services.add_slide(projector=hall.overlay, kind=SlideKind.MESSAGE, text_en="X", by=SYSTEM)

    services.move_slide(slide=c, direction=SlideMove.UP, by=SYSTEM)
    services.move_slide(slide=a, direction=SlideMove.UP, by=SYSTEM)  # already first
    services.move_slide(slide=b, direction=SlideMove.DOWN, by=SYSTEM)

    assert _queue(hall.hall) == ["A", "C", "B"]
    assert _queue(hall.overlay) == ["X"]


def test_a_projected_countdown_ends_its_duration_after_projection(hall: Hall) -> None:
    slide = services.add_slide(
        projector=hall.hall, kind=SlideKind.COUNTDOWN, seconds=300, title_en="Break", by=SYSTEM
    )
    assert slide.ends_at is None

    before = timezone.now()
    slide = services.project_slide(slide=slide, by=SYSTEM)

    assert slide.ends_at is not None
    assert 299 <= (slide.ends_at - before).total_seconds() <= 301


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (SlideKind.AGENDA_ITEM, {}, "agenda_item"),
        (SlideKind.MOTION, {}, "decision"),
        (SlideKind.POLL, {}, "poll"),
        (SlideKind.COUNTDOWN, {"seconds": 0}, "seconds"),
        (SlideKind.MESSAGE, {"text_ko": "안녕하세요"}, "text_en"),
    ],
)
def test_a_slide_without_what_its_kind_shows_is_refused(
    hall: Hall, kind: str, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        services.add_slide(projector=hall.hall, kind=kind, by=SYSTEM, **fields)

    assert refused.value.field == field
    assert Slide.objects.count() == 0


def test_a_decision_in_draft_is_never_projected(hall: Hall) -> None:
    draft = Decision.objects.create(
        assembly=hall.assembly, kind=DecisionKind.MOTION, title_en="Secret plan"
    )

    with pytest.raises(Invalid):
        services.add_slide(projector=hall.hall, kind=SlideKind.MOTION, decision=draft, by=SYSTEM)

    assert Slide.objects.count() == 0


def test_a_delegate_may_not_touch_the_projectors(hall: Hall, delegate_a: Any) -> None:
    slide = _message(hall, "Welcome")

    with pytest.raises(NotAllowed):
        services.project_slide(slide=slide, by=delegate_a)
    with pytest.raises(NotAllowed):
        _message(hall, "Vote for us", by=delegate_a)
    with pytest.raises(NotAllowed):
        services.ensure_projectors(assembly=hall.assembly, by=None)

    hall.hall.refresh_from_db()
    assert hall.hall.current is None
    assert _queue(hall.hall) == ["Welcome"]


def test_projecting_tells_the_assemblys_screens_after_commit(
    hall: Hall, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    slide = _message(hall, "Welcome")
    subscription = live.subscribe(live.assembly_channel(hall.assembly.pk))

    with django_capture_on_commit_callbacks(execute=True):
        services.project_slide(slide=slide, by=chair)
    events = subscription.get(timeout=2)
    subscription.close()

    assert events == [f'{{"projector": {hall.hall.pk}}}']


def test_another_assemblys_poll_decision_or_item_is_refused_by_the_service(hall: Hall) -> None:
    theirs = build_hall(OrganizationFactory(), edition=6)
    poll = governance.create_poll(decision=theirs.decision, by=SYSTEM)

    for kind, fields in [
        (SlideKind.POLL, {"poll": poll}),
        (SlideKind.MOTION, {"decision": theirs.decision}),
        (SlideKind.AGENDA_ITEM, {"agenda_item": theirs.item}),
    ]:
        with pytest.raises(Invalid):
            services.add_slide(projector=hall.hall, kind=kind, by=SYSTEM, **fields)

    assert Slide.objects.count() == 0
