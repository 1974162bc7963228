"""The WeGO 2021 demo's convocation: 18 September 2021, on time, two bounced."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from moim.assemblies import demo as assemblies_demo
from moim.assemblies.models import Assembly
from moim.mailings import demo as mailings_demo
from moim.mailings.models import Mailing
from moim.mailings.records import convocation_record
from moim.members import demo as members_demo


def test_demo_convocation_is_on_time_with_two_bounces(db: None) -> None:
    organization = members_demo.load()
    assemblies_demo.load(organization)

    mailings_demo.load(organization)
    mailings_demo.load(organization)

    assembly = Assembly.objects.get(organization=organization, edition=5)
    record = convocation_record(assembly)
    assert record is not None
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    assert record.sent_at.astimezone(seoul).date() == dt.date(2021, 9, 18)
    assert (record.days_before, record.notice_days_required, record.on_time) == (30, 30, True)
    assert (record.bounced, record.failed, record.pending) == (2, 0, 0)
    assert record.sent == record.recipients - 2
    assert record.recipients == organization.members.filter(status="active").count()
    assert Mailing.objects.count() == 1
