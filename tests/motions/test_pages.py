"""The motion pages walked as their users would: a delegate submits, another member supports,
the secretariat admits; a delegate tables an amendment to a paragraph; access is checked."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moim.assemblies.models import Assembly
from moim.members.models import Member
from moim.motions import services
from moim.motions.enums import StateMeaning
from moim.motions.models import Motion
from tests.motions.conftest import TEXT, submit


def test_a_motion_from_submission_to_the_agenda_through_the_pages(
    client: Client,
    assembly: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    delegate_b: Any,
    secretariat: Any,
) -> None:
    client.force_login(delegate_a)
    response = client.post(
        reverse("motions:new", args=[5]),
        {"member": city_a.pk, "title_en": "Data network", "text_en": TEXT, "reason": "Share."},
    )
    motion = Motion.objects.get()
    assert response["Location"] == reverse("motions:detail", args=[5, motion.pk])

    client.force_login(delegate_b)
    client.post(reverse("motions:action", args=[5, motion.pk, "support"]))
    client.force_login(secretariat)
    client.post(reverse("motions:action", args=[5, motion.pk, "admit"]))

    motion.refresh_from_db()
    assert motion.state.meaning == StateMeaning.ADMITTED
    page = client.get(reverse("motions:detail", args=[5, motion.pk])).content.decode()
    assert "Mexico City" in page
    assert "Admitted" in page
    assert "The secretariat reports next year." in page


def test_a_refused_form_keeps_what_was_typed(
    client: Client, assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    client.force_login(delegate_a)

    page = client.post(
        reverse("motions:new", args=[5]),
        {"member": city_a.pk, "title_en": "", "text_en": "Kept words", "reason": "Why"},
    ).content.decode()

    assert "Give the motion a title" in page
    assert "Kept words" in page
    assert not Motion.objects.exists()


def test_the_page_offers_only_the_delegate_s_own_member(
    client: Client, assembly: Assembly, city_a: Member, city_b: Member, delegate_a: Any
) -> None:
    client.force_login(delegate_a)

    client.post(
        reverse("motions:new", args=[5]),
        {"member": city_b.pk, "title_en": "T", "text_en": "Text", "reason": "Why"},
    )

    assert not Motion.objects.exists()


def test_a_delegate_cannot_admit_through_the_page(
    client: Client, assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    motion = submit(assembly, city_a, delegate_a)
    client.force_login(delegate_a)

    response = client.post(reverse("motions:action", args=[5, motion.pk, "admit"]))

    assert response.status_code == 403
    motion.refresh_from_db()
    assert motion.state.meaning == StateMeaning.SUBMITTED


def test_a_visitor_gets_404_and_a_juror_403_on_the_new_motion_page(
    client: Client, assembly: Assembly, juror: Any
) -> None:
    assert client.get(reverse("motions:new", args=[5])).status_code == 404
    client.force_login(juror)
    assert client.get(reverse("motions:new", args=[5])).status_code == 403


def test_a_delegate_tables_an_amendment_to_a_paragraph_through_the_page(
    client: Client,
    assembly: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    delegate_b: Any,
    secretariat: Any,
) -> None:
    motion = submit(assembly, city_a, delegate_a)
    services.support_motion(motion=motion, member=city_b, by=delegate_b)
    services.admit_motion(motion=motion, by=secretariat)
    motion.refresh_from_db()
    assert motion.decision is not None
    client.force_login(delegate_b)

    client.post(
        reverse("motions:amend", args=[5, motion.decision.pk, 2]),
        {"action": "replace", "text_en": "The secretariat reports every year.", "reason": "Often"},
    )
    amendment = Motion.objects.get(amends=motion.decision)
    client.force_login(secretariat)
    client.post(reverse("motions:action", args=[5, amendment.pk, "admit"]))

    page = client.get(reverse("motions:text", args=[5, motion.decision.pk])).content.decode()
    assert "<del>next</del> <ins>every</ins> year." in page
    assert "To be voted" in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_the_list_reads_as_many_queries_for_one_motion_as_for_three(
    client: Client, assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    url = reverse("motions:list", args=[5])
    submit(assembly, city_a, delegate_a)
    one = _queries(client, url)
    submit(assembly, city_a, delegate_a)
    submit(assembly, city_a, delegate_a)

    assert _queries(client, url) == one
    assert client.get(url).content.decode().count("Data network") == 3


def test_the_back_office_admits_through_the_service(
    client: Client,
    assembly: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    delegate_b: Any,
    secretariat: Any,
) -> None:
    waiting = submit(assembly, city_a, delegate_a, title_en="Unsupported")
    supported = submit(assembly, city_a, delegate_a)
    services.support_motion(motion=supported, member=city_b, by=delegate_b)
    client.force_login(secretariat)

    client.post(
        reverse("admin:motions_motion_changelist"),
        {"action": "admit", "_selected_action": [waiting.pk, supported.pk]},
    )

    states = dict(Motion.objects.values_list("title_en", "state__meaning"))
    assert states == {"Unsupported": StateMeaning.SUBMITTED, "Data network": StateMeaning.ADMITTED}
    assert Motion.objects.get(pk=supported.pk).decision is not None
