"""Public assembly pages, the registration form, the join link and the secretariat's pages."""

from __future__ import annotations

import csv
import zoneinfo
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from moim.assemblies import accounts, answers, calendar, queries, services
from moim.assemblies.access import assembly_by_edition, registration_in
from moim.assemblies.enums import AssemblyStatus, Credential, MailStatus, RegistrationStatus
from moim.assemblies.forms import (
    BadgeForm,
    DeskForm,
    MoveItemForm,
    RegistrationFilterForm,
    RegistrationForm,
    WalkInForm,
)
from moim.assemblies.models import (
    Assembly,
    Registration,
    RegistrationQuestion,
    time_zone_names,
)
from moim.assemblies.rules import can_edit_programme, can_manage_registrations, can_run_desk
from moim.errors import Refused
from moim.members.queries import current_organization
from moim.permissions import guard
from moim.questions import add_question_fields, answers_from
from moim.spreadsheets import safe_row

REGISTRATIONS_PER_PAGE = 100


def _staff_assembly(request: HttpRequest, edition: int, predicate: Any) -> Assembly:
    """Outsiders (not logged in) get 404; a logged-in person without the right gets 403."""
    if not request.user.is_authenticated:
        raise Http404
    assembly = assembly_by_edition(edition)
    guard(request, predicate)
    return assembly


def viewer_zone(request: HttpRequest, assembly: Assembly) -> tuple[zoneinfo.ZoneInfo, str]:
    """The zone the viewer asked for (?tz=Area/City), else the assembly's; and an error text."""
    wanted = request.GET.get("tz", "").strip()
    if not wanted:
        return assembly.zone, ""
    if wanted in time_zone_names():
        return zoneinfo.ZoneInfo(wanted), ""
    return assembly.zone, _(
        "“%(zone)s” is not a known time zone; times are shown in %(default)s."
    ) % {
        "zone": wanted,
        "default": assembly.time_zone,
    }


@require_GET
def assembly_list(request: HttpRequest) -> HttpResponse:
    assemblies = queries.assemblies_for_public(current_organization())
    return render(request, "assemblies/list.html", {"assemblies": assemblies})


@require_GET
def assembly_detail(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    zone, zone_error = viewer_zone(request, assembly)
    items = list(queries.programme_for(assembly))
    context = {
        "assembly": assembly,
        "zone": zone,
        "zone_name": str(zone),
        "zone_error": zone_error,
        "zone_names": sorted(time_zone_names()),
        "items": items,
        "speakers": queries.speakers_of(items),
        "sponsors": assembly.sponsors.select_related("member"),
        "materials": assembly.materials.filter(item__isnull=True),
        "figures": queries.attendance_figures(assembly),
        "registration_open": assembly.status == AssemblyStatus.REGISTRATION_OPEN,
        "live": assembly.status == AssemblyStatus.IN_SESSION,
        "can_manage": can_manage_registrations.test(request.user),
    }
    return render(request, "assemblies/detail.html", context)


@require_GET
def figures(request: HttpRequest, edition: int) -> HttpResponse:
    """The participation figures alone, which the assembly page polls while in session."""
    assembly = assembly_by_edition(edition)
    return render(
        request,
        "assemblies/detail.html#figures",
        {
            "assembly": assembly,
            "figures": queries.attendance_figures(assembly),
            "live": assembly.status == AssemblyStatus.IN_SESSION,
        },
    )


@require_GET
def programme_ics(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    body = calendar.programme_calendar(
        assembly, queries.programme_for(assembly), base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assembly-{assembly.edition}.ics"'
    return response


# What a registrant typed, as the registration services take it (the public form and the desk).
REGISTRANT_FIELDS = (
    "full_name",
    "email",
    "title",
    "role",
    "member",
    "organization_name",
    "country",
    "accessibility_needs",
)


def _registrant(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: data[name] for name in REGISTRANT_FIELDS},
        "language": get_language() or "en",
        "base_url": request.build_absolute_uri("/").rstrip("/"),
    }


def register(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    form = RegistrationForm(request.POST or None, request.FILES or None, assembly=assembly)
    questions = answers.questions_for(assembly)
    add_question_fields(form, questions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = answers.register_with_answers(
                assembly=assembly,
                answers=answers_from(data, questions),
                attendance_mode=data["attendance_mode"],
                **_registrant(request, data),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            if registration.status == RegistrationStatus.CONFIRMED:
                messages.success(
                    request,
                    _("You are registered. Your check-in code is on its way to %(email)s.")
                    % {"email": registration.email},
                )
            else:
                messages.success(
                    request,
                    _("Thank you: the secretariat will confirm your registration by e-mail."),
                )
            if registration.credential == Credential.AWAITING:
                messages.info(
                    request,
                    _(
                        "Representing %(member)s awaits accreditation by its contact or the "
                        "secretariat: until then you attend, but hold no vote for it."
                    )
                    % {"member": registration.represents},
                )
            return redirect(assembly)
    return render(
        request,
        "assemblies/register.html",
        {"assembly": assembly, "form": form, "places_left": queries.places_left(assembly)},
    )


def join(request: HttpRequest, token: str) -> HttpResponse:
    """The personal join link. Opening it shows one button; pressing it records attendance.

    Mail scanners and link previews open links but do not submit forms, so they cannot mark
    someone present: the plenary's quorum reads these records."""
    registration = get_object_or_404(
        Registration.objects.select_related("assembly"), join_token=token
    )
    if request.method != "POST":
        return render(
            request,
            "assemblies/join.html",
            {"registration": registration, "assembly": registration.assembly, "ask": True},
        )
    try:
        registration = services.join_online(token=token)
    except Refused as error:
        return render(
            request,
            "assemblies/join.html",
            {
                "registration": registration,
                "assembly": registration.assembly,
                "error": error.message,
            },
            status=409,
        )
    assembly = registration.assembly
    if assembly.conference_url:
        return HttpResponseRedirect(assembly.conference_url)
    return render(
        request, "assemblies/join.html", {"registration": registration, "assembly": assembly}
    )


# The secretariat's pages.


def registration_list(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_manage_registrations)
    filters = RegistrationFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    registrations = queries.registrations_for_secretariat(
        assembly,
        status=criteria.get("status", ""),
        mode=criteria.get("mode", ""),
        role=criteria.get("role", ""),
        q=criteria.get("q", ""),
    )
    questions = answers.questions_for(assembly)
    if questions:
        registrations = answers.with_answers(registrations)
    if request.GET.get("format") == "csv":
        return _registrations_csv(assembly, registrations, questions)
    page = Paginator(registrations, REGISTRATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for r in page.object_list if questions else ():
        # Shown under the registrant's name: each question with the answer given.
        r.answered = answers.answered(r, questions)  # type: ignore[attr-defined]
    return render(
        request,
        "assemblies/registrations.html",
        {
            "assembly": assembly,
            "page": page,
            "registrations": page.object_list,
            "filters": filters,
            "query": query.urlencode(),
            "questions": questions,
            # The badges take the list's filters, so that they print what the list shows.
            "badge_form": BadgeForm(),
            "badge_filters": {
                name: criteria[name]
                for name in ("q", "status", "mode", "role")
                if criteria.get(name)
            },
        },
    )


def _registrations_csv(
    assembly: Assembly,
    registrations: QuerySet[Registration],
    questions: list[RegistrationQuestion],
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="assembly-{assembly.edition}-registrations.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "name",
            "email",
            "title",
            "role",
            "attendance",
            "delegation",
            "organization",
            "country",
            "status",
            "check_in_code",
            "registered",
            "checked_in",
            "joined_online",
            "present",
            "accessibility_needs",
            # One column per question of the assembly's own, headed by its English wording.
            *safe_row(answers.header_cells(questions)),
        ]
    )
    for r in registrations:
        # Names and notes come from a public form: no cell may be a formula.
        writer.writerow(
            safe_row(
                [
                    r.full_name,
                    r.email,
                    r.title,
                    r.role,
                    r.attendance_mode,
                    r.member.name_en if r.member else "",
                    r.organization_name,
                    str(r.country or ""),
                    r.status,
                    r.check_in_code,
                    r.created_at.isoformat(),
                    r.checked_in_at.isoformat() if r.checked_in_at else "",
                    r.joined_at.isoformat() if r.joined_at else "",
                    "yes" if r.is_present else "no",
                    r.accessibility_needs,
                    *(answers.answer_cells(r, questions) if questions else []),
                ]
            )
        )
    return response


@require_POST
def registration_approve(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_manage_registrations)
    registration = registration_in(assembly, pk)
    try:
        services.approve_registration(
            registration=registration,
            by=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is confirmed.") % {"name": registration.full_name})
    return redirect("assemblies:registrations", edition=edition)


@require_POST
def registration_resend_mail(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_manage_registrations)
    registration = registration_in(assembly, pk)
    try:
        registration = services.resend_registration_mail(
            registration=registration,
            by=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        registration.refresh_from_db()
        if registration.mail_status == MailStatus.FAILED:
            messages.error(
                request,
                _("The e-mail to %(email)s failed again: %(error)s")
                % {"email": registration.email, "error": registration.mail_error},
            )
        else:
            messages.success(
                request, _("The e-mail to %(email)s is sent.") % {"email": registration.email}
            )
    return redirect("assemblies:registrations", edition=edition)


@require_POST
def registration_decline(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_manage_registrations)
    registration = registration_in(assembly, pk)
    try:
        services.decline_registration(registration=registration, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is declined.") % {"name": registration.full_name})
    return redirect("assemblies:registrations", edition=edition)


@require_POST
def registration_accounts(request: HttpRequest, edition: int) -> HttpResponse:
    """Issue logins to every confirmed registrant who represents a member and has none."""
    assembly = _staff_assembly(request, edition, can_manage_registrations)
    registrations = list(
        queries.registrations_needing_accounts(assembly).select_related("assembly", "member")
    )
    report = accounts.issue_accounts(
        registrations=registrations,
        by=request.user,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    for line in report.messages():
        messages.warning(request, line)
    messages.success(
        request,
        _("%(n)d accounts issued; each was sent a link to set a password.")
        % {"n": len(report.issued)},
    )
    return redirect("assemblies:registrations", edition=edition)


def desk_walk_in(request: HttpRequest, edition: int) -> HttpResponse:
    """Register and check in someone who turns up at the desk, whatever the public form says."""
    assembly = _staff_assembly(request, edition, can_run_desk)
    form = WalkInForm(request.POST or None, assembly=assembly)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.register_walk_in(
                assembly=assembly, by=request.user, **_registrant(request, data)
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s (%(represents)s) is registered and checked in.")
                % {"name": registration.full_name, "represents": registration.represents},
            )
            return redirect("assemblies:desk", edition=edition)
    return render(request, "assemblies/walk_in.html", {"assembly": assembly, "form": form})


def desk(request: HttpRequest, edition: int) -> HttpResponse:
    """One input: a check-in code checks the registrant in at once; anything else searches."""
    assembly = _staff_assembly(request, edition, can_run_desk)
    desk_url = reverse("assemblies:desk", kwargs={"edition": edition})
    if request.method == "POST":
        form = DeskForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Type a name, an organization or a check-in code."))
            return redirect(desk_url)
        q = form.cleaned_data["q"]
        registration = queries.registration_by_code(assembly, q)
        if registration is None:
            return redirect(f"{desk_url}?{urlencode({'q': q})}")
        _check_in_with_message(request, registration)
        return redirect(desk_url)
    q = request.GET.get("q", "").strip()
    results = (
        queries.registrations_for_secretariat(assembly, q=q)[:50]
        if q
        else Registration.objects.none()
    )
    return render(
        request,
        "assemblies/desk.html",
        {
            "assembly": assembly,
            "form": DeskForm(initial={"q": ""}),
            "q": q,
            "results": results,
            "figures": queries.attendance_figures(assembly),
            "events": queries.recent_events(assembly),
            "zone": assembly.zone,
        },
    )


def _check_in_with_message(request: HttpRequest, registration: Registration) -> None:
    try:
        services.check_in(registration=registration, by=request.user)
    except Refused as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s (%(represents)s) is checked in.")
            % {"name": registration.full_name, "represents": registration.represents},
        )


@require_POST
def desk_check_in(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_run_desk)
    registration = registration_in(assembly, pk)
    _check_in_with_message(request, registration)
    return _back_to_desk(request, edition)


@require_POST
def desk_undo(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_run_desk)
    registration = registration_in(assembly, pk)
    try:
        services.undo_check_in(registration=registration, by=request.user)
    except Refused as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request, _("Check-in of %(name)s undone.") % {"name": registration.full_name}
        )
    return _back_to_desk(request, edition)


def _back_to_desk(request: HttpRequest, edition: int) -> HttpResponse:
    url = reverse("assemblies:desk", kwargs={"edition": edition})
    q = request.POST.get("q", "").strip()
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


def programme_manage(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_edit_programme)
    return render(
        request,
        "assemblies/programme_manage.html",
        {"assembly": assembly, "items": queries.programme_for(assembly), "zone": assembly.zone},
    )


@require_POST
def programme_move(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_edit_programme)
    item = get_object_or_404(assembly.items, pk=pk)
    form = MoveItemForm(request.POST)
    if form.is_valid():
        services.move_item(item=item, position=form.cleaned_data["position"] - 1, by=request.user)
        messages.success(request, _("“%(title)s” moved.") % {"title": item.title})
    else:
        messages.error(request, _("Give the new position as a whole number from 1."))
    url = reverse("assemblies:programme_manage", kwargs={"edition": edition})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
