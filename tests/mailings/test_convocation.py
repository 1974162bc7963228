"""The convocation: one delivery per member contact in its language, the notice judged by the
rules, late only when confirmed, once per assembly, and the record kept for the minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from moim.errors import Conflict, Invalid, NotAllowed
from moim.mailings.enums import DeliveryStatus, MailingKind
from moim.mailings.models import Delivery, Mailing, MessageTemplate
from moim.mailings.recipients import members_without_address
from moim.mailings.records import convocation_record
from moim.mailings.services import mailing_rules, notice_for, send_convocation
from moim.members.models import Organization
from tests.factories import MemberFactory
from tests.mailings.conftest import Convened, convoke, make_assembly


def test_convocation_reaches_each_member_in_its_language(convened: Convened) -> None:
    mailing = convoke(convened.assembly)

    rows = {d.address: d for d in Delivery.objects.filter(mailing=mailing)}
    assert set(rows) == {"wego@seoul.example", "intl@busan.example", "mayor@lima.example"}
    assert rows["wego@seoul.example"].language == "ko"
    assert rows["wego@seoul.example"].body.startswith("서울 귀하")
    assert "제5차 총회" in rows["intl@busan.example"].subject
    assert rows["mayor@lima.example"].language == "en"
    assert rows["mayor@lima.example"].body.startswith("Dear Lima,")
    assert {d.status for d in rows.values()} == {DeliveryStatus.PENDING}


def test_convocation_lists_the_agenda_and_documents(convened: Convened) -> None:
    from moim.assemblies.enums import MaterialKind
    from moim.governance.enums import DecisionKind
    from moim.governance.models import Decision

    Decision.objects.create(
        assembly=convened.assembly, kind=DecisionKind.MOTION, title_en="Adopt the 2030 Plan"
    )
    convened.assembly.materials.create(
        kind=MaterialKind.DOCUMENT, title_en="Draft Statute", url="https://wego.example/statute"
    )

    mailing = convoke(convened.assembly)

    body = Delivery.objects.get(mailing=mailing, address="mayor@lima.example").body
    assert "1. Adopt the 2030 Plan" in body
    assert "- Draft Statute: https://wego.example/statute" in body


def test_on_time_convocation_is_recorded_with_its_notice(convened: Convened) -> None:
    convoke(convened.assembly)

    record = convocation_record(convened.assembly)

    assert record is not None
    assert (record.notice_days_required, record.days_before, record.on_time) == (30, 40, True)
    assert (record.recipients, record.pending, record.sent) == (3, 3, 0)


def test_late_convocation_is_refused_without_confirmation(
    organization: Organization, convened: Convened
) -> None:
    late = make_assembly(organization, days_ahead=10, edition=6)

    with pytest.raises(Conflict, match="10 days before the Assembly; the rules ask for 30"):
        convoke(late)

    assert not Mailing.objects.filter(assembly=late).exists()
    assert not Delivery.objects.exists()


def test_late_convocation_sent_when_confirmed_is_recorded_late(
    organization: Organization, convened: Convened
) -> None:
    late = make_assembly(organization, days_ahead=10, edition=6)

    mailing = convoke(late, confirm_late=True)

    assert mailing.late_confirmed is True
    record = convocation_record(late)
    assert record is not None
    assert (record.days_before, record.on_time) == (10, False)


def test_notice_follows_the_organization_s_rules(convened: Convened) -> None:
    rules = mailing_rules(convened.assembly.organization)
    rules.notice_days = 45
    rules.save()

    assert notice_for(convened.assembly).late is True
    with pytest.raises(Conflict):
        convoke(convened.assembly)


def test_a_second_convocation_is_refused(convened: Convened) -> None:
    convoke(convened.assembly)

    with pytest.raises(Conflict, match="already sent"):
        convoke(convened.assembly)

    assert Mailing.objects.filter(kind=MailingKind.CONVOCATION).count() == 1


def test_convocation_needs_the_secretariat(convened: Convened, delegate_a: object) -> None:
    with pytest.raises(NotAllowed):
        send_convocation(assembly=convened.assembly, by=delegate_a)

    assert not Mailing.objects.exists()


def test_members_without_address_are_named_and_left_out(
    organization: Organization, convened: Convened
) -> None:
    quiet = MemberFactory(organization=organization, slug="quiet", name_en="Quiet Town")

    mailing = convoke(convened.assembly)

    assert members_without_address(convened.assembly) == [quiet]
    assert mailing.deliveries.count() == 3


def test_another_organization_s_template_is_refused(
    convened: Convened, other_organization: Organization
) -> None:
    foreign = MessageTemplate.objects.create(
        organization=other_organization,
        key="convocation",
        name_en="Theirs",
        subject_en="x",
        subject_ko="x",
        body_en="x",
        body_ko="x",
    )

    with pytest.raises(Invalid, match="this organization's templates"):
        convoke(convened.assembly, template=foreign)


def test_template_text_cannot_reach_beyond_its_placeholders(convened: Convened) -> None:
    template = MessageTemplate.objects.create(
        organization=convened.assembly.organization,
        key="probe",
        name_en="Probe",
        subject_en="Hello {member}\nBcc: victim@example.org",
        subject_ko="x",
        body_en="{member.__class__} {{ settings.SECRET_KEY }} {url}",
        body_ko="x",
    )

    mailing = convoke(convened.assembly, template=template)

    lima = Delivery.objects.get(mailing=mailing, address="mayor@lima.example")
    assert lima.subject == "Hello Lima Bcc: victim@example.org"
    assert lima.body.startswith("{member.__class__} {{ settings.SECRET_KEY }} http")


def test_record_is_none_before_the_convocation(convened: Convened) -> None:
    assert convocation_record(convened.assembly) is None


def test_days_before_count_in_the_venue_s_calendar(convened: Convened) -> None:
    assembly = convened.assembly
    at = assembly.starts_at - dt.timedelta(days=30)

    assert notice_for(assembly, at).days_before == 30
    assert notice_for(assembly, at + dt.timedelta(days=1)).late is True
    assert timezone.is_aware(at)
