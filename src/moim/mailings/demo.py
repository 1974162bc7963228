"""The 5th General Assembly's convocation (illustrative): sent on 18 September 2021, thirty days
before the Assembly of 18 October 2021, to every active member in its language.

WeGO's notice period and its members' addresses are not public: the thirty days are the assumed
default of the mailing rules, the addresses are invented (`…@<member>.example.org`), and the
delivery statuses (all delivered but two bounced) are made up for the demonstration.
`load` is idempotent: an assembly whose convocation exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction

from moim.assemblies.models import Assembly
from moim.mailings.enums import Audience, DeliveryStatus, MailingKind
from moim.mailings.models import Delivery, Mailing
from moim.mailings.recipients import Recipient, member_language
from moim.mailings.rendering import assembly_facts, written_for
from moim.mailings.services import CONVOCATION_KEY, default_templates, mailing_rules
from moim.members.enums import MemberStatus
from moim.members.models import Organization

EDITION = 5
SENT_AT = dt.datetime(2021, 9, 18, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))
BOUNCED = ("ulaanbaatar", "kigali")


@transaction.atomic
def load(organization: Organization) -> None:
    assembly = Assembly.objects.filter(organization=organization, edition=EDITION).first()
    if (
        assembly is None
        or Mailing.objects.filter(assembly=assembly, kind=MailingKind.CONVOCATION).exists()
    ):
        return
    rules = mailing_rules(organization)
    template = default_templates(organization)[CONVOCATION_KEY]
    day = assembly.starts_at.astimezone(assembly.zone).date()
    mailing = Mailing.objects.create(
        assembly=assembly,
        kind=MailingKind.CONVOCATION,
        audience=Audience.MEMBERS,
        template=template,
        subject_en=template.subject_en,
        subject_ko=template.subject_ko,
        created_at=SENT_AT,
        notice_days_required=rules.notice_days,
        days_before=(day - SENT_AT.date()).days,
        illustrative=True,
    )
    members = organization.members.filter(status=MemberStatus.ACTIVE).order_by("name_en")
    facts = {code: assembly_facts(assembly, code) for code in ("en", "ko")}
    bounced = set(BOUNCED) & set(members.values_list("slug", flat=True))
    if len(bounced) < 2:
        bounced |= set(members.values_list("slug", flat=True)[: 2 - len(bounced)])
    rows = []
    for n, member in enumerate(members):
        language = member_language(member)
        name = member.name_ko if language == "ko" and member.name_ko else member.name_en
        recipient = Recipient(name, f"secretariat@{member.slug}.example.org", language, member)
        subject, body = written_for(template, recipient, facts[language])
        sent_at = SENT_AT + dt.timedelta(seconds=2 * n)
        bounce = member.slug in bounced
        rows.append(
            Delivery(
                mailing=mailing,
                member=member,
                name=name,
                address=recipient.address,
                language=language,
                subject=subject,
                body=body,
                status=DeliveryStatus.BOUNCED if bounce else DeliveryStatus.SENT,
                attempts=1,
                next_attempt_at=SENT_AT,
                sent_at=sent_at,
                bounced_at=sent_at + dt.timedelta(minutes=3) if bounce else None,
                last_error="550 5.1.1 mailbox unavailable (illustrative)" if bounce else "",
            )
        )
    Delivery.objects.bulk_create(rows, batch_size=500)
