"""An edition ready for entries, and helpers to build entries and jurors quickly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moim.awards import judging
from moim.awards.enums import ApplicantKind, EditionStatus, EntryStatus, RoundKind
from moim.awards.models import (
    AwardLevel,
    AwardProgramme,
    Category,
    Criterion,
    Edition,
    Entry,
    Juror,
    Round,
)
from moim.members.models import Member, Organization
from tests.factories import MemberFactory, PersonFactory, UserFactory


@pytest.fixture
def edition(organization: Organization) -> Edition:
    programme = AwardProgramme.objects.create(
        organization=organization, slug="wego-awards", name_en="WeGO Awards", name_ko="WeGO 어워드"
    )
    now = timezone.now()
    edition = Edition.objects.create(
        programme=programme,
        number=4,
        year=2020,
        title_en="4th WeGO Awards",
        status=EditionStatus.CALL_OPEN,
        call_opens=now - dt.timedelta(days=30),
        deadline=now + dt.timedelta(days=10),
        max_entries_per_city=2,
        max_attachment_mb=1,
    )
    Category.objects.create(edition=edition, position=1, slug="mobility", name_en="Mobility")
    Category.objects.create(edition=edition, position=2, slug="safe-city", name_en="Safe City")
    Criterion.objects.create(
        edition=edition, position=1, key="impact", name_en="Impact", weight=Decimal(3)
    )
    Criterion.objects.create(
        edition=edition, position=2, key="design", name_en="Design", weight=Decimal(1)
    )
    AwardLevel.objects.create(edition=edition, position=1, name_en="Gold", name_ko="금상")
    AwardLevel.objects.create(edition=edition, position=2, name_en="Silver", name_ko="은상")
    return edition


def city(organization: Organization, name: str, country: str = "KR") -> Member:
    slug = name.lower().replace(" ", "-")
    return MemberFactory(organization=organization, name_en=name, slug=slug, country=country)


def make_entry(
    edition: Edition,
    beneficiary: Member,
    category: str = "mobility",
    *,
    title: str | None = None,
    status: EntryStatus = EntryStatus.DRAFT,
    applicant: Member | None = None,
    company: str = "",
    created_by: Any = None,
) -> Entry:
    on_behalf = bool(company)
    return Entry.objects.create(
        edition=edition,
        category=edition.categories.get(slug=category),
        title=title or f"{beneficiary.name_en} {category} project",
        summary="A summary.",
        description="What was built.",
        results="What it changed.",
        applicant_kind=ApplicantKind.COMPANY if on_behalf else ApplicantKind.MEMBER,
        applicant_member=None if on_behalf else (applicant or beneficiary),
        applicant_name=company,
        approval_contact="contact@city.example" if on_behalf else "",
        beneficiary=beneficiary,
        status=status,
        created_by=created_by,
    )


def make_juror(
    edition: Edition, name: str, member: Member | None = None, user: Any = None
) -> Juror:
    if user is None:
        user = UserFactory(username=name.lower().replace(" ", "-"))
    person = getattr(user, "person", None) or PersonFactory(
        organization=edition.programme.organization, name_en=name, member=member, user=user
    )
    return Juror.objects.create(edition=edition, person=person)


@pytest.fixture
def scoring_round(
    edition: Edition, organization: Organization, city_a: Member, juror: Any, secretariat: Any
) -> dict[str, Any]:
    """Seoul's and Busan's entries in an open first round; the juror persona works for Seoul."""
    juror.person.member = city_a
    juror.person.save()
    seoul = make_entry(edition, city_a, title="Seoul secret project", status=EntryStatus.ELIGIBLE)
    busan = make_entry(
        edition, city(organization, "Busan"), title="Busan bus", status=EntryStatus.ELIGIBLE
    )
    judge = make_juror(edition, "Judith Juror", user=juror)
    other = make_juror(edition, "Olga Other")
    judging.detect_conflicts(edition=edition, by=secretariat)
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    judging.assign_jurors(round_=round_, by=secretariat)
    judging.open_scoring(round_=round_, by=secretariat)
    round_.refresh_from_db()
    return {"round": round_, "seoul": seoul, "busan": busan, "judge": judge, "other": other}
