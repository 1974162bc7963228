"""Motions: the list and a motion with its amendments; for a member's delegate (session
login), submitting a motion, supporting one and tabling an amendment. The same services as the
pages, so a refusal reads the same."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from moim.api.errors import REFUSALS, errors, invalid
from moim.api.params import EditionNumber, RecordId, Slug
from moim.assemblies.access import assembly_by_edition
from moim.governance.access import public_decision_by_id
from moim.governance.enums import AmendmentAction
from moim.members.models import Member
from moim.motions import queries, services
from moim.motions.access import motion_by_id
from moim.motions.models import Motion
from moim.motions.projection import projected_motion

router = Router(tags=["motions"])


class MotionOut(Schema):
    id: int
    kind: str
    mover: str
    title_en: str
    title_ko: str
    state: str
    state_meaning: str
    supporters: list[str]
    decision: int | None
    amends: int | None
    paragraph: int | None
    action: str


class MotionDetailOut(MotionOut):
    text_en: str
    text_ko: str
    reason: str
    text: dict[str, Any] | None = Field(
        None, description="Once on the agenda: its paragraphs, amendments and final text."
    )


class MotionIn(Schema):
    member: Slug = Field(description="Slug of the member moving the motion (your own).")
    title_en: str = Field(default="", max_length=200)
    title_ko: str = Field(default="", max_length=200)
    text_en: str = Field(default="", max_length=20000)
    text_ko: str = Field(default="", max_length=20000)
    reason: str = Field(max_length=5000)


class SupportIn(Schema):
    member: Slug = Field(description="Slug of the supporting member (your own).")


class AmendmentIn(Schema):
    member: Slug
    paragraph: int = Field(ge=0, le=1000)
    action: AmendmentAction
    text_en: str = Field(default="", max_length=5000)
    text_ko: str = Field(default="", max_length=5000)
    reason: str = Field(max_length=5000)


def _member(slug: str, organization_id: int) -> Member:
    member = Member.objects.filter(slug=slug, organization_id=organization_id).first()
    if member is None:
        raise invalid("body.member", _("No member %(slug)r.") % {"slug": slug})
    return member


def _out(motion: Motion) -> dict[str, Any]:
    return {
        "id": motion.pk,
        "kind": motion.kind,
        "mover": motion.mover.slug,
        "title_en": motion.title_en,
        "title_ko": motion.title_ko,
        "state": motion.state.key,
        "state_meaning": motion.state.meaning,
        "supporters": [s.member.slug for s in motion.supports.select_related("member")],
        "decision": motion.decision_id,
        "amends": motion.amends_id,
        "paragraph": motion.paragraph,
        "action": motion.action,
    }


def _detail(request: HttpRequest, motion: Motion) -> MotionDetailOut:
    text = (
        projected_motion(motion.decision, request.LANGUAGE_CODE)
        if motion.decision is not None
        else None
    )
    return MotionDetailOut(
        **_out(motion),
        text_en=motion.text_en,
        text_ko=motion.text_ko,
        reason=motion.reason,
        text=text,
    )


@router.get("/assemblies/{edition}", response={200: list[MotionOut], **errors(404, 422)})
def motion_list(request: HttpRequest, edition: EditionNumber) -> list[MotionOut]:
    assembly = assembly_by_edition(edition)
    return [MotionOut(**_out(m)) for m in queries.motions_for_assembly(assembly)]


@router.get("/{motion_id}", response={200: MotionDetailOut, **errors(404, 422)})
def motion_detail(request: HttpRequest, motion_id: RecordId) -> MotionDetailOut:
    return _detail(request, motion_by_id(motion_id))


@router.post(
    "/assemblies/{edition}",
    response={201: MotionDetailOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def submit(request: HttpRequest, edition: EditionNumber, payload: MotionIn) -> Status:
    assembly = assembly_by_edition(edition)
    motion = services.submit_motion(
        assembly=assembly,
        member=_member(payload.member, assembly.organization_id),
        by=request.user,
        title_en=payload.title_en,
        title_ko=payload.title_ko,
        text_en=payload.text_en,
        text_ko=payload.text_ko,
        reason=payload.reason,
    )
    return Status(201, _detail(request, motion))


@router.post(
    "/{motion_id}/supports",
    response={201: MotionOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def support(request: HttpRequest, motion_id: RecordId, payload: SupportIn) -> Status:
    motion = motion_by_id(motion_id)
    services.support_motion(
        motion=motion,
        member=_member(payload.member, motion.assembly.organization_id),
        by=request.user,
    )
    return Status(201, MotionOut(**_out(motion_by_id(motion_id))))


@router.post(
    "/decisions/{decision_id}/amendments",
    response={201: MotionDetailOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def amend(request: HttpRequest, decision_id: RecordId, payload: AmendmentIn) -> Status:
    decision = public_decision_by_id(decision_id)
    motion = services.submit_amendment(
        decision=decision,
        member=_member(payload.member, decision.assembly.organization_id),
        by=request.user,
        paragraph=payload.paragraph,
        action=payload.action,
        text_en=payload.text_en,
        text_ko=payload.text_ko,
        reason=payload.reason,
    )
    return Status(201, _detail(request, motion))
