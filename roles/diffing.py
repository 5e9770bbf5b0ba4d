"""What changed between two versions of a role guide, for people: plain functions over plain data.

Both versions are role files as dicts (`roles.importing.dump_role`, the data a `RoleRevision`
keeps), so this module reads no database and its tests need none. `diff_guides` says which skills
were added, removed, retargeted, reweighted or moved between required and differentiating, whether
their order changed, which of the role's own texts changed (word by word) and which entries of
each other section were added, removed or edited. Editor-only fields (`editor_note`) are left out
unless `editors=True`: readers of the public "what changed" page never see them.
"""

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

EDITOR_ONLY = frozenset({"editor_note"})
# Keys of a role file that are not text a reader compares (the slug is the address, `skills` and the
# sections have their own comparison below).
NOT_COMPARED = frozenset({"slug", "skills"})
# How an entry of a section is named in a list of changes: the first of these keys it has.
LABEL_KEYS = ("name", "title", "question", "level", "text", "role", "from_role")


@dataclass(frozen=True)
class TextChange:
    """One field whose value changed; `pieces` are (op, words) with op "same", "del" or "ins"."""

    label: str
    old: str
    new: str
    pieces: tuple = ()


@dataclass(frozen=True)
class SkillChange:
    name: str
    old: object = None
    new: object = None


@dataclass(frozen=True)
class SkillEntry:
    name: str
    kind: str
    target: int


@dataclass(frozen=True)
class SectionChange:
    key: str
    title: str
    added: tuple = ()
    removed: tuple = ()
    edited: tuple = ()  # (label, (TextChange, ...))


@dataclass
class GuideDiff:
    fields: list = field(default_factory=list)  # TextChange of the role's own fields
    added: list = field(default_factory=list)  # SkillEntry
    removed: list = field(default_factory=list)  # SkillEntry
    retargeted: list = field(default_factory=list)  # SkillChange(old target, new target)
    reweighted: list = field(default_factory=list)  # SkillChange(old weight, new weight)
    rekinded: list = field(default_factory=list)  # SkillChange(old kind, new kind)
    skill_texts: list = field(default_factory=list)  # (skill name, (TextChange, ...))
    reordered: bool = False
    sections: list = field(default_factory=list)  # SectionChange

    @property
    def skills_changed(self):
        return bool(
            self.added
            or self.removed
            or self.retargeted
            or self.reweighted
            or self.rekinded
            or self.skill_texts
            or self.reordered
        )

    @property
    def is_empty(self):
        return not (self.fields or self.skills_changed or self.sections)


def humanize(key):
    """ "salary_note" → "Salary note"; "ai_impact.score" → "AI impact score"."""
    text = key.replace(".", " ").replace("_", " ").strip()
    text = re.sub(r"\bai\b", "AI", text)
    return text[:1].upper() + text[1:]


def as_text(value):
    """A value as a reader would compare it: lists joined, nested mappings flattened, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{humanize(str(k))}: {as_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(as_text(v) for v in value)
    return str(value)


def words(text):
    """The words of a text: how much space separates them (a browser's "\r\n") is no change."""
    return text.split()


def word_pieces(old, new):
    """(op, text) pieces that turn `old` into `new` word by word: "same", "del" and "ins"; each
    piece ends with a space where a word follows it."""
    a, b = words(old), words(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(a[i1:i2]) + " "))
            continue
        if i2 > i1:
            pieces.append(("del", " ".join(a[i1:i2])))
            if j2 > j1:
                pieces.append(("same", " "))
        if j2 > j1:
            pieces.append(("ins", " ".join(b[j1:j2])))
        pieces.append(("same", " "))
    return tuple(pieces)


def _flat(data, *, skip, editors, prefix=""):
    """{key: value} of a mapping's fields, nested mappings flattened as "outer.inner"."""
    flat = {}
    for key, value in data.items():
        if key in skip or (not editors and key in EDITOR_ONLY):
            continue
        if isinstance(value, dict):
            flat |= _flat(value, skip=(), editors=editors, prefix=f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def text_changes(old, new, *, skip=(), editors=False):
    """TextChange for each field of two mappings whose values differ, in the new mapping's order."""
    a = _flat(old, skip=skip, editors=editors)
    b = _flat(new, skip=skip, editors=editors)
    changes = []
    for key in [*b, *(k for k in a if k not in b)]:
        before, after = as_text(a.get(key)), as_text(b.get(key))
        if words(before) != words(after):
            changes.append(TextChange(humanize(key), before, after, word_pieces(before, after)))
    return changes


def _weight(entry, defaults):
    """The skill's weight as a reader reads it ("1", "0.5"): its own, or its kind's default."""
    weight = entry.get("weight")
    value = Decimal(str(weight if weight is not None else defaults[entry.get("kind", "required")]))
    return format(value.normalize(), "f")


def _skill_changes(diff, old_skills, new_skills, *, defaults, editors):
    old = {s["slug"]: s for s in old_skills}
    new = {s["slug"]: s for s in new_skills}

    def entry(s):
        return SkillEntry(s.get("name", s["slug"]), s.get("kind", "required"), s.get("target", 3))

    diff.added = [entry(s) for slug, s in new.items() if slug not in old]
    diff.removed = [entry(s) for slug, s in old.items() if slug not in new]
    compared = {"slug", "name", "kind", "target", "weight"}
    for slug, after in new.items():
        before = old.get(slug)
        if before is None:
            continue
        name = after.get("name", slug)
        if before.get("target", 3) != after.get("target", 3):
            diff.retargeted.append(SkillChange(name, before.get("target", 3), after.get("target", 3)))
        if _weight(before, defaults) != _weight(after, defaults):
            diff.reweighted.append(SkillChange(name, _weight(before, defaults), _weight(after, defaults)))
        if before.get("kind", "required") != after.get("kind", "required"):
            diff.rekinded.append(SkillChange(name, before.get("kind", "required"), after.get("kind", "required")))
        texts = text_changes(before, after, skip=compared, editors=editors)
        if texts:
            diff.skill_texts.append((name, tuple(texts)))
    kept_old = [slug for slug in old if slug in new]
    kept_new = [slug for slug in new if slug in old]
    diff.reordered = kept_old != kept_new


def label(entry):
    """How a list of changes names a section's entry (an entry may be just its text)."""
    if not isinstance(entry, dict):
        return as_text(entry)
    parts = [as_text(entry[key]) for key in LABEL_KEYS if key in entry]
    kind = entry.get("kind") or entry.get("section")
    name = parts[0] if parts else as_text(entry)
    return f"{name} ({humanize(kind)})" if kind and "text" not in entry else name


def _section_change(key, title, old_entries, new_entries, *, editors):
    def visible(entry):
        return entry if not isinstance(entry, dict) else _flat(entry, skip=(), editors=editors)

    old = {}
    for entry in old_entries:
        old.setdefault(label(entry), visible(entry))
    new = {}
    for entry in new_entries:
        new.setdefault(label(entry), visible(entry))
    added = tuple(name for name in new if name not in old)
    removed = tuple(name for name in old if name not in new)
    edited = []
    for name, after in new.items():
        before = old.get(name)
        if before is None:
            continue
        as_map = lambda e: e if isinstance(e, dict) else {"text": e}  # noqa: E731
        texts = text_changes(as_map(before), as_map(after), editors=editors)
        if texts:
            edited.append((name, tuple(texts)))
    if added or removed or edited:
        return SectionChange(key, title, added, removed, tuple(edited))
    return None


def diff_guides(old, new, *, sections, default_weights, editors=False):
    """What changed from `old` to `new` (role files as dicts). `sections` is {file key: title} of
    the guide's sections other than skills, in page order; `default_weights` {kind: weight}."""
    diff = GuideDiff()
    skip = NOT_COMPARED | set(sections)
    diff.fields = text_changes(old, new, skip=skip, editors=editors)
    _skill_changes(diff, old.get("skills", []), new.get("skills", []), defaults=default_weights, editors=editors)
    for key, title in sections.items():
        change = _section_change(key, title, old.get(key, []), new.get(key, []), editors=editors)
        if change:
            diff.sections.append(change)
    return diff
