"""The plan's calendar file (assessments/calendar.py): built by `icalendar`, and no character a person
types can break out of the text it belongs to.

The penetration test's finding: a plan action `Act\\rBEGIN:VALARM\\r...` came out with raw CRs in
SUMMARY and DESCRIPTION, and VT, NEL and U+2028 passed through too. Every line break people may
write is now an escaped newline (the two characters `\\n`) inside the value, and every other control
character a space, so each of them leaves exactly one event with nothing smuggled in.
"""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from assessments import services
from assessments.calendar import clean_text, plan_ics
from assessments.tests.factories import submitted_for

pytestmark = pytest.mark.django_db

INJECTION = "BEGIN:VALARM\r\nTRIGGER:-PT1M\r\nACTION:DISPLAY\r\nEND:VALARM"

# Each character that must never reach the file raw, with what a reader sees in its place.
LINE_BREAKS = {
    "CR LF": "\r\n",
    "a lone CR": "\r",
    "LF": "\n",
    "VT": "\x0b",
    "FF": "\x0c",
    "NEL (U+0085)": "\x85",
    "LINE SEPARATOR (U+2028)": "\u2028",
    "PARAGRAPH SEPARATOR (U+2029)": "\u2029",
}
# NUL cannot be stored (PostgreSQL refuses it; the forms refuse it first): test_clean_text covers it.
OTHER_CONTROLS = {
    "BEL": "\x07",
    "BS": "\x08",
    "TAB": "\t",
    "ESC": "\x1b",
    "US": "\x1f",
    "DEL": "\x7f",
    "PAD (U+0080)": "\x80",
    "CSI (U+009B)": "\x9b",
    "APC (U+009F)": "\x9f",
}


@pytest.fixture
def plan(alice, role, skills):
    report = submitted_for(alice, role, level=3, levels={skills[0].slug: 1})
    plan, _ = services.create_plan(assessment=report)
    return plan


def set_item(plan, *, action="", notes=""):
    item = plan.items.order_by("order").first()
    services.update_plan_item(item=item, action=action, target_date=dt.date(2030, 3, 1), notes=notes, status="done")
    return item


def raw_controls(text):
    """Control characters in the file other than the CRLF line endings (and their folding)."""
    body = text.replace("\r\n", "")
    return sorted({f"U+{ord(c):04X}" for c in body if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"})


def assert_one_clean_event(ics):
    text = ics.decode("utf-8")
    assert raw_controls(text) == [], "a control character reached the file"
    assert text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines), "lines are folded at 75 octets"
    unfolded = text.replace("\r\n ", "")
    starts = [line for line in unfolded.split("\r\n") if line.startswith("BEGIN:")]
    assert starts == ["BEGIN:VCALENDAR", "BEGIN:VEVENT"], "nothing but the plan's one event"
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert calendar.walk("VALARM") == []
    return events[0]


@pytest.mark.parametrize("name", list(LINE_BREAKS))
def test_a_line_break_in_an_action_stays_inside_the_summary(plan, name):
    set_item(plan, action=f"Act{LINE_BREAKS[name]}{INJECTION}", notes=f"Note{LINE_BREAKS[name]}END:VEVENT")

    event = assert_one_clean_event(plan_ics(plan))

    assert str(event["SUMMARY"]).endswith(": Act\nBEGIN:VALARM\nTRIGGER:-PT1M\nACTION:DISPLAY\nEND:VALARM")
    assert str(event["DESCRIPTION"]).endswith("Notes: Note\nEND:VEVENT")


@pytest.mark.parametrize("name", list(OTHER_CONTROLS))
def test_any_other_control_character_becomes_a_space(plan, name):
    set_item(plan, action=f"Act{OTHER_CONTROLS[name]}now", notes=f"a{OTHER_CONTROLS[name]}b")

    event = assert_one_clean_event(plan_ics(plan))

    assert str(event["SUMMARY"]).endswith(": Act now")
    assert str(event["DESCRIPTION"]).endswith("Notes: a b")


def test_the_reported_payload_gives_one_event_and_no_alarm(alice_client, plan):
    """The exact shape the penetration test sent, through the view."""
    item = set_item(plan, action="Act\rBEGIN:VALARM\rTRIGGER:-PT1M\rACTION:DISPLAY\rEND:VALARM\rX")
    response = alice_client.get(reverse("assessments:plan_ics", args=[plan.assessment_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = assert_one_clean_event(response.content)
    assert (
        str(event["SUMMARY"]) == f"{item.skill_name}: Act\nBEGIN:VALARM\nTRIGGER:-PT1M\nACTION:DISPLAY\nEND:VALARM\nX"
    )
    assert "\r" not in response.content.decode().replace("\r\n", "")


def test_a_role_title_with_a_control_character_cannot_break_the_calendar_name(plan):
    set_item(plan, action="Act")
    role = plan.assessment.role
    role.title = "Data\rWrangler\u2028X-INJECTED:1"
    role.save()
    ics = plan_ics(plan)
    assert_one_clean_event(ics)
    unfolded = ics.decode().replace("\r\n ", "").split("\r\n")
    assert "X-WR-CALNAME:careerpath plan: Data\\nWrangler\\nX-INJECTED:1" in unfolded
    assert not [line for line in unfolded if line.startswith("X-INJECTED")]


def test_the_event_has_the_dates_the_uid_and_the_escaped_text(plan):
    item = set_item(plan, action="Read, the book; twice", notes="")
    ics = plan_ics(plan, host="careers.example.com")
    event = assert_one_clean_event(ics)
    text = ics.decode()
    assert "DTSTART;VALUE=DATE:20300301" in text and "DTEND;VALUE=DATE:20300302" in text
    assert "Read\\, the book\\; twice" in text
    assert str(event["UID"]) == f"plan-{plan.pk}-item-{item.pk}@careers.example.com"


def test_an_undated_item_makes_no_event(plan):
    assert "BEGIN:VEVENT" not in plan_ics(plan).decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb\nc", "a\nb\nc"),
        ("a\x0bb\x0cc", "a\nb\nc"),
        ("a\x85b\u2028c\u2029d", "a\nb\nc\nd"),
        ("a\tb\x00c\x7fd\x9fe", "a b c d e"),
        ("plain text, unchanged; émoji 🙂", "plain text, unchanged; émoji 🙂"),
    ],
)
def test_clean_text_turns_line_breaks_into_newlines_and_other_controls_into_spaces(text, expected):
    assert clean_text(text) == expected
