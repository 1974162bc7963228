"""Who may do what with motions: one named predicate per action."""

from __future__ import annotations

from typing import Any

import rules

from moim.members.models import Person
from moim.members.rules import is_delegate, is_delegate_of, is_secretariat


@rules.predicate
def is_delegate_of_mover(user: Any, motion: Any) -> bool:
    """A delegate of the member that moved the motion (obj)."""
    if motion is None or not is_delegate(user):
        return False
    return Person.objects.filter(user=user, member_id=motion.mover_id).exists()


# Submit a motion or table an amendment for a member (obj): that member's own delegate only.
can_submit_motion = is_delegate_of
# Support a motion on behalf of a member (obj): that member's own delegate only.
can_support_motion = is_delegate_of
# Withdraw a motion (obj): its mover's delegate, or the secretariat.
can_withdraw_motion = is_secretariat | is_delegate_of_mover
# Admit or refuse a motion, move it between states.
can_decide_motion = is_secretariat
