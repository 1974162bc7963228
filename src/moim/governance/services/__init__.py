"""State changes of the plenary: agenda, proxies, the poll life cycle, casting, publishing.

Each service is one keyword-only function that checks access, validates, then acts in one
transaction together with its audit entry. Views, the API, the admin and the demo call these
through this package; its modules hold one part each.
"""

from __future__ import annotations

from collections.abc import Callable

from moim.governance.enums import PollAction
from moim.governance.models import Poll
from moim.governance.services.agenda import (
    check_proxy,
    create_poll,
    give_proxy,
    proxy_limit,
    rules_for,
    rules_snapshot,
    withdraw_proxy,
)
from moim.governance.services.amendments import (
    check_amendable,
    check_amendment,
    table_amendment,
    withdraw_decision,
)
from moim.governance.services.backoffice import (
    DECISION_SERVICE_FIELDS,
    check_decision_change,
    open_polls_under,
    save_decision,
    save_rules,
)
from moim.governance.services.base import (
    ILLUSTRATIVE,
    RECEIPT_ALPHABET,
    BallotError,
    PollStateError,
    SealError,
)
from moim.governance.services.candidates import add_candidates, check_candidates
from moim.governance.services.casting import (
    SUBMISSION_TOKEN,
    Receipt,
    cast_ballot,
    check_submission_token,
    load_illustrative_ballots,
    new_submission_token,
    ranking_from_ranks,
    receipt_hash,
    validate_choices,
)
from moim.governance.services.lifecycle import (
    TRANSITIONS,
    Transition,
    allowed_actions,
    stage_of,
)
from moim.governance.services.polls import (
    ballot_digest,
    close_poll,
    enter_analog_result,
    entitled_members,
    lapsed_proxies,
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
from moim.governance.services.turnout import (
    NotVoted,
    Turnout,
    ballots_held_by,
    not_yet_voted,
    not_yet_voted_by_presence,
    turnout,
    votes_held_by,
)

# The service behind each one-click step of the life cycle (`Transition.step`): the console's
# buttons and the API's poll actions run them through this map.
POLL_STEPS: dict[PollAction, Callable[..., Poll]] = {
    PollAction.OPEN: open_poll,
    PollAction.CLOSE: close_poll,
    PollAction.COUNT: count_poll,
    PollAction.PUBLISH: publish_poll,
}


__all__ = [
    "DECISION_SERVICE_FIELDS",
    "ILLUSTRATIVE",
    "POLL_STEPS",
    "RECEIPT_ALPHABET",
    "SUBMISSION_TOKEN",
    "TRANSITIONS",
    "BallotError",
    "CountError",
    "NotVoted",
    "PollStateError",
    "Receipt",
    "SealError",
    "TieSettlement",
    "Transition",
    "Turnout",
    "add_candidates",
    "allowed_actions",
    "ballot_digest",
    "ballots_held_by",
    "cast_ballot",
    "change_poll_method",
    "check_amendable",
    "check_amendment",
    "check_candidates",
    "check_decision_change",
    "check_proxy",
    "check_submission_token",
    "close_poll",
    "count_poll",
    "create_poll",
    "enter_analog_result",
    "entitled_members",
    "give_proxy",
    "lapsed_proxies",
    "load_illustrative_ballots",
    "new_submission_token",
    "not_yet_voted",
    "not_yet_voted_by_presence",
    "open_poll",
    "open_polls_under",
    "proxy_limit",
    "publish_decision",
    "publish_poll",
    "ranking_from_ranks",
    "receipt_hash",
    "record_appointment",
    "rules_for",
    "rules_snapshot",
    "save_decision",
    "save_rules",
    "settle_tie",
    "stage_of",
    "table_amendment",
    "turnout",
    "validate_choices",
    "votes_held_by",
    "withdraw_decision",
    "withdraw_proxy",
]
