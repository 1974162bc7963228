"""The WeGO Awards as demonstration data: the 4th edition in full, the first three as summaries.

The data is in `demo_data/awards.json`; its `notes` say what is fact (the press release of
18 October 2021 and the public record) and what is invented. `load()` is idempotent: everything
is matched on natural keys, and once the 4th edition's results are announced a second load
leaves them as they are.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from moim.assemblies.models import Assembly
from moim.awards import judging, results
from moim.awards.enums import (
    AcceptanceMode,
    ConflictSource,
    EditionStatus,
    EntryStatus,
    RemarksForm,
    RoundKind,
    RoundStatus,
)
from moim.awards.models import (
    Assignment,
    AwardLevel,
    AwardProgramme,
    Category,
    Conflict,
    Criterion,
    Edition,
    Entry,
    EntryQuestion,
    Juror,
    JuryDecision,
    ResultSnapshot,
    Round,
    Score,
    Sheet,
)
from moim.errors import DemoDataError
from moim.members import demo as members_demo
from moim.members.enums import MemberKind
from moim.members.models import Member, Organization, Person
from moim.permissions import SYSTEM
from moim.questions import QuestionKind

Record = dict[str, Any]


def read() -> Record:
    return members_demo.read("awards.json", folder=resources.files("moim.awards") / "demo_data")


def when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def load(organization: Organization) -> None:
    data = read()
    with transaction.atomic():
        programme, _created = AwardProgramme.objects.update_or_create(
            organization=organization,
            slug=data["programme"]["slug"],
            defaults={k: v for k, v in data["programme"].items() if k != "slug"},
        )
        for record in data["earlier_editions"]:
            _load_summary(organization, programme, record)
        _load_fourth(organization, programme, data)
        _partner_question(programme, data["edition"]["number"])


def _partner_question(programme: AwardProgramme, number: int) -> None:
    """The entry form's one question of the secretariat's own."""
    edition = Edition.objects.filter(programme=programme, number=number).first()
    if edition is None:
        return
    EntryQuestion.objects.update_or_create(
        edition=edition,
        label_en="Partner organizations",
        defaults={
            "label_ko": "협력 기관",
            "help_en": "Companies, universities or agencies that worked on the project.",
            "help_ko": "사업에 참여한 기업, 대학, 기관",
            "kind": QuestionKind.LONG_TEXT,
            "required": False,
            "position": 1,
        },
    )


def _assembly(organization: Organization, edition: int) -> Assembly | None:
    return Assembly.objects.filter(organization=organization, edition=edition).first()


def _load_summary(organization: Organization, programme: AwardProgramme, record: Record) -> None:
    number = record["number"]
    ordinal = {1: "1st", 2: "2nd", 3: "3rd"}[number]
    edition, _created = Edition.objects.update_or_create(
        programme=programme,
        number=number,
        defaults={
            "year": record["year"],
            "title_en": f"{ordinal} WeGO Awards",
            "title_ko": f"제{number}회 WeGO 어워드",
            "ceremony_en": record["ceremony_en"],
            "ceremony_ko": record["ceremony_ko"],
            "status": EditionStatus.CLOSED,
            "reported_entries": record["entries"],
            "reported_winners": record["winners"],
            "assembly": _assembly(organization, record["assembly"]),
        },
    )
    for position, name in enumerate(record["categories"], start=1):
        Category.objects.update_or_create(
            edition=edition, slug=slugify(name), defaults={"name_en": name, "position": position}
        )
    for position, name in enumerate(record["levels"], start=1):
        AwardLevel.objects.update_or_create(
            edition=edition, position=position, defaults={"name_en": name}
        )


def _city(organization: Organization, slug: str, facts: Record) -> Member:
    """A member by its slug; a city the registry lacks is created and marked illustrative."""
    member = Member.objects.filter(organization=organization, slug=slug).first()
    if member is not None:
        return member
    region = organization.regions.first()
    category = (
        organization.categories.filter(has_vote=True).first() or organization.categories.first()
    )
    if region is None or category is None:
        raise DemoDataError("The member registry has no region or category to file a new city in.")
    return Member.objects.create(
        organization=organization,
        slug=slug,
        name_en=facts["name_en"],
        name_ko=facts.get("name_ko", ""),
        country=facts["country"],
        kind=MemberKind.LOCAL_GOVERNMENT,
        region=region,
        category=category,
        illustrative=True,
    )


def _load_fourth(organization: Organization, programme: AwardProgramme, data: Record) -> None:
    spec = data["edition"]
    edition, _created = Edition.objects.get_or_create(
        programme=programme,
        number=spec["number"],
        defaults={"year": spec["year"], "title_en": spec["title_en"]},
    )
    if ResultSnapshot.objects.filter(edition=edition).exists():
        return  # announced: what was announced stays as it was
    for field in ("year", "title_en", "title_ko", "ceremony_en", "ceremony_ko"):
        setattr(edition, field, spec[field])
    for field in (
        "call_opens",
        "original_deadline",
        "deadline",
        "screening_starts",
        "finalists_announced",
        "jury_round_starts",
        "winners_announced",
    ):
        setattr(edition, field, when(spec[field]))
    edition.assembly = _assembly(organization, spec["assembly"])
    edition.status = EditionStatus.JUDGING
    edition.save()

    categories: dict[str, Category] = {}
    for position, record in enumerate(data["categories"], start=1):
        categories[record["slug"]], _created = Category.objects.update_or_create(
            edition=edition,
            slug=record["slug"],
            defaults={**{k: v for k, v in record.items() if k != "slug"}, "position": position},
        )
    for position, (key, name_en, name_ko, weight) in enumerate(data["criteria"], start=1):
        Criterion.objects.update_or_create(
            edition=edition,
            key=key,
            defaults={
                "name_en": name_en,
                "name_ko": name_ko,
                "weight": Decimal(weight),
                "position": position,
                "scale_min": 1,
                "scale_max": 10,
            },
        )
    levels = []
    for position, (name_en, name_ko, count) in enumerate(data["levels"], start=1):
        level, _created = AwardLevel.objects.update_or_create(
            edition=edition,
            position=position,
            defaults={"name_en": name_en, "name_ko": name_ko, "per_category": count},
        )
        levels.append(level)

    # Entries, in their intended order within each category (the winners first).
    submitted = when(spec["call_opens"]) + dt.timedelta(days=30)
    ordered: dict[str, list[Entry]] = {}
    for slug, rows in data["entries"].items():
        ordered[slug] = []
        for index, row in enumerate(rows):
            city = _city(organization, row["city"], data["cities"][row["city"]])
            entry, _created = Entry.objects.update_or_create(
                edition=edition,
                beneficiary=city,
                title=row["title"],
                defaults={
                    "category": categories[slug],
                    "applicant_member": city,
                    "summary": f"{city.name_en}'s project in {categories[slug].name_en} "
                    "(invented for the demonstration).",
                    "description": "Illustrative text: the project, its partners and its "
                    "technology.",
                    "results": "Illustrative text: what changed for citizens.",
                    "status": EntryStatus.ELIGIBLE,
                    "submitted_at": submitted + dt.timedelta(days=index),
                    "illustrative": True,
                },
            )
            ordered[slug].append(entry)

    jurors = _load_jurors(organization, edition, data, ordered)
    quality = _quality(ordered)
    leniency = {juror.pk: spec_l for juror, spec_l in jurors}
    first = _score_round(
        edition,
        RoundKind.FIRST,
        when(spec["first_round_due"]),
        [j for j, _l in jurors],
        _first_round_pairs(edition, [j for j, _l in jurors], spec["first_round_jurors_per_entry"]),
        quality,
        leniency,
    )
    # Finalists: the first round's best of each category.
    Entry.objects.filter(edition=edition).update(status=EntryStatus.ELIGIBLE)
    finalists = [
        row.entry
        for rows in results.compute_ranking(round_=first).values()
        for row in rows
        if row.position <= spec["finalists_per_category"]
    ]
    Entry.objects.filter(pk__in=[e.pk for e in finalists]).update(status=EntryStatus.FINALIST)
    conflicted = set(
        Conflict.objects.applying().filter(juror__edition=edition).values_list("juror", "entry")
    )
    pairs = [
        (juror, entry)
        for entry in finalists
        for juror, _l in jurors
        if (juror.pk, entry.pk) not in conflicted
    ]
    jury = _score_round(
        edition,
        RoundKind.JURY,
        when(spec["jury_round_due"]),
        [j for j, _l in jurors],
        pairs,
        quality,
        leniency,
    )
    _decide(edition, jury, levels, ordered)
    results.announce(edition=edition, by=SYSTEM)
    _acceptances(edition, data)


def _load_jurors(
    organization: Organization, edition: Edition, data: Record, ordered: dict[str, list[Entry]]
) -> list[tuple[Juror, float]]:
    jurors: list[tuple[Juror, float]] = []
    for record in data["jurors"]:
        member = None
        if record.get("member"):
            member = Member.objects.get(organization=organization, slug=record["member"])
        person, _created = Person.objects.update_or_create(
            organization=organization,
            name_en=record["name_en"],
            defaults={
                "name_ko": record.get("name_ko", ""),
                "title_en": record.get("title_en", ""),
                "affiliation_en": record.get("affiliation_en", ""),
                "member": member,
                "illustrative": True,
            },
        )
        juror, _created = Juror.objects.update_or_create(
            edition=edition, person=person, defaults={"is_chair": record.get("chair", False)}
        )
        jurors.append((juror, float(record["leniency"])))
        declared = record.get("declares")
        if declared:
            entry = next(
                e
                for rows in ordered.values()
                for e in rows
                if e.beneficiary.slug == declared["city"]
            )
            Conflict.objects.get_or_create(
                juror=juror,
                entry=entry,
                defaults={"source": ConflictSource.DECLARED, "reason": declared["reason"]},
            )
    judging.detect_conflicts(edition=edition, by=SYSTEM)
    return jurors


def _quality(ordered: dict[str, list[Entry]]) -> dict[int, float]:
    """An entry's underlying merit: clear gaps between the three winners, then the rest."""
    merit: dict[int, float] = {}
    for rows in ordered.values():
        for index, entry in enumerate(rows):
            merit[entry.pk] = [9.0, 8.2, 7.4][index] if index < 3 else 6.4 - 0.3 * (index - 3)
    return merit


def _first_round_pairs(edition: Edition, jurors: list[Juror], k: int) -> list[tuple[Juror, Entry]]:
    """k jurors per entry, taken in turn, skipping a conflicted juror."""
    conflicted = set(
        Conflict.objects.applying().filter(juror__edition=edition).values_list("juror", "entry")
    )
    pairs: list[tuple[Juror, Entry]] = []
    turn = 0
    for entry in edition.entries.order_by("category__position", "pk"):
        chosen: list[Juror] = []
        while len(chosen) < k:
            juror = jurors[turn % len(jurors)]
            turn += 1
            if (juror.pk, entry.pk) not in conflicted and juror not in chosen:
                chosen.append(juror)
        pairs += [(juror, entry) for juror in chosen]
    return pairs


def _score_round(
    edition: Edition,
    kind: RoundKind,
    due: dt.datetime,
    jurors: list[Juror],
    pairs: list[tuple[Juror, Entry]],
    quality: dict[int, float],
    leniency: dict[int, float],
) -> Round:
    round_, _created = Round.objects.update_or_create(
        edition=edition,
        kind=kind,
        defaults={
            "due": due,
            "status": RoundStatus.CLOSED,
            "opened_at": due - dt.timedelta(days=14),
            "closed_at": due,
        },
    )
    Score.objects.filter(sheet__round=round_).delete()
    Sheet.objects.filter(round=round_).delete()
    Assignment.objects.filter(round=round_).delete()
    Assignment.objects.bulk_create(
        [Assignment(round=round_, juror=juror, entry=entry) for juror, entry in pairs]
    )
    criteria = list(edition.criteria.all())
    sheets = Sheet.objects.bulk_create(
        [
            Sheet(
                round=round_,
                juror=juror,
                entry=entry,
                submitted_at=due - dt.timedelta(days=1 + (juror.pk + entry.pk) % 5),
            )
            for juror, entry in pairs
        ]
    )
    scores = []
    for sheet in sheets:
        # Seeded by names, not ids, so every load of the demo gives the same scores.
        rng = random.Random(f"{kind}/{sheet.juror.person.name_en}/{sheet.entry.title}")
        for criterion in criteria:
            raw = quality[sheet.entry_id] + leniency[sheet.juror_id] + rng.uniform(-0.7, 0.7)
            scores.append(
                Score(sheet=sheet, criterion=criterion, value=min(10, max(1, round(raw))))
            )
    Score.objects.bulk_create(scores)
    return round_


def _decide(
    edition: Edition, jury: Round, levels: list[AwardLevel], ordered: dict[str, list[Entry]]
) -> None:
    """The jury follows its ranking; the data must give the winners it claims."""
    JuryDecision.objects.filter(round=jury).delete()
    for category, rows in results.compute_ranking(round_=jury).items():
        expected = ordered[category.slug][: len(levels)]
        top = [row.entry for row in rows[: len(levels)]]
        if top != expected:
            raise DemoDataError(
                f"{category.name_en}: the jury scores rank {[e.title for e in top]}, "
                f"not the winners {[e.title for e in expected]}."
            )
        for level, row in zip(levels, rows, strict=False):
            JuryDecision.objects.create(
                round=jury,
                category=category,
                level=level,
                entry=row.entry,
                ranking_position=row.position,
                follows_ranking=True,
                decided_at=edition.winners_announced or jury.due or timezone.now(),
            )


def _acceptances(edition: Edition, data: Record) -> None:
    public = {(category, city) for category, city in data["public_awards"]}
    for award in edition.awards.select_related("entry__beneficiary", "category", "level"):
        slug = award.entry.beneficiary.slug
        # A Gold winner of the press release is a fact; its category may not be.
        award.illustrative = (award.category.slug, slug) not in public
        how = data["acceptances"].get(slug) if award.level.position == 1 else None
        if how:
            award.acceptance_mode = AcceptanceMode(how["mode"])
            award.accepted_by_title = how.get("title", "")
            award.remarks_form = RemarksForm(how["remarks"])
        award.save()
