"""The back office: the secretariat renames states and adds transitions to a workflow."""

from __future__ import annotations

from typing import Any, cast

from django.test import Client
from django.urls import reverse

from moim.assemblies.models import Assembly
from moim.members.models import Member
from moim.motions.enums import MotionKind
from moim.motions.workflow import workflow_for
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory
from tests.motions.conftest import submit


def test_the_workflow_page_lists_its_states_and_moves_for_the_secretariat(
    client: Client, assembly: Assembly, secretariat: Any
) -> None:
    workflow = workflow_for(assembly.organization, MotionKind.MOTION)
    client.force_login(secretariat)

    page = client.get(reverse("admin:motions_workflow_change", args=[workflow.pk])).content.decode()

    assert 'value="Refused"' in page
    assert 'value="불수리"' in page


def test_another_organization_s_motion_answers_404_on_the_pages(
    client: Client, assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    other = cast(
        Assembly, AssemblyFactory(organization=OrganizationFactory(slug="other"), edition=6)
    )
    motion = submit(assembly, city_a, delegate_a)

    assert client.get(reverse("motions:detail", args=[5, motion.pk])).status_code == 200
    assert client.get(reverse("motions:detail", args=[6, motion.pk])).status_code == 404
    assert client.get(reverse("motions:list", args=[other.edition])).status_code == 404
