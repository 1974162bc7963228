"""One model of refusal: the services raise the kinds of `moim.errors`, never Django's own."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moim.awards import services as award_services
from moim.awards.models import Edition, Entry
from moim.errors import Invalid, invalid_from
from moim.members.models import Member
from tests.awards.conftest import edition, make_entry

__all__ = ["edition"]

SRC = Path(__file__).resolve().parent.parent / "src" / "moim"
# The modules holding each app's state changes (views and the API may still look objects up).
SERVICE_MODULES = sorted(
    [
        *SRC.glob("*/services.py"),
        *SRC.glob("*/services/*.py"),
        SRC / "assemblies" / "credentials.py",
        SRC / "awards" / "judging.py",
        SRC / "awards" / "results.py",
        SRC / "site" / "press.py",
    ]
)
DJANGO_REFUSALS = {"Http404", "ValidationError", "get_object_or_404", "get_list_or_404"}
# A refusal says its kind: the bases alone would leave the API to guess a status.
BASES = {"DomainError", "Refused"}


def _refusals_out_of_model(path: Path) -> list[str]:
    """Each `raise Http404(...)`/`raise ValidationError(...)`, each 404 shortcut, and each
    refusal raised without its kind in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        target = None
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        elif isinstance(node, ast.Call):
            target = node.func
        name = getattr(target, "id", None) or getattr(target, "attr", None)
        refuses = name in DJANGO_REFUSALS and (isinstance(node, ast.Raise) or "404" in name)
        if refuses or (isinstance(node, ast.Raise) and name in BASES):
            found.append(f"{path.relative_to(SRC)}:{node.lineno} {name}")
    return found


def test_no_service_refuses_with_djangos_page_exceptions_or_without_a_kind() -> None:
    assert len(SERVICE_MODULES) > 10
    assert [hit for path in SERVICE_MODULES for hit in _refusals_out_of_model(path)] == []


def test_a_model_check_failing_in_a_service_is_an_invalid_naming_the_field(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    entry.approval_contact = "not an address"

    with pytest.raises(Invalid) as refused:
        award_services.save_entry(entry=entry, by=delegate_a)

    assert refused.value.field == "approval_contact"
    assert refused.value.message == "Enter a valid email address."
    assert Entry.objects.get(pk=entry.pk).approval_contact != "not an address"


def test_several_fields_at_fault_are_named_in_one_message_and_no_single_field() -> None:
    error = ValidationError({"deadline": ["Too early."], "screening_starts": ["Too late."]})

    refused = invalid_from(error)

    assert (refused.message, refused.field) == ("Too early. Too late.", None)
