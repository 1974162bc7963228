"""Who may do what with the minutes: one named predicate per action."""

from __future__ import annotations

from moim.members.rules import is_chair, is_secretariat

# Read the draft (before publication): those who write it and the chair who approves it.
can_view_minutes_draft = is_secretariat | is_chair
# Draft from the records, edit a section, regenerate a section.
can_edit_minutes = is_secretariat
# Approve: the chair of the sitting or the secretariat. Approval freezes the text.
can_approve_minutes = is_secretariat | is_chair
# Publish on the public site, or withdraw from it.
can_publish_minutes = is_secretariat
