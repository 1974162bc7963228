"""Who may do what with an assembly: one named predicate per action."""

from __future__ import annotations

from moim.members.rules import is_secretariat

# Check-in desk staff are secretariat officers.
can_run_desk = is_secretariat
can_manage_registrations = is_secretariat
can_edit_programme = is_secretariat
# Accredit, replace, withdraw and refuse the members' representatives (credentials).
can_accredit = is_secretariat
