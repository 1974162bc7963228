"""Amendments tabled against a paragraph of a text on the agenda, and decisions withdrawn."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from moim.errors import Conflict, Invalid
from moim.governance import audit
from moim.governance.amendments import paragraphs, tabled_paragraphs
from moim.governance.enums import AmendmentAction, AuditAction, DecisionStatus, PollState
from moim.governance.models import Decision
from moim.governance.rules import can_manage_decisions
from moim.permissions import require


def check_amendable(decision: Decision) -> None:
    """Refuse (`Conflict`) an amendment to a decision that is not an open text on the agenda."""
    if decision.amends_id is not None:
        raise Conflict(_("An amendment cannot itself be amended."))
    if decision.status in (DecisionStatus.DECIDED, DecisionStatus.WITHDRAWN):
        raise Conflict(_("This text is already decided or withdrawn."))
    if decision.polls.exclude(state=PollState.DRAFT).exists():
        raise Conflict(_("This text is already being voted on."))
    if not tabled_paragraphs(decision, "en"):
        raise Conflict(_("This decision has no text to amend."))


def check_amendment(
    *, decision: Decision, paragraph: int, action: str, text_en: str, text_ko: str
) -> None:
    """Refuse (`Invalid`) an amendment that names no paragraph of the text or brings no text."""
    if action not in AmendmentAction.values:
        raise Invalid(_("Choose what the amendment does."), field="action")
    count = len(tabled_paragraphs(decision, "en"))
    lowest = 0 if action == AmendmentAction.INSERT_AFTER else 1
    if not lowest <= paragraph <= count:
        raise Invalid(
            _("The text has paragraphs 1 to %(count)d; there is no paragraph %(n)d to amend.")
            % {"count": count, "n": paragraph},
            field="paragraph",
        )
    if action != AmendmentAction.DELETE and not (paragraphs(text_en) or paragraphs(text_ko)):
        raise Invalid(_("Write the new wording, in English or Korean."), field="text_en")


@transaction.atomic
def table_amendment(
    *,
    decision: Decision,
    paragraph: int,
    action: str,
    by: Any,
    text_en: str = "",
    text_ko: str = "",
    title_en: str = "",
    title_ko: str = "",
) -> Decision:
    """Put an amendment to paragraph `paragraph` of `decision`'s text on the agenda, as a
    decision of its own voted under the same rules before the text. The decision row is
    locked so that no poll opens on the text while the amendment is added."""
    require(can_manage_decisions, by)
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("rules").get(pk=decision.pk)
    )
    check_amendable(decision)
    check_amendment(
        decision=decision, paragraph=paragraph, action=action, text_en=text_en, text_ko=text_ko
    )
    number = decision.amendments.count() + 1
    amendment = Decision.objects.create(
        assembly_id=decision.assembly_id,
        position=decision.position,
        kind=decision.kind,
        status=DecisionStatus.ON_AGENDA,
        rules=decision.rules,
        title_en=title_en or f"Amendment {number} to {decision.title_en}"[:200],
        title_ko=title_ko or f"{decision.title_ko or decision.title_en} 수정안 {number}"[:200],
        text_en="" if action == AmendmentAction.DELETE else "\n".join(paragraphs(text_en)),
        text_ko="" if action == AmendmentAction.DELETE else "\n".join(paragraphs(text_ko)),
        amends=decision,
        amends_paragraph=paragraph,
        amendment_action=action,
        illustrative=decision.illustrative,
    )
    audit.record(
        action=AuditAction.AMENDMENT_TABLED,
        by=by,
        subject=f"decision:{amendment.pk}",
        data={"amends": decision.pk, "paragraph": paragraph, "action": action},
    )
    return amendment


@transaction.atomic
def withdraw_decision(*, decision: Decision, by: Any, reason: str = "") -> Decision:
    """Take a text (or an amendment) off the agenda before it is voted on; its amendments
    still undecided go with it."""
    require(can_manage_decisions, by)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status in (DecisionStatus.DECIDED, DecisionStatus.WITHDRAWN):
        raise Conflict(_("This decision is already decided or withdrawn."))
    if decision.polls.exclude(state=PollState.DRAFT).exists():
        raise Conflict(_("A decision being voted on cannot be withdrawn."))
    withdrawn = [decision.pk]
    for amendment in decision.amendments.exclude(
        status__in=[DecisionStatus.DECIDED, DecisionStatus.WITHDRAWN]
    ):
        amendment.status = DecisionStatus.WITHDRAWN
        amendment.save(update_fields=["status"])
        withdrawn.append(amendment.pk)
    decision.status = DecisionStatus.WITHDRAWN
    decision.save(update_fields=["status"])
    audit.record(
        action=AuditAction.DECISION_WITHDRAWN,
        by=by,
        subject=f"decision:{decision.pk}",
        data={"withdrawn": withdrawn, "reason": reason},
    )
    return decision
