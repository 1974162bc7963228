"""Amendments: tabled against a paragraph, voted before the text in the rules' order, applied to
give the final text; the text's poll does not open while one is undecided."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, make_motion, make_rules

from moim.errors import Conflict, Invalid, NotAllowed
from moim.governance import services
from moim.governance.amendments import (
    amendments_in_voting_order,
    final_text,
    history,
    word_diff,
)
from moim.governance.enums import (
    AmendmentAction,
    AmendmentOrder,
    BallotShape,
    DecisionStatus,
    OptionValue,
    PollAction,
    Verdict,
)
from moim.governance.models import Decision
from moim.governance.queries import agenda_for_public
from moim.members.models import Organization
from moim.permissions import SYSTEM

TEXT = "The Assembly adopts the plan.\nThe plan runs to 2030.\nThe secretariat reports yearly."


def _motion(plenary: Plenary, organization: Organization, **rules: Any) -> Decision:
    decision = make_motion(plenary.assembly, make_rules(organization))
    decision.text_en = TEXT
    decision.status = DecisionStatus.ON_AGENDA
    decision.save()
    if rules:
        assert decision.rules is not None
        for name, value in rules.items():
            setattr(decision.rules, name, value)
        decision.rules.save()
    return decision


def _table(decision: Decision, paragraph: int, action: str, text: str = "") -> Decision:
    return services.table_amendment(
        decision=decision,
        paragraph=paragraph,
        action=action,
        text_en=text,
        by=SYSTEM,
    )


def _vote(decision: Decision, plenary: Plenary, chair: Any, *, yes: bool) -> Decision:
    """Put the decision to the vote: every present member votes yes (or no); then close,
    count and publish."""
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.YES_NO_ABSTAIN)
    poll = services.open_poll(poll=poll, by=chair)
    wanted = OptionValue.YES if yes else OptionValue.NO
    option = poll.options.get(value=wanted)
    for member in plenary.members:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[option.pk]
        )
    for step in (services.close_poll, services.count_poll, services.publish_poll):
        poll = step(poll=poll, by=chair)
    decision.refresh_from_db()
    return decision


def test_final_text_applies_adopted_amendments_and_ignores_rejected_ones(
    plenary: Plenary, organization: Organization, chair: Any
) -> None:
    motion = _motion(plenary, organization)
    replace = _table(motion, 1, AmendmentAction.REPLACE, "The Assembly adopts the revised plan.")
    insert = _table(motion, 2, AmendmentAction.INSERT_AFTER, "Cities report on progress.")
    delete = _table(motion, 3, AmendmentAction.DELETE)
    for amendment in amendments_in_voting_order(motion):
        _vote(amendment, plenary, chair, yes=amendment.pk != delete.pk)

    assert final_text(motion, "en") == [
        "The Assembly adopts the revised plan.",
        "The plan runs to 2030.",
        "Cities report on progress.",
        "The secretariat reports yearly.",
    ]
    changes = {c.amendment.pk: c for c in history(motion, "en")}
    assert changes[replace.pk].verdict == Verdict.ADOPTED
    assert changes[replace.pk].counts[OptionValue.YES] == len(plenary.members)
    assert "<ins>revised</ins>" in changes[replace.pk].diff
    assert changes[insert.pk].after.endswith("Cities report on progress.")
    assert changes[delete.pk].verdict == Verdict.REJECTED


def test_final_text_reads_korean_and_falls_back_to_english(
    plenary: Plenary, organization: Organization
) -> None:
    motion = _motion(plenary, organization)
    motion.text_ko = "총회는 계획을 채택한다.\n계획은 2030년까지이다.\n사무국은 매년 보고한다."
    motion.save()

    assert final_text(motion, "ko")[0] == "총회는 계획을 채택한다."
    assert final_text(motion, "en")[0] == "The Assembly adopts the plan."


def test_furthest_from_the_text_is_voted_first_within_a_paragraph(
    plenary: Plenary, organization: Organization
) -> None:
    motion = _motion(plenary, organization, amendment_order=AmendmentOrder.FURTHEST_FIRST)
    small = _table(motion, 1, AmendmentAction.REPLACE, "The Assembly adopts the whole plan.")
    later = _table(motion, 2, AmendmentAction.DELETE)
    large = _table(motion, 1, AmendmentAction.REPLACE, "Nothing is adopted today.")
    gone = _table(motion, 1, AmendmentAction.DELETE)

    assert [a.pk for a in amendments_in_voting_order(motion)] == [
        gone.pk,
        large.pk,
        small.pk,
        later.pk,
    ]


def test_paragraph_order_keeps_the_order_tabled(
    plenary: Plenary, organization: Organization
) -> None:
    motion = _motion(plenary, organization, amendment_order=AmendmentOrder.PARAGRAPH_ORDER)
    second = _table(motion, 2, AmendmentAction.DELETE)
    first = _table(motion, 1, AmendmentAction.REPLACE, "The Assembly adopts the whole plan.")
    also_first = _table(motion, 1, AmendmentAction.DELETE)

    assert [a.pk for a in amendments_in_voting_order(motion)] == [
        first.pk,
        also_first.pk,
        second.pk,
    ]


def test_the_text_s_poll_cannot_open_while_an_amendment_is_undecided(
    plenary: Plenary, organization: Organization, chair: Any
) -> None:
    motion = _motion(plenary, organization)
    amendment = _table(motion, 1, AmendmentAction.REPLACE, "The Assembly adopts a new plan.")
    poll = services.create_poll(decision=motion, by=chair)

    assert PollAction.OPEN not in {t.action for t in services.allowed_actions(poll)}
    with pytest.raises(Conflict, match="Every amendment"):
        services.open_poll(poll=poll, by=chair)

    _vote(amendment, plenary, chair, yes=True)
    opened = services.open_poll(poll=poll, by=chair)
    assert opened.state == "open"


def test_an_amendment_waits_for_those_voted_before_it(
    plenary: Plenary, organization: Organization, chair: Any
) -> None:
    motion = _motion(plenary, organization, amendment_order=AmendmentOrder.PARAGRAPH_ORDER)
    _table(motion, 1, AmendmentAction.DELETE)
    second = _table(motion, 2, AmendmentAction.DELETE)
    poll = services.create_poll(decision=second, by=chair)

    with pytest.raises(Conflict, match="still undecided"):
        services.open_poll(poll=poll, by=chair)


def test_the_console_hides_open_and_says_which_amendments_come_first(
    client: Client, plenary: Plenary, organization: Organization, chair: Any
) -> None:
    motion = _motion(plenary, organization)
    amendment = _table(motion, 1, AmendmentAction.DELETE)
    amendment.title_en = "Strike the first paragraph"
    amendment.save()
    poll = services.create_poll(decision=motion, by=chair)
    client.force_login(chair)

    page = client.get(reverse("governance:poll_console", args=[poll.pk])).content.decode()

    assert reverse("governance:poll_action", args=[poll.pk, "open"]) not in page
    assert "Strike the first paragraph" in page


def test_the_chair_forcing_open_through_the_url_is_refused(
    client: Client, plenary: Plenary, organization: Organization, chair: Any
) -> None:
    motion = _motion(plenary, organization)
    _table(motion, 1, AmendmentAction.DELETE)
    poll = services.create_poll(decision=motion, by=chair)
    client.force_login(chair)

    client.post(reverse("governance:poll_action", args=[poll.pk, "open"]))

    poll.refresh_from_db()
    assert poll.state == "draft"


def test_only_the_secretariat_tables_an_amendment(
    plenary: Plenary, organization: Organization, delegate_a: Any, chair: Any
) -> None:
    motion = _motion(plenary, organization)

    for actor in (delegate_a, chair):
        with pytest.raises(NotAllowed):
            services.table_amendment(
                decision=motion, paragraph=1, action=AmendmentAction.DELETE, by=actor
            )
    assert not motion.amendments.exists()


def test_an_amendment_must_name_a_paragraph_of_the_text_and_bring_words(
    plenary: Plenary, organization: Organization
) -> None:
    motion = _motion(plenary, organization)

    with pytest.raises(Invalid, match="no paragraph 4"):
        _table(motion, 4, AmendmentAction.REPLACE, "Words.")
    with pytest.raises(Invalid, match="new wording"):
        _table(motion, 1, AmendmentAction.REPLACE, "  ")
    assert not motion.amendments.exists()


def test_no_amendment_once_the_text_is_being_voted(
    plenary: Plenary, organization: Organization, chair: Any
) -> None:
    motion = _motion(plenary, organization)
    services.open_poll(poll=services.create_poll(decision=motion, by=chair), by=chair)

    with pytest.raises(Conflict, match="being voted"):
        _table(motion, 1, AmendmentAction.DELETE)


def test_amendments_are_not_listed_as_decisions_of_their_own(
    plenary: Plenary, organization: Organization
) -> None:
    motion = _motion(plenary, organization)
    _table(motion, 1, AmendmentAction.DELETE)

    assert list(agenda_for_public(plenary.assembly.pk)) == [motion]


def test_withdrawing_a_text_withdraws_its_undecided_amendments(
    plenary: Plenary, organization: Organization, chair: Any
) -> None:
    motion = _motion(plenary, organization)
    amendment = _table(motion, 1, AmendmentAction.DELETE)

    services.withdraw_decision(decision=motion, by=SYSTEM, reason="Replaced by another")

    amendment.refresh_from_db()
    assert amendment.status == DecisionStatus.WITHDRAWN
    poll = services.create_poll(decision=motion, by=chair)
    with pytest.raises(Conflict, match="withdrawn"):
        services.open_poll(poll=poll, by=chair)


def test_word_diff_escapes_what_people_typed() -> None:
    diff = word_diff("a <b> c", "a <script> c")

    assert diff == "a <del>&lt;b&gt;</del> <ins>&lt;script&gt;</ins> c"


def test_an_amendment_s_page_names_the_text_and_paragraph_it_amends(
    client: Client, plenary: Plenary, organization: Organization
) -> None:
    motion = _motion(plenary, organization)
    amendment = _table(motion, 2, AmendmentAction.DELETE)

    page = client.get(reverse("governance:decision", args=[amendment.pk])).content.decode()

    assert "Delete paragraph 2" in page
    assert reverse("governance:decision", args=[motion.pk]) in page
