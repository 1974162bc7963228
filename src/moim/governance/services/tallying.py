"""Counting a closed poll, recovering from a count that fails, and ties settled by the chair.

A count that fails (a method that cannot count these ballots, any error of the engine) stores
nothing but an audit entry: the poll stays closed and uncounted with every ballot, the
secretariat corrects the method (`change_poll_method`) and counts again. A count that stops on
a tie left to the chair is stored with its verdict "tie"; the chair draws by lot (a seed made
here, recorded) or decides (`settle_tie`), and the count runs again with that settlement.
"""

from __future__ import annotations

import enum
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.errors import Conflict, Invalid
from moim.governance import audit, counting, digests
from moim.governance.enums import AnalogMethod, AuditAction, PollAction, TiePolicy
from moim.governance.models import AnalogResult, Ballot, Poll
from moim.governance.services.base import _announce
from moim.governance.services.lifecycle import begin
from moim.governance.services.polls import check_analog_counts
from moim.tally import registry
from moim.tally.ties import LOT_PREFIX


class CountError(Conflict):
    """The engine could not count the poll; nothing was stored but the audit entry."""


class TieSettlement(enum.StrEnum):
    LOT = "lot"
    DECIDE = "decide"


def _check_analog_still_fits(poll: Poll) -> None:
    """Paper or show-of-hands figures entered while the poll was open fitted the room left then;
    ballots cast afterwards may have used it. Checked again against every ballot, or no count."""
    analog = AnalogResult.objects.filter(poll=poll).first()
    if analog is None or analog.method == AnalogMethod.ACCLAMATION:
        return
    try:
        check_analog_counts(poll, analog.counts)
    except Invalid as error:
        raise Conflict(
            _(
                "The analog figures no longer fit with the ballots cast since they were "
                "entered: %(error)s Correct them, then count again."
            )
            % {"error": error.message}
        ) from None


def _result_record(poll: Poll) -> dict[str, Any]:
    """What the count's audit entry pins: the verdict, the result's digest and summary, and
    the tie settlements it was counted with (so a recount can follow them)."""
    return {
        "verdict": poll.verdict,
        "result_sha256": digests.result_digest(poll.result),
        "summary": digests.result_summary(poll.result),
        "tie_breaks": poll.tie_breaks,
    }


def _count_into(poll: Poll) -> str:
    """Count `poll` (locked) and store its result; the engine's error message if it fails."""
    analog = AnalogResult.objects.filter(poll=poll).first()
    try:
        with transaction.atomic():
            outcome = counting.stored_result(
                poll=poll, ballots=list(Ballot.objects.filter(poll=poll)), analog=analog
            )
    except Exception as error:  # any failure of the engine leaves the poll as it was
        return str(error) or type(error).__name__
    poll.result = outcome.result
    poll.verdict = outcome.verdict
    poll.counted_at = timezone.now()
    poll.save(update_fields=["result", "verdict", "counted_at", "tie_breaks"])
    return ""


@transaction.atomic
def _count(*, poll: Poll, by: Any) -> tuple[Poll, str]:
    poll = begin(PollAction.COUNT, poll=poll, by=by)
    _check_analog_still_fits(poll)
    if counting.tie_policy(poll) == TiePolicy.LOT and not (poll.tie_breaks or {}).get("seed"):
        # Made at the count, not at opening, so that nobody knows the draw while voting.
        poll.tie_breaks = {**(poll.tie_breaks or {}), "seed": secrets.token_hex(8)}
    failure = _count_into(poll)
    if failure:
        audit.record(
            action=AuditAction.POLL_COUNT_FAILED,
            by=by,
            subject=f"poll:{poll.pk}",
            data={"method": poll.method, "error": failure},
        )
        return poll, failure
    audit.record(
        action=AuditAction.POLL_COUNTED,
        by=by,
        subject=f"poll:{poll.pk}",
        data=_result_record(poll),
    )
    _announce(poll, state=poll.state, counted=True)
    return poll, ""


def count_poll(*, poll: Poll, by: Any) -> Poll:
    """Count a closed poll through the tally engine and store the result and its verdict.

    If the engine fails, the poll stays closed and uncounted (its ballots untouched), the
    failure is in the audit log, and `CountError` says what went wrong and what to do.
    """
    counted, failure = _count(poll=poll, by=by)
    if failure:
        valid = ", ".join(m.name for m in registry.methods_for(counted.shape, counted.seats))
        raise CountError(
            _(
                "The count failed: %(error)s. The ballots are kept and the poll is not counted; "
                "choose a counting method that fits (%(valid)s) and count again."
            )
            % {"error": failure, "valid": valid}
        )
    return counted


@transaction.atomic
def change_poll_method(*, poll: Poll, by: Any, method: str) -> Poll:
    """Set the counting method of a poll not yet counted, among those its ballots allow."""
    poll = begin(PollAction.METHOD, poll=poll, by=by)
    try:
        registry.check(method, poll.shape, poll.seats)
    except registry.MethodError as error:
        raise Invalid(str(error)) from None
    before = poll.method
    poll.method = method
    poll.save(update_fields=["method"])
    audit.record(
        action=AuditAction.POLL_METHOD_CHANGED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={"from": before, "to": method},
    )
    return poll


@transaction.atomic
def settle_tie(
    *, poll: Poll, by: Any, how: TieSettlement, chosen: str = "", seed: str | None = None
) -> Poll:
    """Settle the tie a count stopped on: draw by lot (a fresh seed, unless `seed` is given)
    or decide for `chosen` (one of the tied, by name); then count again with it.

    The settlement joins the poll's earlier ones, so the recount goes through every tie the
    same way; the new count may stop on a later tie, for the chair again.
    """
    poll = begin(PollAction.TIE, poll=poll, by=by)
    tied = list(poll.result["tie"])
    if how == TieSettlement.LOT:
        seed = seed or secrets.token_hex(8)
        decision = f"{LOT_PREFIX}{seed}"
    else:
        if chosen not in tied:
            raise Invalid(
                _("Choose one of the tied candidates: %(tied)s.") % {"tied": ", ".join(tied)}
            )
        decision = chosen
    breaks = dict(poll.tie_breaks or {})
    breaks["decisions"] = [*breaks.get("decisions", []), decision]
    poll.tie_breaks = breaks
    failure = _count_into(poll)
    if failure:
        raise CountError(_("The count failed: %(error)s.") % {"error": failure})
    settled = [
        t for r in poll.result.get("rounds", []) for t in r.get("ties", []) if t["tied"] == tied
    ]
    audit.record(
        action=AuditAction.TIE_SETTLED,
        by=by,
        subject=f"poll:{poll.pk}",
        data={
            "tied": tied,
            "how": str(how),
            "seed": seed if how == TieSettlement.LOT else None,
            "chosen": settled[-1]["chosen"] if settled else chosen,
            **_result_record(poll),
        },
    )
    _announce(poll, state=poll.state, counted=True)
    return poll
