"""An assembly 60 days away, and helpers to table motions for it through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.utils import timezone

from moim.assemblies.models import Assembly
from moim.members.models import Member, Organization
from moim.motions import services
from moim.motions.models import Motion
from tests.assemblies.factories import AssemblyFactory

TEXT = "The Assembly asks for a data network.\nThe secretariat reports next year."


@pytest.fixture
def assembly(organization: Organization) -> Assembly:
    made = AssemblyFactory(
        organization=organization,
        edition=5,
        starts_at=(timezone.now() + dt.timedelta(days=60)).replace(microsecond=0),
    )
    return cast(Assembly, made)


def submit(assembly: Assembly, member: Member, by: Any, **fields: Any) -> Motion:
    values: dict[str, Any] = {"title_en": "Data network", "text_en": TEXT, "reason": "Share."}
    values.update(fields)
    return services.submit_motion(assembly=assembly, member=member, by=by, **values)
