"""Back office for the minutes: a read-only list with the approval and publication steps as
actions (the text is written and edited on the minutes page, section by section)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moim.errors import Refused
from moim.minutes.models import Minutes
from moim.minutes.rules import can_approve_minutes, can_publish_minutes
from moim.minutes.services import approve_minutes, publish_minutes, withdraw_minutes
from moim.permissions import allows


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["assembly", "drafted_at", "approved_at", "approved_by_name", "published_at"]
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written from the records on the minutes page

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
