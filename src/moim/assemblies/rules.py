"""Who may do what with an assembly: one named predicate per action."""

from __future__ import annotations

import rules

from moim.members.enums import Role

is_secretariat = rules.is_superuser | rules.is_group_member(Role.SECRETARIAT.value)

# Check-in desk staff are secretariat officers.
rules.add_rule("assemblies.run_desk", is_secretariat)
rules.add_rule("assemblies.manage_registrations", is_secretariat)
rules.add_rule("assemblies.edit_programme", is_secretariat)
# Accredit, replace, withdraw and refuse the members' representatives (credentials).
rules.add_rule("assemblies.accredit", is_secretariat)
