"""The secretariat's back office for assemblies. State changes go through the services.

Times are entered and shown in the assembly's time zone, not the server's: each change form
(of an assembly, a programme item, a registration) runs with that zone active, so Django's
date-time fields read and show wall-clock times at the venue, and each date-time field says
which zone it is in. A new assembly's times are read in the zone chosen in the same form.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms import Field
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moim.assemblies import accounts, answers, badges, certificates, credentials, services
from moim.assemblies.enums import BadgeSize, Credential
from moim.assemblies.models import (
    Assembly,
    AttendanceCertificate,
    AttendanceEvent,
    Material,
    ProgrammeItem,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    Speaker,
    Sponsor,
    time_zone_names,
)
from moim.assemblies.rules import can_print_badges
from moim.errors import Refused
from moim.pdf import no_pdf_reason
from moim.permissions import allows

_ZONE_ATTRIBUTE = "_moim_assembly_zone"


def _assembly_zone(pk: object) -> zoneinfo.ZoneInfo | None:
    """The zone of the assembly with this primary key (as posted or stored), if there is one."""
    try:
        assembly_pk = int(str(pk))
    except ValueError:
        return None
    zone_name = Assembly.objects.filter(pk=assembly_pk).values_list("time_zone", flat=True).first()
    return zoneinfo.ZoneInfo(zone_name) if zone_name in time_zone_names() else None


def local_time(value: Any, zone: zoneinfo.ZoneInfo) -> str:
    """A moment as the venue's wall clock, with the zone's name: for lists in the back office."""
    if value is None:
        return ""
    when = formats.date_format(timezone.localtime(value, zone), "DATETIME_FORMAT")
    return f"{when} ({zone.key})"


def item_entry_zone(
    request: HttpRequest, model: type[models.Model], object_id: str | None
) -> zoneinfo.ZoneInfo | None:
    """For a record of an assembly: the zone of the assembly posted in the form, else of the
    one it belongs to, else of the one named in the address (?assembly=ID)."""
    if request.method == "POST" and request.POST.get("assembly"):
        return _assembly_zone(request.POST["assembly"])
    if object_id is not None:
        assembly_pk = (
            model._default_manager.filter(pk=object_id).values_list("assembly", flat=True).first()
            if str(object_id).isdigit()
            else None
        )
        return _assembly_zone(assembly_pk)
    return _assembly_zone(request.GET.get("assembly", ""))


class ZoneNoteMixin:
    """Name the zone the change form runs in beside every date-time field (inline forms
    share the page's request, hence its zone)."""

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Field | None:
        field: Field | None = super().formfield_for_dbfield(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        note = getattr(request, _ZONE_ATTRIBUTE, "")
        if field is not None and note and isinstance(db_field, models.DateTimeField):
            field.help_text = f"{field.help_text} {note}" if field.help_text else note
        return field


class AssemblyZoneMixin(ZoneNoteMixin):
    """Run the change form in the assembly's time zone."""

    def entry_zone(self, request: HttpRequest, object_id: str | None) -> zoneinfo.ZoneInfo | None:
        raise NotImplementedError

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        zone = self.entry_zone(request, object_id) or timezone.get_default_timezone()
        setattr(request, _ZONE_ATTRIBUTE, self.zone_note(zone, object_id))
        with timezone.override(zone):
            response: HttpResponse = super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
            # Fields are rendered from the response's template: render while the zone is on.
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()
        return response

    def zone_note(self, zone: zoneinfo.ZoneInfo, object_id: str | None) -> str:
        return gettext("Local time in %(zone)s, the assembly's time zone.") % {"zone": zone.key}


class ProgrammeItemInline(ZoneNoteMixin, admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = [
        "position",
        "kind",
        "title_en",
        "title_ko",
        "starts_at",
        "duration",
        "chair",
        "language",
    ]
    raw_id_fields = ["chair"]
    show_change_link = True


class SponsorInline(admin.TabularInline):
    model = Sponsor
    extra = 0
    fields = ["name", "tier", "url", "logo", "member", "position"]
    raw_id_fields = ["member"]


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["title_en", "title_ko", "kind", "language", "url", "file", "item", "position"]


@admin.register(Assembly)
class AssemblyAdmin(AssemblyZoneMixin, admin.ModelAdmin):
    list_display = ["edition", "title_en", "city_en", "starts_local", "mode", "status"]
    list_display_links = ["edition", "title_en"]
    list_filter = ["status", "mode", "organization"]
    search_fields = ["title_en", "title_ko", "theme_en", "theme_ko", "city_en", "city_ko"]
    raw_id_fields = ["host"]
    inlines = [ProgrammeItemInline, SponsorInline, MaterialInline]
    fieldsets = [
        (None, {"fields": ["organization", "edition", "status", "mode", "host"]}),
        (
            _("Title and theme"),
            {
                "fields": [
                    "title_en",
                    "title_ko",
                    "theme_en",
                    "theme_ko",
                    "description_en",
                    "description_ko",
                ]
            },
        ),
        (
            _("Time and place"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "time_zone",
                    "venue_en",
                    "venue_ko",
                    "city_en",
                    "city_ko",
                    "country",
                ]
            },
        ),
        (_("Online"), {"fields": ["livestream_url", "conference_url"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "requires_approval",
                    "in_person_capacity",
                    "in_person_deadline",
                    "online_capacity",
                    "online_deadline",
                ]
            },
        ),
    ]

    def entry_zone(self, request: HttpRequest, object_id: str | None) -> zoneinfo.ZoneInfo | None:
        """The zone posted in this very form (times and zone are entered together), else the
        stored one; a new assembly starts in the field's default."""
        posted = request.POST.get("time_zone", "").strip() if request.method == "POST" else ""
        if posted in time_zone_names():
            return zoneinfo.ZoneInfo(posted)
        if object_id is not None:
            return _assembly_zone(object_id)
        default = Assembly._meta.get_field("time_zone").get_default()
        return zoneinfo.ZoneInfo(default) if default in time_zone_names() else None

    def zone_note(self, zone: zoneinfo.ZoneInfo, object_id: str | None) -> str:
        if object_id is None:
            return gettext("Local time in the time zone chosen below (now %(zone)s).") % {
                "zone": zone.key
            }
        return super().zone_note(zone, object_id)

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts_local(self, obj: Assembly) -> str:
        return local_time(obj.starts_at, obj.zone)


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 1
    raw_id_fields = ["person"]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(AssemblyZoneMixin, admin.ModelAdmin):
    list_display = ["title_en", "assembly", "position", "kind", "starts_local", "duration", "chair"]
    list_filter = ["assembly", "kind", "language"]
    search_fields = ["title_en", "title_ko", "speakers__name_en", "chair__name_en"]
    raw_id_fields = ["chair"]
    inlines = [SpeakerInline]
    list_select_related = ["assembly", "chair"]

    def entry_zone(self, request: HttpRequest, object_id: str | None) -> zoneinfo.ZoneInfo | None:
        return item_entry_zone(request, ProgrammeItem, object_id)

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts_local(self, obj: ProgrammeItem) -> str:
        return local_time(obj.starts_at, obj.assembly.zone)


class AttendanceEventInline(admin.TabularInline):
    model = AttendanceEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "by", "note"]
    readonly_fields = ["at", "action", "by", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RegistrationAnswerInline(admin.TabularInline):
    """The answers to the assembly's own questions, as the registrant gave them."""

    model = RegistrationAnswer
    fields = ["question", "value", "file"]
    readonly_fields = ["question", "value", "file"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(AssemblyZoneMixin, admin.ModelAdmin):
    list_display = [
        "full_name",
        "assembly",
        "role",
        "attendance_mode",
        "member",
        "country",
        "status",
        "credential",
        "checked_in_at",
        "joined_at",
        "mail_status",
    ]
    list_filter = [
        "assembly",
        "status",
        "credential",
        "mail_status",
        "attendance_mode",
        "role",
        "illustrative",
        "country",
    ]
    search_fields = [
        "full_name",
        "email",
        "organization_name",
        "member__name_en",
        "member__name_ko",
        "check_in_code",
    ]
    raw_id_fields = ["member", "person"]
    # Credentials change only through the credentials services (audited), never by editing.
    readonly_fields = [
        "check_in_code",
        "join_token",
        "created_at",
        "checked_in_at",
        "joined_at",
        "mail_status",
        "mail_error",
        "credential",
        "credential_source",
        "credential_note",
        "credential_changed_at",
        "credential_changed_by",
    ]
    list_select_related = ["assembly", "member"]
    inlines = [AttendanceEventInline, RegistrationAnswerInline]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        # A registration typed in here has no answers yet: the add form shows none.
        return list(self.inlines) if obj is not None else [AttendanceEventInline]

    actions = [
        "badges_a6",
        "badges_a7",
        "issue_certificates",
        "approve",
        "check_in",
        "accredit_voting",
        "accredit_alternate",
        "withdraw_accreditation",
        "issue_accounts",
        "resend_mail",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_accredited:
            # Whom an accredited registrant represents (and as whom) changes only by
            # withdrawing the accreditation first.
            fields += ["assembly", "member", "person", "role", "email"]
        return fields

    def save_model(self, request: HttpRequest, obj: Registration, form: Any, change: bool) -> None:
        claim = services.initial_credential(obj.member, obj.role)
        if not change or claim == Credential.NONE or obj.credential == Credential.NONE:
            # A registration typed in here is a claim like any other (never accredited by it);
            # a refused claim stays refused.
            obj.credential = claim
        super().save_model(request, obj, form, change)
        # A registration typed in here links to the registry's person like any other.
        services.link_person(obj)

    @admin.action(description=_("Accredit the selected as their member's voting delegate"))
    def accredit_voting(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._accredit(request, queryset, Credential.VOTING)

    @admin.action(description=_("Accredit the selected as alternates"))
    def accredit_alternate(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._accredit(request, queryset, Credential.ALTERNATE)

    def _accredit(
        self, request: HttpRequest, queryset: QuerySet[Registration], credential: Credential
    ) -> None:
        report = credentials.accredit_many(
            registrations=list(queryset.select_related("assembly", "member")),
            by=request.user,
            credential=credential,
        )
        for line in report.messages():
            self.message_user(request, line, messages.WARNING)
        self.message_user(
            request, _("%(n)d accredited.") % {"n": len(report.accredited)}, messages.SUCCESS
        )

    @admin.action(description=_("Withdraw the accreditation of the selected"))
    def withdraw_accreditation(
        self, request: HttpRequest, queryset: QuerySet[Registration]
    ) -> None:
        reason = gettext("Withdrawn in the back office by %(user)s.") % {
            "user": request.user.get_username()
        }
        self._apply(
            request,
            queryset,
            lambda r: credentials.withdraw_accreditation(
                registration=r, by=request.user, reason=reason
            ),
        )

    @admin.action(description=_("Issue accounts to the selected registrants (by e-mail)"))
    def issue_accounts(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        report = accounts.issue_accounts(
            registrations=list(queryset.select_related("assembly", "member")),
            by=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        for line in report.messages():
            self.message_user(request, line, messages.WARNING)
        self.message_user(
            request,
            _("%(n)d accounts issued; each was sent a link to set a password.")
            % {"n": len(report.issued)},
            messages.SUCCESS,
        )

    def entry_zone(self, request: HttpRequest, object_id: str | None) -> zoneinfo.ZoneInfo | None:
        return item_entry_zone(request, Registration, object_id)

    @admin.action(description=_("Badges (PDF, A6) for the selected"))
    def badges_a6(self, request: HttpRequest, queryset: QuerySet[Registration]) -> Any:
        return self._badges(request, queryset, BadgeSize.A6)

    @admin.action(description=_("Badges (PDF, A7) for the selected"))
    def badges_a7(self, request: HttpRequest, queryset: QuerySet[Registration]) -> Any:
        return self._badges(request, queryset, BadgeSize.A7)

    def _badges(
        self, request: HttpRequest, queryset: QuerySet[Registration], size: BadgeSize
    ) -> HttpResponse | None:
        if not allows(can_print_badges, request.user):
            self.message_user(request, gettext("You may not do this."), messages.ERROR)
            return None
        body = badges.badges_pdf(
            queryset.select_related("assembly", "member").order_by("full_name", "pk"), size=size
        )
        if body is None:
            self.message_user(request, no_pdf_reason(), messages.ERROR)
            return None
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="badges-{size}.pdf"'
        return response

    @admin.action(description=_("Issue certificates of attendance to the selected who attended"))
    def issue_certificates(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        try:
            issued, skipped = certificates.issue_certificates(
                registrations=list(queryset.select_related("assembly")), by=request.user
            )
        except Refused as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        for registration, reason in skipped:
            self.message_user(request, f"{registration.full_name}: {reason}", messages.WARNING)
        self.message_user(
            request, _("%(n)d certificates issued.") % {"n": len(issued)}, messages.SUCCESS
        )

    @admin.action(description=_("Approve the selected registrations"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._apply(
            request,
            queryset,
            lambda r: services.approve_registration(registration=r, by=request.user),
        )

    @admin.action(description=_("Check in the selected registrants"))
    def check_in(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._apply(request, queryset, lambda r: services.check_in(registration=r, by=request.user))

    @admin.action(description=_("Send the confirmation e-mail again"))
    def resend_mail(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        base_url = request.build_absolute_uri("/").rstrip("/")
        self._apply(
            request,
            queryset,
            lambda r: services.resend_registration_mail(
                registration=r, by=request.user, base_url=base_url
            ),
        )

    def _apply(self, request: HttpRequest, queryset: QuerySet[Registration], action: Any) -> None:
        done = 0
        for registration in queryset:
            try:
                action(registration)
            except Refused as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(n)d done.") % {"n": done}, messages.SUCCESS)


@admin.register(AttendanceEvent)
class AttendanceEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ["at", "action", "registration", "by", "note"]
    list_filter = ["action", "registration__assembly"]
    search_fields = ["registration__full_name", "registration__email", "note"]
    list_select_related = ["registration", "by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["name", "assembly", "tier", "member", "url"]
    list_filter = ["tier", "assembly"]
    search_fields = ["name", "member__name_en"]
    raw_id_fields = ["member"]


@admin.register(Material)
class MaterialAdmin(AssemblyZoneMixin, admin.ModelAdmin):
    list_display = ["title_en", "assembly", "kind", "language", "item"]
    list_filter = ["kind", "language", "assembly"]
    search_fields = ["title_en", "title_ko"]

    def entry_zone(self, request: HttpRequest, object_id: str | None) -> zoneinfo.ZoneInfo | None:
        return item_entry_zone(request, Material, object_id)


@admin.register(RegistrationQuestion)
class RegistrationQuestionAdmin(admin.ModelAdmin):
    list_display = ["label_en", "label_ko", "assembly", "kind", "required", "position"]
    list_filter = ["assembly", "kind"]
    search_fields = ["label_en", "label_ko"]

    def save_model(
        self, request: HttpRequest, obj: RegistrationQuestion, form: Any, change: bool
    ) -> None:
        answers.save_question(question=obj, by=request.user)


@admin.register(AttendanceCertificate)
class AttendanceCertificateAdmin(admin.ModelAdmin):
    list_display = ["registration", "status", "requested_at", "issued_at"]
    list_filter = ["status", "registration__assembly"]
    search_fields = ["registration__full_name", "registration__email"]
    readonly_fields = ["registration", "status", "requested_at", "issued_at", "issued_by"]
    list_select_related = ["registration"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
