"""Validators every app may use (the bottom layer: this module imports no app).

`validate_single_line` is for names people choose and others read: team names, the name a
review request shows. It refuses what can split a line or rearrange how text reads:

- control characters (Unicode category Cc): NUL, tab, CR, LF, NEL and the rest (a CR/LF in a
  name once reached a mail header);
- the line and paragraph separators U+2028 and U+2029;
- bidirectional controls, which make "moc.live" read as "evil.com": the embeddings and
  overrides U+202A-U+202E, the isolates U+2066-U+2069, the marks U+200E/U+200F and the
  Arabic letter mark U+061C.

Letters, digits, punctuation, symbols and emoji of every script are fine.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)] + ["\u200e", "\u200f", "\u061c"]
)
SEPARATORS = frozenset(["\u2028", "\u2029"])

SINGLE_LINE_MESSAGE = (
    "Use one line of ordinary text: no line breaks, tabs or other control characters, and no "
    "invisible direction marks (such as right-to-left overrides)."
)


def refused_characters(value):
    """The characters of `value` a single-line name may not hold, in order, each once."""
    found = []
    for ch in value:
        if (unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS or ch in SEPARATORS) and ch not in found:
            found.append(ch)
    return found


def _describe(ch):
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


@deconstructible
class SingleLineValidator:
    message = SINGLE_LINE_MESSAGE
    code = "single_line"

    def __call__(self, value):
        refused = refused_characters(str(value))
        if refused:
            found = ", ".join(_describe(ch) for ch in refused[:3])
            raise ValidationError(f"{self.message} Found: {found}.", code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)

    def __hash__(self):
        return hash(self.code)


validate_single_line = SingleLineValidator()
