"""The secretariat's back office for assemblies. State changes go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moim.assemblies import accounts, services
from moim.assemblies.models import (
    Assembly,
    AttendanceEvent,
    Material,
    ProgrammeItem,
    Registration,
    Speaker,
    Sponsor,
)


class ProgrammeItemInline(admin.TabularInline):
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
class AssemblyAdmin(admin.ModelAdmin):
    list_display = ["edition", "title_en", "city_en", "starts_at", "mode", "status"]
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


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 1
    raw_id_fields = ["person"]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(admin.ModelAdmin):
    list_display = ["title_en", "assembly", "position", "kind", "starts_at", "duration", "chair"]
    list_filter = ["assembly", "kind", "language"]
    search_fields = ["title_en", "title_ko", "speakers__name_en", "chair__name_en"]
    raw_id_fields = ["chair"]
    inlines = [SpeakerInline]
    list_select_related = ["assembly", "chair"]


class AttendanceEventInline(admin.TabularInline):
    model = AttendanceEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "by", "note"]
    readonly_fields = ["at", "action", "by", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "assembly",
        "role",
        "attendance_mode",
        "member",
        "country",
        "status",
        "checked_in_at",
        "joined_at",
    ]
    list_filter = ["assembly", "status", "attendance_mode", "role", "illustrative", "country"]
    search_fields = [
        "full_name",
        "email",
        "organization_name",
        "member__name_en",
        "member__name_ko",
        "check_in_code",
    ]
    raw_id_fields = ["member", "person"]
    readonly_fields = ["check_in_code", "join_token", "created_at", "checked_in_at", "joined_at"]
    list_select_related = ["assembly", "member"]
    inlines = [AttendanceEventInline]
    actions = ["approve", "check_in", "issue_accounts"]

    def save_model(self, request: HttpRequest, obj: Registration, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A registration typed in here links to the registry's person like any other.
        services.link_person(obj)

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

    def _apply(self, request: HttpRequest, queryset: QuerySet[Registration], action: Any) -> None:
        done = 0
        for registration in queryset:
            try:
                action(registration)
            except services.AssemblyError as error:
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
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title_en", "assembly", "kind", "language", "item"]
    list_filter = ["kind", "language", "assembly"]
    search_fields = ["title_en", "title_ko"]
