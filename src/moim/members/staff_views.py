"""Pages for people who log in: a member's contacts, the members export, and my account.

Outsiders (not logged in) get 404 on what they must not see, so nothing tells them it exists;
a logged-in person without the right gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from moim.members.enums import Role
from moim.members.models import Member, Person
from moim.members.queries import current_organization
from moim.members.rules import (
    can_export_members,
    can_view_member_contacts,
    can_view_own_account,
    role_names,
)
from moim.members.services import export_members
from moim.permissions import guard

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def member_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    organization = current_organization()
    if organization is None:
        raise Http404
    member = get_object_or_404(
        Member.objects.select_related("region", "category"), organization=organization, slug=slug
    )
    guard(request, can_view_member_contacts, member)
    people = member.people.select_related("user").order_by("name_en")
    return render(request, "members/staff/contacts.html", {"member": member, "people": people})


@require_GET
def members_export(request: HttpRequest, file_format: str) -> HttpResponse:
    guard(request, can_export_members)
    organization = current_organization()
    if file_format not in CONTENT_TYPES or organization is None:
        raise Http404
    data = export_members(organization=organization, file_format=file_format, byte_order_mark=True)
    filename = f"members-{timezone.localdate().isoformat()}.{file_format}"
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def my_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or not can_view_own_account.test(user):
        raise Http404
    labels = dict(Role.choices)
    roles = [labels[name] for name in sorted(role_names(user)) if name in labels]
    person = Person.objects.select_related("member").filter(user=user).first()
    context: dict[str, Any] = {
        "roles": roles,
        "person": person,
        "member": person.member if person is not None else None,
        "can_export": can_export_members.test(user),
        "can_see_contacts": person is not None
        and person.member is not None
        and can_view_member_contacts.test(user, person.member),
    }
    return render(request, "members/staff/account.html", context)
