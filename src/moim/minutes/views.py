"""Pages of the minutes: the secretariat's draft (write from the records, edit and regenerate
each section, approve, publish) and the public page of published minutes. Views check access,
call one service, then render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moim.assemblies.access import assembly_by_edition
from moim.assemblies.models import Assembly
from moim.errors import Refused
from moim.minutes import services
from moim.minutes.enums import SectionKey
from moim.minutes.forms import SectionForm
from moim.minutes.models import Minutes, Section
from moim.minutes.rules import (
    can_approve_minutes,
    can_edit_minutes,
    can_publish_minutes,
    can_view_minutes_draft,
)
from moim.permissions import allows, guard


def _minutes(assembly: Assembly) -> Minutes:
    return get_object_or_404(Minutes.objects.select_related("assembly"), assembly=assembly)


def _section(assembly: Assembly, key: str) -> Section:
    if key not in SectionKey.values:
        raise Http404
    return get_object_or_404(
        Section.objects.select_related("minutes__assembly"), minutes__assembly=assembly, key=key
    )


def _back(edition: int) -> HttpResponse:
    return redirect("minutes:draft", edition=edition)


def minutes_draft(request: HttpRequest, edition: int) -> HttpResponse:
    guard(request, can_view_minutes_draft)
    assembly = assembly_by_edition(edition)
    minutes = Minutes.objects.filter(assembly=assembly).first()
    user = request.user
    return render(
        request,
        "minutes/draft.html",
        {
            "assembly": assembly,
            "minutes": minutes,
            "sections": list(minutes.sections.select_related("edited_by"))
            if minutes is not None
            else [],
            "can_edit": allows(can_edit_minutes, user),
            "can_approve": allows(can_approve_minutes, user),
            "can_publish": allows(can_publish_minutes, user),
        },
    )


@require_POST
def write_from_records(request: HttpRequest, edition: int) -> HttpResponse:
    guard(request, can_edit_minutes)
    assembly = assembly_by_edition(edition)
    try:
        services.draft_minutes(assembly=assembly, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Written from the records; sections you edited were left as they read.")
        )
    return _back(edition)


def edit_section(request: HttpRequest, edition: int, key: str) -> HttpResponse:
    """A section's text in both languages; a refusal shows the form again, the text kept."""
    guard(request, can_edit_minutes)
    section = _section(assembly_by_edition(edition), key)
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                services.edit_section(
                    section=section,
                    by=request.user,
                    text_en=form.cleaned_data["text_en"],
                    text_ko=form.cleaned_data["text_ko"],
                )
            except Refused as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The section is saved."))
                return _back(edition)
        status = 400
    else:
        form = SectionForm(initial={"text_en": section.text_en, "text_ko": section.text_ko})
        status = 200
    return render(
        request,
        "minutes/section_form.html",
        {"section": section, "assembly": section.minutes.assembly, "form": form},
        status=status,
    )


@require_POST
def regenerate(request: HttpRequest, edition: int, key: str) -> HttpResponse:
    """Write a section again from the records; an edited one only after the warning is
    confirmed."""
    guard(request, can_edit_minutes)
    section = _section(assembly_by_edition(edition), key)
    confirmed = request.POST.get("confirm") == "overwrite"
    if section.edited and not confirmed and not section.minutes.approved:
        return render(
            request,
            "minutes/regenerate_confirm.html",
            {"section": section, "assembly": section.minutes.assembly},
        )
    try:
        services.regenerate_section(section=section, by=request.user, overwrite=confirmed)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The section is written again from the records."))
    return _back(edition)


@require_POST
def approve(request: HttpRequest, edition: int) -> HttpResponse:
    guard(request, can_approve_minutes)
    minutes = _minutes(assembly_by_edition(edition))
    try:
        services.approve_minutes(minutes=minutes, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The minutes are approved; their text is now frozen."))
    return _back(edition)


@require_POST
def publish(request: HttpRequest, edition: int) -> HttpResponse:
    guard(request, can_publish_minutes)
    minutes = _minutes(assembly_by_edition(edition))
    try:
        services.publish_minutes(minutes=minutes, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The minutes are published."))
    return _back(edition)


@require_POST
def withdraw(request: HttpRequest, edition: int) -> HttpResponse:
    guard(request, can_publish_minutes)
    minutes = _minutes(assembly_by_edition(edition))
    services.withdraw_minutes(minutes=minutes, by=request.user)
    messages.success(request, _("The minutes are withdrawn from publication."))
    return _back(edition)


def published(request: HttpRequest, edition: int) -> HttpResponse:
    """The published minutes, in the language of the page; printable as they are."""
    assembly = assembly_by_edition(edition)
    minutes = get_object_or_404(
        Minutes.objects.select_related("assembly"), assembly=assembly, published_at__isnull=False
    )
    return render(
        request,
        "minutes/published.html",
        {"assembly": assembly, "minutes": minutes, "sections": list(minutes.sections.all())},
    )
