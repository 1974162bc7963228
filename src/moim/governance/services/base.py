"""Errors and helpers shared by the plenary services."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moim import live
from moim.errors import Conflict, Invalid
from moim.governance.models import (
    Decision,
    Poll,
)

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ILLUSTRATIVE = "illustrative"


class PollStateError(Conflict):
    """The poll's state forbids this now (not open, already counted, not yet closed)."""


class BallotError(Invalid):
    """A ballot that cannot be counted as sent: nothing was cast."""


class SealError(PollStateError):
    """Sealed ballots that do not open with the vault key in use; nothing was changed."""


def _announce(
    poll: Poll, *, assembly_id: int | None = None, every: float = 0.0, **data: Any
) -> None:
    """After commit, tell live pages (the projector) that the poll changed; never what was voted.

    Robust: a broker that fails is logged and ignored, since the act it announces is already
    committed (a cast ballot's voter must still get its receipt). The assembly comes from
    `assembly_id`, else from the poll's decision when it was fetched with the poll; only
    otherwise is it looked up, after the commit. With `every`, the same announcement leaves
    at most once per `every` seconds from this process (`live.publish_at_most`).
    """
    poll_id, decision_id = poll.pk, poll.decision_id
    if assembly_id is None and Poll.decision.is_cached(poll):
        assembly_id = poll.decision.assembly_id

    def send() -> None:
        channel_of = assembly_id
        if channel_of is None:
            channel_of = Decision.objects.values_list("assembly_id", flat=True).get(pk=decision_id)
        live.publish_at_most(every, live.assembly_channel(channel_of), poll=poll_id, **data)

    transaction.on_commit(send, robust=True)
