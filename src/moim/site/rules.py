"""Who may do what with the site's publications: one named predicate per action."""

from __future__ import annotations

import rules

from moim.members.rules import is_secretariat

rules.add_rule("site.publish_press_release", is_secretariat)
