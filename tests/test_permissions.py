"""One permission check (`moim.permissions.require`) for every door: it never skips, every
predicate refuses an inactive account, the system actor is named, not implied by `None`, and a
visitor who is not logged in gets 404 on what it may not see, as for what does not exist."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import pytest
import rules
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moim.assemblies import rules as assembly_rules
from moim.awards import rules as award_rules
from moim.awards.enums import EditionStatus, EntryStatus
from moim.awards.models import AwardProgramme, Category, Edition, Entry, Juror
from moim.errors import NotAllowed
from moim.governance import audit, services
from moim.governance import rules as governance_rules
from moim.governance.enums import AuditAction, PollState
from moim.governance.models import AuditEntry, Poll
from moim.members import rules as member_rules
from moim.members.enums import Role
from moim.members.models import Member
from moim.permissions import SYSTEM, allows, require, stored_user
from moim.site import rules as site_rules
from moim.site.models import PressRelease
from moim.site.press import publish_press_release
from tests.assemblies.factories import RegistrationFactory
from tests.awards.conftest import make_entry, make_juror
from tests.factories import PersonFactory, UserFactory
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules


@pytest.fixture
def plenary(organization: Any) -> Plenary:
    return build_plenary(organization, 3)


@pytest.fixture
def edition(organization: Any) -> Edition:
    """An edition open for entries, with one category."""
    programme = AwardProgramme.objects.create(organization=organization, slug="awards")
    now = timezone.now()
    edition = Edition.objects.create(
        programme=programme,
        number=4,
        year=2020,
        status=EditionStatus.CALL_OPEN,
        call_opens=now - dt.timedelta(days=30),
        deadline=now + dt.timedelta(days=10),
    )
    Category.objects.create(edition=edition, position=1, slug="mobility", name_en="Mobility")
    return edition


RULE_MODULES: list[ModuleType] = [
    member_rules,
    assembly_rules,
    governance_rules,
    award_rules,
    site_rules,
]


def action_predicates() -> dict[str, Any]:
    """Every `can_*` predicate of every app's rules.py, by module and name."""
    return {
        f"{module.__name__}.{name}": value
        for module in RULE_MODULES
        for name, value in vars(module).items()
        if name.startswith("can_") and isinstance(value, rules.Predicate)
    }


ROLE_PREDICATES = [
    member_rules.is_signed_in,
    member_rules.is_secretariat,
    member_rules.is_chair,
    member_rules.is_delegate,
]
# True only for an assigned juror in an open round, which the test's account is not.
JUROR_ONLY = {"moim.awards.rules.can_view_entry_as_juror"}


def _target(name: str, member: Member, entry: Entry, juror: Juror, registration: Any) -> Any:
    """What a predicate is asked about, if anything (its name says)."""
    if name.endswith("_certificate"):
        return registration
    if name.endswith(("_entry", "_entry_as_juror")):
        return entry
    if name.endswith("_conflict"):
        return juror
    if name.endswith(("_proxy", "_member_contacts")):
        return member
    return None


@pytest.fixture
def everything(city_a: Member, edition: Edition) -> dict[str, Any]:
    """An account holding every role, superuser, delegate of Seoul, author of an entry, juror."""
    user = UserFactory(username="all-roles", is_superuser=True, is_staff=True, roles=list(Role))
    person = PersonFactory(organization=city_a.organization, member=city_a, user=user)
    entry = make_entry(edition, city_a, created_by=user)
    juror = make_juror(edition, "All Roles", user=user)
    registration = RegistrationFactory(
        assembly__organization=city_a.organization, member=city_a, person=person
    )
    return {
        "user": user,
        "member": city_a,
        "entry": entry,
        "juror": juror,
        "registration": registration,
    }


def test_every_action_predicate_refuses_an_inactive_account(everything: dict[str, Any]) -> None:
    user = everything["user"]
    asked = {
        name: _target(
            name,
            everything["member"],
            everything["entry"],
            everything["juror"],
            everything["registration"],
        )
        for name in action_predicates()
    }
    active = {name: allows(action_predicates()[name], user, obj) for name, obj in asked.items()}

    user.is_active = False
    user.save()
    member_rules.forget_roles(user)
    inactive = {name: allows(action_predicates()[name], user, obj) for name, obj in asked.items()}

    assert inactive == dict.fromkeys(asked, False)
    # The same account, active, may do everything but a juror's scoring (not assigned).
    assert active == {name: name not in JUROR_ONLY for name in asked}


def test_every_role_predicate_refuses_an_inactive_account(everything: dict[str, Any]) -> None:
    user = everything["user"]
    user.is_active = False
    user.save()
    member_rules.forget_roles(user)

    assert [predicate.test(user) for predicate in ROLE_PREDICATES] == [False] * len(ROLE_PREDICATES)


@pytest.mark.parametrize("name", sorted(action_predicates()))
def test_require_refuses_no_actor(name: str) -> None:
    predicate = action_predicates()[name]

    with pytest.raises(NotAllowed):
        require(predicate, None)


def test_a_service_refuses_to_act_for_no_one(organization: Any, plenary: Plenary) -> None:
    poll = services.create_poll(
        decision=make_motion(plenary.assembly, make_rules(organization)), by=SYSTEM
    )

    with pytest.raises(NotAllowed):
        services.open_poll(poll=poll, by=None)

    assert Poll.objects.get(pk=poll.pk).state == PollState.DRAFT


def test_publishing_a_press_release_refuses_no_one(organization: Any) -> None:
    from tests.assemblies.factories import AssemblyFactory

    release = PressRelease.objects.create(
        assembly=AssemblyFactory(organization=organization), language="en", body="News."
    )

    with pytest.raises(NotAllowed):
        publish_press_release(release=release, by=None)

    release.refresh_from_db()
    assert release.published_at is None


def test_the_system_actor_acts_for_loaders_and_is_stored_as_no_one(
    organization: Any, plenary: Plenary
) -> None:
    poll = services.create_poll(
        decision=make_motion(plenary.assembly, make_rules(organization)), by=SYSTEM
    )
    poll = services.open_poll(poll=poll, by=SYSTEM)

    entry = AuditEntry.objects.get(action=AuditAction.POLL_OPENED, subject=f"poll:{poll.pk}")
    assert poll.state == PollState.OPEN
    assert entry.actor == audit.actor_name(SYSTEM) == ""
    assert stored_user(SYSTEM) is None


def test_the_system_actor_holds_no_role_when_a_predicate_is_asked_directly() -> None:
    assert [predicate.test(SYSTEM) for predicate in ROLE_PREDICATES] == [False] * len(
        ROLE_PREDICATES
    )
    assert allows(member_rules.can_manage_members, SYSTEM)


# --- what a visitor who is not logged in sees --------------------------------------------------


def _awards_urls(edition: Edition, entry: Entry) -> list[tuple[str, str]]:
    """Pages of awards records that exist, with the same page for a record that does not."""
    number, missing = edition.number, edition.number + 100
    return [
        (
            reverse("awards:entry_new", args=[number]),
            reverse("awards:entry_new", args=[missing]),
        ),
        (reverse("awards:entry", args=[entry.pk]), reverse("awards:entry", args=[entry.pk + 100])),
        (reverse("awards:jury", args=[number]), reverse("awards:jury", args=[missing])),
        (
            reverse("awards:jury_entry", args=[number, entry.pk]),
            reverse("awards:jury_entry", args=[number, entry.pk + 100]),
        ),
        (reverse("awards:screening", args=[number]), reverse("awards:screening", args=[missing])),
        (reverse("awards:progress", args=[number]), reverse("awards:progress", args=[missing])),
        (reverse("awards:ranking", args=[number]), reverse("awards:ranking", args=[missing])),
        (
            reverse("awards:export_entries", args=[number]),
            reverse("awards:export_entries", args=[missing]),
        ),
    ]


def test_a_visitor_gets_404_on_awards_pages_as_for_missing_ones(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a, status=EntryStatus.SUBMITTED)
    client = Client()

    answers = [
        (client.get(there).status_code, client.get(missing).status_code)
        for there, missing in _awards_urls(edition, entry)
    ]

    assert answers == [(404, 404)] * len(answers)


def test_the_edition_page_sends_a_visitor_to_log_in_before_entering(edition: Edition) -> None:
    html = Client().get(reverse("awards:edition", args=[edition.number])).content.decode()

    entry_new = reverse("awards:entry_new", args=[edition.number])
    assert f'href="{reverse("login")}?next={entry_new}"' in html


def test_a_logged_in_person_gets_404_for_an_entry_that_is_not_theirs(
    edition: Edition, city_a: Member, delegate_a: Any, outsider: Any, juror: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a, status=EntryStatus.SUBMITTED)
    make_juror(edition, "Judith Juror", user=juror)  # a seat, but not assigned to the entry
    client = Client()

    client.force_login(outsider)
    edit = client.get(reverse("awards:entry", args=[entry.pk]))
    client.force_login(juror)
    jury = client.get(reverse("awards:jury_entry", args=[edition.number, entry.pk]))

    assert (edit.status_code, jury.status_code) == (404, 404)
    assert entry.title not in edit.content.decode() + jury.content.decode()


def test_a_visitor_gets_404_on_governance_pages_as_for_missing_ones(
    organization: Any, plenary: Plenary, chair: Any
) -> None:
    poll = services.open_poll(
        poll=services.create_poll(
            decision=make_motion(plenary.assembly, make_rules(organization)), by=chair
        ),
        by=chair,
    )
    edition, missing = plenary.assembly.edition, plenary.assembly.edition + 100
    pairs = [
        (
            reverse("governance:console", args=[edition]),
            reverse("governance:console", args=[missing]),
        ),
        (
            reverse("governance:my_polls", args=[edition]),
            reverse("governance:my_polls", args=[missing]),
        ),
        (
            reverse("governance:sitting", args=[edition]),
            reverse("governance:sitting", args=[missing]),
        ),
        (
            reverse("governance:poll_console", args=[poll.pk]),
            reverse("governance:poll_console", args=[poll.pk + 100]),
        ),
        (
            reverse("governance:vote", args=[poll.pk]),
            reverse("governance:vote", args=[poll.pk + 100]),
        ),
    ]
    client = Client()

    answers = [(client.get(a).status_code, client.get(b).status_code) for a, b in pairs]
    closed = client.post(
        reverse("governance:poll_action", args=[poll.pk, "close"]), {"confirm": "close"}
    )

    assert answers == [(404, 404)] * len(pairs)
    assert closed.status_code == 404
    assert Poll.objects.get(pk=poll.pk).state == PollState.OPEN
