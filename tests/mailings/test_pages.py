"""The secretariat's pages: who may open them, the late warning and its confirmation, writing to
a group, the delivery list with its filter, and retrying the failed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from moim.assemblies.enums import RegistrationStatus
from moim.mailings.enums import Audience, DeliveryStatus, MailingKind
from moim.mailings.models import Delivery, Mailing, MessageTemplate
from moim.mailings.sending import send_pending
from moim.mailings.services import default_templates
from moim.members.models import Organization
from tests.assemblies.factories import RegistrationFactory
from tests.mailings.conftest import Convened, convoke, logged_in, make_assembly


def _pages(edition: int, pk: int) -> list[str]:
    return [
        reverse("mailings:overview", args=[edition]),
        reverse("mailings:convocation", args=[edition]),
        reverse("mailings:compose", args=[edition]),
        reverse("mailings:mailing", args=[edition, pk]),
    ]


def test_visitors_get_404_and_others_403_on_every_page(
    convened: Convened, delegate_a: Any, chair: Any, juror: Any
) -> None:
    mailing = convoke(convened.assembly)
    for url in _pages(5, mailing.pk):
        assert Client().get(url).status_code == 404, url
        for user in (delegate_a, chair, juror):
            response = logged_in(user).get(url)
            assert response.status_code == 403, (url, user)
            assert b"wego@seoul.example" not in response.content


def test_a_delegate_cannot_send_the_convocation_or_a_message(
    convened: Convened, delegate_a: Any
) -> None:
    client = logged_in(delegate_a)
    template = default_templates(convened.assembly.organization)["reminder"]

    client.post(reverse("mailings:convocation", args=[5]), {"confirm_late": "on"})
    client.post(
        reverse("mailings:compose", args=[5]),
        {"audience": Audience.MEMBERS, "template": template.pk},
    )

    assert not Mailing.objects.exists()


def test_a_delegate_cannot_retry_deliveries(convened: Convened, delegate_a: Any) -> None:
    mailing = convoke(convened.assembly)
    Delivery.objects.filter(mailing=mailing).update(status=DeliveryStatus.FAILED)

    response = logged_in(delegate_a).post(reverse("mailings:retry", args=[5, mailing.pk]))

    assert response.status_code == 403
    assert set(mailing.deliveries.values_list("status", flat=True)) == {DeliveryStatus.FAILED}


def test_overview_shows_the_convocation_line_and_progress(
    convened: Convened, secretariat: Any
) -> None:
    mailing = convoke(convened.assembly)
    send_pending(batch=2)

    page = logged_in(secretariat).get(reverse("mailings:overview", args=[5])).content.decode()

    assert "(40 days before), 2 delivered, 0 bounced, 1 still sending." in page
    assert "2 of 3 sent, 0 bounced, 0 failed, 1 waiting" in page
    assert reverse("mailings:mailing", args=[5, mailing.pk]) in page


def test_convocation_page_previews_both_languages(convened: Convened, secretariat: Any) -> None:
    page = logged_in(secretariat).get(reverse("mailings:convocation", args=[5])).content.decode()

    assert "It goes to 3 addresses" in page
    assert "Preview in Korean" in page
    assert "Preview in English" in page
    assert "Dear Lima," in page
    assert "would be late" not in page


def test_late_convocation_warns_and_needs_the_confirmation(
    organization: Organization, convened: Convened, secretariat: Any
) -> None:
    make_assembly(organization, days_ahead=7, edition=9)
    client = logged_in(secretariat)
    url = reverse("mailings:convocation", args=[9])

    warned = client.get(url).content.decode()
    refused = client.post(url, {})

    assert "The convocation would be late." in warned
    assert "7 days before the Assembly" in warned
    assert refused.status_code == 400
    assert "Confirm to send it late." in refused.content.decode()
    assert not Mailing.objects.exists()

    sent = client.post(url, {"confirm_late": "on"})

    assert sent.status_code == 302
    mailing = Mailing.objects.get(kind=MailingKind.CONVOCATION)
    assert (mailing.late_confirmed, mailing.days_before, mailing.deliveries.count()) == (
        True,
        7,
        3,
    )


def test_a_second_convocation_is_refused_on_the_page(convened: Convened, secretariat: Any) -> None:
    convoke(convened.assembly)

    page = logged_in(secretariat).get(reverse("mailings:convocation", args=[5]))

    assert "Convocation sent on" in page.content.decode()
    assert "Send the convocation" not in page.content.decode()


def test_compose_sends_a_reminder_to_the_registered(convened: Convened, secretariat: Any) -> None:
    RegistrationFactory(
        assembly=convened.assembly,
        email="ana@example.org",
        full_name="Ana",
        language="ko",
        status=RegistrationStatus.CONFIRMED,
    )
    RegistrationFactory(
        assembly=convened.assembly,
        email="ben@example.org",
        full_name="Ben",
        status=RegistrationStatus.CANCELLED,
    )
    template = default_templates(convened.assembly.organization)["reminder"]

    response = logged_in(secretariat).post(
        reverse("mailings:compose", args=[5]),
        {"audience": Audience.REGISTERED, "template": template.pk},
    )

    mailing = Mailing.objects.get(kind=MailingKind.MESSAGE)
    assert response["Location"] == reverse("mailings:mailing", args=[5, mailing.pk])
    ana = mailing.deliveries.get()
    assert (ana.address, ana.language) == ("ana@example.org", "ko")
    assert ana.body.startswith("Ana 님께")


def test_compose_to_an_empty_group_keeps_the_choice_and_says_why(
    convened: Convened, secretariat: Any
) -> None:
    template = default_templates(convened.assembly.organization)["reminder"]

    response = logged_in(secretariat).post(
        reverse("mailings:compose", args=[5]),
        {"audience": Audience.CHECKED_IN, "template": template.pk},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Nobody with an e-mail address is in this group now." in page
    assert f'value="{Audience.CHECKED_IN}" selected' in page
    assert not Mailing.objects.exists()


def test_compose_refuses_another_organization_s_template(
    convened: Convened, secretariat: Any, other_organization: Organization
) -> None:
    foreign = MessageTemplate.objects.create(
        organization=other_organization,
        key="r",
        name_en="Theirs",
        subject_en="x",
        subject_ko="x",
        body_en="x",
        body_ko="x",
    )

    response = logged_in(secretariat).post(
        reverse("mailings:compose", args=[5]),
        {"audience": Audience.MEMBERS, "template": foreign.pk},
    )

    assert response.status_code == 400
    assert not Mailing.objects.exists()


def test_compose_counts_the_group_for_htmx(convened: Convened, secretariat: Any) -> None:
    response = logged_in(secretariat).get(
        reverse("mailings:compose", args=[5]),
        {"audience": Audience.MEMBERS},
        HTTP_HX_REQUEST="true",
    )

    assert response.content.decode().strip().startswith('<span id="audience-count"')
    assert "3 recipients now" in response.content.decode()


def test_mailing_page_filters_deliveries_by_status(convened: Convened, secretariat: Any) -> None:
    mailing = convoke(convened.assembly)
    Delivery.objects.filter(address="intl@busan.example").update(status=DeliveryStatus.BOUNCED)
    client = logged_in(secretariat)
    url = reverse("mailings:mailing", args=[5, mailing.pk])

    everything = client.get(url).content.decode()
    bounced = client.get(url, {"status": "bounced"}).content.decode()

    assert "mayor@lima.example" in everything
    assert "intl@busan.example" in everything
    assert "intl@busan.example" in bounced
    assert "mayor@lima.example" not in bounced


def test_retry_page_queues_the_failed_again(convened: Convened, secretariat: Any) -> None:
    mailing = convoke(convened.assembly)
    Delivery.objects.filter(address="mayor@lima.example").update(
        status=DeliveryStatus.FAILED, attempts=3
    )

    logged_in(secretariat).post(reverse("mailings:retry", args=[5, mailing.pk]))

    lima = Delivery.objects.get(address="mayor@lima.example")
    assert (lima.status, lima.attempts) == (DeliveryStatus.PENDING, 0)


def test_a_mailing_of_another_assembly_answers_404(
    organization: Organization, convened: Convened, secretariat: Any
) -> None:
    mailing = convoke(convened.assembly)
    make_assembly(organization, edition=6)

    response = logged_in(secretariat).get(reverse("mailings:mailing", args=[6, mailing.pk]))

    assert response.status_code == 404


def test_another_organization_s_assembly_answers_404(
    convened: Convened, secretariat: Any, other_organization: Organization
) -> None:
    make_assembly(other_organization, edition=8)

    response = logged_in(secretariat).get(reverse("mailings:overview", args=[8]))

    assert response.status_code == 404


def _mailings(convened: Convened, count: int) -> Mailing:
    template = default_templates(convened.assembly.organization)["reminder"]
    made = convoke(convened.assembly)
    for _n in range(count - 1):
        made = Mailing.objects.create(
            assembly=convened.assembly,
            kind=MailingKind.MESSAGE,
            audience=Audience.MEMBERS,
            template=template,
            subject_en="Reminder",
        )
        Delivery.objects.create(
            mailing=made, name="A", address="a@example.org", subject="s", body="b"
        )
    return made


@pytest.mark.parametrize("count", [1, 3])
def test_overview_query_count(
    convened: Convened, secretariat: Any, count: int, django_assert_num_queries: Any
) -> None:
    _mailings(convened, count)
    client = logged_in(secretariat)
    client.get(reverse("mailings:overview", args=[5]))

    # Session, user with its roles, second factor; assembly, rules, the convocation line twice
    # (record, tag), the list of mailings with their counts: the same at one and three mailings.
    with django_assert_num_queries(11):
        client.get(reverse("mailings:overview", args=[5]))


@pytest.mark.parametrize("count", [1, 3])
def test_mailing_page_query_count(
    convened: Convened, secretariat: Any, count: int, django_assert_num_queries: Any
) -> None:
    mailing = convoke(convened.assembly)
    Delivery.objects.filter(mailing=mailing).exclude(
        pk__in=mailing.deliveries.order_by("pk").values("pk")[:count]
    ).delete()
    assert mailing.deliveries.count() == count
    client = logged_in(secretariat)
    url = reverse("mailings:mailing", args=[5, mailing.pk])
    client.get(url)

    with django_assert_num_queries(9):
        client.get(url)
