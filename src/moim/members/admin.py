"""The secretariat's back office for the member registry, accounts and roles.

Every permission check asks the predicates of `rules.py` as well as the role's model permissions,
so the admin and the staff pages agree on who may do what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import AbstractUser, Group
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportModelAdmin

from moim.members.enums import Role
from moim.members.forms import RoleChoiceField
from moim.members.models import (
    Member,
    MemberCategory,
    Office,
    Organization,
    Person,
    Region,
    Term,
)
from moim.members.queries import current_organization, registry_today
from moim.members.resources import (
    ExcelCSVDownload,
    ExcelFriendlyCSV,
    ImportFileError,
    MemberResource,
    SafeXLSX,
)
from moim.members.rules import (
    can_export_members,
    can_import_members,
    can_manage_accounts,
    can_manage_members,
    can_view_members_admin,
    can_view_people_contacts,
)
from moim.members.services import (
    assign_role,
    good_standing_any_q,
    record_fees_paid,
    remove_role,
    sync_staff_flag,
    with_good_standing,
)

admin.site.site_header = _("Moim back office")
admin.site.site_title = _("Moim back office")
admin.site.index_title = _("Secretariat")

User = get_user_model()


class RegistryAdmin(admin.ModelAdmin):
    """The registry is seen by the secretariat and the chair, and changed by the secretariat."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view_members_admin.test(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_members_admin.test(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_manage_members.test(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_members.test(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_members.test(request.user) and super().has_delete_permission(request, obj)


class RegistryInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_members_admin.test(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_members.test(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_members.test(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_members.test(request.user) and super().has_delete_permission(request, obj)


def yes_no_mark(value: bool) -> str:
    """A mark readable without colour or icons: ✔ Yes / ✘ No, in the active language."""
    if value:
        return format_html('<span class="mark-yes">✔ {}</span>', pgettext("yes/no mark", "Yes"))
    return format_html('<span class="mark-no">✘ {}</span>', pgettext("yes/no mark", "No"))


# ---------------------------------------------------------------------------------------------
# Organization, categories, regions


@admin.register(Organization)
class OrganizationAdmin(RegistryAdmin):
    list_display = ("name_en", "name_ko", "acronym", "standing_rule")
    search_fields = ("name_en", "name_ko", "acronym")
    fieldsets = (
        (None, {"fields": ("name_en", "name_ko", "acronym", "slug", "founded", "website")}),
        (_("Secretariat"), {"fields": ("secretariat_city_en", "secretariat_city_ko")}),
        (_("Description"), {"fields": ("description_en", "description_ko")}),
        (_("Good standing"), {"fields": ("standing_rule",)}),
    )


@admin.register(MemberCategory)
class MemberCategoryAdmin(RegistryAdmin):
    list_display = ("name_en", "name_ko", "code", "has_vote", "member_count", "position")
    list_filter = ("has_vote",)
    search_fields = ("name_en", "name_ko", "code")
    ordering = ("position", "name_en")

    def get_queryset(self, request: HttpRequest) -> QuerySet[MemberCategory]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj: MemberCategory) -> int:
        return int(getattr(obj, "member_total", 0))


@admin.register(Region)
class RegionAdmin(RegistryAdmin):
    list_display = ("name_en", "name_ko", "code", "office", "member_count", "position")
    search_fields = ("name_en", "name_ko", "code")
    autocomplete_fields = ("office",)
    list_select_related = ("office",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj: Region) -> int:
        return int(getattr(obj, "member_total", 0))


# ---------------------------------------------------------------------------------------------
# Members, with their people and terms


class GoodStandingFilter(admin.SimpleListFilter):
    """Members in good standing today, under each organization's own rule."""

    title = _("good standing")
    parameter_name = "good_standing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("In good standing")), ("no", _("Not in good standing"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(good_standing_any_q())
        if self.value() == "no":
            return queryset.exclude(good_standing_any_q())
        return queryset


class PersonInline(RegistryInline):
    model = Person
    fk_name = "member"
    fields = ("name_en", "name_ko", "title_en", "title_ko", "email", "user")
    autocomplete_fields = ("user",)
    verbose_name = _("person of this member")
    verbose_name_plural = _("people of this member")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if not can_view_people_contacts.test(request.user):
            fields = [name for name in fields if name not in ("email", "user")]
        return fields


class MemberTermInline(RegistryInline):
    model = Term
    fk_name = "member"
    fields = ("office", "starts", "ends", "source", "basis", "basis_ko", "appointed_by")
    autocomplete_fields = ("office", "appointed_by")
    verbose_name = _("term of office")
    verbose_name_plural = _("terms of office")


def country_codes_matching(term: str) -> set[str]:
    """ISO codes whose country name (English or the active language) or code matches `term`."""
    wanted = term.strip().casefold()
    if not wanted:
        return set()
    codes = {code for code, name in countries if wanted in str(name).casefold()}
    with translation.override("en"):
        codes |= {code for code, name in countries if wanted in str(name).casefold()}
    if countries.alpha2(wanted.upper()):
        codes.add(countries.alpha2(wanted.upper()))
    return codes


@admin.register(Member)
class MemberAdmin(ImportExportModelAdmin, RegistryAdmin):
    # Standing comes right after the names: on a laptop screen the last columns scroll away.
    list_display = (
        "name_en",
        "name_ko",
        "standing_mark",
        "fees_paid_through",
        "status",
        "category",
        "country",
        "region",
        "kind",
    )
    list_display_links = ("name_en", "name_ko")
    list_filter = (
        "region",
        ("country", CountryFilter),
        "category",
        "kind",
        "status",
        GoodStandingFilter,
        "illustrative",
    )
    search_fields = ("name_en", "name_ko", "slug", "people__email", "people__name_en")
    search_help_text = _("Name in English or Korean, slug, country, or a person's e-mail")
    list_select_related = ("region", "category")
    autocomplete_fields = ("region", "category")
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("standing_today",)
    inlines = (PersonInline, MemberTermInline)
    list_per_page = 100
    fieldsets = (
        (None, {"fields": ("organization", "name_en", "name_ko", "slug", "kind")}),
        (_("Where"), {"fields": ("country", "region", "website")}),
        (_("Credentials"), {"fields": ("contact_email",)}),
        (
            _("Membership"),
            {"fields": ("category", "status", "joined", "fees_paid_through", "standing_today")},
        ),
        (_("Data"), {"fields": ("illustrative",)}),
    )
    resource_classes = (MemberResource,)
    import_formats = (ExcelFriendlyCSV, SafeXLSX)
    export_formats = (ExcelCSVDownload, SafeXLSX)

    actions = ("record_fees_last_year", "record_fees_this_year")

    @admin.action(description=_("Record fees paid through last year"), permissions=["change"])
    def record_fees_last_year(self, request: HttpRequest, queryset: QuerySet[Member]) -> None:
        self._record_fees(request, queryset, registry_today().year - 1)

    @admin.action(description=_("Record fees paid through this year"), permissions=["change"])
    def record_fees_this_year(self, request: HttpRequest, queryset: QuerySet[Member]) -> None:
        self._record_fees(request, queryset, registry_today().year)

    def _record_fees(self, request: HttpRequest, queryset: QuerySet[Member], year: int) -> None:
        changed = record_fees_paid(members=queryset, through=year)
        self.message_user(
            request,
            gettext("Fees recorded as paid through %(year)d for %(count)d member(s).")
            % {"year": year, "count": changed},
            messages.SUCCESS,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        # One query for the list, the standing column included.
        return with_good_standing(super().get_queryset(request))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if can_view_people_contacts.test(request.user):
            return fieldsets
        # The credentials contact is an e-mail address: only for those who see contacts.
        return [(name, opts) for name, opts in fieldsets if "contact_email" not in opts["fields"]]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        # Searching by e-mail would tell who owns an address: only for those who see contacts.
        fields = list(super().get_search_fields(request))
        if can_view_people_contacts.test(request.user):
            return fields
        return [name for name in fields if "email" not in name]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Member], search_term: str
    ) -> tuple[QuerySet[Member], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        codes = country_codes_matching(search_term)
        if codes:
            results = results | queryset.filter(Q(country__in=codes))
        return results, may_have_duplicates

    @admin.display(description=_("good standing"), ordering="good_standing")
    def standing_mark(self, obj: Member) -> str:
        return yes_no_mark(bool(getattr(obj, "good_standing", False)))

    @admin.display(description=_("in good standing today"))
    def standing_today(self, obj: Member) -> str:
        if obj.pk is None:
            return "—"
        return yes_no_mark(obj.in_good_standing(registry_today()))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = dict(super().get_changeform_initial_data(request))
        organization = current_organization()
        if organization is not None:
            initial.setdefault("organization", str(organization.pk))
        return initial

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # People added on a member's page belong to the member's organization.
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Person) and instance.organization_id is None:
                instance.organization = form.instance.organization
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    # Import and export: the secretariat only, through the shared service's resource.
    def has_import_permission(self, request: HttpRequest) -> bool:
        return bool(can_import_members.test(request.user))

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(can_export_members.test(request.user))

    def add_data_read_fail_error_to_form(self, form: Any, error: Exception) -> None:
        if isinstance(error, ImportFileError):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {"organization": current_organization()}

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {"organization": current_organization()}


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
    list_display = ("name_en", "name_ko", "title_en", "member", "affiliation_en", "has_login")
    list_filter = ("member__region", "member__category")
    search_fields = ("name_en", "name_ko", "email", "member__name_en", "member__name_ko")
    autocomplete_fields = ("member", "user")
    list_select_related = ("member",)
    fieldsets = (
        (None, {"fields": ("organization", "name_en", "name_ko", "title_en", "title_ko")}),
        (_("Belongs to"), {"fields": ("member", "affiliation_en", "affiliation_ko")}),
        (_("Contact and login"), {"fields": ("email", "user")}),
        (_("Data"), {"fields": ("illustrative",)}),
    )

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = list(super().get_list_display(request))
        if can_view_people_contacts.test(request.user):
            shown.insert(4, "email")
        return shown

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        fields = super().get_search_fields(request)
        if can_view_people_contacts.test(request.user):
            return list(fields)
        return [name for name in fields if name != "email"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if can_view_people_contacts.test(request.user):
            return super().get_fieldsets(request, obj)
        return [
            (name, {"fields": [f for f in opts["fields"] if f not in ("email", "user")]})
            for name, opts in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("can log in"), boolean=True, ordering="user")
    def has_login(self, obj: Person) -> bool:
        return obj.user_id is not None


class OfficeTermInline(RegistryInline):
    model = Term
    fk_name = "office"
    fields = ("member", "person", "starts", "ends", "source", "basis", "basis_ko", "appointed_by")
    autocomplete_fields = ("member", "person", "appointed_by")


@admin.register(Office)
class OfficeAdmin(RegistryAdmin):
    list_display = ("name_en", "name_ko", "kind", "holder_type", "seats", "term_years", "position")
    list_filter = ("kind", "holder_type")
    search_fields = ("name_en", "name_ko")
    inlines = (OfficeTermInline,)


@admin.register(Term)
class TermAdmin(RegistryAdmin):
    list_display = ("office", "holder_name", "starts", "ends", "source", "basis")
    list_filter = ("office", "source")
    search_fields = (
        "office__name_en",
        "office__name_ko",
        "member__name_en",
        "member__name_ko",
        "person__name_en",
        "person__name_ko",
        "basis",
    )
    autocomplete_fields = ("office", "member", "person", "appointed_by")
    list_select_related = ("office", "member", "person")
    date_hierarchy = "starts"

    @admin.display(description=_("holder"))
    def holder_name(self, obj: Term) -> str:
        return str(obj.holder)


# ---------------------------------------------------------------------------------------------
# Accounts and roles


def role_action(role: Role, *, grant: bool) -> Callable[..., None]:
    def action(model_admin: UserAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        changed = 0
        for user in queryset:
            if user.is_superuser and not request.user.is_superuser:
                continue
            (assign_role if grant else remove_role)(user=user, role=role)
            changed += 1
        template = (
            gettext("%(role)s role given to %(count)d account(s).")
            if grant
            else gettext("%(role)s role taken from %(count)d account(s).")
        )
        model_admin.message_user(
            request, template % {"role": role.label, "count": changed}, messages.SUCCESS
        )

    verb = "give" if grant else "remove"
    action.__name__ = f"{verb}_role_{role.value}"
    description = format_lazy(
        _("Give the role: {}") if grant else _("Take away the role: {}"), role.label
    )
    return admin.action(description=description)(action)


class UserAdmin(DjangoUserAdmin):
    """Logins: the secretariat gives and takes roles; only superusers touch superusers."""

    list_display = (
        "username",
        "email",
        "person_name",
        "roles",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_active", "is_superuser")
    search_fields = ("username", "email", "first_name", "last_name", "person__name_en")
    readonly_fields = ("is_staff", "last_login", "date_joined")
    actions = [role_action(role, grant=grant) for role in Role for grant in (True, False)]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
        (_("Roles"), {"fields": ("groups",)}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        fieldsets: list[tuple[Any, dict[str, Any]]] = [
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (
                _("Roles"),
                {
                    "fields": ("groups", "is_staff"),
                    "description": _(
                        "Each role carries its permissions. Secretariat and chair open the "
                        "back office: staff status follows them."
                    ),
                },
            ),
            (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
        ]
        if request.user.is_superuser:
            fieldsets.insert(3, (_("Superuser"), {"fields": ("is_superuser", "user_permissions")}))
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("person").prefetch_related("groups")

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "groups":
            return RoleChoiceField()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return can_manage_accounts.test(request.user) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_accounts.test(request.user) and super().has_add_permission(request)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if isinstance(user, AbstractUser):
            sync_staff_flag(user=user)

    @admin.display(description=_("roles"))
    def roles(self, obj: Any) -> str:
        labels = dict(Role.choices)
        names = sorted(group.name for group in obj.groups.all())
        return ", ".join(str(labels.get(name, name)) for name in names) or "—"

    @admin.display(description=_("person"), ordering="person__name_en")
    def person_name(self, obj: Any) -> str:
        person = getattr(obj, "person", None)
        return person.name_en if person is not None else "—"


class RoleGroupAdmin(DjangoGroupAdmin):
    """Role groups are defined in code (roles.py) and restored at every migrate."""

    list_display = ("name", "role_label", "user_count")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).annotate(user_total=Count("user"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.name in Role.values:
            return ("name", "permissions")
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("role"))
    def role_label(self, obj: Group) -> str:
        return str(dict(Role.choices).get(obj.name, "—"))

    @admin.display(description=_("accounts"), ordering="user_total")
    def user_count(self, obj: Group) -> int:
        return int(getattr(obj, "user_total", 0))


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)
