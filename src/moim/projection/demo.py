"""The 5th General Assembly's projectors (18 October 2021, Seoul): the hall shows the plenary's
first decision in its place on the agenda; its queue holds a countdown to the WeGO Awards
ceremony and a welcome message. The livestream overlay shows the same item, compactly.

If the agenda was never arranged, its statutory decisions are placed under one topic first.
`load` is idempotent: a projector that already has slides is left as it is.
"""

from __future__ import annotations

from django.db import transaction

from moim.assemblies.models import Assembly
from moim.governance.enums import AgendaKind
from moim.governance.models import AgendaItem, Decision
from moim.governance.services import arranging
from moim.members.models import Organization
from moim.permissions import SYSTEM
from moim.projection import services
from moim.projection.enums import SlideKind


def _first_item(assembly: Assembly) -> AgendaItem | None:
    if not AgendaItem.objects.filter(assembly=assembly).exists():
        topic = arranging.add_agenda_item(
            assembly=assembly,
            kind=AgendaKind.TOPIC,
            title_en="Statutory matters",
            title_ko="법정 안건",
            by=SYSTEM,
        )
        for decision in Decision.objects.filter(assembly=assembly).order_by("position", "pk"):
            arranging.add_agenda_item(
                assembly=assembly,
                kind=AgendaKind.DECISION,
                decision=decision,
                parent=topic,
                by=SYSTEM,
            )
    return (
        AgendaItem.objects.filter(assembly=assembly, kind=AgendaKind.DECISION)
        .select_related("decision")
        .order_by("parent__position", "position", "pk")
        .first()
    )


@transaction.atomic
def load(organization: Organization) -> None:
    assembly = Assembly.objects.filter(organization=organization, edition=5).first()
    if assembly is None:
        return
    hall, overlay = services.ensure_projectors(assembly=assembly, by=SYSTEM)[:2]
    if hall.slides.exists():
        return
    item = _first_item(assembly)
    if item is None:
        return
    for projector in (hall, overlay):
        shown = services.add_slide(
            projector=projector, kind=SlideKind.AGENDA_ITEM, agenda_item=item, by=SYSTEM
        )
        services.project_slide(slide=shown, by=SYSTEM)
    services.add_slide(
        projector=hall,
        kind=SlideKind.COUNTDOWN,
        seconds=10 * 60,
        title_en="The WeGO Awards ceremony begins in",
        title_ko="WeGO 어워드 시상식까지",
        by=SYSTEM,
    )
    services.add_slide(
        projector=hall,
        kind=SlideKind.MESSAGE,
        title_en="Welcome to the 5th WeGO General Assembly",
        title_ko="제5차 WeGO 총회에 오신 것을 환영합니다",
        text_en="Smart Solutions for All in the New Normal Era",
        text_ko="뉴노멀 시대, 모두를 위한 스마트 솔루션",
        by=SYSTEM,
    )
