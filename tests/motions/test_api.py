"""The motions API: a delegate submits, supports and amends for its own member only."""

from __future__ import annotations

from typing import Any, cast

from django.test import Client

from moim.assemblies.models import Assembly
from moim.members.models import Member
from moim.motions.models import Motion, Support
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory
from tests.motions.conftest import TEXT, submit

BODY = {"title_en": "Data network", "text_en": TEXT, "reason": "Share."}


def test_a_delegate_submits_for_its_member_and_not_for_another(
    client: Client, assembly: Assembly, city_a: Member, city_b: Member, delegate_a: Any
) -> None:
    client.force_login(delegate_a)

    refused = client.post(
        "/api/motions/assemblies/5", {**BODY, "member": "mexico-city"}, "application/json"
    )
    made = client.post("/api/motions/assemblies/5", {**BODY, "member": "seoul"}, "application/json")

    assert refused.json()["code"] == "forbidden"
    assert made.json()["mover"] == "seoul"
    assert list(Motion.objects.values_list("mover__slug", flat=True)) == ["seoul"]


def test_support_and_amend_through_the_api(
    client: Client,
    assembly: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    delegate_b: Any,
) -> None:
    motion = submit(assembly, city_a, delegate_a)
    client.force_login(delegate_b)

    supported = client.post(
        f"/api/motions/{motion.pk}/supports", {"member": "mexico-city"}, "application/json"
    )
    again = client.post(
        f"/api/motions/{motion.pk}/supports", {"member": "mexico-city"}, "application/json"
    )

    assert supported.json()["supporters"] == ["mexico-city"]
    assert again.json()["code"] == "conflict"
    assert Support.objects.count() == 1


def test_the_list_and_detail_are_public_and_scoped_to_the_organization(
    client: Client, assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    motion = submit(assembly, city_a, delegate_a)
    other = cast(
        Assembly, AssemblyFactory(organization=OrganizationFactory(slug="other"), edition=6)
    )
    stranger = Motion.objects.create(
        assembly_id=other.pk, mover=city_a, title_en="Elsewhere", reason="x", state=motion.state
    )

    listed = client.get("/api/motions/assemblies/5").json()
    assert [m["title_en"] for m in listed] == ["Data network"]
    assert client.get(f"/api/motions/{motion.pk}").json()["text_en"] == TEXT
    assert client.get(f"/api/motions/{stranger.pk}").status_code == 404
