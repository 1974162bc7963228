"""The General Assembly: its programme, registrations and attendance, sponsors and materials."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from functools import cache

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from moim.assemblies.enums import (
    AssemblyMode,
    AssemblyStatus,
    AttendanceAction,
    AttendanceMode,
    CertificateStatus,
    Credential,
    CredentialSource,
    ItemKind,
    MailStatus,
    MaterialKind,
    ParticipantRole,
    RegistrationStatus,
    SponsorTier,
)
from moim.bilingual import InLanguage
from moim.members.models import Member, Organization, Person
from moim.questions import Answer, Question
from moim.text import NameField

LANGUAGE_CHOICES = global_settings.LANGUAGES
# Check-in codes are read aloud and typed at a desk: no 0/O, 1/I/L look-alikes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("%(value)s is not a known time zone (use an IANA name such as Asia/Seoul)."),
            params={"value": value},
        )


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_join_token() -> str:
    return secrets.token_urlsafe(32)


def new_credential_nonce() -> str:
    return secrets.token_urlsafe(16)


class Assembly(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="assemblies"
    )
    edition = models.PositiveSmallIntegerField(_("edition"), help_text=_("1 for the 1st, ..."))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    theme_ko = models.CharField(_("theme (Korean)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[validate_time_zone],
        help_text=_("The venue's time zone; times are shown in it unless a viewer picks another."),
    )
    venue_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    venue_ko = models.CharField(_("venue (Korean)"), max_length=200, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=100)
    city_ko = models.CharField(_("city (Korean)"), max_length=100, blank=True)
    country = CountryField(_("country"))
    host = models.ForeignKey(
        Member,
        verbose_name=_("host member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assemblies_hosted",
    )
    mode = models.CharField(
        _("mode"), max_length=20, choices=AssemblyMode.choices, default=AssemblyMode.IN_PERSON
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssemblyStatus.choices, default=AssemblyStatus.PLANNED
    )
    livestream_url = models.URLField(_("livestream link"), blank=True)
    conference_url = models.URLField(
        _("video-conference link"),
        blank=True,
        help_text=_("Never shown publicly: online attendees reach it through their join link."),
    )
    requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=False,
        help_text=_("When set, the secretariat confirms each registration before it counts."),
    )
    in_person_capacity = models.PositiveIntegerField(
        _("in-person capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    online_capacity = models.PositiveIntegerField(
        _("online capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    in_person_deadline = models.DateTimeField(
        _("in-person registration deadline"), null=True, blank=True
    )
    online_deadline = models.DateTimeField(_("online registration deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("General Assembly")
        verbose_name_plural = _("General Assemblies")
        ordering = ["-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "edition"], name="unique_assembly_edition"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="assembly_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("assemblies:detail", kwargs={"edition": self.edition})

    title = InLanguage()

    theme = InLanguage()

    description = InLanguage()

    venue = InLanguage()

    city = InLanguage()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def capacity_for(self, mode: str) -> int | None:
        return self.in_person_capacity if mode == AttendanceMode.IN_PERSON else self.online_capacity

    def deadline_for(self, mode: str) -> dt.datetime | None:
        return self.in_person_deadline if mode == AttendanceMode.IN_PERSON else self.online_deadline

    def modes_offered(self) -> list[AttendanceMode]:
        if self.mode == AssemblyMode.IN_PERSON:
            return [AttendanceMode.IN_PERSON]
        if self.mode == AssemblyMode.ONLINE:
            return [AttendanceMode.ONLINE]
        return [AttendanceMode.IN_PERSON, AttendanceMode.ONLINE]


class ProgrammeItem(models.Model):
    """One item of the programme. Items run back to back in `position` order."""

    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=30, choices=ItemKind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    duration = models.DurationField(_("duration"), default=dt.timedelta(minutes=10))
    chair = models.ForeignKey(
        Person,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items_chaired",
    )
    speakers = models.ManyToManyField(
        Person,
        verbose_name=_("speakers"),
        through="Speaker",
        related_name="items_spoken",
        blank=True,
    )
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = ["assembly", "position", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__gte=dt.timedelta(0)), name="item_duration_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    title = InLanguage()

    description = InLanguage()

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + self.duration

    @property
    def minutes(self) -> int:
        return int(self.duration.total_seconds() // 60)


class Speaker(models.Model):
    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="speaker_links")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="speaker_links"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    online = models.BooleanField(_("speaks online"), default=False)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="unique_item_speaker")
        ]

    def __str__(self) -> str:
        return str(self.person)


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def present(self) -> RegistrationQuerySet:
        return self.filter(present_q())

    def counted(self) -> RegistrationQuerySet:
        """Registrations that hold a place (pending or confirmed)."""
        return self.filter(status__in=[RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED])

    def accredited(self) -> RegistrationQuerySet:
        """Accredited representatives of a member (voting delegates and alternates)."""
        return self.filter(accredited_q())


def accredited_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}credential__in": [Credential.VOTING, Credential.ALTERNATE]}) & Q(
        **{f"{prefix}member__isnull": False}
    )


def present_q(prefix: str = "") -> Q:
    """Present: a confirmed registrant checked in at the desk (in person) or joined (online)."""
    return Q(**{f"{prefix}status": RegistrationStatus.CONFIRMED}) & (
        Q(
            **{
                f"{prefix}attendance_mode": AttendanceMode.IN_PERSON,
                f"{prefix}checked_in_at__isnull": False,
            }
        )
        | Q(
            **{
                f"{prefix}attendance_mode": AttendanceMode.ONLINE,
                f"{prefix}joined_at__isnull": False,
            }
        )
    )


class Registration(models.Model):
    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        help_text=_("The registry's record of this person, when there is one."),
    )
    full_name = NameField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    organization_name = models.CharField(
        _("organization"),
        max_length=200,
        blank=True,
        help_text=_("For guests who come for no member: their organization or government."),
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("delegation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        help_text=_("The member this person represents."),
    )
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    attendance_mode = models.CharField(
        _("attendance"), max_length=20, choices=AttendanceMode.choices
    )
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_("The country represented; the delegation's country when there is one."),
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    language = models.CharField(_("language for messages"), max_length=10, default="en")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    check_in_code = models.CharField(
        _("check-in code"), max_length=16, unique=True, default=new_check_in_code, editable=False
    )
    join_token = models.CharField(
        _("join token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined online"), null=True, blank=True)
    # The confirmation e-mail leaves after commit; a mail server that fails is recorded here for
    # the secretariat (list filter, registrations page, resend action), never a failed request.
    mail_status = models.CharField(
        _("confirmation mail"),
        max_length=10,
        choices=MailStatus.choices,
        default=MailStatus.PENDING,
        editable=False,
    )
    mail_error = models.CharField(_("mail error"), max_length=300, blank=True, editable=False)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Invented for the demonstration data; not a record of a real person."),
    )
    # Credentials: whether this registrant represents the member (and may hold its vote).
    # Changed only by the services of moim.assemblies.credentials, each change audited.
    credential = models.CharField(
        _("credential"),
        max_length=20,
        choices=Credential.choices,
        default=Credential.NONE,
        help_text=_(
            "Registering for a member is a claim; only an accredited registrant counts for the "
            "member's presence and may hold its vote."
        ),
    )
    credential_source = models.CharField(
        _("accredited by"), max_length=20, choices=CredentialSource.choices, blank=True
    )
    credential_note = models.CharField(_("credential note"), max_length=300, blank=True)
    credential_changed_at = models.DateTimeField(_("credential changed"), null=True, blank=True)
    credential_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credential changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Part of the member contact's signed link: renewed at each change, so a link works once.
    credential_nonce = models.CharField(max_length=32, default=new_credential_nonce, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "assembly",
                name="unique_registration_email",
                violation_error_message=_(
                    "This e-mail address is already registered for this assembly."
                ),
            ),
            # One voting delegate per member and assembly, whatever the concurrency.
            models.UniqueConstraint(
                fields=["assembly", "member"],
                condition=Q(credential=Credential.VOTING),
                name="one_voting_delegate_per_member",
                violation_error_message=_("This member already has a voting delegate."),
            ),
            models.CheckConstraint(
                condition=~Q(credential__in=[Credential.VOTING, Credential.ALTERNATE])
                | Q(member__isnull=False),
                name="accredited_registration_has_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.assembly})"

    @property
    def is_present(self) -> bool:
        if self.status != RegistrationStatus.CONFIRMED:
            return False
        if self.attendance_mode == AttendanceMode.IN_PERSON:
            return self.checked_in_at is not None
        return self.joined_at is not None

    @property
    def is_accredited(self) -> bool:
        return self.member_id is not None and self.credential in (
            Credential.VOTING,
            Credential.ALTERNATE,
        )

    @property
    def represents(self) -> str:
        if self.member_id is not None and self.member is not None:
            return self.member.name
        if self.organization_name:
            return self.organization_name
        return str(getattr(self.country, "name", "")) if self.country else ""

    def join_path(self) -> str:
        if not self.join_token:
            return ""
        return reverse("assemblies:join", kwargs={"token": self.join_token})


class AttendanceEvent(models.Model):
    """An append-only log line: what happened to a registration, when, and by whom."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=AttendanceAction.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the registrant acted (registered, opened the join link)."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance event")
        verbose_name_plural = _("attendance events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.registration.full_name}"


class Sponsor(models.Model):
    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.CASCADE, related_name="sponsors"
    )
    name = models.CharField(_("name"), max_length=200)
    tier = models.CharField(_("tier"), max_length=20, choices=SponsorTier.choices)
    url = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="sponsors/", blank=True)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsorships",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sponsor or partner")
        verbose_name_plural = _("sponsors and partners")
        ordering = ["assembly", "tier", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "name"], name="unique_assembly_sponsor")
        ]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.CASCADE, related_name="materials"
    )
    item = models.ForeignKey(
        ProgrammeItem,
        verbose_name=_("programme item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materials",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="materials/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["assembly", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="material_has_link_or_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    title = InLanguage()

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url


class RegistrationQuestion(Question):
    """A question the secretariat adds to the assembly's registration form."""

    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.CASCADE, related_name="questions"
    )

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["assembly", "position", "pk"]


class RegistrationAnswer(Answer):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        RegistrationQuestion, on_delete=models.CASCADE, related_name="answers"
    )

    class Meta:
        verbose_name = _("registration answer")
        verbose_name_plural = _("registration answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="one_answer_per_registration_question"
            )
        ]

    def __str__(self) -> str:
        return self.shown(self.question)


class AttendanceCertificate(models.Model):
    """A certificate of attendance: requested by the registrant, issued by the secretariat."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.REQUESTED,
    )
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendance certificate")
        verbose_name_plural = _("attendance certificates")
        ordering = ["-requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CertificateStatus.ISSUED) | Q(issued_at__isnull=False),
                name="issued_certificate_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration.full_name}: {self.get_status_display()}"
