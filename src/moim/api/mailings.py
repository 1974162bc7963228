"""Mailings: the record of an assembly's convocation, for the secretariat."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import django_auth

from moim.api.errors import errors
from moim.api.params import EditionNumber
from moim.assemblies.access import assembly_by_edition
from moim.mailings.records import convocation_record
from moim.mailings.rules import can_view_mailings
from moim.permissions import require

router = Router(tags=["mailings"])


class ConvocationOut(Schema):
    sent: bool = Field(
        description="Whether the convocation has been sent; if not, the rest is null."
    )
    sent_at: dt.datetime | None
    notice_days_required: int | None = Field(description="The notice the rules asked for then.")
    days_before: int | None = Field(description="Days between sending and the Assembly's day.")
    on_time: bool | None
    recipients: int
    delivered: int
    bounced: int
    failed: int
    pending: int


@router.get(
    "/{edition}/convocation",
    response={200: ConvocationOut, **errors(401, 403, 404, 422)},
    auth=django_auth,
    summary="The convocation's record: when, notice, deliveries (secretariat only)",
)
def get_convocation(request: HttpRequest, edition: EditionNumber) -> ConvocationOut:
    require(can_view_mailings, request.user)
    record = convocation_record(assembly_by_edition(edition))
    if record is None:
        return ConvocationOut(
            sent=False,
            sent_at=None,
            notice_days_required=None,
            days_before=None,
            on_time=None,
            recipients=0,
            delivered=0,
            bounced=0,
            failed=0,
            pending=0,
        )
    return ConvocationOut(
        sent=True,
        sent_at=record.sent_at,
        notice_days_required=record.notice_days_required,
        days_before=record.days_before,
        on_time=record.on_time,
        recipients=record.recipients,
        delivered=record.sent,
        bounced=record.bounced,
        failed=record.failed,
        pending=record.pending,
    )
