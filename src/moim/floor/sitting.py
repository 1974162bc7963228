"""The floor's part of the sitting page: what a delegate sees of the list the hall is on."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from moim.assemblies.models import Assembly
from moim.floor import services
from moim.floor.forms import AskForm
from moim.floor.projection import board
from moim.floor.queries import focus_list


def sitting_context(request: HttpRequest, assembly: Assembly, **extra: Any) -> dict[str, Any]:
    """What the sitting page shows a delegate of the floor: the list the hall is on, its
    queue, and whether this person may ask (joined online) or is waiting."""
    speakers_list = focus_list(assembly)
    person = services.person_of(request.user)
    found = board(speakers_list) if speakers_list is not None else None
    may_ask = (
        speakers_list is not None
        and person is not None
        and services.online_registration(speakers_list, person) is not None
    )
    return {
        "assembly": assembly,
        "board": found,
        "mine": found.waiting_for(person.pk if person else None) if found else None,
        "may_ask": may_ask,
        "ask_form": AskForm(),
        "error": "",
        **extra,
    }
