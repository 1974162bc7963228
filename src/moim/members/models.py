"""The member registry: an organization, its members, people and the offices they hold."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from moim.bilingual import InLanguage, in_language
from moim.members.enums import (
    HolderType,
    MemberKind,
    MemberStatus,
    OfficeKind,
    StandingRule,
    TermSource,
)
from moim.text import NameField


class BilingualName(models.Model):
    """Names people read are kept in English and Korean; `name` picks the active language."""

    name_en = NameField(_("name (English)"), max_length=200)
    name_ko = NameField(_("name (Korean)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_en

    name = InLanguage()


class Organization(BilingualName):
    slug = models.SlugField(unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    founded = models.DateField(_("founded"), null=True, blank=True)
    secretariat_city_en = models.CharField(_("secretariat city (English)"), max_length=100)
    secretariat_city_ko = models.CharField(
        _("secretariat city (Korean)"), max_length=100, blank=True
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    standing_rule = models.CharField(
        _("good standing rule"),
        max_length=20,
        choices=StandingRule.choices,
        default=StandingRule.PREVIOUS_YEAR,
        help_text=_("Who counts as in good standing, and so may vote where standing is required."),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    secretariat_city = InLanguage()

    description = InLanguage()

    def fees_required_through(self, on: dt.date) -> int | None:
        """The last year whose fees a member must have paid on `on`; None when fees do not count."""
        if self.standing_rule == StandingRule.PREVIOUS_YEAR:
            return on.year - 1
        if self.standing_rule == StandingRule.CURRENT_YEAR:
            return on.year
        return None


class MemberCategory(BilingualName):
    """A category of membership (Full, Associate, ...). Only some categories carry a vote."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="categories"
    )
    code = models.SlugField(_("code"))
    has_vote = models.BooleanField(_("carries a vote"), default=False)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("member category")
        verbose_name_plural = _("member categories")
        ordering = ["position", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_category_code")
        ]


class Region(BilingualName):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="regions")
    code = models.SlugField(_("code"))
    office = models.ForeignKey(
        "Member",
        verbose_name=_("regional office"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regional_offices",
        help_text=_("The member that hosts the regional office, if any."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_region_code")
        ]


class MemberQuerySet(models.QuerySet["Member"]):
    def in_good_standing(self, organization: Organization, on: dt.date) -> MemberQuerySet:
        return self.filter(good_standing_q(organization, on))

    def voting(self) -> MemberQuerySet:
        return self.filter(category__has_vote=True, status=MemberStatus.ACTIVE)


def good_standing_q(organization: Organization, on: dt.date) -> Q:
    """The database form of `Member.in_good_standing`, for lists and registers."""
    active = Q(status=MemberStatus.ACTIVE)
    required = organization.fees_required_through(on)
    if required is None:
        return active
    return active & Q(fees_paid_through__gte=required)


class Member(BilingualName):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="members")
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=MemberKind.choices)
    country = CountryField(_("country"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="members"
    )
    category = models.ForeignKey(
        MemberCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    joined = models.DateField(_("joined"), null=True, blank=True)
    fees_paid_through = models.PositiveSmallIntegerField(
        _("fees paid through (year)"),
        null=True,
        blank=True,
        help_text=_("The last year for which the membership fee has been paid in full."),
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("credentials contact (e-mail)"),
        blank=True,
        help_text=_(
            "The member's known contact: asked by e-mail to confirm or decline each person who "
            "registers to represent the member at an assembly."
        ),
    )
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Invented for the demonstration data; not a fact about a real member."),
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_en"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_member_slug"),
            models.CheckConstraint(
                condition=Q(fees_paid_through__isnull=True)
                | Q(fees_paid_through__gte=1900, fees_paid_through__lte=2999),
                name="member_fees_year_plausible",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("members:detail", kwargs={"slug": self.slug})

    def in_good_standing(self, on: dt.date) -> bool:
        if self.status != MemberStatus.ACTIVE:
            return False
        required = self.organization.fees_required_through(on)
        if required is None:
            return True
        return self.fees_paid_through is not None and self.fees_paid_through >= required

    @property
    def has_vote(self) -> bool:
        return self.category.has_vote


class Person(models.Model):
    """Someone who speaks, votes, judges or serves: a mayor, a delegate, a juror, staff."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people")
    name_en = NameField(_("name (English)"), max_length=200)
    name_ko = NameField(_("name (Korean)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    affiliation_en = models.CharField(
        _("outside organization (English)"),
        max_length=200,
        blank=True,
        help_text=_("For people who belong to no member, such as UN-Habitat."),
    )
    affiliation_ko = models.CharField(
        _("outside organization (Korean)"), max_length=200, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    name = InLanguage()

    title = InLanguage()

    @property
    def affiliation(self) -> str:
        if self.member_id is not None and self.member is not None:
            return self.member.name
        return in_language(self.affiliation_en, self.affiliation_ko)


class Office(BilingualName):
    """A position in the organization's governance, e.g. President (one seat, held by a member)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(_("kind"), max_length=30, choices=OfficeKind.choices)
    holder_type = models.CharField(
        _("held by"), max_length=10, choices=HolderType.choices, default=HolderType.MEMBER
    )
    seats = models.PositiveSmallIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave empty when there is no fixed number.")
    )
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["position", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="unique_office_kind")
        ]


class TermQuerySet(models.QuerySet["Term"]):
    def current(self, on: dt.date) -> TermQuerySet:
        return self.filter(Q(ends__isnull=True) | Q(ends__gte=on), starts__lte=on)


class Term(models.Model):
    """One holder's term in an office, and how it began."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="terms"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True)
    source = models.CharField(_("began by"), max_length=20, choices=TermSource.choices)
    basis = models.CharField(
        _("basis"),
        max_length=300,
        blank=True,
        help_text=_(
            "The decision or act the term rests on, e.g. 'Elected by the 5th General Assembly'."
        ),
    )
    basis_ko = models.CharField(
        _("basis (Korean)"),
        max_length=300,
        blank=True,
        help_text=_("The same in Korean, e.g. '제5차 총회에서 선출'."),
    )
    appointed_by = models.ForeignKey(
        Member,
        verbose_name=_("appointed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments_made",
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term of office")
        verbose_name_plural = _("terms of office")
        ordering = ["office__position", "-starts"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(person__isnull=True))
                | (Q(member__isnull=True) & Q(person__isnull=False)),
                name="term_has_exactly_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="term_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.holder}"

    @property
    def basis_text(self) -> str:
        """The basis in the active language (the English one where no Korean is given)."""
        return in_language(self.basis, self.basis_ko)

    @property
    def holder(self) -> Member | Person:
        holder = self.member or self.person
        assert holder is not None
        return holder
