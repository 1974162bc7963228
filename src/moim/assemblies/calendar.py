"""The programme as an iCalendar file, one event per programme item."""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.utils import timezone

from moim.assemblies.models import Assembly, ProgrammeItem


def programme_calendar(
    assembly: Assembly, items: Iterable[ProgrammeItem], *, base_url: str = ""
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Moim//General Assembly programme//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", assembly.title_en)
    cal.add("x-wr-timezone", assembly.time_zone)
    location = ", ".join(part for part in (assembly.venue_en, assembly.city_en) if part)
    url = f"{base_url.rstrip('/')}{assembly.get_absolute_url()}" if base_url else ""
    host = base_url.split("//")[-1].strip("/") or "moim.invalid"
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"assembly-{assembly.pk}-item-{item.pk}@{host}")
        event.add("summary", item.title_en)
        event.add("dtstart", timezone.localtime(item.starts_at, assembly.zone))
        event.add("dtend", timezone.localtime(item.ends_at, assembly.zone))
        event.add("dtstamp", timezone.now())
        event.add("categories", [item.get_kind_display()])
        lines = [item.description_en] if item.description_en else []
        speakers = [link.person.name_en for link in item.speaker_links.all()]
        if speakers:
            lines.append("Speakers: " + ", ".join(speakers))
        if item.chair is not None:
            lines.append(f"Chair: {item.chair.name_en}")
        if lines:
            event.add("description", "\n".join(lines))
        if location:
            event.add("location", location)
        if url:
            event.add("url", url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
