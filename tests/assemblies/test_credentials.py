"""Credentials: the member's contact or the secretariat accredits who represents a member.

One voting delegate per member, alternates beside it; the contact's link is signed, single-use
and scoped to the claim it was sent for; competing claims are shown and resolved with a reason;
every act is in the audit log; nothing changes while a poll is open.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail, signing
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from moim.assemblies import credentials
from moim.assemblies import services as desk
from moim.assemblies.credential_links import contact_token
from moim.assemblies.enums import (
    AssemblyStatus,
    AttendanceMode,
    Credential,
    CredentialSource,
    ParticipantRole,
)
from moim.assemblies.models import Assembly, Registration
from moim.assemblies.queries import credential_claims, members_present
from moim.errors import Conflict, Invalid
from moim.governance import services
from moim.governance.enums import AuditAction
from moim.governance.models import AuditEntry, RegisterEntry, VoteRecord
from moim.governance.services.base import BallotError
from moim.members.models import Member, Organization, Person
from tests.assemblies.factories import AssemblyFactory, RegistrationFactory
from tests.conftest import Persona
from tests.factories import MemberFactory, PersonFactory
from tests.governance.conftest import make_motion, make_rules


def logged_in(user: Persona) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assembly(organization: Organization) -> Assembly:
    now = timezone.now()
    return AssemblyFactory(
        organization=organization,
        edition=8,
        status=AssemblyStatus.REGISTRATION_OPEN,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=3),
    )


@pytest.fixture
def abuja(organization: Organization) -> Member:
    member = MemberFactory(
        organization=organization,
        name_en="Abuja",
        slug="abuja",
        country="NG",
        contact_email="protocol@abuja.example.org",
    )
    PersonFactory(
        organization=organization, member=member, name_en="Amina", email="amina@abuja.example.org"
    )
    return member


def _claim(assembly: Assembly, member: Member, email: str, name: str = "Claimant") -> Registration:
    return desk.register(
        assembly=assembly,
        full_name=name,
        email=email,
        role=ParticipantRole.DELEGATE,
        attendance_mode=AttendanceMode.IN_PERSON,
        member=member,
        base_url="http://testserver",
    )


def _audit(action: AuditAction) -> list[dict[str, Any]]:
    return [
        {"actor": e.actor, **e.data}
        for e in AuditEntry.objects.filter(action=action).order_by("pk")
    ]


def _yes(poll: Any) -> list[int]:
    return [poll.options.order_by("position").first().pk]


# The Abuja takeover, walked to the end: the member's own delegate votes, the claimant cannot.


def test_abuja_votes_through_its_accredited_delegate_and_the_api_claimant_is_refused(
    client: Client,
    assembly: Assembly,
    abuja: Member,
    delegate_b: Persona,
    secretariat: Persona,
    chair: Persona,
) -> None:
    attacker = Person.objects.get(user=delegate_b)
    attacker.email = "diego@example.org"
    attacker.save()
    response = client.post(
        f"/api/assemblies/{assembly.edition}/registrations",
        {
            "full_name": "Diego",
            "email": "diego@example.org",
            "role": "mayor",
            "attendance_mode": "in_person",
            "member": "abuja",
        },
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 201
    assert body["credential"] == "awaiting"
    assert "Representing Abuja awaits accreditation" in body["message"]
    assert "holds no vote" in body["message"]
    own = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    staff = logged_in(secretariat)
    staff.post(
        f"/en/assemblies/{assembly.edition}/credentials/act/",
        {"registration": own.pk, "act": "voting"},
    )
    for registration in Registration.objects.filter(assembly=assembly):
        desk.check_in(registration=registration, by=secretariat)
    decision = make_motion(assembly, make_rules(assembly.organization, quorum="0"))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    own.refresh_from_db()

    receipt = services.cast_ballot(poll=poll, voter=own.person, member=abuja, choices=_yes(poll))
    with pytest.raises(BallotError, match="You do not hold Abuja's vote"):
        services.cast_ballot(poll=poll, voter=attacker, member=abuja, choices=_yes(poll))

    assert receipt.member == abuja
    assert RegisterEntry.objects.get(poll=poll, member=abuja).delegate == own.person
    assert list(VoteRecord.objects.filter(poll=poll).values_list("cast_by", flat=True)) == [
        own.person.pk
    ]


# The contact's signed link.


def _contact_link(outbox: list[Any]) -> str:
    message = next(m for m in outbox if m.to == ["protocol@abuja.example.org"])
    found = re.search(r"http://testserver(/\S+/credentials/confirm/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_contact_confirms_a_claimant_through_the_emailed_link_once(
    client: Client,
    assembly: Assembly,
    abuja: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    link = _contact_link(mail.outbox)

    shown = client.get(link).content.decode()
    registration.refresh_from_db()
    assert "Who represents Abuja?" in shown
    assert registration.credential == Credential.AWAITING  # opening the link decides nothing

    done = client.post(link, {"voting": "1"})
    replay = client.post(link, {"voting": "1"})

    registration.refresh_from_db()
    assert "your answer is recorded" in done.content.decode()
    assert (registration.credential, registration.credential_source) == (
        Credential.VOTING,
        CredentialSource.CONTACT,
    )
    assert replay.status_code == 404
    assert "has been used" in replay.content.decode()
    assert _audit(AuditAction.DELEGATE_ACCREDITED) == [
        {
            "actor": "contact of abuja <protocol@abuja.example.org>",
            "assembly": assembly.edition,
            "registration": registration.pk,
            "name": "Amina",
            "email": "amina@abuja.example.org",
            "member": "abuja",
            "credential": "voting",
            "previous": "awaiting",
            "source": "contact",
            "reason": "Confirmed by Abuja's contact.",
        }
    ]


def test_a_forged_token_is_refused_and_changes_nothing(
    client: Client, assembly: Assembly, abuja: Member
) -> None:
    registration = _claim(assembly, abuja, "mallory@example.org", "Mallory")
    payload = {"r": registration.pk, "m": abuja.pk, "n": registration.credential_nonce}
    # Whoever reads the database knows every field, but not the key outside it.
    forged = [
        signing.dumps(payload, salt="moim.assemblies.credentials"),
        signing.dumps(payload, key="guessed", salt="moim.assemblies.credentials"),
        contact_token(registration)[:-2] + "xx",
        "not-a-token",
    ]

    answers = [
        client.post(f"/en/assemblies/credentials/confirm/{t}/", {"voting": "1"}) for t in forged
    ]

    registration.refresh_from_db()
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert all("This link is not valid" in a.content.decode() for a in answers)
    assert registration.credential == Credential.AWAITING
    assert not AuditEntry.objects.filter(action=AuditAction.DELEGATE_ACCREDITED).exists()


def test_a_token_is_scoped_to_its_claim_and_member(
    assembly: Assembly, abuja: Member, city_a: Member
) -> None:
    theirs = _claim(assembly, city_a, "seoul@example.org", "Seoul claimant")
    mine = _claim(assembly, abuja, "mallory@example.org", "Mallory")
    token = contact_token(theirs)
    # Pointing Seoul's link at Abuja's claim breaks the signature.
    body = signing.b64_decode(token.split(":")[0].encode()).decode()
    tampered_body = body.replace(f'"r":{theirs.pk}', f'"r":{mine.pk}')
    tampered = signing.b64_encode(tampered_body.encode()).decode() + token[token.index(":") :]
    # The claim's delegation changed after the link was sent: the link is void.
    moved = _claim(assembly, city_a, "moved@example.org", "Moved")
    moved_token = contact_token(moved)
    moved.member = abuja
    moved.save()

    for bad in (tampered, moved_token):
        with pytest.raises(credentials.InvalidContactLink):
            credentials.confirm_by_contact(token=bad)

    assert set(
        Registration.objects.filter(assembly=assembly).values_list("credential", flat=True)
    ) == {Credential.AWAITING}


def test_the_contact_declines_with_a_reason_and_cannot_displace_a_voting_delegate(
    assembly: Assembly, abuja: Member, secretariat: Persona
) -> None:
    accredited = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    credentials.accredit(registration=accredited, by=secretariat)
    other = _claim(assembly, abuja, "bola@abuja.example.org", "Bola")
    intruder = _claim(assembly, abuja, "mallory@example.org", "Mallory")

    with pytest.raises(Conflict, match="already has a voting delegate, Amina"):
        credentials.confirm_by_contact(token=contact_token(other))
    with pytest.raises(Invalid, match="Give the reason"):
        credentials.decline_by_contact(token=contact_token(intruder), reason=" ")
    credentials.confirm_by_contact(token=contact_token(other), credential=Credential.ALTERNATE)
    credentials.decline_by_contact(token=contact_token(intruder), reason="Not one of ours")

    states = dict(
        Registration.objects.filter(assembly=assembly).values_list("full_name", "credential")
    )
    assert states == {
        "Amina": Credential.VOTING,
        "Bola": Credential.ALTERNATE,
        "Mallory": Credential.REFUSED,
    }
    intruder.refresh_from_db()
    assert intruder.credential_note == "Declined by Abuja's contact: Not one of ours"
    assert [e["name"] for e in _audit(AuditAction.CREDENTIAL_REFUSED)] == ["Mallory"]


# Competing claims, before the sitting.


def test_competing_claims_are_shown_then_resolved_with_a_reason(
    assembly: Assembly,
    abuja: Member,
    city_a: Member,
    city_b: Member,
    delegate_b: Persona,
    secretariat: Persona,
) -> None:
    seoul_person = PersonFactory(
        organization=assembly.organization, member=city_a, email="mayor@seoul.example.org"
    )
    known = _claim(assembly, city_a, "mayor@seoul.example.org", "Seoul Mayor")
    stranger = _claim(assembly, city_a, "someone@example.org", "Someone")
    diego = Person.objects.get(user=delegate_b)
    diego.email = "diego@example.org"
    diego.save()
    cross = _claim(assembly, abuja, "diego@example.org", "Diego")
    amina = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    mexico = _claim(assembly, city_b, "diego.mx@example.org", "Unknown")
    staff = logged_in(secretariat)
    page = f"/en/assemblies/{assembly.edition}/credentials/"

    html = staff.get(page).content.decode()

    contested = {c.member.slug: c for c in credential_claims(assembly) if c.contested}
    assert set(contested) == {"seoul", "abuja", "mexico-city"}
    assert "2 people claim to represent Seoul." in html
    assert "someone@example.org is not among Seoul&#x27;s people in the registry." in html
    assert "The registry lists diego@example.org under Mexico City, not Abuja." in html
    assert known.person == seoul_person

    refused = staff.post(
        f"{page}act/", {"registration": known.pk, "act": "choose", "reason": ""}, follow=True
    )
    assert "Give the reason" in refused.content.decode()
    assert Registration.objects.filter(credential=Credential.AWAITING).count() == 5

    staff.post(
        f"{page}act/",
        {"registration": known.pk, "act": "choose", "reason": "The mayor represents Seoul."},
    )
    staff.post(
        f"{page}act/",
        {"registration": amina.pk, "act": "choose", "reason": "Not Abuja's delegate."},
    )
    staff.post(
        f"{page}act/",
        {"registration": mexico.pk, "act": "refuse", "reason": "Unknown to Mexico City."},
    )

    states = {
        r.full_name: (r.credential, r.credential_note)
        for r in Registration.objects.filter(assembly=assembly)
    }
    assert states == {
        "Seoul Mayor": (Credential.VOTING, ""),
        "Someone": (Credential.REFUSED, "The mayor represents Seoul."),
        "Diego": (Credential.REFUSED, "Not Abuja's delegate."),
        "Amina": (Credential.VOTING, ""),
        "Unknown": (Credential.REFUSED, "Unknown to Mexico City."),
    }
    assert [c for c in credential_claims(assembly) if c.contested] == []
    refusals = _audit(AuditAction.CREDENTIAL_REFUSED)
    assert [(e["actor"], e["name"], e["member"], e["reason"]) for e in refusals] == [
        ("sofia", "Someone", "seoul", "The mayor represents Seoul."),
        ("sofia", "Diego", "abuja", "Not Abuja's delegate."),
        ("sofia", "Unknown", "mexico-city", "Unknown to Mexico City."),
    ]
    assert stranger.pk == refusals[0]["registration"]
    assert cross.pk == refusals[1]["registration"]


def test_the_registrations_page_accredits_the_uncontested_in_bulk(
    assembly: Assembly, organization: Organization, secretariat: Persona
) -> None:
    members = [MemberFactory(organization=organization) for _ in range(3)]
    for i, member in enumerate(members):
        PersonFactory(organization=organization, member=member, email=f"mayor{i}@example.org")
        _claim(assembly, member, f"mayor{i}@example.org", f"Mayor {i}")
    unknown = _claim(assembly, members[0], "extra@example.org", "Extra")
    page = f"/en/assemblies/{assembly.edition}/registrations/"
    staff = logged_in(secretariat)
    assert "Accredit the uncontested delegates" in staff.get(page).content.decode()

    response = staff.post(
        f"/en/assemblies/{assembly.edition}/credentials/accredit-uncontested/",
        {"next": "registrations"},
        follow=True,
    )

    assert "2 voting delegates accredited." in response.content.decode()
    assert response.redirect_chain[-1][0] == page
    states = dict(
        Registration.objects.filter(assembly=assembly).values_list("full_name", "credential")
    )
    # Member 0 has two claimants: contested, left for the credentials page.
    assert states == {
        "Mayor 0": Credential.AWAITING,
        "Mayor 1": Credential.VOTING,
        "Mayor 2": Credential.VOTING,
        "Extra": Credential.AWAITING,
    }
    assert unknown.pk in {
        c.registration.pk for e in credential_claims(assembly) for c in e.claims if e.contested
    }
    assert len(_audit(AuditAction.DELEGATE_ACCREDITED)) == 2


# One voting delegate; replacement, withdrawal and open polls.


def test_a_member_has_one_voting_delegate_and_a_replacement_keeps_the_other_as_alternate(
    assembly: Assembly, abuja: Member, secretariat: Persona
) -> None:
    first = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    second = _claim(assembly, abuja, "bola@abuja.example.org", "Bola")
    credentials.accredit(registration=first, by=secretariat)

    with pytest.raises(Conflict, match="replace them, or accredit Bola"):
        credentials.accredit(registration=second, by=secretariat)
    credentials.accredit(registration=second, by=secretariat, replace=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.credential, second.credential) == (Credential.ALTERNATE, Credential.VOTING)
    # Whatever the services say, the database holds one voting delegate per member.
    first.credential = Credential.VOTING
    with pytest.raises(IntegrityError):
        first.save()


def test_credentials_hold_still_while_a_poll_is_open_and_the_next_poll_follows_a_change(
    assembly: Assembly, abuja: Member, secretariat: Persona, chair: Persona
) -> None:
    first = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    second = _claim(assembly, abuja, "bola@abuja.example.org", "Bola")
    credentials.accredit(registration=first, by=secretariat)
    credentials.accredit(registration=second, by=secretariat, credential=Credential.ALTERNATE)
    desk.check_in(registration=first, by=secretariat)
    desk.check_in(registration=second, by=secretariat)
    rules = make_rules(assembly.organization, quorum="0")
    opened = services.open_poll(
        poll=services.create_poll(decision=make_motion(assembly, rules), by=chair), by=chair
    )
    first.refresh_from_db()

    with pytest.raises(Conflict, match="A poll is open"):
        credentials.withdraw_accreditation(registration=first, by=secretariat, reason="Left")
    with pytest.raises(Conflict, match="A poll is open"):
        credentials.accredit(registration=second, by=secretariat, replace=True)
    services.close_poll(poll=opened, by=chair)
    credentials.withdraw_accreditation(registration=first, by=secretariat, reason="Left early")
    later = services.open_poll(
        poll=services.create_poll(decision=make_motion(assembly, rules, "Second"), by=chair),
        by=chair,
    )

    second.refresh_from_db()
    assert RegisterEntry.objects.get(poll=opened, member=abuja).delegate == first.person
    assert RegisterEntry.objects.get(poll=later, member=abuja).delegate == second.person
    withdrawn = _audit(AuditAction.ACCREDITATION_WITHDRAWN)
    assert [(e["actor"], e["name"], e["member"], e["reason"]) for e in withdrawn] == [
        ("sofia", "Amina", "abuja", "Left early")
    ]


def test_withdrawing_the_only_representative_makes_the_member_absent(
    assembly: Assembly, abuja: Member, secretariat: Persona
) -> None:
    registration = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    credentials.accredit(registration=registration, by=secretariat)
    desk.check_in(registration=registration, by=secretariat)
    assert members_present(assembly) == {abuja.pk}

    credentials.withdraw_accreditation(
        registration=registration, by=secretariat, reason="Credentials withdrawn"
    )

    registration.refresh_from_db()
    assert members_present(assembly) == set()
    assert registration.is_present  # still in the room, as an attendee


def test_an_accredited_registration_is_not_declined_before_its_accreditation_is_withdrawn(
    assembly: Assembly, abuja: Member, secretariat: Persona
) -> None:
    registration = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    credentials.accredit(registration=registration, by=secretariat)

    with pytest.raises(Conflict, match="withdraw the accreditation first"):
        desk.decline_registration(registration=registration, by=secretariat)

    registration.refresh_from_db()
    assert (registration.status, registration.credential) == ("confirmed", Credential.VOTING)


def test_only_the_secretariat_accredits(
    client: Client,
    assembly: Assembly,
    abuja: Member,
    delegate_a: Persona,
    chair: Persona,
) -> None:
    registration = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    page = f"/en/assemblies/{assembly.edition}/credentials/"

    anonymous = client.get(page)
    forbidden = [logged_in(user).get(page) for user in (delegate_a, chair)]
    posted = logged_in(delegate_a).post(
        f"{page}act/", {"registration": registration.pk, "act": "voting"}
    )

    registration.refresh_from_db()
    assert anonymous.status_code == 404
    assert [r.status_code for r in forbidden] == [403, 403]
    assert posted.status_code == 403
    assert registration.credential == Credential.AWAITING


def test_the_back_office_accredits_and_withdraws_in_bulk_and_keeps_the_delegation_fixed(
    assembly: Assembly, abuja: Member, city_a: Member, secretariat: Persona
) -> None:
    first = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    second = _claim(assembly, abuja, "bola@abuja.example.org", "Bola")
    staff = logged_in(secretariat)
    admin = "/en/admin/assemblies/registration/"

    response = staff.post(
        admin,
        {"action": "accredit_voting", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    html = response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert "1 accredited." in html
    assert "Bola: Abuja already has a voting delegate, Amina" in html
    assert (first.credential, second.credential) == (Credential.VOTING, Credential.AWAITING)
    change = staff.get(f"{admin}{first.pk}/change/").content.decode()
    assert 'name="member"' not in change  # read-only while accredited

    staff.post(admin, {"action": "withdraw_accreditation", "_selected_action": [first.pk]})

    first.refresh_from_db()
    assert first.credential == Credential.REFUSED
    assert first.credential_note == "Withdrawn in the back office by sofia."


@pytest.mark.parametrize("count", [1, 3])
def test_credentials_page_query_count(
    assembly: Assembly,
    organization: Organization,
    secretariat: Persona,
    count: int,
    django_assert_num_queries: Any,
) -> None:
    for i in range(count):
        member = MemberFactory(organization=organization)
        RegistrationFactory(assembly=assembly, member=member, credential=Credential.AWAITING)
        RegistrationFactory(assembly=assembly, member=member, credential=Credential.AWAITING)
        RegistrationFactory(
            assembly=assembly, member=MemberFactory(organization=organization), email=f"v{i}@x.org"
        )
    staff = logged_in(secretariat)

    with django_assert_num_queries(6):
        response = staff.get(f"/en/assemblies/{assembly.edition}/credentials/")

    html = response.content.decode()
    assert html.count("people claim to represent") == count
    assert html.count('class="inline-form credential-act"') == 3 * count


def test_the_registrations_page_shows_each_claim_and_accredits_an_alternate_from_its_row(
    assembly: Assembly, abuja: Member, secretariat: Persona
) -> None:
    first = _claim(assembly, abuja, "amina@abuja.example.org", "Amina")
    credentials.accredit(registration=first, by=secretariat)
    second = _claim(assembly, abuja, "bola@abuja.example.org", "Bola")
    page = f"/en/assemblies/{assembly.edition}/registrations/"
    staff = logged_in(secretariat)
    html = staff.get(page).content.decode()
    assert html.count('class="inline-form credential-act"') == 2
    assert "Awaiting accreditation" in html

    response = staff.post(
        f"/en/assemblies/{assembly.edition}/credentials/act/",
        {"registration": second.pk, "act": "alternate", "next": "registrations"},
        follow=True,
    )

    second.refresh_from_db()
    assert response.redirect_chain[-1][0] == page
    assert "Bola (Abuja): Alternate." in response.content.decode()
    assert second.credential == Credential.ALTERNATE


def test_a_registration_typed_in_the_back_office_is_only_a_claim(
    assembly: Assembly, abuja: Member, secretariat: Persona
) -> None:
    staff = logged_in(secretariat)

    response = staff.post(
        "/en/admin/assemblies/registration/add/",
        {
            "assembly": assembly.pk,
            "full_name": "Typed In",
            "email": "typed@example.org",
            "member": abuja.pk,
            "role": ParticipantRole.MAYOR,
            "attendance_mode": AttendanceMode.IN_PERSON,
            "country": "NG",
            "language": "en",
            "status": "confirmed",
            "credential": "voting",  # read-only in the form: ignored
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    registration = Registration.objects.get(email="typed@example.org")
    assert registration.credential == Credential.AWAITING
    assert members_present(assembly) == set()


def test_the_credentials_contact_is_kept_in_the_back_office_and_hidden_from_the_chair(
    abuja: Member, secretariat: Persona, chair: Persona
) -> None:
    page = f"/en/admin/members/member/{abuja.pk}/change/"
    chair.is_staff = True  # the chair may read the registry in the back office
    chair.save()

    kept = logged_in(secretariat).get(page).content.decode()
    hidden = logged_in(chair).get(page)

    assert 'name="contact_email"' in kept
    assert "protocol@abuja.example.org" in kept
    assert hidden.status_code == 200
    assert "protocol@abuja.example.org" not in hidden.content.decode()
