"""Reusable lookups for the motion pages and the API."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from moim.assemblies.models import Assembly
from moim.members.models import Member, Person
from moim.motions.models import Motion


def motions_for_assembly(assembly: Assembly) -> QuerySet[Motion]:
    """Every motion and amendment tabled for the assembly, with its supporters counted."""
    return (
        Motion.objects.filter(assembly=assembly)
        .select_related("mover", "state", "decision", "amends")
        .annotate(supporters=Count("supports"))
        .order_by("submitted_at", "pk")
    )


def member_of(user: object) -> Member | None:
    """The member the logged-in person belongs to, if any."""
    person = (
        Person.objects.filter(user_id=getattr(user, "pk", None) or 0)
        .select_related("member")
        .first()
    )
    return person.member if person is not None else None
