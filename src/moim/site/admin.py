"""Back office for publication: the press release, drafted from the records, edited, published."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moim.errors import Refused
from moim.permissions import allows
from moim.site.models import PressRelease
from moim.site.press import (
    draft_press_release,
    publish_press_release,
    render_press_release,
    withdraw_press_release,
)
from moim.site.rules import can_publish_press_release


@admin.register(PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["assembly", "language", "headline", "drafted_at", "updated_at", "published_at"]
    list_filter = ["language", "assembly"]
    readonly_fields = ["drafted_at", "updated_at", "published_at"]
    fields = ["assembly", "language", "body", "drafted_at", "updated_at", "published_at"]
    actions = ["redraft", "publish", "unpublish"]

    def save_model(self, request: HttpRequest, obj: PressRelease, form: Any, change: bool) -> None:
        if not obj.body.strip():
            obj.body = render_press_release(obj.assembly, obj.language)
            obj.drafted_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Draft again from the records (replaces the text)"))
    def redraft(self, request: HttpRequest, queryset: QuerySet[PressRelease]) -> None:
        for release in queryset.select_related("assembly"):
            draft_press_release(assembly=release.assembly, language=release.language)
        self.message_user(request, _("Drafted again from the records; not yet published."))

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return allows(can_publish_press_release, request.user)

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[PressRelease]) -> None:
        for release in queryset:
            try:
                publish_press_release(release=release, by=request.user)
            except Refused as error:
                self.message_user(request, f"{release}: {error}", messages.ERROR)
                return
        self.message_user(request, _("Published."))

    @admin.action(description=_("Withdraw from publication"), permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[PressRelease]) -> None:
        for release in queryset:
            withdraw_press_release(release=release, by=request.user)
        self.message_user(request, _("Withdrawn from publication."))
