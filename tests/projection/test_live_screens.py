"""The screens under a real ASGI server: each projector's slide is rendered once per change for
all its screens, and each screen gets its own projector's slide."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.core.cache import cache

from moim.permissions import SYSTEM
from moim.projection import services
from moim.projection.enums import SlideKind
from tests.live.asgi_server import greeted, next_event, open_stream, run_in_thread, serving
from tests.projection.conftest import build_hall

pytestmark = pytest.mark.django_db(transaction=True)

HALL, OVERLAY = "/en/projector/5/hall/events/", "/en/projector/5/livestream/events/"


@pytest.fixture(autouse=True)
def _roomy(settings: Any) -> Any:
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 10_000
    settings.MOIM_LIVE_BACKEND = "memory"
    cache.clear()
    yield
    cache.clear()


def test_a_change_renders_each_projector_once_for_all_its_screens(organization: Any) -> None:
    hall = build_hall(organization)
    welcome = services.add_slide(
        projector=hall.hall, kind=SlideKind.MESSAGE, text_en="Welcome to Seoul", by=SYSTEM
    )
    services.project_slide(
        slide=services.add_slide(
            projector=hall.overlay, kind=SlideKind.MOTION, decision=hall.decision, by=SYSTEM
        ),
        by=SYSTEM,
    )

    with serving() as served:

        async def clients() -> dict[str, Any]:
            halls = await asyncio.gather(*(open_stream(served.port, HALL) for _ in range(30)))
            overlays = await asyncio.gather(*(open_stream(served.port, OVERLAY) for _ in range(20)))
            await greeted([*halls, *overlays])
            await asyncio.to_thread(served.settle)
            hub = served.hub()
            assert hub is not None
            before = hub.renders
            await asyncio.to_thread(services.project_slide, slide=welcome, by=SYSTEM)
            states = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in [*halls, *overlays])
            )
            await asyncio.to_thread(served.settle)
            for _, writer, _ in [*halls, *overlays]:
                writer.close()
            return {
                "hall": set(states[:30]),
                "overlay": set(states[30:]),
                "renders": hub.renders - before,
            }

        seen = run_in_thread(clients)

    assert seen["renders"] == 2
    assert len(seen["hall"]) == 1
    assert len(seen["overlay"]) == 1
    assert "Welcome to Seoul" in next(iter(seen["hall"]))
    assert "Adopt the 2030 Master Plan" in next(iter(seen["overlay"]))
