"""The public member directory and member pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django_htmx.middleware import HtmxDetails

from moim.members.directory import PAGE_SIZE, DirectoryFilterForm, directory_members
from moim.members.enums import MemberStatus
from moim.members.models import Member, Organization, Term
from moim.members.queries import current_organization, registry_today


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _organization() -> Organization:
    organization = current_organization()
    if organization is None:
        raise Http404("No organization has been set up yet.")
    return organization


def directory(request: HtmxHttpRequest) -> HttpResponse:
    organization = _organization()
    today = registry_today()
    form = DirectoryFilterForm(request.GET or None, organization=organization)
    # An unknown filter value (an old link, a hand-edited URL) is reported, not silently widened.
    filters = form.cleaned_data if form.is_valid() else {}
    members = directory_members(organization=organization, on=today, filters=filters)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "members": page.object_list,
        "standing_date": today,
        "filtered": bool(filters and any(filters.values())),
        "query_string": query.urlencode(),
    }
    template = "members/directory.html"
    if request.htmx and not request.htmx.boosted:
        template += "#htmx_response"
    return render(request, template, context)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization()
    today = registry_today()
    member = get_object_or_404(
        Member.objects.select_related("region__office", "category", "organization").exclude(
            status=MemberStatus.WITHDRAWN
        ),
        organization=organization,
        slug=slug,
    )
    terms = (
        Term.objects.filter(member=member)
        .select_related("office", "appointed_by")
        .order_by("office__position", "-starts")
    )
    current = set(Term.objects.current(today).filter(member=member).values_list("pk", flat=True))
    try:
        contacts_url = reverse("members:contacts", kwargs={"slug": member.slug})
    except NoReverseMatch:
        contacts_url = ""
    context = {
        "member": member,
        "in_good_standing": member.in_good_standing(today),
        "standing_date": today,
        "terms": [(term, term.pk in current) for term in terms],
        "people": member.people.order_by("name_en").only(
            "name_en", "name_ko", "title_en", "title_ko", "member_id"
        ),
        "regional_offices": member.regional_offices.all(),
        "contacts_url": contacts_url,
    }
    return render(request, "members/detail.html", context)
