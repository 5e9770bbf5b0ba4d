"""careerpath.validators: what a single-line name refuses, and what it lets through. No database."""

import pytest
from django.core.exceptions import ValidationError

from careerpath.validators import refused_characters, validate_single_line

REFUSED = {
    "carriage return": "Evil\rBcc: x@evil.test",
    "line feed": "Evil\nBcc: x@evil.test",
    "CR LF": "Evil\r\nBcc: x@evil.test",
    "NUL": "Data\x00Team",
    "tab": "Data\tTeam",
    "escape": "Data\x1b[31mTeam",
    "delete": "Data\x7fTeam",
    "next line (C1)": "Data\x85Team",
    "line separator": "Data\u2028Team",
    "paragraph separator": "Data\u2029Team",
    "right-to-left override": "Data\u202eTeam",
    "left-to-right embedding": "\u202aData",
    "pop directional formatting": "Data\u202c",
    "first strong isolate": "Data\u2068Team",
    "pop directional isolate": "Data\u2069Team",
    "left-to-right mark": "Data\u200eTeam",
    "right-to-left mark": "Data\u200fTeam",
    "Arabic letter mark": "Data\u061cTeam",
}

ACCEPTED = [
    "Data Team",
    "Équipe données",
    "データチーム",
    "فريق البيانات",  # right-to-left letters are fine; only the invisible controls are refused
    "Team 🚀 (Q3) – R&D / ML",
    "👩\u200d👩\u200d👧 family",  # the zero-width joiner of an emoji sequence
]


@pytest.mark.parametrize("value", list(REFUSED.values()), ids=list(REFUSED))
def test_a_single_line_name_refuses_control_and_direction_characters(value):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(value)
    assert "one line of ordinary text" in caught.value.messages[0]
    assert "U+" in caught.value.messages[0]  # names what it found


@pytest.mark.parametrize("value", ACCEPTED)
def test_a_single_line_name_accepts_text_of_every_script(value):
    validate_single_line(value)
    assert refused_characters(value) == []


def test_the_error_names_each_refused_character_once():
    with pytest.raises(ValidationError) as caught:
        validate_single_line("a\r\nb\r\nc\u202e")
    message = caught.value.messages[0]
    assert message.count("U+000D") == 1 and "U+000A" in message and "U+202E" in message
