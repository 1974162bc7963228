"""Awards: public editions and winners; a juror's entries and score sheets.

A juror sees only the entries assigned to it and not conflicted with it: any other entry is 404,
the same answer as an entry that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.security import django_auth

from moim.api.errors import REFUSALS, errors
from moim.api.params import EditionNumber, RecordId, Slug
from moim.awards import judging
from moim.awards.access import edition_by_number, entry_for_juror, entry_in, juror_seat
from moim.awards.enums import EditionStatus, EntryStatus
from moim.awards.models import Entry
from moim.awards.queries import awards_for_edition, current_round, edition_facts
from moim.awards.rules import can_view_entry_as_juror

router = Router(tags=["awards"])


class CategoryOut(Schema):
    slug: str
    name_en: str
    name_ko: str


class EditionOut(Schema):
    number: int
    year: int
    title_en: str
    title_ko: str
    status: EditionStatus
    entries: int
    countries: int
    winners: int
    categories: list[CategoryOut]


class WinnerOut(Schema):
    category: str
    level: str
    city: str
    country: str
    title: str
    accepted: str
    accepted_by: str


class EntryOut(Schema):
    id: int
    category: str
    title: str
    applicant: str
    city: str
    country: str
    summary: str
    description: str
    results: str
    status: EntryStatus


# Scores are small whole numbers on each criterion's scale (checked by the service); no scale
# reaches this far.
Score = Annotated[int, Field(ge=0, le=1000)]
Comment = Annotated[str, Field(max_length=5000)]
# An edition has a handful of criteria; a sheet naming more is refused before it is read.
MAX_CRITERIA = 50


class ScoresIn(Schema):
    scores: dict[Slug, Score | None] = Field(
        max_length=MAX_CRITERIA, description="Criterion key to score; null clears it."
    )
    comments: dict[Slug, Comment] = Field(default_factory=dict, max_length=MAX_CRITERIA)
    comment: Comment = ""
    submit: bool = False


class SheetOut(Schema):
    entry: int
    scores: dict[str, int]
    submitted: bool


def _entry_out(entry: Entry) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        category=entry.category.slug,
        title=entry.title,
        applicant=entry.applicant,
        city=entry.beneficiary.name_en,
        country=str(entry.beneficiary.country),
        summary=entry.summary,
        description=entry.description,
        results=entry.results,
        status=EntryStatus(entry.status),
    )


@router.get(
    "/{number}",
    response={200: EditionOut, **errors(404, 422)},
    summary="An edition and its figures",
)
def get_edition(request: HttpRequest, number: EditionNumber) -> EditionOut:
    edition = edition_by_number(number)
    facts = edition_facts(edition)
    return EditionOut(
        number=edition.number,
        year=edition.year,
        title_en=edition.title_en,
        title_ko=edition.title_ko,
        status=EditionStatus(edition.status),
        entries=facts.entries,
        countries=facts.countries,
        winners=facts.winners,
        categories=[
            CategoryOut(slug=c.slug, name_en=c.name_en, name_ko=c.name_ko)
            for c in edition.categories.all()
        ],
    )


@router.get(
    "/{number}/winners",
    response={200: list[WinnerOut], **errors(404, 422)},
    summary="The announced winners",
)
def list_winners(request: HttpRequest, number: EditionNumber) -> list[WinnerOut]:
    edition = edition_by_number(number)
    if edition.status not in (EditionStatus.ANNOUNCED, EditionStatus.CLOSED):
        raise Http404("Not announced yet.")
    return [
        WinnerOut(
            category=a.category.slug,
            level=a.level.name_en,
            city=a.entry.beneficiary.name_en,
            country=str(a.entry.beneficiary.country),
            title=a.entry.title,
            accepted=a.acceptance_mode,
            accepted_by=a.accepted_by,
        )
        for a in awards_for_edition(edition)
    ]


@router.get(
    "/{number}/jury/entries",
    response={200: list[EntryOut], **errors(401, 403, 404, 422)},
    auth=django_auth,
    summary="The entries assigned to me in the current round",
)
def list_my_entries(request: HttpRequest, number: EditionNumber) -> list[EntryOut]:
    edition = edition_by_number(number)
    juror = juror_seat(request.user, edition)
    round_ = current_round(edition)
    if round_ is None:
        return []
    entries = (
        Entry.objects.filter(assignments__round=round_, assignments__juror=juror)
        .select_related("category", "beneficiary", "applicant_member")
        .order_by("category__position", "title")
    )
    return [_entry_out(e) for e in entries if can_view_entry_as_juror(request.user, e)]


@router.get(
    "/{number}/jury/entries/{entry_id}",
    response={200: EntryOut, **errors(401, 403, 404, 422)},
    auth=django_auth,
    summary="One assigned entry (404 when conflicted or not assigned)",
)
def get_my_entry(request: HttpRequest, number: EditionNumber, entry_id: RecordId) -> EntryOut:
    edition = edition_by_number(number)
    juror_seat(request.user, edition)
    return _entry_out(entry_for_juror(request.user, edition, entry_id))


@router.post(
    "/{number}/jury/entries/{entry_id}/scores",
    response={200: SheetOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
    summary="Save or submit my scores for an entry",
)
def post_scores(
    request: HttpRequest, number: EditionNumber, entry_id: RecordId, payload: ScoresIn
) -> SheetOut:
    edition = edition_by_number(number)
    juror = juror_seat(request.user, edition)
    entry = entry_in(edition, entry_id)
    round_ = current_round(edition)
    if round_ is None:
        raise Http404("No round.")
    sheet = judging.score_entry(
        round_=round_,
        juror=juror,
        entry=entry,
        values=payload.scores,
        comments=payload.comments,
        comment=payload.comment,
        submit=payload.submit,
    )
    return SheetOut(
        entry=entry.pk,
        scores={s.criterion.key: s.value for s in sheet.scores.select_related("criterion")},
        submitted=sheet.submitted_at is not None,
    )
