"""Who may decide what the hall sees: the chair and the secretariat."""

from __future__ import annotations

from moim.members.rules import is_chair, is_secretariat

# Add, project, clear, remove and reorder slides; open the control page.
can_control_projection = is_secretariat | is_chair
