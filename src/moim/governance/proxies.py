"""A delegate's own view of its member's proxy at the coming assemblies (the account page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from moim.assemblies.models import Assembly, Registration, accredited_q
from moim.governance.enums import PollState
from moim.governance.models import Poll, Proxy
from moim.governance.rules import can_give_proxy
from moim.members.models import Person


@dataclass
class ProxyChoice:
    assembly: Assembly
    given: Proxy | None
    holders: list[Person] = field(default_factory=list)
    poll_open: bool = False


def proxy_choices_for(user: Any) -> list[ProxyChoice]:
    """For a delegate of a member: each assembly not yet over, the proxy its member gave there
    (if any) and the accredited representatives of other members who could hold it."""
    person = Person.objects.filter(user_id=user.pk or 0).select_related("member").first()
    if person is None or person.member is None or not can_give_proxy.test(user, person.member):
        return []
    member = person.member
    choices = []
    assemblies = Assembly.objects.filter(
        organization_id=member.organization_id, ends_at__gte=timezone.now()
    ).order_by("starts_at")
    for assembly in assemblies:
        given = (
            Proxy.objects.filter(assembly=assembly, principal=member)
            .select_related("holder__member")
            .first()
        )
        # Only accredited representatives of other members may hold it (see presence.py).
        holder_ids = (
            Registration.objects.filter(
                accredited_q(), assembly=assembly, person__member__isnull=False
            )
            .exclude(person__member=member)
            .values("person_id")
        )
        holders = list(
            Person.objects.filter(pk__in=holder_ids, user__isnull=False)
            .select_related("member")
            .order_by("member__name_en", "name_en")
        )
        open_now = Poll.objects.filter(decision__assembly=assembly, state=PollState.OPEN).exists()
        choices.append(ProxyChoice(assembly, given, holders, open_now))
    return choices
