from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import icalendar
import pytest
from django.test import Client

from moim.assemblies import demo, queries
from moim.assemblies.enums import (
    REPRESENTING_ROLES,
    AssemblyStatus,
    AttendanceMode,
    Credential,
    ItemKind,
    ParticipantRole,
    SponsorTier,
)
from moim.assemblies.models import Assembly, AttendanceEvent, Registration
from moim.assemblies.services import undo_check_in
from moim.members import demo as members_demo
from moim.members.models import Organization
from tests.worlds import once_per_module

# The shared documents sit beside the repository (or at /work/shared on a developer's machine).
SEED_KO = next(
    (
        candidate / "seed" / "press-release-2021-ko.txt"
        for candidate in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
        if (candidate / "seed" / "press-release-2021-ko.txt").exists()
    ),
    Path("/work/shared/seed/press-release-2021-ko.txt"),
)


def load_wego() -> Organization:
    """The members demo, then the assemblies demo, as `moim demo` loads them."""
    organization = members_demo.load()
    demo.load(organization)
    return organization


wego_for_module = once_per_module(load_wego)


@pytest.fixture
def wego(wego_for_module: Organization, db: None) -> Organization:
    return wego_for_module


def test_demo_figures_reproduce_the_press_release(wego: Organization) -> None:
    assembly = Assembly.objects.get(organization=wego, edition=5)

    figures = queries.attendance_figures(assembly)

    assert figures.present == 230
    assert figures.mayors_and_vice_mayors == 20
    assert figures.mayoral_countries == 16
    assert figures.ambassadors == 3
    assert figures.registered > figures.present  # some registrants did not attend
    assert figures.members_represented == len(queries.members_present(assembly)) > 40


def test_demo_assembly_facts(wego: Organization) -> None:
    assembly = Assembly.objects.select_related("host").get(organization=wego, edition=5)

    local_start = assembly.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Seoul"))
    assert local_start == dt.datetime(2021, 10, 18, 15, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))
    assert (assembly.mode, assembly.status) == ("hybrid", AssemblyStatus.CLOSED)
    assert assembly.theme_en == "Smart Solutions for All in the New Normal Era"
    assert assembly.host is not None
    assert assembly.host.slug == "seoul"
    assert list(
        Assembly.objects.filter(organization=wego)
        .order_by("edition")
        .values_list("edition", "city_en", "status")
    ) == [
        (1, "Seoul", "closed"),
        (2, "Barcelona", "closed"),
        (3, "Chengdu", "closed"),
        (4, "Ulyanovsk Region", "closed"),
        (5, "Seoul", "closed"),
    ]
    assert {(s.name, s.tier) for s in assembly.sponsors.all()} == {
        ("Dohwa", SponsorTier.OFFICIAL_SPONSOR),
        ("Hurim Robot", SponsorTier.OFFICIAL_SPONSOR),
        ("Nature and Fiber", SponsorTier.OFFICIAL_SPONSOR),
        ("SRPOST", SponsorTier.OFFICIAL_SPONSOR),
        ("Smart Cities World", SponsorTier.MEDIA_PARTNER),
    }
    assert set(assembly.materials.values_list("kind", flat=True)) == {"video_recording", "document"}


@pytest.mark.skipif(not SEED_KO.exists(), reason="the shared seed documents are not mounted")
def test_demo_korean_theme_is_the_press_release_wording(wego: Organization) -> None:
    assembly = Assembly.objects.get(organization=wego, edition=5)

    assert assembly.theme_ko
    assert f"‘{assembly.theme_ko}’" in SEED_KO.read_text(encoding="utf-8")


def test_demo_programme_follows_the_press_release(wego: Organization) -> None:
    assembly = Assembly.objects.get(organization=wego, edition=5)

    items = list(queries.programme_for(assembly))

    assert [(i.kind, [s.person.name_en for s in i.speaker_links.all()]) for i in items] == [
        (ItemKind.OPENING_ADDRESS, ["Oh Se-hoon"]),
        (ItemKind.VIDEO, []),
        (ItemKind.CONGRATULATORY_REMARKS, ["Ricardo Nunes", "Kriangyos Sudlabha"]),
        (ItemKind.KEYNOTE, ["Maimunah Mohd Sharif"]),
        (ItemKind.AWARDS_CEREMONY, []),
        (ItemKind.PLENARY_SESSION, []),
        (ItemKind.CLOSING_REMARKS, ["Park Jung-sook"]),
    ]
    plenary = items[5]
    assert plenary.chair is not None
    assert plenary.chair.name_en == "Baek Ji-ah"


def test_demo_load_is_idempotent(wego: Organization) -> None:
    before = (Registration.objects.count(), AttendanceEvent.objects.count())

    demo.load(wego)

    assert (Registration.objects.count(), AttendanceEvent.objects.count()) == before
    assembly = Assembly.objects.get(organization=wego, edition=5)
    assert queries.attendance_figures(assembly).present == 230


def test_demo_page_and_calendar_render(client: Client, wego: Organization) -> None:
    html = client.get("/en/assemblies/5/").content.decode()
    calendar = icalendar.Calendar.from_ical(client.get("/en/assemblies/5/programme.ics").content)

    assert "Smart Solutions for All in the New Normal Era" in html
    assert 'id="figure-present">230<' in html
    assert "Smart Cities World" in html
    speakers = html[html.index('id="speakers-heading"') : html.index('id="figures-heading"')]
    assert (
        "<strong>Maimunah Mohd Sharif</strong>, Executive Director "
        '<span class="muted">(UN-Habitat)</span>' in speakers
    )
    assert "<strong>Baek Ji-ah</strong>" in speakers
    assert len(calendar.walk("VEVENT")) == 7
    ko = client.get("/ko/assemblies/5/").content.decode()
    assert "뉴노멀" in ko


def test_demo_figures_follow_the_records(
    client: Client, wego: Organization, secretariat: object
) -> None:
    fifth = Assembly.objects.get(organization=wego, edition=5)
    mayor = Registration.objects.filter(
        assembly=fifth,
        role=ParticipantRole.MAYOR,
        attendance_mode=AttendanceMode.IN_PERSON,
        checked_in_at__isnull=False,
    ).first()
    assert mayor is not None

    undo_check_in(registration=mayor, by=secretariat)  # type: ignore[arg-type]
    html = client.get("/en/assemblies/5/").content.decode()

    assert 'id="figure-present">229<' in html
    assert 'id="figure-mayors">19<' in html


def test_demo_programme_names_languages_in_korean(client: Client, wego: Organization) -> None:
    html = client.get("/ko/assemblies/5/").content.decode()

    assert "한국어" in html[html.index('id="programme-heading"') :]
    assert ": Korean" not in html


def test_demo_delegates_are_accredited_by_the_secretariat_one_voting_delegate_each(
    wego: Organization,
) -> None:
    assembly = Assembly.objects.get(organization=wego, edition=5)
    representatives = Registration.objects.filter(
        assembly=assembly, member__isnull=False, role__in=list(REPRESENTING_ROLES)
    )
    voting = representatives.filter(credential=Credential.VOTING)

    assert set(representatives.values_list("credential", flat=True)) == {
        Credential.VOTING,
        Credential.ALTERNATE,
    }
    assert voting.count() == representatives.values("member").distinct().count()
    assert set(voting.values_list("credential_source", flat=True)) == {"secretariat"}
    # Seoul's voting delegate is its mayor, a named fact, not an invented alternate.
    assert voting.get(member__slug="seoul").full_name == "Oh Se-hoon"
    assert queries.attendance_figures(assembly).members_represented == len(
        queries.members_present(assembly)
    )
