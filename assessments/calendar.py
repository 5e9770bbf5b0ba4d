"""A development plan as an iCalendar (.ics) file: one all-day event per dated plan item.

The file is built by the `icalendar` library (escaping, line folding, CRLF endings), from text that
is made safe first: people type the actions and notes, and a calendar reader must never see a
control character in them. Every line break people may write (CRLF, LF, a lone CR, VT, FF, NEL,
U+2028, U+2029) becomes a newline, which the library writes escaped as the two characters `\\n`
inside the value; every other control character (C0, DEL, C1) becomes a space. So a typed
"Act\\rBEGIN:VALARM" stays text inside SUMMARY and can never start a component of its own.
"""

import re
from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event, vText

PRODID = "-//careerpath//development plan//EN"

_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL, C1 (line breaks are split off first)


def clean_text(text):
    """`text` with line breaks as "\\n" and no other control character (tabs and the rest: spaces)."""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return "\n".join(_CONTROLS.sub(" ", line) for line in text.split("\n"))


def _summary(item):
    if item.action:
        return f"{item.skill_name}: {item.action}"
    return f"{item.skill_name}: reach level {item.target_level}"


def _description(item, role):
    text = (
        f"Plan for {role}. {item.skill_name}: from level {item.current_level} to {item.target_level}. "
        f"Status: {item.get_status_display()}."
    )
    return text + (f" Notes: {item.notes}" if item.notes else "")


def plan_ics(plan, *, host="careerpath"):
    """The plan's calendar file as bytes (UTF-8, CRLF line endings, lines folded at 75 octets)."""
    role = plan.assessment.role.title
    stamp = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is not known to be text unless said so, and would be written unescaped.
    calendar.add("x-wr-calname", vText(clean_text(f"careerpath plan: {role}")))
    for item in plan.items.all():
        if not item.target_date:
            continue
        event = Event()
        event.add("uid", clean_text(f"plan-{plan.pk}-item-{item.pk}@{host}"))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.target_date)
        event.add("dtend", item.target_date + timedelta(days=1))
        event.add("summary", clean_text(_summary(item)))
        event.add("description", clean_text(_description(item, role)))
        calendar.add_component(event)
    return calendar.to_ical()
