"""Two organizations on one database, both holding edition 5: every page and API endpoint that
takes an edition or an id answers for the organization served (MOIM_ORGANIZATION) only. The
other's records answer 404, as missing ones do; none answers 500 (two assemblies found)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moim.awards.enums import ApplicantKind, EditionStatus
from moim.awards.models import AwardProgramme, Category, Edition, Entry
from moim.governance import services
from moim.governance.enums import PollState
from moim.governance.models import Decision, Poll
from moim.members.models import Organization
from moim.permissions import SYSTEM
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules


@dataclass
class World:
    """One organization's assembly 5: a published poll, an open one, an awards edition 5."""

    title: str
    plenary: Plenary
    published: Poll
    open: Poll
    entry: Entry

    @property
    def decision(self) -> Decision:
        return self.published.decision


def _world(organization: Organization, prefix: str, title: str) -> World:
    assembly = AssemblyFactory(organization=organization, edition=5, title_en=title)
    plenary = build_plenary(organization, 3, assembly=assembly, prefix=prefix)
    rules = make_rules(organization, quorum="0")
    published = services.create_poll(
        decision=make_motion(assembly, rules, f"{title} budget"), by=SYSTEM
    )
    published = services.open_poll(poll=published, by=SYSTEM)
    member = plenary.members[0]
    services.cast_ballot(
        poll=published,
        voter=plenary.delegate_of(member),
        member=member,
        choices=[published.options.get(position=1).pk],
    )
    for step in (services.close_poll, services.count_poll, services.publish_poll):
        published = step(poll=published, by=SYSTEM)
    opened = services.create_poll(decision=make_motion(assembly, rules, f"{title} seat"), by=SYSTEM)
    opened = services.open_poll(poll=opened, by=SYSTEM)
    programme = AwardProgramme.objects.create(
        organization=organization, slug=f"{prefix}-awards", name_en=f"{title} Awards"
    )
    now = timezone.now()
    edition = Edition.objects.create(
        programme=programme,
        number=5,
        year=2024,
        title_en=f"{title} Awards 5",
        status=EditionStatus.CALL_OPEN,
        call_opens=now - dt.timedelta(days=30),
        deadline=now + dt.timedelta(days=10),
    )
    category = Category.objects.create(edition=edition, position=1, slug="mobility")
    entry = Entry.objects.create(
        edition=edition,
        category=category,
        title=f"{title} bus lanes",
        applicant_kind=ApplicantKind.MEMBER,
        applicant_member=member,
        beneficiary=member,
    )
    return World(title, plenary, published, opened, entry)


@pytest.fixture
def worlds(organization: Organization) -> tuple[World, World]:
    served = _world(organization, "s", "Served Assembly")
    other = _world(
        OrganizationFactory(slug="elsewhere", name_en="Elsewhere Cities"), "o", "Other Assembly"
    )
    return served, other


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


EDITION_PAGES = [
    ("assemblies:detail", None),
    ("governance:agenda", None),
    ("governance:console", "chair"),
    ("governance:my_polls", "delegate"),
    ("governance:sitting", "delegate"),
    ("site:projector", None),
    ("site:results", None),
    ("site:report", None),
    ("assemblies:registrations", "secretariat"),
    ("assemblies:desk", "secretariat"),
]


@pytest.mark.parametrize(("name", "who"), EDITION_PAGES)
def test_a_page_of_edition_5_shows_the_served_organization_s_assembly(
    worlds: tuple[World, World], secretariat: Any, chair: Any, name: str, who: str | None
) -> None:
    served, other = worlds
    user = {
        "chair": chair,
        "secretariat": secretariat,
        "delegate": served.plenary.users[0],
        None: None,
    }[who]

    html = _page(_client(user), reverse(name, args=[5]))

    assert served.title in html
    assert other.title not in html


def test_the_api_s_edition_5_is_the_served_organization_s(
    worlds: tuple[World, World], secretariat: Any
) -> None:
    served, _other = worlds
    client = _client(secretariat)

    assembly = client.get("/api/assemblies/5").json()
    decisions = client.get("/api/governance/assemblies/5/decisions").json()
    awards = client.get("/api/awards/5").json()

    assert assembly["title_en"] == served.title
    assert {d["id"] for d in decisions} == {served.decision.pk, served.open.decision_id}
    assert awards["title_en"] == f"{served.title} Awards 5"


def test_the_awards_edition_5_page_is_the_served_organization_s(
    worlds: tuple[World, World],
) -> None:
    served, other = worlds

    html = _page(_client(), reverse("awards:edition", args=[5]))

    assert f"{served.title} Awards 5" in html
    assert f"{other.title} Awards 5" not in html


def test_another_organization_s_records_answer_404_to_its_pages(
    worlds: tuple[World, World], chair: Any, secretariat: Any
) -> None:
    served, other = worlds
    voter = served.plenary.users[0]
    checks = [
        (None, reverse("governance:decision", args=[other.decision.pk])),
        (None, reverse("governance:ballots", args=[other.published.pk])),
        (None, reverse("site:decision_results", args=[5, other.decision.pk])),
        (None, reverse("site:poll_json", args=[5, other.decision.pk, 1])),
        (chair, reverse("governance:poll_console", args=[other.open.pk])),
        (voter, reverse("governance:vote", args=[other.open.pk])),
        (secretariat, reverse("awards:entry", args=[other.entry.pk])),
    ]

    answers = [(url, _client(user).get(url).status_code) for user, url in checks]

    assert answers == [(url, 404) for _user, url in checks]
    # The same pages answer for the served organization's records.
    assert served.title in _page(
        _client(), reverse("governance:decision", args=[served.decision.pk])
    )
    assert served.title in _page(
        _client(), reverse("site:decision_results", args=[5, served.decision.pk])
    )
    assert served.title in _page(
        _client(chair), reverse("governance:poll_console", args=[served.open.pk])
    )


def test_another_organization_s_records_answer_404_to_the_api(
    worlds: tuple[World, World], chair: Any
) -> None:
    served, other = worlds
    client = _client(chair)
    urls = [
        f"/api/governance/polls/{other.published.pk}",
        f"/api/governance/polls/{other.published.pk}/ballots",
        f"/api/governance/polls/{other.open.pk}/turnout",
    ]

    answers = [(url, client.get(url).status_code) for url in urls]

    assert answers == [(url, 404) for url in urls]
    assert client.get(f"/api/governance/polls/{served.published.pk}").json()["id"] == (
        served.published.pk
    )


def test_a_chair_cannot_close_another_organization_s_poll(
    worlds: tuple[World, World], chair: Any
) -> None:
    _served, other = worlds
    client = _client(chair)

    page = client.post(
        reverse("governance:poll_action", args=[other.open.pk, "close"]), {"confirm": "close"}
    )
    api = client.post(f"/api/governance/polls/{other.open.pk}/close")

    assert (page.status_code, api.status_code) == (404, 404)
    assert api.json()["detail"] != ""
    assert Poll.objects.get(pk=other.open.pk).state == PollState.OPEN


def test_a_delegate_cannot_vote_in_another_organization_s_poll(
    worlds: tuple[World, World],
) -> None:
    served, other = worlds
    client = _client(served.plenary.users[0])
    option = other.open.options.get(position=1).pk

    page = client.post(
        reverse("governance:vote", args=[other.open.pk]),
        {"member": served.plenary.members[0].pk, "choice": option},
    )
    api = client.post(
        f"/api/governance/polls/{other.open.pk}/ballots",
        {"member": served.plenary.members[0].slug, "choices": [option]},
        content_type="application/json",
    )

    assert (page.status_code, api.status_code) == (404, 404)
    assert services.turnout(other.open).voted == 0
