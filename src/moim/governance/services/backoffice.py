"""The back office's edits of decisions and decision rules, each with its audit entry.

The admin saves through these, never around them: each change is recorded with what it was and
what it became (e.g. quorum_share 0.500 → 0.050). A poll already open keeps the rules it opened
with (its snapshot); the change applies to polls opened afterwards, and the caller is told which
polls keep the old rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from moim.errors import Conflict, Invalid
from moim.governance import audit
from moim.governance.enums import AuditAction, PollState
from moim.governance.models import Decision, DecisionRules, Poll
from moim.governance.rules import can_manage_decisions
from moim.permissions import require

# Fields only a service changes: the admin shows them read-only and these refuse them.
DECISION_SERVICE_FIELDS = ("status", "verdict", "outcome", "published_at")


def _value(instance: models.Model, field: models.Field[Any, Any]) -> Any:
    value = getattr(instance, field.attname)
    if isinstance(field, models.DecimalField) and value is not None:
        return str(Decimal(value).quantize(Decimal(10) ** -int(field.decimal_places or 0)))
    return value if isinstance(value, (int, bool, type(None))) else str(value)


def _changes(before: models.Model | None, after: models.Model) -> dict[str, list[Any]]:
    """field name → [before, after] for each concrete field whose value changed."""
    changes: dict[str, list[Any]] = {}
    for field in after._meta.concrete_fields:
        if field.primary_key:
            continue
        new = _value(after, field)
        old = None if before is None else _value(before, field)
        if before is None or old != new:
            changes[field.name] = [old, new]
    return changes


def _codes(categories: Iterable[Any]) -> list[str]:
    return sorted(str(c.code) for c in categories)


def open_polls_under(rules: DecisionRules) -> list[Poll]:
    """Polls open now under `rules`: they keep the rules they opened with."""
    return list(
        Poll.objects.filter(state=PollState.OPEN, decision__rules=rules).select_related("decision")
    )


@transaction.atomic
def save_rules(
    *, rules: DecisionRules, by: Any, categories: Iterable[Any] | None = None
) -> list[Poll]:
    """Create or change `rules` (and its entitled categories), audited with before/after.

    Returns the polls open under these rules, which keep their snapshot.
    """
    require(can_manage_decisions, by)
    before = None
    old_codes: list[str] = []
    if rules.pk is not None:
        before = DecisionRules.objects.select_for_update().get(pk=rules.pk)
        old_codes = _codes(before.entitled_categories.all())
    changes = _changes(before, rules)
    rules.full_clean(exclude=["entitled_categories"], validate_unique=True)
    rules.save()
    if categories is not None:
        chosen = list(categories)
        rules.entitled_categories.set(chosen)
        if before is None or _codes(chosen) != old_codes:
            changes["entitled_categories"] = [old_codes if before else None, _codes(chosen)]
    keeping = open_polls_under(rules)
    if changes:
        audit.record(
            action=AuditAction.RULES_CHANGED,
            by=by,
            subject=f"rules:{rules.pk}",
            data={
                "name": rules.name,
                "created": before is None,
                "changes": changes,
                "open_polls_keep_their_rules": [p.pk for p in keeping],
            },
        )
    return keeping


def check_decision_change(*, decision: Decision, changes: Mapping[str, Any]) -> None:
    """Refuse, with the reason, a change the record does not allow; stores nothing."""
    refused = sorted(set(changes) & set(DECISION_SERVICE_FIELDS))
    if refused:
        raise Invalid(
            _("%(fields)s change only through the plenary (opening, counting, publishing).")
            % {"fields": ", ".join(refused)}
        )
    if decision.pk is None:
        return
    if decision.published_at is not None:
        raise Conflict(
            _("This decision is published: it is part of the record and no longer changes.")
        )
    if "kind" in changes and decision.polls.exists():
        raise Conflict(_("This decision has polls: its kind no longer changes."))


@transaction.atomic
def save_decision(*, decision: Decision, by: Any) -> list[Poll]:
    """Create or change a decision on the agenda, audited with what changed (before/after).

    Returns the polls that are open and keep the rules they opened with when the rules change.
    """
    require(can_manage_decisions, by)
    before = None
    if decision.pk is not None:
        before = Decision.objects.select_for_update().get(pk=decision.pk)
    changes = _changes(before, decision)
    if before is not None:
        check_decision_change(decision=before, changes=changes)
    else:
        for name in DECISION_SERVICE_FIELDS:
            changes.pop(name, None)
    decision.save()
    keeping: list[Poll] = []
    if before is not None and "rules" in changes:
        keeping = list(decision.polls.filter(state=PollState.OPEN).select_related("decision"))
    if changes:
        audit.record(
            action=AuditAction.DECISION_CREATED if before is None else AuditAction.DECISION_CHANGED,
            by=by,
            subject=f"decision:{decision.pk}",
            data={
                "title": decision.title_en,
                "changes": changes,
                "open_polls_keep_their_rules": [p.pk for p in keeping],
            },
        )
    return keeping
