"""Who may do what with the convocation and mailings: one named predicate per action."""

from __future__ import annotations

from moim.members.rules import is_secretariat

# The convocation, messages to groups and their delivery reports are the secretariat's.
can_view_mailings = is_secretariat
can_send_mailings = is_secretariat
can_edit_mailing_rules = is_secretariat
