"""Every state and kind in the member registry, as choices (never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberKind(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    INSTITUTION = "institution", _("Institution")
    COMPANY = "company", _("Company")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StandingRule(models.TextChoices):
    """How an organization decides whether a member is in good standing."""

    PREVIOUS_YEAR = "previous_year", _("Fees paid through the previous year")
    CURRENT_YEAR = "current_year", _("Fees paid through the current year")
    ALWAYS = "always", _("Every active member (no fees rule)")


class OfficeKind(models.TextChoices):
    PRESIDENT = "president", _("President")
    EXECUTIVE_VICE_PRESIDENT = "executive_vice_president", _("Executive Vice-President")
    VICE_PRESIDENT = "vice_president", _("Vice-President")
    EXECUTIVE_COMMITTEE = "executive_committee", _("Executive Committee member")
    SECRETARY_GENERAL = "secretary_general", _("Secretary General")
    HOST_CITY = "host_city", _("Host of the next General Assembly")


class HolderType(models.TextChoices):
    MEMBER = "member", _("A member")
    PERSON = "person", _("A person")


class TermSource(models.TextChoices):
    ELECTION = "election", _("Election")
    APPOINTMENT = "appointment", _("Appointment")
    EX_OFFICIO = "ex_officio", _("Ex officio")


class Role(models.TextChoices):
    """The roles of people who log in; each is a Django group with a permission set."""

    SECRETARIAT = "secretariat", _("Secretariat")
    CHAIR = "chair", _("Chair")
    DELEGATE = "delegate", _("Member delegate")
    JUROR = "juror", _("Juror")
