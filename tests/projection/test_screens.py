"""The public screens: what each slide shows, live turnout, the overlay, XSS, and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from moim.governance import services as governance
from moim.governance.models import Poll
from moim.permissions import SYSTEM
from moim.projection import services
from moim.projection.enums import SlideKind
from moim.projection.models import Slide
from tests.assemblies.factories import ProgrammeItemFactory
from tests.governance.conftest import build_plenary
from tests.projection.conftest import Hall
from tests.site.publication_plenary import finish, open_motion, vote_motion


def _show(hall: Hall, **fields: Any) -> Slide:
    slide = services.add_slide(projector=hall.hall, by=SYSTEM, **fields)
    return services.project_slide(slide=slide, by=SYSTEM)


def _state(client: Client, slug: str = "hall", language: str = "en") -> str:
    return client.get(f"/{language}/projector/5/{slug}/state/").content.decode()


def test_an_agenda_item_is_shown_with_its_place_in_the_tree(client: Client, hall: Hall) -> None:
    hall.item.programme_item = ProgrammeItemFactory(
        assembly=hall.assembly, title_en="Plenary session"
    )
    hall.item.save()
    _show(hall, kind=SlideKind.AGENDA_ITEM, agenda_item=hall.item)

    english, korean = _state(client), _state(client, language="ko")

    assert "1. Statutory matters" in english
    assert "1.1.</span> Adopt the 2030 Master Plan" in english
    assert "Plenary session" in english
    assert "2030 마스터플랜 채택" in korean
    assert "법정 안건" in korean


def test_a_decision_slide_shows_its_title_and_text(client: Client, hall: Hall) -> None:
    _show(hall, kind=SlideKind.MOTION, decision=hall.decision)

    page = _state(client)

    assert "Adopt the 2030 Master Plan" in page
    assert "The Assembly adopts the plan." in page


def test_a_message_is_bilingual_and_escaped(client: Client, hall: Hall) -> None:
    _show(
        hall,
        kind=SlideKind.MESSAGE,
        title_en="<script>alert(1)</script>Lunch",
        text_en='<img src=x onerror="alert(2)">',
        text_ko="점심 시간",
    )

    english, korean = _state(client), _state(client, language="ko")
    screen = client.get("/en/projector/5/hall/").content.decode()

    for page in (english, screen):
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Lunch" in page
    assert "점심 시간" in korean


def test_a_countdown_carries_its_end_for_the_screen_to_tick(client: Client, hall: Hall) -> None:
    slide = _show(hall, kind=SlideKind.COUNTDOWN, seconds=90, title_en="Coffee break")

    page = _state(client)

    assert "Coffee break" in page
    ends_at = page.split('data-ends-at="')[1].split('"')[0]
    assert dt.datetime.fromisoformat(ends_at) == slide.ends_at
    assert ">1:30<" in page or ">1:29<" in page


def test_a_projected_poll_shows_turnout_then_its_published_result(
    client: Client, organization: Any, chair: Any
) -> None:
    plenary = build_plenary(organization, 12)
    [hall, _overlay] = services.ensure_projectors(assembly=plenary.assembly, by=SYSTEM)
    poll = open_motion(organization, plenary, chair)
    services.project_slide(
        slide=services.add_slide(projector=hall, kind=SlideKind.POLL, poll=poll, by=chair), by=chair
    )
    before = _state(client)
    vote_motion(plenary, poll)
    during = _state(client)
    finish(Poll.objects.get(pk=poll.pk), chair)
    after = _state(client)

    assert "0 of 12 members have voted" in before
    assert "12 of 12 members have voted" in during
    assert "Adopted" in after
    assert "Voting is open" not in after


def test_the_overlay_screen_is_compact_and_the_hall_is_not(client: Client, hall: Hall) -> None:
    overlay = client.get("/en/projector/5/livestream/").content.decode()
    screen = client.get("/en/projector/5/hall/").content.decode()

    assert 'class="projector-body screen-overlay"' in overlay
    assert 'class="projector-body screen-hall"' in screen
    assert 'data-events-url="/en/projector/5/hall/events/"' in screen


def test_an_unknown_projector_or_another_organizations_answers_404(
    client: Client, hall: Hall
) -> None:
    assert client.get("/en/projector/5/backstage/").status_code == 404
    assert client.get("/en/projector/6/hall/").status_code == 404
    assert client.get("/api/projection/6/projectors/hall").status_code == 404


def test_the_api_gives_the_current_slide_as_data(client: Client, hall: Hall) -> None:
    empty = client.get("/api/projection/5/projectors/hall").json()
    _show(hall, kind=SlideKind.AGENDA_ITEM, agenda_item=hall.item)

    data = client.get("/api/projection/5/projectors/hall").json()

    assert empty["slide"] is None
    assert empty["name_en"] == "Hall"
    assert data["slide"]["kind"] == "agenda_item"
    assert data["slide"]["agenda_item"] == {
        "number": "1.1",
        "title_en": "Adopt the 2030 Master Plan",
        "title_ko": "2030 마스터플랜 채택",
        "trail": ["1. Statutory matters"],
    }


def test_the_api_gives_an_open_polls_turnout_and_never_a_count(
    client: Client, organization: Any, chair: Any
) -> None:
    plenary = build_plenary(organization, 4)
    [hall, _overlay] = services.ensure_projectors(assembly=plenary.assembly, by=SYSTEM)
    poll = open_motion(organization, plenary, chair)
    services.project_slide(
        slide=services.add_slide(projector=hall, kind=SlideKind.POLL, poll=poll, by=chair), by=chair
    )
    member = plenary.members[0]
    governance.cast_ballot(
        poll=poll,
        voter=plenary.delegate_of(member),
        member=member,
        choices=[poll.options.get(position=1).pk],
    )

    data = client.get("/api/projection/5/projectors/hall").json()["slide"]["poll"]

    assert data == {
        "id": poll.pk,
        "decision": poll.decision_id,
        "round": 1,
        "state": "open",
        "voted": 1,
        "entitled": 4,
        "verdict": None,
    }
