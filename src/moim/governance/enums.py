"""Every state and kind of the plenary's decisions and polls, as choices (never bare strings)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DecisionKind(models.TextChoices):
    MOTION = "motion", _("Motion")
    ELECTION = "election", _("Election")
    APPOINTMENT = "appointment", _("Appointment")
    HOST_SELECTION = "host_selection", _("Host-city selection")


class AgendaKind(models.TextChoices):
    """What an item of the plenary's agenda is: a heading that groups items, a decision, or an
    item the hall sits through without deciding (a speech, the awards ceremony, a break)."""

    TOPIC = "topic", _("Topic")
    DECISION = "decision", _("Decision")
    SPEECH = "speech", _("Speech or report")
    CEREMONY = "ceremony", _("Ceremony")
    BREAK = "break", _("Break")
    OTHER = "other", _("Other")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ON_AGENDA = "on_agenda", _("On the agenda")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", pgettext_lazy("decision", "Withdrawn")


class AmendmentAction(models.TextChoices):
    """What an amendment does to paragraph N of the text it amends."""

    REPLACE = "replace", _("Replace paragraph")
    INSERT_AFTER = "insert_after", _("Insert after paragraph")
    DELETE = "delete", _("Delete paragraph")


class AmendmentOrder(models.TextChoices):
    """The order in which a text's amendments are voted, before the text itself."""

    FURTHEST_FIRST = "furthest_first", _("Furthest from the text first, paragraph by paragraph")
    PARAGRAPH_ORDER = "paragraph_order", _("In paragraph order, then as tabled")


class Verdict(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    ELECTED = "elected", _("Elected")
    NO_QUORUM = "no_quorum", _("No quorum")
    TIE = "tie", _("Tie for the chair")
    RECORDED = "recorded", _("Recorded")


class PollState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class PollStage(models.TextChoices):
    """Where a poll stands in its life cycle: its state, with a closed poll told apart by
    whether it is counted and whether its count stopped on a tie for the chair."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed, not counted")
    COUNTED = "counted", _("Counted")
    TIED = "tied", _("Tie for the chair")
    PUBLISHED = "published", _("Published")


class PollAction(models.TextChoices):
    """What the chair or the secretariat does to a poll (the life cycle's transitions)."""

    OPEN = "open", _("Open the poll")
    CLOSE = "close", _("Close the poll")
    COUNT = "count", _("Count")
    PUBLISH = "publish", _("Publish")
    ANALOG = "analog", _("Record an analog result")
    METHOD = "method", _("Change the method")
    TIE = "tie", _("Settle the tie")


class BallotShape(models.TextChoices):
    YES_NO_ABSTAIN = "yes_no_abstain", _("Yes / no / abstain")
    CHOOSE = "choose", _("Choose up to N")
    APPROVAL = "approval", _("Approval")
    RANKED = "ranked", _("Ranked")


class MajorityRule(models.TextChoices):
    SIMPLE = "simple", _("Simple majority (yes > no)")
    ABSOLUTE = "absolute", _("Absolute majority (yes ≥ ⌊b/2⌋ + 1)")
    TWO_THIRDS = "two_thirds", _("Two-thirds (yes ≥ ⌈2b/3⌉)")
    THREE_QUARTERS = "three_quarters", _("Three-quarters (yes ≥ ⌈3b/4⌉)")


class MajorityBase(models.TextChoices):
    CAST = "cast", _("Votes cast")
    ENTITLED = "entitled", _("Entitled members")


class QuorumFailure(models.TextChoices):
    REFUSE_OPEN = "refuse_open", _("The poll cannot open")
    VOID_RESULT = "void_result", _("The poll opens; its result is void")


class OptionValue(models.TextChoices):
    # A ballot's choices read 찬성/반대 in Korean, not the 예/아니요 of filters and marks.
    YES = "yes", pgettext_lazy("ballot choice", "Yes")
    NO = "no", pgettext_lazy("ballot choice", "No")
    ABSTAIN = "abstain", pgettext_lazy("ballot choice", "Abstain")
    CANDIDATE = "candidate", _("Candidate")


class TiePolicy(models.TextChoices):
    """How a tie that decides an exclusion or a seat is settled (after looking back)."""

    CHAIR = "chair", _("The count stops for the chair, who draws by lot or decides")
    LOT = "lot", _("Drawn by lot, with the seed recorded")
    ORDER = "order", _("The order of the candidates on the ballot")


class AnalogMethod(models.TextChoices):
    PAPER = "paper", _("Paper ballots")
    SHOW_OF_HANDS = "show_of_hands", _("Show of hands")
    ACCLAMATION = "acclamation", _("Carried by acclamation")


class AuditAction(models.TextChoices):
    DECISION_CREATED = "decision_created", _("Decision created")
    DECISION_CHANGED = "decision_changed", _("Decision changed")
    DECISION_PUBLISHED = "decision_published", _("Decision published")
    RULES_CHANGED = "rules_changed", _("Rules changed")
    PROXY_GIVEN = "proxy_given", _("Proxy given")
    PROXY_WITHDRAWN = "proxy_withdrawn", _("Proxy withdrawn")
    PROXY_LAPSED = "proxy_lapsed", _("Proxy lapsed at opening")
    POLL_CREATED = "poll_created", _("Poll created")
    POLL_CHANGED = "poll_changed", _("Poll settings changed")
    POLL_OPENED = "poll_opened", _("Poll opened")
    POLL_CLOSED = "poll_closed", _("Poll closed")
    POLL_COUNTED = "poll_counted", _("Poll counted")
    POLL_PUBLISHED = "poll_published", _("Poll published")
    ANALOG_ENTERED = "analog_entered", _("Analog result entered")
    TERMS_CHANGED = "terms_changed", _("Terms of office changed")
    CANDIDATES_ADDED = "candidates_added", _("Candidates added")
    POLL_METHOD_CHANGED = "poll_method_changed", _("Counting method changed")
    POLL_COUNT_FAILED = "poll_count_failed", _("Count failed")
    TIE_SETTLED = "tie_settled", _("Tie settled by the chair")
    DELEGATE_ACCREDITED = "delegate_accredited", _("Delegate accredited")
    ACCREDITATION_WITHDRAWN = "accreditation_withdrawn", _("Accreditation withdrawn")
    CREDENTIAL_REFUSED = "credential_refused", _("Credential refused")
    AMENDMENT_TABLED = "amendment_tabled", _("Amendment tabled")
    DECISION_WITHDRAWN = "decision_withdrawn", _("Decision withdrawn")
