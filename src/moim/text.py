"""Text people type: one way to clean a name, and one refusal of control characters.

A name is normalised to NFC (so "한" typed as three jamo and as one syllable is one name) and
loses every invisible format character (Unicode category Cf: the bidirectional embeddings,
overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F/U+061C, the
zero-width space, joiners and no-break U+200B–U+200D, U+2060, U+FEFF, the soft hyphen U+00AD),
which could make one name look like another or turn the text around it; runs of spaces become
one. A control character (NUL, escape, a line break in a name) is refused with a clear error:
PostgreSQL cannot store NUL, and nobody types one.

`clean_name` is the one function; the model field `NameField`, the form field `NameFormField`,
the registration services and the member import all go through it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")
# Line breaks and tabs are text in a note or a description, never in a one-line field.
MULTILINE_ALLOWED = frozenset("\n\r\t")


def _is_format(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def _control_error(text: str, *, allowed: frozenset[str] = frozenset()) -> ValidationError | None:
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cc" and char not in allowed:
            return ValidationError(
                _("It contains the control character U+%(code)04X at position %(position)d.")
                % {"code": ord(char), "position": position + 1},
                code="control_character",
            )
    return None


def check_plain_text(text: str, *, multiline: bool = False) -> str:
    """`text` in NFC; ValidationError when it holds a control character (line breaks and tabs
    are allowed in multi-line text)."""
    error = _control_error(text, allowed=MULTILINE_ALLOWED if multiline else frozenset())
    if error is not None:
        raise error
    return unicodedata.normalize("NFC", text)


def normalise_name(text: str) -> str:
    """The name without format characters, in NFC, its spaces collapsed and trimmed (control
    characters are left for `clean_name` to refuse)."""
    visible = "".join(char for char in text if not _is_format(char))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", visible)).strip()


def clean_name(text: str) -> str:
    """A name as stored: `normalise_name`, after refusing control characters."""
    error = _control_error(text, allowed=frozenset(" "))
    if error is not None:
        raise error
    return normalise_name(text)


class NameFormField(forms.CharField):
    """A form field for a person's, a member's or an organization's name."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return clean_name(text) if text else text


class NameField(models.CharField):
    """A CharField holding a name: cleaned by `clean_name` when validated (model forms, the
    admin, the member import) and normalised again before every save, whoever saves."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return clean_name(value) if isinstance(value, str) and value else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and value:
            # A last line for code that saves without validating: drop what cannot be stored.
            value = normalise_name("".join(c for c in value if unicodedata.category(c) != "Cc"))
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", NameFormField)
        return super().formfield(**kwargs)

    def deconstruct(self) -> Any:
        # Stored exactly as a CharField: migrations see no difference.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


def validate_one_line(text: str) -> None:
    """Form validator: no control character in a one-line field."""
    check_plain_text(text)


def validate_multiline(text: str) -> None:
    """Form validator: no control character but line breaks and tabs in a text area."""
    check_plain_text(text, multiline=True)
