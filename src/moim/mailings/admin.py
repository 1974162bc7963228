"""The back office for mailings: the rules, the templates, and read-only delivery reports.
Mailings are sent from the secretariat's pages (/mailings/<edition>/), never typed in here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moim.mailings import services
from moim.mailings.models import Delivery, Mailing, MailingRules, MessageTemplate


@admin.register(MailingRules)
class MailingRulesAdmin(admin.ModelAdmin):
    list_display = ["organization", "notice_days", "notice_assumed", "max_attempts"]
    readonly_fields = ["notice_assumed"]

    def save_model(self, request: HttpRequest, obj: MailingRules, form: Any, change: bool) -> None:
        # Through the service, which checks the secretariat and the ranges as the page would.
        rules = services.update_mailing_rules(
            organization=obj.organization,
            notice_days=obj.notice_days,
            max_attempts=obj.max_attempts,
            retry_minutes=obj.retry_minutes,
            by=request.user,
        )
        obj.pk = rules.pk
        obj.notice_assumed = rules.notice_assumed


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ko", "kind", "key", "organization"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_ko", "subject_en", "subject_ko"]
    fieldsets = [
        (None, {"fields": ["organization", "key", "kind", "name_en", "name_ko"]}),
        (_("English"), {"fields": ["subject_en", "body_en"]}),
        (
            _("Korean"),
            {
                "fields": ["subject_ko", "body_ko"],
                "description": _(
                    "The text may name {member}, {name}, {assembly}, {date}, {venue}, "
                    "{agenda}, {documents} and {url}; each is filled in per recipient."
                ),
            },
        ),
    ]


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["subject_en", "assembly", "kind", "audience", "created_at", "days_before"]
    list_filter = ["kind", "audience", "assembly"]
    list_select_related = ["assembly"]
    readonly_fields = [
        "assembly",
        "kind",
        "audience",
        "template",
        "subject_en",
        "subject_ko",
        "created_at",
        "created_by",
        "notice_days_required",
        "days_before",
        "late_confirmed",
        "illustrative",
    ]
    actions = ["retry_failed"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Queue the failed deliveries of the selected again"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Mailing]) -> None:
        queued = sum(services.retry_failed(mailing=m, by=request.user) for m in queryset)
        self.message_user(
            request,
            gettext("%(n)d failed deliveries are queued again.") % {"n": queued},
            messages.SUCCESS,
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "language", "status", "attempts", "sent_at", "mailing"]
    list_filter = ["status", "language"]
    list_select_related = ["mailing"]
    search_fields = ["name", "address"]
    readonly_fields = [
        "mailing",
        "member",
        "person",
        "name",
        "address",
        "language",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "bounced_at",
        "last_error",
        "message_id",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
