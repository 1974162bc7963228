"""Every refusal of the API has one body, declared in the document, in the reader's language;
bad input is refused by the schema before any query or service runs, and loses nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import translation

from moim.api.params import MAX_ID
from moim.assemblies.models import Assembly, Registration
from moim.governance import services
from moim.governance.models import Poll, VoteRecord
from moim.members.models import Organization
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules

ERROR_KEYS = {"status", "code", "detail", "errors"}


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_document_declares_the_error_body_for_every_error_response(
    client: Client, db: None
) -> None:
    document = client.get("/api/openapi.json").json()
    error_ref = "#/components/schemas/ErrorOut"

    declared: dict[str, set[str]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            declared[label] = set(operation["responses"])
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    continue
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": error_ref}, (label, status)
            if operation.get("security"):
                assert {"401", "403"} <= declared[label], label

    assert all("422" in statuses for statuses in declared.values())
    assert set(document["components"]["schemas"]["ErrorOut"]["properties"]) == ERROR_KEYS
    assert declared["POST /api/governance/polls/{poll_id}/ballots"] == {
        "201",
        "400",
        "401",
        "403",
        "404",
        "409",
        "422",
    }


def test_an_id_too_large_for_the_database_is_refused_before_any_query(
    client: Client, db: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(0):
        response = client.get(f"/api/governance/polls/{2**63}")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == [
        {"field": "path.poll_id", "detail": f"Must be at most {MAX_ID}."}
    ]


def test_a_body_that_is_not_json_is_refused_with_the_field(
    client: Client, assembly: Assembly
) -> None:
    response = client.post(
        "/api/assemblies/5/registrations", b"\x00", content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "detail": "The body is not valid JSON."}]
    assert Registration.objects.count() == 0


def test_a_registration_field_too_long_is_refused_and_nothing_is_stored(
    client: Client, assembly: Assembly
) -> None:
    response = client.post(
        "/api/assemblies/5/registrations",
        {
            "full_name": "A" * 201,
            "email": "a@example.org",
            "role": "partner",
            "attendance_mode": "online",
            "country": "FR",
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.full_name", "detail": "At most 200 characters."}
    ]
    assert Registration.objects.count() == 0


def _open_motion(organization: Organization, chair: Any) -> tuple[Plenary, Poll]:
    plenary = build_plenary(organization, 3)
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0"))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def test_a_ballot_naming_an_option_id_beyond_any_record_is_refused_and_nothing_is_cast(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = _open_motion(organization, chair)
    delegate = logged_in(plenary.users[0])

    response = delegate.post(
        f"/api/governance/polls/{poll.pk}/ballots",
        {"member": plenary.members[0].slug, "choices": [2**63]},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.choices.0"
    assert VoteRecord.objects.filter(poll=poll).count() == 0


def test_a_paper_note_too_long_is_refused_not_cut(organization: Organization, chair: Any) -> None:
    _plenary, poll = _open_motion(organization, chair)
    poll = services.close_poll(poll=poll, by=chair)

    response = logged_in(chair).post(
        f"/api/governance/polls/{poll.pk}/analog",
        {"method": "acclamation", "note": "n" * 301},
        content_type="application/json",
    )

    poll.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.note", "detail": "At most 300 characters."}
    ]
    assert poll.result in (None, {})


def test_an_unknown_poll_action_is_refused_by_the_schema(
    organization: Organization, chair: Any
) -> None:
    _plenary, poll = _open_motion(organization, chair)

    response = logged_in(chair).post(f"/api/governance/polls/{poll.pk}/reopen")

    poll.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.action"
    assert poll.state == "open"


def test_refusals_are_in_the_readers_language(
    organization: Organization, chair: Any, delegate_a: Any
) -> None:
    _plenary, poll = _open_motion(organization, chair)
    client = logged_in(delegate_a)
    with translation.override("ko"):
        korean = translation.gettext("You may not do this.")

    english = client.post(f"/api/governance/polls/{poll.pk}/close").json()
    in_korean = client.post(
        f"/api/governance/polls/{poll.pk}/close", HTTP_ACCEPT_LANGUAGE="ko"
    ).json()

    assert korean != "You may not do this."
    assert english == {
        "status": 403,
        "code": "forbidden",
        "detail": "You may not do this.",
        "errors": [],
    }
    assert in_korean["detail"] == korean
    assert Poll.objects.get(pk=poll.pk).state == "open"


def test_anonymous_and_hidden_records_get_the_same_not_found(
    client: Client, organization: Organization, chair: Any
) -> None:
    _plenary, poll = _open_motion(organization, chair)

    unpublished = client.get(f"/api/governance/polls/{poll.pk}/ballots")
    missing = client.get(f"/api/governance/polls/{poll.pk + 1000}/ballots")

    assert unpublished.json() == missing.json()
    assert missing.json()["code"] == "not_found"


def test_an_unknown_address_under_the_api_gets_the_api_404(client: Client, db: None) -> None:
    response = client.get("/api/governance/nowhere/at/all")

    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "Nothing was found here.",
        "errors": [],
    }
    assert client.get("/api/openapi.json").json()["paths"]
    assert "/api/{rest}" not in client.get("/api/openapi.json").json()["paths"]


def test_the_agenda_is_the_served_organizations_when_another_has_the_same_edition(
    client: Client, assembly: Assembly
) -> None:
    other = OrganizationFactory(slug="uclg", name_en="UCLG", acronym="UCLG")
    AssemblyFactory(organization=other, edition=5)
    decision = make_motion(assembly, make_rules(assembly.organization), "Ours")
    decision.status = "on_agenda"
    decision.save()

    response = client.get("/api/governance/assemblies/5/decisions")

    assert [d["title_en"] for d in response.json()] == ["Ours"]
