"""Good standing: each rule, the year boundary, inactive members, and the two forms agreeing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moim.members.enums import MemberStatus, StandingRule
from moim.members.models import Member, Organization, good_standing_q
from moim.members.services import good_standing_any_q, with_good_standing
from tests.factories import MemberFactory

NEW_YEARS_EVE = dt.date(2026, 12, 31)
NEW_YEARS_DAY = dt.date(2027, 1, 1)


def member_with(organization: Organization, rule: StandingRule, **fields: object) -> Member:
    organization.standing_rule = rule
    organization.save()
    return MemberFactory(organization=organization, **fields)


def test_previous_year_rule_across_the_year_boundary(organization: Organization) -> None:
    member = member_with(organization, StandingRule.PREVIOUS_YEAR, fees_paid_through=2025)

    assert member.in_good_standing(NEW_YEARS_EVE)
    assert not member.in_good_standing(NEW_YEARS_DAY)
    assert member.in_good_standing(dt.date(2026, 1, 1))
    assert list(Member.objects.in_good_standing(organization, NEW_YEARS_EVE)) == [member]
    assert list(Member.objects.in_good_standing(organization, NEW_YEARS_DAY)) == []


def test_current_year_rule_across_the_year_boundary(organization: Organization) -> None:
    paid_2026 = member_with(organization, StandingRule.CURRENT_YEAR, fees_paid_through=2026)
    paid_2025 = MemberFactory(organization=organization, fees_paid_through=2025)

    assert paid_2026.in_good_standing(NEW_YEARS_EVE)
    assert not paid_2026.in_good_standing(NEW_YEARS_DAY)
    assert not paid_2025.in_good_standing(dt.date(2026, 1, 1))
    assert list(Member.objects.in_good_standing(organization, NEW_YEARS_EVE)) == [paid_2026]


def test_always_rule_ignores_fees(organization: Organization) -> None:
    never_paid = member_with(organization, StandingRule.ALWAYS, fees_paid_through=None)

    assert never_paid.in_good_standing(NEW_YEARS_DAY)
    assert list(Member.objects.in_good_standing(organization, NEW_YEARS_DAY)) == [never_paid]


def test_no_fees_recorded_is_not_good_standing_under_fee_rules(organization: Organization) -> None:
    member = member_with(organization, StandingRule.PREVIOUS_YEAR, fees_paid_through=None)

    assert not member.in_good_standing(NEW_YEARS_EVE)
    assert not Member.objects.in_good_standing(organization, NEW_YEARS_EVE).exists()


@pytest.mark.parametrize("rule", list(StandingRule))
@pytest.mark.parametrize("status", [MemberStatus.SUSPENDED, MemberStatus.WITHDRAWN])
def test_inactive_members_are_never_in_good_standing(
    organization: Organization, rule: StandingRule, status: MemberStatus
) -> None:
    member = member_with(organization, rule, status=status, fees_paid_through=2999)

    assert not member.in_good_standing(NEW_YEARS_EVE)
    assert not Member.objects.in_good_standing(organization, NEW_YEARS_EVE).exists()
    assert with_good_standing(Member.objects.all(), on=NEW_YEARS_EVE).get().good_standing is False


def test_each_organization_is_judged_by_its_own_rule(organization: Organization) -> None:
    strict = Organization.objects.create(
        slug="strict",
        name_en="Strict",
        secretariat_city_en="X",
        standing_rule=StandingRule.CURRENT_YEAR,
    )
    lenient = member_with(organization, StandingRule.PREVIOUS_YEAR, fees_paid_through=2025)
    strict_member = MemberFactory(organization=strict, fees_paid_through=2025)

    annotated = dict(
        with_good_standing(Member.objects.all(), on=NEW_YEARS_EVE).values_list(
            "pk", "good_standing"
        )
    )

    assert annotated == {lenient.pk: True, strict_member.pk: False}


FEES = [None, 2024, 2025, 2026, 2027]
STATUSES = list(MemberStatus)


@pytest.fixture
def every_kind_of_member(organization: Organization) -> list[Member]:
    return [
        MemberFactory(organization=organization, status=status, fees_paid_through=fees)
        for status, fees in itertools.product(STATUSES, FEES)
    ]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rule=st.sampled_from(list(StandingRule)),
    day=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2029, 12, 31)),
)
def test_queryset_form_agrees_with_the_method(
    organization: Organization, every_kind_of_member: list[Member], rule: StandingRule, day: dt.date
) -> None:
    organization.standing_rule = rule
    organization.save()
    for member in every_kind_of_member:
        member.organization = organization

    by_method = {m.pk for m in every_kind_of_member if m.in_good_standing(day)}
    by_query = set(
        Member.objects.filter(good_standing_q(organization, day)).values_list("pk", flat=True)
    )
    by_any = set(Member.objects.filter(good_standing_any_q(on=day)).values_list("pk", flat=True))
    excluded = set(Member.objects.exclude(good_standing_any_q(on=day)).values_list("pk", flat=True))

    assert by_query == by_method
    assert by_any == by_method
    assert excluded == {m.pk for m in every_kind_of_member} - by_method
