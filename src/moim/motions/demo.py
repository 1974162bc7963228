"""Seoul's motion to the 5th General Assembly (2021), supported by Mexico City and admitted
onto the agenda. Illustrative: WeGO's members' motions are not public; the wording is invented.
`load` is idempotent: a motion already tabled under this title is left as it is."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from moim.assemblies.models import Assembly
from moim.members.models import Member, Organization
from moim.motions import services
from moim.motions.models import Motion
from moim.permissions import SYSTEM

TITLE_EN = "A WeGO network for sharing urban data between member cities"
TITLE_KO = "회원 도시 간 도시 데이터 공유를 위한 WeGO 네트워크"
TEXT_EN = (
    "The General Assembly asks the Secretariat to set up a network through which member cities "
    "share open urban data and the lessons of their smart city projects.\n"
    "The Secretariat reports on the network's progress to the next General Assembly."
)
TEXT_KO = (
    "총회는 사무국이 회원 도시들이 공개 도시 데이터와 스마트시티 사업의 경험을 공유하는 "
    "네트워크를 구성할 것을 요청한다.\n"
    "사무국은 다음 총회에 네트워크의 진행 상황을 보고한다."
)
REASON = (
    "Member cities repeat each other's pilots because what one city learned rarely reaches "
    "the others; a shared network makes the 2030 Master Plan's cooperation concrete."
)
SUBMITTED_ON = dt.date(2021, 9, 1)


@transaction.atomic
def load(organization: Organization) -> None:
    assembly = Assembly.objects.filter(organization=organization, edition=5).first()
    members = {m.slug: m for m in Member.objects.filter(organization=organization)}
    mover, supporter = members.get("seoul"), members.get("mexico-city")
    if assembly is None or mover is None or supporter is None:
        return
    if Motion.objects.filter(assembly=assembly, title_en=TITLE_EN).exists():
        return
    motion = services.submit_motion(
        assembly=assembly,
        member=mover,
        by=SYSTEM,
        title_en=TITLE_EN,
        title_ko=TITLE_KO,
        text_en=TEXT_EN,
        text_ko=TEXT_KO,
        reason=REASON,
        on=SUBMITTED_ON,
    )
    services.support_motion(motion=motion, member=supporter, by=SYSTEM)
    services.admit_motion(motion=motion, by=SYSTEM, reason="Supported and in time.")
    if motion.decision is not None:
        motion.decision.illustrative = True
        motion.decision.save(update_fields=["illustrative"])
