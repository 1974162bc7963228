from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from moim.assemblies.models import Assembly
from moim.members.models import Organization
from tests.assemblies.factories import AssemblyFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service messages are asserted in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def assembly(organization: Organization) -> Assembly:
    return AssemblyFactory(organization=organization, edition=5, title_en="5th General Assembly")
