"""The organization's public home page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from moim.members.enums import MemberKind, MemberStatus
from moim.members.models import Member, Office, Organization, Region, Term, good_standing_q
from moim.members.queries import current_organization, registry_today

KIND_LABELS = {
    MemberKind.LOCAL_GOVERNMENT: _("Local governments"),
    MemberKind.COMPANY: _("Companies"),
    MemberKind.INSTITUTION: _("Institutions"),
}


@dataclass
class OfficeHolders:
    office: Office
    terms: list[Term] = field(default_factory=list)


def home(request: HttpRequest) -> HttpResponse:
    organization = current_organization()
    context: dict[str, object] = {"today": registry_today()}
    if organization is not None:
        context.update(_figures(organization))
        context["office_holders"] = _office_holders(organization)
    return render(request, "site/home.html", context)


def _figures(organization: Organization) -> dict[str, object]:
    """Counts computed from the registry: members by kind, countries and regions."""
    listed = Member.objects.filter(organization=organization).exclude(status=MemberStatus.WITHDRAWN)
    by_kind = dict(listed.order_by().values_list("kind").annotate(n=Count("pk")))
    regions = (
        Region.objects.filter(organization=organization)
        .select_related("office")
        .annotate(member_count=Count("members", filter=~Q(members__status=MemberStatus.WITHDRAWN)))
    )
    return {
        "member_total": sum(by_kind.values()),
        "members_by_kind": [(KIND_LABELS[kind], by_kind.get(kind.value, 0)) for kind in MemberKind],
        "country_count": listed.order_by().values("country").distinct().count(),
        "voting_count": listed.voting()
        .filter(good_standing_q(organization, registry_today()))
        .count(),
        "regions": regions,
    }


def _office_holders(organization: Organization) -> list[OfficeHolders]:
    """The current holders of each office, in the organization's order of offices."""
    terms = (
        Term.objects.current(registry_today())
        .filter(office__organization=organization)
        .select_related("office", "member", "person")
        .order_by("office__position")
    )
    grouped: dict[int, OfficeHolders] = {}
    for term in terms:
        grouped.setdefault(term.office_id, OfficeHolders(office=term.office)).terms.append(term)
    for group in grouped.values():
        # In the reader's language: 서울특별시 is listed under ㅅ, Seoul under S.
        group.terms.sort(key=lambda term: term.holder.name.casefold())
    return list(grouped.values())
