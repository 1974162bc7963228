"""The awards API: a conflicted juror gets 404 on the entry and cannot post scores."""

from __future__ import annotations

from typing import Any

from django.test import Client

from moim.awards.models import Sheet

BASE = "/api/awards/4/jury/entries"


def test_a_conflicted_juror_gets_404_from_the_api(
    client: Client, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    response = client.get(f"{BASE}/{scoring_round['seoul'].pk}")
    assert response.status_code == 404
    assert "Seoul secret project" not in response.content.decode()
    listed = client.get(BASE).json()
    assert [e["title"] for e in listed] == ["Busan bus"]
    assert client.get(f"{BASE}/{scoring_round['busan'].pk}").json()["title"] == "Busan bus"


def test_a_conflicted_juror_cannot_post_scores_through_the_api(
    client: Client, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    response = client.post(
        f"{BASE}/{scoring_round['seoul'].pk}/scores",
        {"scores": {"impact": 10, "design": 10}, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Sheet.objects.filter(entry=scoring_round["seoul"]).count() == 0


def test_a_juror_scores_through_the_api(
    client: Client, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    url = f"{BASE}/{scoring_round['busan'].pk}/scores"
    refused = client.post(
        url, {"scores": {"impact": 12, "design": 3}}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "outside the scale 1–10" in refused.json()["detail"]
    saved = client.post(
        url, {"scores": {"impact": 9, "design": 3}, "submit": True}, content_type="application/json"
    ).json()
    assert saved == {
        "entry": scoring_round["busan"].pk,
        "scores": {"impact": 9, "design": 3},
        "submitted": True,
    }


def test_the_api_refuses_anonymous_jurors(client: Client, scoring_round: dict[str, Any]) -> None:
    response = client.get(f"{BASE}/{scoring_round['busan'].pk}")
    assert response.status_code == 401
    assert "Busan bus" not in response.content.decode()


def test_the_edition_figures_are_public(client: Client, scoring_round: dict[str, Any]) -> None:
    data = client.get("/api/awards/4").json()
    assert (data["entries"], data["countries"], data["winners"]) == (2, 1, 0)
    assert [c["slug"] for c in data["categories"]] == ["mobility", "safe-city"]


def test_the_awards_routes_are_in_the_openapi_document(client: Client, db: None) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/awards/{number}/jury/entries/{entry_id}/scores" in paths
    assert "/api/awards/{number}/winners" in paths
