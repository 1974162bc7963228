"""What a registrant typed, checked and cleaned before the database sees it.

The public form, the desk, the API and the admin reach the same `clean_registrant` through the
registration services: lengths within the columns, no control characters (PostgreSQL refuses
NUL; nobody types an escape), names cleaned by `moim.text.clean_name`, an e-mail address that is
one, an ISO 3166 country, a language the site speaks, and a role and attendance from the lists.
Each refusal names the field and says what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from moim.assemblies.enums import AttendanceMode, ParticipantRole
from moim.assemblies.models import Registration
from moim.text import check_plain_text, clean_name

# The longest accessibility note kept (the form says the same).
ACCESSIBILITY_MAX_LENGTH = 2000

LABELS = {
    "full_name": gettext_lazy("Full name"),
    "email": gettext_lazy("E-mail"),
    "title": gettext_lazy("Title or position"),
    "organization_name": gettext_lazy("Organization"),
    "country": gettext_lazy("Country"),
    "accessibility_needs": gettext_lazy("Accessibility needs"),
    "language": gettext_lazy("Language"),
    "role": gettext_lazy("Role"),
    "attendance_mode": gettext_lazy("Attendance"),
}


@dataclass(frozen=True)
class Registrant:
    full_name: str
    email: str
    title: str
    organization_name: str
    country: str
    accessibility_needs: str
    language: str
    role: str
    attendance_mode: str


def _max_length(field: str) -> int:
    length = getattr(Registration._meta.get_field(field), "max_length", None)
    return int(length) if length else ACCESSIBILITY_MAX_LENGTH


def _too_long(text: str, limit: int) -> ValidationError:
    return ValidationError(
        _("At most %(limit)d characters (this has %(length)d).")
        % {"limit": limit, "length": len(text)},
        code="max_length",
    )


def describe(error: ValidationError) -> str:
    """One sentence per refused field: "Country: 'ZZZ' is not an ISO 3166 country code."."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{LABELS.get(field, field)}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )


def clean_registrant(
    *,
    full_name: str,
    email: str,
    title: str = "",
    organization_name: str = "",
    country: str = "",
    accessibility_needs: str = "",
    language: str = "en",
    role: str,
    attendance_mode: str,
) -> Registrant:
    """The typed fields, cleaned; ValidationError naming every bad field otherwise."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, str] = {}

    def keep(field: str, value: str, limit: int) -> None:
        if len(value) > limit:
            errors.setdefault(field, []).append(_too_long(value, limit))
        else:
            cleaned[field] = value

    for field, value in (
        ("full_name", full_name),
        ("title", title),
        ("organization_name", organization_name),
    ):
        try:
            keep(field, clean_name(value), _max_length(field))
        except ValidationError as error:
            errors.setdefault(field, []).append(error)
    if "full_name" in cleaned and not cleaned["full_name"]:
        errors.setdefault("full_name", []).append(ValidationError(_("A name is required.")))

    try:
        address = check_plain_text(email).strip().lower()
        if not address:
            raise ValidationError(_("An e-mail address is required."))
        if len(address) > _max_length("email"):
            raise _too_long(address, _max_length("email"))
        EmailValidator(message=_("%(value)r is not an e-mail address.") % {"value": address})(
            address
        )
        cleaned["email"] = address
    except ValidationError as error:
        errors.setdefault("email", []).append(error)

    code = country.strip().upper()
    if code and not countries.alpha2(code):
        errors.setdefault("country", []).append(
            ValidationError(
                _("%(code)r is not an ISO 3166 country code (such as KR or MX).")
                % {"code": country[:10]}
            )
        )
    else:
        cleaned["country"] = str(countries.alpha2(code)) if code else ""

    try:
        keep(
            "accessibility_needs",
            check_plain_text(accessibility_needs, multiline=True).strip(),
            ACCESSIBILITY_MAX_LENGTH,
        )
    except ValidationError as error:
        errors.setdefault("accessibility_needs", []).append(error)

    languages = [code for code, _name in settings.LANGUAGES]
    if language not in languages:
        errors.setdefault("language", []).append(
            ValidationError(
                _("%(language)r is not a language of this site (one of: %(known)s).")
                % {"language": language[:20], "known": ", ".join(languages)}
            )
        )
    for field, value, choices in (
        ("role", role, ParticipantRole),
        ("attendance_mode", attendance_mode, AttendanceMode),
    ):
        # An empty role is the services' to refuse, with the sentence the desk shows.
        if value not in choices.values and not (field == "role" and not value):
            errors.setdefault(field, []).append(
                ValidationError(
                    _("%(value)r is not one of: %(allowed)s.")
                    % {"value": str(value)[:40], "allowed": ", ".join(choices.values)}
                )
            )
    if errors:
        raise ValidationError(errors)
    return Registrant(
        full_name=cleaned["full_name"],
        email=cleaned["email"],
        title=cleaned["title"],
        organization_name=cleaned["organization_name"],
        country=cleaned["country"],
        accessibility_needs=cleaned["accessibility_needs"],
        language=language,
        role=role,
        attendance_mode=attendance_mode,
    )
