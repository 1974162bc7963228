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
    assemblies = list(
        Assembly.objects.filter(
            organization_id=member.organization_id, ends_at__gte=timezone.now()
        ).order_by("starts_at")
    )
    # One query each for all the assemblies (a member gives one proxy per assembly at most).
    given = {
        proxy.assembly_id: proxy
        for proxy in Proxy.objects.filter(assembly__in=assemblies, principal=member).select_related(
            "holder__member"
        )
    }
    # Only accredited representatives of other members may hold it (see presence.py).
    registered = (
        Registration.objects.filter(
            accredited_q(), assembly__in=assemblies, person__member__isnull=False
        )
        .exclude(person__member=member)
        .values_list("assembly_id", "person_id")
    )
    holder_ids: dict[int, set[int]] = {}
    for assembly_id, person_id in registered:
        holder_ids.setdefault(assembly_id, set()).add(person_id)
    people = list(
        Person.objects.filter(
            pk__in={pk for ids in holder_ids.values() for pk in ids}, user__isnull=False
        )
        .select_related("member")
        .order_by("member__name_en", "name_en")
    )
    voting = set(
        Poll.objects.filter(decision__assembly__in=assemblies, state=PollState.OPEN).values_list(
            "decision__assembly_id", flat=True
        )
    )
    choices = []
    for assembly in assemblies:
        holders = [p for p in people if p.pk in holder_ids.get(assembly.pk, ())]
        choices.append(
            ProxyChoice(assembly, given.get(assembly.pk), holders, assembly.pk in voting)
        )
    return choices
