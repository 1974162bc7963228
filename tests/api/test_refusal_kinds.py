"""Each kind of refusal answers with one status and code, whichever router called the service;
the document declares them, and the words are in the reader's language."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import translation

from moim.awards import judging
from moim.awards.models import Round, Sheet
from moim.governance.models import Poll, VoteRecord
from tests.api.world import World, build_world
from tests.worlds import once_per_module

world = once_per_module(build_world)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _close_the_scoring_round(world: World) -> None:
    round_ = Round.objects.get(edition__number=world.award_edition)
    judging.close_round(round_=round_, by=world.users["secretariat"])


def _score(world: World, sheet: dict[str, Any], **headers: Any) -> Any:
    busan = world.entries[0]
    return logged_in(world.users["juror"]).post(
        f"/api/awards/{world.award_edition}/jury/entries/{busan}/scores",
        sheet,
        content_type="application/json",
        **headers,
    )


def test_a_record_whose_state_forbids_the_act_answers_409_on_every_router(
    world: World, db: None
) -> None:
    desk = logged_in(world.users["secretariat"])
    check_in = f"/api/assemblies/{world.edition}/registrations/{world.check_in_code}/check-in"
    desk.post(check_in)
    _close_the_scoring_round(world)

    answers = {
        "assemblies": desk.post(check_in),
        "governance": logged_in(world.users["chair"]).post(
            f"/api/governance/polls/{world.draft_poll.pk}/close"
        ),
        "awards": _score(world, {"scores": {"impact": 9, "design": 3}, "submit": True}),
    }

    assert {name: (a.status_code, a.json()["code"]) for name, a in answers.items()} == {
        "assemblies": (409, "conflict"),
        "governance": (409, "conflict"),
        "awards": (409, "conflict"),
    }
    assert answers["awards"].json()["detail"] == "Scoring is not open in this round."
    assert Poll.objects.get(pk=world.draft_poll.pk).state == "draft"
    assert Sheet.objects.filter(entry_id=world.entries[0]).count() == 0


def test_content_the_rules_refuse_answers_400_on_every_router(world: World, db: None) -> None:
    guest = {
        "full_name": "Clara Brugada",
        "email": "clara@example.org",
        "role": "partner",
        "attendance_mode": "online",
    }
    open_poll = world.open_poll
    missing_option = max(Poll.objects.values_list("options__pk", flat=True)) + 1

    answers = {
        "assemblies": Client().post(
            f"/api/assemblies/{world.edition}/registrations", guest, content_type="application/json"
        ),
        "governance": logged_in(world.users["chair"]).post(
            f"/api/governance/decisions/{world.election}/polls",
            {"secret": True},
            content_type="application/json",
        ),
        "ballot": logged_in(world.users["delegate"]).post(
            f"/api/governance/polls/{open_poll.pk}/ballots",
            {"member": world.member_slugs[0], "choices": [missing_option]},
            content_type="application/json",
        ),
        "awards": _score(world, {"scores": {"impact": 12}}),
    }

    assert {name: (a.status_code, a.json()["code"]) for name, a in answers.items()} == {
        "assemblies": (400, "refused"),
        "governance": (400, "refused"),
        "ballot": (400, "refused"),
        "awards": (400, "refused"),
    }
    assert "must name the country" in answers["assemblies"].json()["detail"]
    assert "say the vote is named" in answers["governance"].json()["detail"]
    assert answers["ballot"].json()["detail"] == f"Option {missing_option} does not exist."
    assert "outside the scale" in answers["awards"].json()["detail"]
    assert not Poll.objects.filter(decision_id=world.election).exists()
    assert VoteRecord.objects.filter(poll=open_poll).count() == 0


def test_a_second_ballot_for_a_member_is_a_conflict_not_a_bad_ballot(
    world: World, db: None
) -> None:
    poll = world.open_poll
    ballot = {"member": world.member_slugs[0], "choices": [poll.options.get(position=1).pk]}
    delegate = logged_in(world.users["delegate"])
    path = f"/api/governance/polls/{poll.pk}/ballots"

    first = delegate.post(path, ballot, content_type="application/json")
    second = delegate.post(path, ballot, content_type="application/json")

    assert first.status_code == 201
    assert (second.status_code, second.json()["code"]) == (409, "conflict")
    assert VoteRecord.objects.filter(poll=poll).count() == 1


def test_every_operation_that_changes_something_declares_both_refusals(
    client: Client, db: None
) -> None:
    document = client.get("/api/openapi.json").json()

    undeclared = {
        f"{method.upper()} {path}": sorted({"400", "409"} - set(operation["responses"]))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    }

    assert undeclared
    assert {label: missing for label, missing in undeclared.items() if missing} == {}


def test_a_service_refusal_is_in_the_readers_language(world: World, db: None) -> None:
    _close_the_scoring_round(world)
    with translation.override("ko"):
        korean = translation.gettext("Scoring is not open in this round.")
    sheet = {"scores": {"impact": 9, "design": 3}}

    in_korean = _score(world, sheet, HTTP_ACCEPT_LANGUAGE="ko").json()
    in_english = _score(world, sheet, HTTP_ACCEPT_LANGUAGE="en").json()

    assert korean != "Scoring is not open in this round."
    assert in_korean == {"status": 409, "code": "conflict", "detail": korean, "errors": []}
    assert in_english["detail"] == "Scoring is not open in this round."
