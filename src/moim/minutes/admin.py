"""Back office for the minutes: write an assembly's minutes from its records (add), then the
approval and publication steps as actions; the text is edited on the minutes page, section by
section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from moim.errors import Refused
from moim.minutes.models import Minutes
from moim.minutes.rules import (
    can_approve_minutes,
    can_edit_minutes,
    can_publish_minutes,
    can_view_minutes_draft,
)
from moim.minutes.services import (
    approve_minutes,
    draft_minutes,
    publish_minutes,
    withdraw_minutes,
)
from moim.permissions import allows


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = [
        "assembly",
        "drafted_at",
        "approved_at",
        "approved_by_name",
        "published_at",
        "page",
    ]
    readonly_fields = [
        "assembly",
        "drafted_at",
        "updated_at",
        "approved_at",
        "approved_by",
        "approved_by_name",
        "published_at",
    ]
    actions = ["approve", "publish", "unpublish"]

    # Asked of the minutes' own predicates, as the pages ask them: the role groups' model
    # permissions do not cover this app.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return allows(can_view_minutes_draft, request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allows(can_view_minutes_draft, request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return allows(can_edit_minutes, request.user)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Adding names the assembly only: the minutes are then written from its records.
        return ["assembly"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Minutes, form: Any, change: bool) -> None:
        if not change:
            written = draft_minutes(assembly=obj.assembly, by=request.user)
            obj.pk, obj.drafted_at = written.pk, written.drafted_at

    def response_add(self, request: HttpRequest, obj: Minutes, *args: Any) -> Any:
        return redirect("minutes:draft", edition=obj.assembly.edition)

    @admin.display(description=_("page"))
    def page(self, obj: Minutes) -> str:
        url = reverse("minutes:draft", args=[obj.assembly.edition])
        return format_html('<a href="{}">{}</a>', url, _("Open the minutes"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # edited section by section on the minutes page; approved ones are frozen

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return allows(can_approve_minutes, request.user)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return allows(can_publish_minutes, request.user)

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Minutes], step: Callable[..., Minutes]
    ) -> bool:
        for minutes in queryset:
            try:
                step(minutes=minutes, by=request.user)
            except Refused as error:
                self.message_user(request, f"{minutes}: {error}", messages.ERROR)
                return False
        return True

    @admin.action(description=_("Approve (freezes the text)"), permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Minutes]) -> None:
        if self._each(request, queryset, approve_minutes):
            self.message_user(request, _("Approved."))

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Minutes]) -> None:
        if self._each(request, queryset, publish_minutes):
            self.message_user(request, _("Published."))

    @admin.action(description=_("Withdraw from publication"), permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Minutes]) -> None:
        if self._each(request, queryset, withdraw_minutes):
            self.message_user(request, _("Withdrawn from publication."))
