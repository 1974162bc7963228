"""State changes of the plenary: agenda, proxies, the poll life cycle, casting, publishing.

Each service is one keyword-only function that checks access, validates, then acts in one
transaction together with its audit entry. Views, the API, the admin and the demo call these
through this package; its modules hold one part each.
"""

from __future__ import annotations

from moim.governance.services.agenda import create_poll, give_proxy, rules_for, rules_snapshot
from moim.governance.services.base import (
    ILLUSTRATIVE,
    RECEIPT_ALPHABET,
    BallotError,
    GovernanceError,
    PollStateError,
)
from moim.governance.services.casting import (
    Receipt,
    cast_ballot,
    load_illustrative_ballots,
    ranking_from_ranks,
    receipt_hash,
    validate_choices,
)
from moim.governance.services.polls import (
    ballot_digest,
    close_poll,
    enter_analog_result,
    entitled_members,
    open_poll,
    publish_poll,
)
from moim.governance.services.registry import publish_decision, record_appointment
from moim.governance.services.tallying import (
    CountError,
    TieSettlement,
    change_poll_method,
    count_poll,
    settle_tie,
)
from moim.governance.services.turnout import Turnout, not_yet_voted, turnout, votes_held_by

__all__ = [
    "ILLUSTRATIVE",
    "RECEIPT_ALPHABET",
    "BallotError",
    "CountError",
    "GovernanceError",
    "PollStateError",
    "Receipt",
    "TieSettlement",
    "Turnout",
    "ballot_digest",
    "cast_ballot",
    "change_poll_method",
    "close_poll",
    "count_poll",
    "create_poll",
    "enter_analog_result",
    "entitled_members",
    "give_proxy",
    "load_illustrative_ballots",
    "not_yet_voted",
    "open_poll",
    "publish_decision",
    "publish_poll",
    "ranking_from_ranks",
    "receipt_hash",
    "record_appointment",
    "rules_for",
    "rules_snapshot",
    "settle_tie",
    "turnout",
    "validate_choices",
    "votes_held_by",
]
