"""Reading role files safely, and problems found in them: one line each, naming the file, the field
and the entry (`senior-ml-engineer.yaml: skills[3].target: Input should be less than or equal to 5`)."""

import json
import reprlib

import yaml

SUFFIXES = {".yaml": "YAML", ".yml": "YAML", ".json": "JSON"}
MAX_DEPTH = 50  # levels of nesting; a role file needs 5, and deeper ones would exhaust Python's stack
PROBLEM_MAX_LENGTH = 300  # a problem line quotes keys and values from the file: never all of a huge one
_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


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
    """A value as a message shows it, at most about `limit` characters, whatever its size: `reprlib`
    stops after a few items and levels, where repr() of a nested list first builds all of its text
    (gigabytes for a few hundred bytes of YAML aliases)."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):
    """Safe YAML, read by libyaml where it is installed (ten times PyYAML's speed), that refuses a key
    given twice in one mapping (the second would silently win)."""

    def construct_mapping(self, node, deep=False):
        keys = [(self.construct_object(key, deep=deep), key) for key, _value in node.value]
        _given_twice([(key, mark) for key, mark in keys if isinstance(key, str | int)], node)
        return super().construct_mapping(node, deep=deep)


def _load_yaml(text):
    """A YAML file's data. Its events are read first, refusing anchors and aliases before anything is
    expanded (nine aliases of nine aliases... make a few hundred bytes stand for billions of values,
    and role files have no use for them) and nesting deeper than MAX_DEPTH (the loader recurses once
    per level)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        if isinstance(event, yaml.AliasEvent):
            refused = f"aliases (*{event.anchor[:30]}) are not allowed"
        elif getattr(event, "anchor", None) is not None:
            refused = f"anchors (&{event.anchor[:30]}) are not allowed"
        elif depth > MAX_DEPTH:
            refused = _TOO_DEEP
        else:
            continue
        raise yaml.MarkedYAMLError(problem=refused, problem_mark=event.start_mark)
    return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader


def _given_twice(pairs, node=None):
    """Refuse a mapping ([(key, value)]) that gives a key twice."""
    seen = set()
    for key, mark in pairs:
        if key in seen:
            message = f"the key {_short(key)} is given twice"
            if node is None:
                raise ValueError(message)
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, message, mark.start_mark
            )
        seen.add(key)
    return dict(pairs)


def _too_deep(value, depth=0):
    """Whether parsed data nests lists and mappings more than MAX_DEPTH levels deep."""
    if not isinstance(value, dict | list):
        return False
    items = value.values() if isinstance(value, dict) else value
    return depth >= MAX_DEPTH or any(_too_deep(item, depth + 1) for item in items)


def parse(path):
    """(the file's data, None) for a role file, or (None, what is wrong with it)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return None, f"cannot read {path.suffix or 'a file without a suffix'}: use .yaml, .yml or .json"
    try:
        text = path.read_text(encoding="utf-8")
        if kind == "JSON":
            data = json.loads(text, object_pairs_hook=_given_twice)
            return (None, f"invalid JSON: {_TOO_DEEP}") if _too_deep(data) else (data, None)
        data = _load_yaml(text)
        return (data, None) if data is not None else (None, "the file is empty")
    except UnicodeDecodeError:
        return None, "cannot read: not UTF-8 text"
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"
    except RecursionError:  # the JSON parser recurses once per level
        return None, f"invalid JSON: {_TOO_DEEP}"
    except json.JSONDecodeError as error:
        return None, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, f"invalid YAML{at}: {error.problem or error.context}"
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a key given twice in JSON, or 2025-02-30
        return None, f"invalid {kind}: {error}"
