"""Who may do what in the plenary: one named predicate per action."""

from __future__ import annotations

from moim.members.rules import is_chair, is_delegate, is_delegate_of, is_secretariat

# Prepare the agenda, the rules per decision type, candidates, appointments and proxies.
can_manage_decisions = is_secretariat
# Open, close, count and publish polls; enter analog results; see turnout.
can_run_polls = is_secretariat | is_chair
# Record an appointment announced in the sitting (the appointing member decided it, no vote).
can_record_appointment = can_run_polls
# A delegate casts the votes it holds (the service checks which).
can_cast_ballot = is_delegate
# Give or withdraw a member's proxy: the secretariat, or a delegate of that member (obj).
can_give_proxy = is_secretariat | is_delegate_of
