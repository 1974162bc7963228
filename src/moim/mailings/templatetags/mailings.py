"""`{% load mailings %}`: `{% convocation_notice assembly %}`, one line on the convocation for
the secretariat's pages."""

from __future__ import annotations

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from moim.assemblies.models import Assembly
from moim.mailings.records import convocation_record

register = template.Library()


@register.simple_tag
def convocation_notice(assembly: Assembly) -> str:
    """ "Convocation sent on … (N days before), X delivered, Y bounced", or that it is not sent."""
    record = convocation_record(assembly)
    if record is None:
        return _("Convocation not sent yet.")
    day = formats.date_format(timezone.localtime(record.sent_at, assembly.zone), "DATE_FORMAT")
    line = _(
        "Convocation sent on %(day)s (%(days)d days before), %(sent)d delivered, "
        "%(bounced)d bounced"
    ) % {"day": day, "days": record.days_before, "sent": record.sent, "bounced": record.bounced}
    if record.failed:
        line += _(", %(failed)d failed") % {"failed": record.failed}
    if record.pending:
        line += _(", %(pending)d still sending") % {"pending": record.pending}
    if not record.on_time:
        line += _(" — late: the rules ask for %(required)d days") % {
            "required": record.notice_days_required
        }
    return line + "."
