"""The importer refuses YAML anchors and aliases before anything is expanded, and its messages never
repr an unbounded value.

`data/alias-bomb.yaml` is the penetration test's file: 614 bytes whose `kind: *a9` stands for nine
aliases of nine aliases, nine deep (9**9 = 387,420,489 strings). Expanded and repr()'d for the
"is not one of" message it took 2.2 GB. Now the loader stops at the first anchor, with the file
and the line, in well under 2 s and 100 MB.
"""

import json
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from roles.importing import RoleFileError, _short, import_roles, read_role_file
from roles.models import Family, Role, RoleSkill, Skill

BOMB = Path(__file__).parent / "data" / "alias-bomb.yaml"


def table_counts():
    return {m.__name__: m.objects.count() for m in (Role, Family, Skill, RoleSkill)}


def test_the_bomb_fixture_is_the_small_file_the_report_describes():
    text = BOMB.read_text()
    assert len(text.encode()) < 700
    assert "kind: *a9" in text
    assert text.count("*a8") == 9


def test_the_alias_bomb_is_refused_at_its_first_anchor_fast_and_in_little_memory():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        role_file, problems = read_role_file(BOMB)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert role_file is None
    assert problems == ["alias-bomb.yaml: invalid YAML at line 5, column 5: anchors (&a1) are not allowed"]
    assert elapsed < 2, f"took {elapsed:.2f} s"
    assert peak < 100 * 2**20, f"peak {peak / 2**20:.0f} MB"


@pytest.mark.django_db
def test_import_roles_command_refuses_the_bomb_and_saves_nothing():
    before = table_counts()
    with pytest.raises(CommandError, match=r"alias-bomb.yaml: invalid YAML at line 5, column 5: anchors"):
        call_command("import_roles", str(BOMB), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert table_counts() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("slug: a\ntitle: &t X\n", "invalid YAML at line 2, column 8: anchors (&t) are not allowed"),
        ("slug: a\ntitle: *t\n", "invalid YAML at line 2, column 8: aliases (*t) are not allowed"),
        ("slug: &s a\n", "invalid YAML at line 1, column 7: anchors (&s) are not allowed"),
        ("skills:\n  - &k {slug: s}\n", "invalid YAML at line 2, column 5: anchors (&k) are not allowed"),
        ("base: &b {a: 1}\nother:\n  <<: *b\n", "invalid YAML at line 1, column 7: anchors (&b) are not allowed"),
        (f"slug: &{'a' * 500} x\n", f"invalid YAML at line 1, column 7: anchors (&{'a' * 30}) are not allowed"),
    ],
)
def test_anchors_and_aliases_are_refused_with_file_and_line(tmp_path, db, text, expected):
    path = tmp_path / "widget-engineer.yaml"
    path.write_text(text)
    before = table_counts()
    with pytest.raises(RoleFileError) as error:
        import_roles([path])
    assert error.value.problems == [f"widget-engineer.yaml: {expected}"]
    assert table_counts() == before


def nested(width, depth):
    """The bomb as Python builds it: shared lists, cheap to make, huge to repr()."""
    value = ["lol"] * width
    for _ in range(depth - 1):
        value = [value] * width
    return value


def test_a_message_shows_a_huge_value_truncated_without_building_its_whole_repr():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        text = _short(nested(9, 9))
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) <= 60
    assert text.startswith("[[")
    assert elapsed < 0.5
    assert peak < 2**20


@pytest.mark.parametrize(
    "value",
    ["x" * 10_000, {f"k{i}": i for i in range(10_000)}, list(range(10_000)), b"y" * 10_000, 10**1000],
)
def test_a_message_never_holds_more_than_60_characters_of_a_value(value):
    assert len(_short(value)) <= 60


def test_a_short_value_is_shown_whole():
    assert _short("senior-ml-engineer") == "'senior-ml-engineer'"
    assert _short(["a", 1]) == "['a', 1]"


def test_a_huge_unknown_key_is_named_in_a_bounded_problem_line(tmp_path, db):
    path = tmp_path / "widget-engineer.json"  # YAML caps a plain key at 1,024 characters; JSON does not
    path.write_text(json.dumps({"slug": "widget-engineer", "k" * 100_000: 1}))
    before = table_counts()
    with pytest.raises(RoleFileError) as error:
        import_roles([path])
    unknown = [line for line in error.value.problems if "kkkk" in line]
    assert unknown and all(len(line) <= 300 for line in error.value.problems)
    assert unknown[0].startswith("widget-engineer.json: kkkk") and unknown[0].endswith("...")
    assert table_counts() == before


DEEP = 20_000  # levels: Python's parsers recurse once per level, and the stack holds about 1,000


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("deep.yaml", "skills: " + "[" * DEEP + "]" * DEEP + "\n", "invalid YAML at line 1, column 58: nested"),
        ("deep-block.yaml", "skills:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "invalid YAML at line 51"),
        ("deep.json", '{"skills": ' + "[" * DEEP + "]" * DEEP + "}", "invalid JSON: nested"),
        ("deep-objects.json", '{"a": ' * DEEP + "1" + "}" * DEEP, "invalid JSON: nested"),
    ],
)
def test_a_document_nested_too_deep_is_refused_naming_the_file_and_saves_nothing(tmp_path, db, name, text, expected):
    path = tmp_path / name
    path.write_text(text)
    before = table_counts()

    with pytest.raises(CommandError) as error:
        call_command("import_roles", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert f"{name}: {expected}" in str(error.value)
    assert "nested more than 50 levels deep" in str(error.value)
    assert table_counts() == before


def test_a_document_nested_50_levels_is_read_and_checked_as_usual(tmp_path, db):
    path = tmp_path / "widget.json"
    path.write_text('{"slug": "widget", "about": ' + "[" * 49 + "]" * 49 + "}")

    with pytest.raises(RoleFileError) as error:
        import_roles([path])

    assert "widget.json: about: Input should be a valid string, got [[[...]]]" in error.value.problems
