"""The press release of an assembly, written from the records in English or Korean.

`press_facts()` gathers every figure and name from the registry, the assembly, the awards and
the plenary (nothing is typed in); `render_press_release()` puts them into the language's
template (`site/publication/press_release.<lang>.txt`). The secretariat may then edit the draft
(`PressRelease`) before publishing it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_countries import countries

from moim.assemblies.enums import AssemblyMode, ItemKind, ParticipantRole, SponsorTier
from moim.assemblies.models import Assembly, ProgrammeItem
from moim.assemblies.queries import attendance_figures, programme_for
from moim.awards.enums import AcceptanceMode
from moim.awards.models import Edition
from moim.awards.queries import awards_for_edition, edition_facts
from moim.errors import Conflict, Invalid
from moim.governance.enums import DecisionKind, Verdict
from moim.governance.queries import agenda_for_public
from moim.members.enums import OfficeKind, TermSource
from moim.members.models import Member, Person, Term
from moim.members.queries import terms_begun_on
from moim.permissions import require
from moim.site.models import PressRelease
from moim.site.rules import can_publish_press_release

LANGUAGES = ("en", "ko")
YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


@dataclass(frozen=True)
class Speaker:
    name: str
    title: str
    affiliation: str


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    speakers: list[Speaker]


@dataclass(frozen=True)
class GoldWinner:
    city: str
    country: str
    category: str
    accepted: str  # AcceptanceMode value, or ""
    accepted_by_title: str


@dataclass(frozen=True)
class AwardsFacts:
    title: str
    number: int
    entries: int
    countries: int
    categories: list[str]
    gold: list[GoldWinner]

    @property
    def in_person(self) -> list[GoldWinner]:
        return [g for g in self.gold if g.accepted == AcceptanceMode.IN_PERSON]

    @property
    def representatives(self) -> list[str]:
        return [
            g.accepted_by_title
            for g in self.gold
            if g.accepted == AcceptanceMode.REPRESENTATIVE and g.accepted_by_title
        ]


@dataclass(frozen=True)
class PressFacts:
    language: str
    organization: str
    acronym: str
    assembly_title: str
    edition: int
    theme: str
    starts: dt.datetime  # in the assembly's time zone
    city: str
    country: str
    venue: str
    hybrid: bool
    host: str
    host_is_president: bool
    participants: int
    mayors: int  # mayors and vice-mayors together
    mayoral_countries: int
    ambassadors: int
    items: list[Item]
    awards: AwardsFacts | None
    chair: Speaker | None
    adopted: list[str]
    rejected: list[str]
    president: str
    vice_presidents: int
    executive_committee: int
    next_host: str
    next_year: int | None
    secretary_general: str
    website: str
    sponsors: list[str] = field(default_factory=list)
    media_partners: list[str] = field(default_factory=list)
    vice_mayors: int = 0  # of `mayors`, those who are vice-mayors
    # How the offices were filled: elected (True) or appointed (False), as the decisions were.
    president_elected: bool = True
    vice_presidents_elected: bool = False
    executive_committee_elected: bool = True

    def speakers(self, kind: str) -> list[Speaker]:
        return [s for item in self.items if item.kind == kind for s in item.speakers]

    @property
    def opening(self) -> list[Speaker]:
        return self.speakers(ItemKind.OPENING_ADDRESS)

    @property
    def congratulatory(self) -> list[Speaker]:
        return self.speakers(ItemKind.CONGRATULATORY_REMARKS)

    @property
    def keynote(self) -> list[Speaker]:
        return self.speakers(ItemKind.KEYNOTE)

    @property
    def closing(self) -> list[Speaker]:
        return self.speakers(ItemKind.CLOSING_REMARKS)

    @property
    def videos(self) -> list[str]:
        return [item.title for item in self.items if item.kind == ItemKind.VIDEO]

    @property
    def participants_about(self) -> int:
        """The headline figure: rounded down to tens from a hundred up, as a release says it."""
        return self.participants // 10 * 10 if self.participants >= 100 else self.participants

    @property
    def participants_estimate(self) -> bool:
        """Whether the headline figure is rounded, and so is written "about" (약)."""
        return self.participants_about != self.participants

    @property
    def mayors_only(self) -> int:
        return self.mayors - self.vice_mayors

    @property
    def mayoral_noun_ko(self) -> str:
        if self.mayors_only and self.vice_mayors:
            return "시장·부시장"
        return "부시장" if self.vice_mayors else "시장"


def _speaker(person: Person) -> Speaker:
    return Speaker(name=person.name, title=person.title, affiliation=person.affiliation)


def _items(assembly: Assembly) -> list[Item]:
    items: list[ProgrammeItem] = list(programme_for(assembly))
    return [
        Item(
            kind=item.kind,
            title=item.title,
            speakers=[_speaker(link.person) for link in item.speaker_links.all()],
        )
        for item in items
    ]


def _chair(assembly: Assembly) -> Speaker | None:
    item = (
        ProgrammeItem.objects.filter(
            assembly=assembly, kind=ItemKind.PLENARY_SESSION, chair__isnull=False
        )
        .select_related("chair", "chair__member")
        .first()
    )
    return _speaker(item.chair) if item is not None and item.chair is not None else None


def awards_edition(assembly: Assembly) -> Edition | None:
    """The awards edition presented at this assembly's ceremony, if any."""
    return assembly.award_editions.order_by("-number").first()


def _awards(assembly: Assembly) -> AwardsFacts | None:
    edition = awards_edition(assembly)
    if edition is None:
        return None
    figures = edition_facts(edition)
    top = edition.levels.order_by("position").first()
    gold = [
        GoldWinner(
            city=award.entry.beneficiary.name,
            country=str(countries.name(award.entry.beneficiary.country)),
            category=award.category.name,
            accepted=award.acceptance_mode,
            accepted_by_title=award.accepted_by_title,
        )
        for award in awards_for_edition(edition)
        if top is not None and award.level_id == top.pk
    ]
    return AwardsFacts(
        title=edition.title,
        number=edition.number,
        entries=figures.entries,
        countries=figures.countries,
        categories=[c.name for c in edition.categories.order_by("position", "pk")],
        gold=gold,
    )


def _holders(terms: list[Term], *kinds: str) -> list[str]:
    return [term.holder.name for term in terms if term.office.kind in kinds]


def _elected(terms: list[Term], *kinds: str) -> bool:
    """Whether these offices were filled by election: each term says how it began, as its
    decision did (an appointment, or ex officio, is not an election)."""
    sources = {term.source for term in terms if term.office.kind in kinds}
    return bool(sources) and sources <= {TermSource.ELECTION}


def _next_year(assembly: Assembly, host_terms: list[Term]) -> int | None:
    """The year of the next assembly: its record if it exists, else the year its host was
    chosen for, as the host's term or decision states it."""
    following = Assembly.objects.filter(
        organization=assembly.organization, edition=assembly.edition + 1
    ).first()
    if following is not None:
        return following.starts_at.astimezone(following.zone).year
    for term in host_terms:
        texts = [term.basis, *term.decisions.values_list("title_en", flat=True)]
        years = [int(y) for text in texts for y in YEAR.findall(text)]
        later = [y for y in years if y > assembly.starts_at.year]
        if later:
            return min(later)
    return None


def press_facts(assembly: Assembly, language: str) -> PressFacts:
    if language not in LANGUAGES:
        raise Invalid(f"--lang must be one of {', '.join(LANGUAGES)}, not {language!r}")
    with translation.override(language):
        organization = assembly.organization
        starts = assembly.starts_at.astimezone(assembly.zone)
        figures = attendance_figures(assembly)
        terms = list(terms_begun_on(organization, starts.date(), assembly_id=assembly.pk))
        host_terms = [t for t in terms if t.office.kind == OfficeKind.HOST_CITY]
        president = _holders(terms, OfficeKind.PRESIDENT)
        secretary = list(
            Term.objects.current(starts.date())
            .filter(office__organization=organization, office__kind=OfficeKind.SECRETARY_GENERAL)
            .select_related("person", "member", "office")
        )
        decisions = [d for d in agenda_for_public(assembly.pk) if d.published_at is not None]
        motions = [d for d in decisions if d.kind == DecisionKind.MOTION]
        host: Member | None = assembly.host
        return PressFacts(
            language=language,
            organization=organization.name,
            acronym=organization.acronym,
            assembly_title=assembly.title,
            edition=assembly.edition,
            theme=assembly.theme,
            starts=starts,
            city=assembly.city,
            country=str(countries.name(host.country)) if host is not None else "",
            venue=assembly.venue,
            hybrid=assembly.mode == AssemblyMode.HYBRID,
            host=host.name if host is not None else assembly.city,
            host_is_president=host is not None
            and Term.objects.current(starts.date())
            .filter(office__kind=OfficeKind.PRESIDENT, member=host)
            .exists(),
            participants=figures.present,
            mayors=figures.mayors_and_vice_mayors,
            vice_mayors=figures.by_role(ParticipantRole.VICE_MAYOR),
            mayoral_countries=figures.mayoral_countries,
            ambassadors=figures.ambassadors,
            items=_items(assembly),
            awards=_awards(assembly),
            chair=_chair(assembly),
            adopted=[d.title for d in motions if d.verdict == Verdict.ADOPTED],
            rejected=[d.title for d in motions if d.verdict == Verdict.REJECTED],
            president=president[0] if president else "",
            vice_presidents=len(
                _holders(terms, OfficeKind.VICE_PRESIDENT, OfficeKind.EXECUTIVE_VICE_PRESIDENT)
            ),
            executive_committee=len(_holders(terms, OfficeKind.EXECUTIVE_COMMITTEE)),
            next_host=host_terms[0].holder.name if host_terms else "",
            next_year=_next_year(assembly, host_terms),
            secretary_general=secretary[0].holder.name if secretary else "",
            website=organization.website,
            sponsors=[s.name for s in assembly.sponsors.filter(tier=SponsorTier.OFFICIAL_SPONSOR)],
            media_partners=[
                s.name for s in assembly.sponsors.filter(tier=SponsorTier.MEDIA_PARTNER)
            ],
            president_elected=_elected(terms, OfficeKind.PRESIDENT),
            vice_presidents_elected=_elected(
                terms, OfficeKind.VICE_PRESIDENT, OfficeKind.EXECUTIVE_VICE_PRESIDENT
            ),
            executive_committee_elected=_elected(terms, OfficeKind.EXECUTIVE_COMMITTEE),
        )


def render_press_release(assembly: Assembly, language: str) -> str:
    """The release as plain text: a headline, a dateline, then paragraphs."""
    return write_press_release(press_facts(assembly, language))


def write_press_release(facts: PressFacts) -> str:
    """The release written from its facts, in the facts' language."""
    with translation.override(facts.language):
        template = f"site/publication/press_release.{facts.language}.txt"
        text = render_to_string(template, {"f": facts})
    # Templates are laid out for reading; the release is paragraphs separated by one blank line.
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def draft_press_release(*, assembly: Assembly, language: str) -> PressRelease:
    """Write (or rewrite) the draft from the records; a published release stays published
    with its new text only when the secretariat publishes again."""
    body = render_press_release(assembly, language)
    release, _created = PressRelease.objects.get_or_create(assembly=assembly, language=language)
    release.body = body
    release.drafted_at = timezone.now()
    release.published_at = None
    release.save()
    return release


def _require_publisher(by: Any) -> None:
    message = gettext("Only the secretariat may publish a press release.")
    require(can_publish_press_release, by, message=message)


def publish_press_release(*, release: PressRelease, by: Any) -> PressRelease:
    """Publish the release as it now reads. `by` is the person publishing (the secretariat),
    or `SYSTEM` for the system itself (the demo loader)."""
    _require_publisher(by)
    if not release.body.strip():
        raise Conflict(gettext("An empty press release cannot be published; draft it first."))
    release.published_at = timezone.now()
    release.save(update_fields=["published_at", "updated_at"])
    return release


def withdraw_press_release(*, release: PressRelease, by: Any) -> PressRelease:
    """Take the release off the public site; its text stays for a later publication."""
    _require_publisher(by)
    release.published_at = None
    release.save(update_fields=["published_at", "updated_at"])
    return release
