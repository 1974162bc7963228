"""Who may do what with the lists of speakers: one named predicate per action."""

from __future__ import annotations

from moim.members.rules import is_chair, is_delegate, is_secretariat

# Open, close and reopen a list; add a name from the room; order, start and end speeches.
can_run_floor = is_secretariat | is_chair
# Ask for the floor, or withdraw, for oneself only (the service checks whose request it is).
can_ask_to_speak = is_delegate
