"""The minutes of the sitting: the published minutes for anyone; approval and publication for
those the minutes' rules allow (the same services as the minutes page)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.security import django_auth

from moim.api.errors import REFUSALS, errors
from moim.api.params import EditionNumber
from moim.assemblies.access import assembly_by_edition
from moim.minutes import services
from moim.minutes.models import Minutes
from moim.minutes.rules import can_approve_minutes, can_publish_minutes
from moim.permissions import require

router = Router(tags=["minutes"])


class SectionOut(Schema):
    key: str
    title: str
    text_en: str
    text_ko: str


class MinutesOut(Schema):
    edition: int
    stage: str
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    sections: list[SectionOut]


def _out(minutes: Minutes) -> MinutesOut:
    return MinutesOut(
        edition=minutes.assembly.edition,
        stage=minutes.stage.value,
        approved_at=minutes.approved_at,
        published_at=minutes.published_at,
        sections=[
            SectionOut(
                key=s.key, title=str(s.get_key_display()), text_en=s.text_en, text_ko=s.text_ko
            )
            for s in minutes.sections.all()
        ],
    )


def _minutes(edition: int) -> Minutes:
    return get_object_or_404(
        Minutes.objects.select_related("assembly"), assembly=assembly_by_edition(edition)
    )


@router.get(
    "/{edition}",
    response={200: MinutesOut, **errors(404, 422)},
    summary="The published minutes of an assembly, in English and Korean",
)
def get_minutes(request: HttpRequest, edition: EditionNumber) -> MinutesOut:
    minutes = get_object_or_404(
        Minutes.objects.select_related("assembly"),
        assembly=assembly_by_edition(edition),
        published_at__isnull=False,
    )
    return _out(minutes)


@router.post(
    "/{edition}/approve",
    response={200: MinutesOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
    summary="Approve the minutes (the chair or the secretariat); the text is then frozen",
)
def approve(request: HttpRequest, edition: EditionNumber) -> MinutesOut:
    require(can_approve_minutes, request.user)
    return _out(services.approve_minutes(minutes=_minutes(edition), by=request.user))


@router.post(
    "/{edition}/publish",
    response={200: MinutesOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
    summary="Publish approved minutes on the public site (the secretariat)",
)
def publish(request: HttpRequest, edition: EditionNumber) -> MinutesOut:
    require(can_publish_minutes, request.user)
    return _out(services.publish_minutes(minutes=_minutes(edition), by=request.user))
