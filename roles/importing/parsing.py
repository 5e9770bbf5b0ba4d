"""Reading role files safely, and problems found in them: one line each, naming the file, the field
and the entry (`senior-ml-engineer.yaml: skills[3].target: 7 is not between 1 and 5`)."""

import datetime
import json
import reprlib
from collections import Counter

import yaml

SUFFIXES = {".yaml": "YAML", ".yml": "YAML", ".json": "JSON"}
MAX_DEPTH = 50  # levels of nesting; a role file needs 5, and deeper ones would exhaust Python's stack
PROBLEM_MAX_LENGTH = 300  # a problem line quotes keys and values from the file: never all of a huge one


class RoleFileError(Exception):
    """Role files are bad; `problems` holds one line per problem. Nothing was saved."""

    def __init__(self, problems):
        self.problems = list(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in role files; nothing was imported:"
        super().__init__("\n".join([heading, *self.problems]))


def problem(filename, where, message):
    line = f"{filename}: {where}: {message}" if where else f"{filename}: {message}"
    return line if len(line) <= PROBLEM_MAX_LENGTH else line[: PROBLEM_MAX_LENGTH - 3] + "..."


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
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "nothing"}[value]
    if isinstance(value, int | float):
        return f"the number {_short(value)}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    return {list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


class _Loader(yaml.SafeLoader):
    """Safe YAML that refuses anchors and aliases, a key given twice in one mapping, and nesting
    deeper than MAX_DEPTH.

    Aliases are refused while the file is composed, before anything is expanded: nine aliases of
    nine aliases... make a few hundred bytes stand for billions of values (a "billion laughs"). Role
    files have no use for them, so an anchor (`&name`) is refused too, at its own line. A key given
    twice is refused because the second would silently win. The composer recurses once per level,
    so the depth is checked before Python's stack runs out."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        refused = None
        if isinstance(event, yaml.AliasEvent):
            refused = f"aliases (*{event.anchor[:30]}) are not allowed"
        elif getattr(event, "anchor", None) is not None:
            refused = f"anchors (&{event.anchor[:30]}) are not allowed"
        elif self.depth >= MAX_DEPTH:
            refused = f"nested more than {MAX_DEPTH} levels deep"
        if refused:
            raise yaml.composer.ComposerError(None, None, refused, event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int) and key in seen:
                message = f"the key {_short(key)} is given twice"
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, message, key_node.start_mark
                )
            if isinstance(key, str | int):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _json_depth_exceeded(text):
    """Whether JSON text nests arrays and objects deeper than MAX_DEPTH (checked before parsing: the
    parser recurses once per level)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if escaped:
            escaped = False
        elif in_string:
            escaped, in_string = char == "\\", char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _json_object(pairs):
    repeated = [key for key, count in Counter(key for key, _value in pairs).items() if count > 1]
    if repeated:
        raise ValueError(f"the key {_short(repeated[0])} is given twice")
    return dict(pairs)


def parse(path):
    """(the file's data, or None; [problem message]) for a role file."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return None, [f"cannot read {path.suffix or 'a file without a suffix'}: use .yaml, .yml or .json"]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, ["cannot read: not UTF-8 text"]
    except OSError as error:
        return None, [f"cannot read: {error.strerror or error}"]
    if kind == "JSON":
        if _json_depth_exceeded(text):
            return None, [f"invalid JSON: nested more than {MAX_DEPTH} levels deep"]
        try:
            return json.loads(text, object_pairs_hook=_json_object), []
        except json.JSONDecodeError as error:
            return None, [f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        except ValueError as error:
            return None, [f"invalid JSON: {error}"]
    try:
        return yaml.load(text, Loader=_Loader), []  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [f"invalid YAML{at}: {error.problem or error.context}"]
    except (yaml.YAMLError, ValueError) as error:  # ValueError: an impossible date such as 2025-02-30
        return None, [f"invalid YAML: {error}"]
