"""Every state and kind of the General Assembly app, as choices (never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssemblyMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class AssemblyStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REGISTRATION_OPEN = "registration_open", _("Open for registration")
    IN_SESSION = "in_session", _("In session")
    CLOSED = "closed", _("Closed")


class ItemKind(models.TextChoices):
    OPENING_ADDRESS = "opening_address", _("Opening address")
    VIDEO = "video", _("Video")
    CONGRATULATORY_REMARKS = "congratulatory_remarks", _("Congratulatory remarks")
    KEYNOTE = "keynote", _("Keynote")
    AWARDS_CEREMONY = "awards_ceremony", _("Awards ceremony")
    PLENARY_SESSION = "plenary_session", _("Plenary session")
    CLOSING_REMARKS = "closing_remarks", _("Closing remarks")
    BREAK = "break", _("Break")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class ParticipantRole(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    VICE_MAYOR = "vice_mayor", _("Vice-mayor")
    AMBASSADOR = "ambassador", _("Ambassador")
    DELEGATE = "delegate", _("Delegate")
    PARTNER = "partner", _("Partner")
    SPEAKER = "speaker", _("Speaker")
    STAFF = "staff", _("Staff")
    PRESS = "press", _("Press")


# The roles in which a present registrant represents the member named as its delegation
# (and so counts for the member's presence in the plenary). Ambassadors represent a country,
# staff and press represent no one.
REPRESENTING_ROLES = frozenset(
    {
        ParticipantRole.MAYOR,
        ParticipantRole.VICE_MAYOR,
        ParticipantRole.DELEGATE,
        ParticipantRole.PARTNER,
        ParticipantRole.SPEAKER,
    }
)


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class MailStatus(models.TextChoices):
    """Where a registration's confirmation (or acknowledgement) e-mail stands."""

    PENDING = "pending", _("To be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Credential(models.TextChoices):
    """Whether a registrant represents its member in the plenary.

    Registering for a member is only a claim: the registrant counts for the member's presence
    and may hold its vote once accredited (by the member's known contact or the secretariat),
    as the voting delegate (one per member) or an alternate (who stands in when the voting
    delegate is absent)."""

    NONE = "none", _("Attendee (represents no member)")
    AWAITING = "awaiting", _("Awaiting accreditation")
    VOTING = "voting", _("Voting delegate")
    ALTERNATE = "alternate", _("Alternate")
    REFUSED = "refused", _("Not accredited")


# Accredited: counts for the member's presence and may hold its vote.
ACCREDITED = frozenset({Credential.VOTING, Credential.ALTERNATE})
# A claim still standing (on the credentials page): awaiting or accredited.
CLAIMING = frozenset({Credential.AWAITING, Credential.VOTING, Credential.ALTERNATE})


class CredentialSource(models.TextChoices):
    SECRETARIAT = "secretariat", _("The secretariat")
    CONTACT = "contact", _("The member's contact")


class AttendanceAction(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    CHECKED_IN = "checked_in", _("Checked in at the desk")
    CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")
    JOINED_ONLINE = "joined_online", _("Joined online")
    ACCREDITED = "accredited", _("Accredited")
    ACCREDITATION_WITHDRAWN = "withdrawn", _("Accreditation withdrawn")
    CLAIM_REFUSED = "claim_refused", _("Claim refused")


class SponsorTier(models.TextChoices):
    OFFICIAL_SPONSOR = "official_sponsor", _("Official sponsor")
    MEDIA_PARTNER = "media_partner", _("Media partner")
    PARTNER = "partner", _("Partner")


class MaterialKind(models.TextChoices):
    VIDEO_RECORDING = "video_recording", _("Video recording")
    DOCUMENT = "document", _("Assembly document")
    PRESENTATION = "presentation", _("Presentation")
    PHOTOS = "photos", _("Photographs")


class CertificateStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")


class BadgeSize(models.TextChoices):
    A6 = "a6", _("A6 (105 × 148 mm)")
    A7 = "a7", _("A7 (74 × 105 mm)")
