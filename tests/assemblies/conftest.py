from __future__ import annotations

import pytest

from moim.assemblies.models import Assembly
from moim.members.models import Organization
from tests.assemblies.factories import AssemblyFactory


@pytest.fixture
def assembly(organization: Organization) -> Assembly:
    return AssemblyFactory(organization=organization, edition=5, title_en="5th General Assembly")
