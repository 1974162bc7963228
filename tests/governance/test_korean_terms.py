"""The note a term rests on is written in Korean too when a decision puts someone in office."""

from __future__ import annotations

from typing import Any

from django.test import Client
from tests.governance.conftest import Plenary, make_election, make_rules

from moim.governance import services
from moim.governance.enums import BallotShape
from moim.members.enums import OfficeKind
from moim.members.models import Office, Organization, Term


def test_a_published_election_gives_the_term_a_korean_basis_shown_on_korean_pages(
    client: Client, organization: Organization, plenary: Plenary, chair: Any
) -> None:
    office = Office.objects.create(
        organization=organization, kind=OfficeKind.PRESIDENT, name_en="President", seats=1
    )
    winner = plenary.members[0]
    plenary.assembly.title_en, plenary.assembly.title_ko = "5th General Assembly", "제5차 총회"
    plenary.assembly.save(update_fields=["title_en", "title_ko"])
    decision = make_election(
        plenary.assembly,
        make_rules(organization, name="Election rules"),
        [winner],
        office=office,
        title="Election of the President",
    )
    decision.title_ko = "의장 선거"
    decision.save(update_fields=["title_ko"])
    poll = services.open_poll(
        poll=services.create_poll(decision=decision, by=chair, shape=BallotShape.CHOOSE),
        by=chair,
    )
    option = poll.options.get()
    services.cast_ballot(
        poll=poll, voter=plenary.delegate_of(winner), member=winner, choices=[option.pk]
    )
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    services.publish_poll(poll=poll, by=chair)

    term = Term.objects.get(office=office)
    korean = client.get(f"/ko/members/{winner.slug}/").content.decode()
    english = client.get(f"/en/members/{winner.slug}/").content.decode()

    assert term.basis == "Election of the President (5th General Assembly)"
    assert term.basis_ko == "의장 선거 (제5차 총회)"
    assert "의장 선거 (제5차 총회)" in korean
    assert "Election of the President (5th General Assembly)" not in korean
    assert "Election of the President (5th General Assembly)" in english
