"""The minutes' worlds: a small published plenary (a named motion, a secret ranked election)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moim.members.models import Organization
from moim.minutes.models import Minutes
from moim.minutes.services import draft_minutes
from moim.permissions import SYSTEM
from tests.site.publication_plenary import Published, publish_plenary


@pytest.fixture
def plenary(organization: Organization, chair: Any) -> Published:
    return publish_plenary(organization, chair)


@pytest.fixture
def minutes(plenary: Published) -> Minutes:
    return draft_minutes(assembly=plenary.plenary.assembly, by=SYSTEM)


def logged_in(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
