"""Who may do what with the site's publications: one named predicate per action."""

from __future__ import annotations

from moim.members.rules import is_secretariat

can_publish_press_release = is_secretariat
