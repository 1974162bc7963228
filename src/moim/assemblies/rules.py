"""Who may do what with an assembly: one named predicate per action."""

from __future__ import annotations

from typing import Any

import rules

from moim.assemblies.models import Registration
from moim.members.rules import is_secretariat, is_signed_in

# Check-in desk staff are secretariat officers.
can_run_desk = is_secretariat
can_manage_registrations = is_secretariat
can_edit_programme = is_secretariat
# Accredit, replace, withdraw and refuse the members' representatives (credentials).
can_accredit = is_secretariat
# Badges, attendance certificates and the registration form's own questions.
can_print_badges = is_secretariat
can_issue_certificates = is_secretariat
can_manage_questions = is_secretariat


@rules.predicate
def is_registrant(user: Any, registration: Registration | None) -> bool:
    """The person registered: the logged-in user whose registry record the registration is
    (an account the secretariat has switched off is nobody's)."""
    if registration is None or not is_signed_in(user) or not user.is_active:
        return False
    if registration.person_id is None:
        return False
    person = registration.person
    return person is not None and person.user_id == user.pk


can_request_certificate = is_registrant
# The registrant, and the secretariat for anyone's.
can_download_certificate = is_registrant | is_secretariat
