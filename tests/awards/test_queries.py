"""List and results pages make the same number of queries for one item as for three."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from moim.awards import judging
from moim.awards.enums import EditionStatus, EntryStatus, RoundKind
from moim.awards.models import Edition, Round
from moim.members.models import Organization
from tests.awards.conftest import city, make_entry, make_juror


@pytest.mark.parametrize("count", [1, 3])
def test_the_editions_list(
    client: Client,
    edition: Edition,
    organization: Organization,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    for number in range(1, count):
        Edition.objects.create(
            programme=edition.programme,
            number=number,
            year=2010 + number,
            title_en=f"Edition {number}",
            status=EditionStatus.CLOSED,
            reported_entries=40 + number,
            reported_winners=10,
        )
    make_entry(edition, city(organization, "Busan"), status=EntryStatus.SUBMITTED)
    with django_assert_num_queries(2):
        page = client.get(reverse("awards:editions")).content.decode()
    assert page.count('<li class="card">') == count
    assert "1 entry from 1 country" in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_jury_home_and_progress(
    client: Client,
    edition: Edition,
    organization: Organization,
    juror: Any,
    secretariat: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    for n in range(count):
        make_entry(edition, city(organization, f"Town {n}"), status=EntryStatus.ELIGIBLE)
        make_juror(edition, f"Extra Juror {n}")
    make_juror(edition, "Judith Juror", user=juror)
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    judging.assign_jurors(round_=round_, by=secretariat)
    judging.open_scoring(round_=round_, by=secretariat)
    client.force_login(juror)
    with django_assert_num_queries(9):
        page = client.get(reverse("awards:jury", kwargs={"number": 4})).content.decode()
    assert f"0 of {count} submitted" in page
    client.force_login(secretariat)
    # One more than the jury home: whether any entry waits to join the open round.
    with django_assert_num_queries(9):
        page = client.get(reverse("awards:progress", kwargs={"number": 4})).content.decode()
    assert page.count("<td>Extra Juror") == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_screening_list(
    client: Client,
    edition: Edition,
    organization: Organization,
    secretariat: Any,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    for n in range(count):
        make_entry(edition, city(organization, f"Town {n}"), status=EntryStatus.SUBMITTED)
    client.force_login(secretariat)
    with django_assert_num_queries(6):
        page = client.get(reverse("awards:screening", kwargs={"number": 4})).content.decode()
    assert page.count('name="entry"') == count
