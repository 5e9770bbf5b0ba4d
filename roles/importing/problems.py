"""Problems found in role files: one line each, naming the file, the field and the entry."""

import datetime
import re
import reprlib

SUFFIXES = {".yaml": "YAML", ".yml": "YAML", ".json": "JSON"}
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
CURRENCY_RE = re.compile(r"[A-Z]{3}\Z")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
INTEGER_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL
SMALL_INTEGER_MAX = 32_767  # PositiveSmallIntegerField


class RoleFileError(Exception):
    """Role files are bad; `problems` holds one line per problem. Nothing was saved."""

    def __init__(self, problems):
        self.problems = list(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in role files; nothing was imported:"
        super().__init__("\n".join([heading, *self.problems]))


PROBLEM_MAX_LENGTH = 300  # a problem line quotes keys and values from the file: never all of a huge one


class Problems:
    """Collects one file's problems as `file: field.path: message` lines, each at most 300 characters."""

    def __init__(self, filename):
        self.filename = filename
        self.lines = []

    def add(self, where, message):
        line = f"{self.filename}: {where}: {message}" if where else f"{self.filename}: {message}"
        if len(line) > PROBLEM_MAX_LENGTH:
            line = line[: PROBLEM_MAX_LENGTH - 3] + "..."
        self.lines.append(line)


class Invalid(Exception):
    """A value does not fit its field; the message says why."""


def _join(where, key):
    return f"{where}.{key}" if where else str(key)


_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = 60, 60, 40


def _short(value, limit=60):
    """A value as a message shows it, at most about `limit` characters, whatever its size.

    `reprlib` stops after a few items and levels, so the work is bounded too: a plain repr() of a
    nested list first builds the whole text (gigabytes for a few hundred bytes of YAML aliases)."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _got(value):
    """How to name a value of the wrong type in a message."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    return {list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
