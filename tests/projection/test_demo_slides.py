"""The demo's projectors show what the other parts of the sitting draw: the Charter's Article 12
with its adopted amendments, and the list of speakers on it with whoever has the floor."""

from __future__ import annotations

import pytest
from django.test import Client

from moim.assemblies import demo as assemblies_demo
from moim.floor import demo as floor_demo
from moim.floor import services as floor
from moim.floor.models import SpeakersList
from moim.governance import demo as governance_demo
from moim.governance.models import Decision
from moim.members import demo as members_demo
from moim.permissions import SYSTEM
from moim.projection import demo as projection_demo
from moim.projection import services
from moim.projection.enums import SlideKind
from moim.projection.models import Projector

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    organization = members_demo.load()
    assemblies_demo.load(organization)
    governance_demo.load(organization)
    floor_demo.load(organization)
    projection_demo.load(organization)


def _project(slug: str, **fields: object) -> None:
    projector = Projector.objects.get(assembly__edition=5, slug=slug)
    slide = services.add_slide(projector=projector, by=SYSTEM, **fields)  # type: ignore[arg-type]
    services.project_slide(slide=slide, by=SYSTEM)


def test_the_hall_shows_article_12_with_its_amendments_as_changes(
    demo: None, client: Client
) -> None:
    article = Decision.objects.get(
        assembly__edition=5, title_en="Amendments to the Charter and the Statute"
    )
    _project("hall", kind=SlideKind.MOTION, decision=article)

    page = client.get("/en/projector/5/hall/state/").content.decode()

    assert article.title_en in page
    assert page.count("screen-amendment--") == 2
    assert "<ins>" in page or "<del>" in page
    assert "Amendment to Article 12, paragraph 1" in page
    assert "{&#x27;" not in page
    assert "{'" not in page


def test_the_overlay_shows_the_speaker_with_a_running_clock_and_who_is_next(
    demo: None, client: Client
) -> None:
    speakers_list = SpeakersList.objects.get(assembly__edition=5)
    floor.reopen_list(speakers_list=speakers_list, by=SYSTEM)
    floor.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Ana Lima")
    floor.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Bo Kim")
    floor.start_speech(speakers_list=speakers_list, by=SYSTEM)
    _project("livestream", kind=SlideKind.FLOOR_LIST, agenda_item=speakers_list.agenda_item)

    page = client.get("/en/projector/5/livestream/state/").content.decode()

    assert "Ana Lima" in page
    assert "data-ends-at=" in page
    assert "Next" in page
    assert "Bo Kim" in page
