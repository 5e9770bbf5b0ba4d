"""import_roles / export_role: role guide files in, role guide files out (docs/role-format.md)."""

import datetime
import json
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roles.importing import dump_role
from roles.models import (
    FAQ,
    CareerMove,
    Certification,
    CertificationSkill,
    Course,
    CourseSkill,
    DevelopmentSuggestion,
    Family,
    HiringCompany,
    IndustrySector,
    LadderLevel,
    NextStep,
    Responsibility,
    Role,
    RoleCertification,
    RoleCourse,
    RoleSkill,
    SalaryBand,
    Skill,
    Source,
    TransitionArtifact,
    TransitionPath,
)
from roles.sources import SHIPPED
from roles.tests.factories import RoleFactory, SkillFactory

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parent / "data" / "mlops-engineer.yaml"
ALL_MODELS = [
    Family,
    Role,
    Skill,
    RoleSkill,
    Responsibility,
    DevelopmentSuggestion,
    NextStep,
    CareerMove,
    LadderLevel,
    TransitionPath,
    TransitionArtifact,
    SalaryBand,
    Course,
    RoleCourse,
    Certification,
    RoleCertification,
    HiringCompany,
    IndustrySector,
    FAQ,
    Source,
    CourseSkill,
    CertificationSkill,
]


def import_roles(*paths):
    out = StringIO()
    call_command("import_roles", *[str(path) for path in paths], stdout=out)
    return out.getvalue().strip()


def import_fails(*paths):
    """The command's error lines (after its heading) for a run that must fail."""
    with pytest.raises(CommandError) as excinfo:
        import_roles(*paths)
    heading, *lines = str(excinfo.value).splitlines()
    assert re.fullmatch(r"\d+ problems? in role files; nothing was imported:", heading)
    return lines


def write(tmp_path, name, data):
    """Write `data` (text as is, anything else as YAML or JSON by suffix) to tmp_path/name."""
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    elif path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def widget_role(**changes):
    """A small valid role file's data."""
    data = {
        "slug": "widget-engineer",
        "title": "Widget Engineer",
        "family": "Widgets",
        "summary": "Builds widgets.",
        "skills": [
            {"name": "Widgetry", "slug": "widgetry", "target": 3},
            {"name": "Gadgetry", "slug": "gadgetry", "kind": "differentiating", "target": 2},
        ],
    }
    data |= changes
    data.setdefault("career_moves", [{"kind": "leads_to", "role": data["slug"]}])
    return data


def database_state():
    """Row counts of every table the importer writes, and each role as export sees it."""
    counts = {model._meta.label: model.objects.count() for model in ALL_MODELS}
    roles = {role.slug: (dump_role(role), role.updated_at) for role in Role.objects.all()}
    return counts, roles


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


@pytest.fixture
def example_roles(db):
    """The roles the worked example refers to."""
    return [RoleFactory(slug="ml-engineer", title="ML Engineer"), RoleFactory(slug="ml-platform-lead")]


# --- Importing -----------------------------------------------------------------------------------------


def test_import_creates_every_section_of_the_worked_example(example_roles):
    summary = import_roles(EXAMPLE)

    assert summary == (
        "Imported 1 role (1 created, 0 updated, 0 unchanged), 4 skills (4 created, 0 updated, 0 unchanged), "
        "1 course (1 created, 0 updated, 0 unchanged), 1 certification (1 created, 0 updated, 0 unchanged), "
        "1 family (1 created)."
    )
    role = Role.objects.get(slug="mlops-engineer")
    assert role.title == "MLOps Engineer"
    assert role.family.name == "Applied AI · ML Engineering"
    assert role.family.slug == "applied-ai-ml-engineering"
    assert role.is_published is True
    assert role.is_entry_level is False
    assert role.median_salary == 165_000
    assert (role.ai_impact_score, role.ai_impact_label) == (35, "Moderate")
    assert role.last_reviewed == datetime.date(2026, 5, 1)
    assert role.about.startswith("An MLOps Engineer owns the path")
    assert role.methodology == (
        "Written by the careerpath editorial team from general industry knowledge.\n\n"
        "Skill targets are the editors' judgement."
    )

    links = list(role.role_skills.select_related("skill"))
    assert [link.skill.slug for link in links] == [
        "model-registry",
        "model-monitoring",
        "python",
        "infrastructure-as-code",
    ]
    assert [link.order for link in links] == [0, 1, 2, 3]
    registry, monitoring, python, iac = links
    assert (registry.kind, registry.target, registry.weight, registry.note) == (
        "required",
        4,
        Decimal("1.00"),
        "The core of the job.",
    )
    assert registry.skill.category == "MLOps & platforms"
    assert (
        registry.skill.descriptor(3) == "Runs the registry for a team, with lineage, stages and one-command rollback."
    )
    assert len(registry.skill.descriptors) == 5
    assert (monitoring.weight, monitoring.commonly_missing) == (Decimal("1.50"), True)
    assert python.kind == "required"
    assert (iac.kind, iac.weight) == ("differentiating", Decimal("0.50"))

    assert [(r.section, [s.key for s in r.sources.all()]) for r in role.responsibilities.all()] == [
        ("key", ["careerpath-editors"]),
        ("does", []),
        ("week", []),
    ]
    assert [s.key for s in monitoring.sources.all()] == ["careerpath-editors"]
    assert monitoring.editor_note == "Weighted up because most incidents start here."
    assert sorted(role.field_sources.values_list("field", "source__key")) == [
        ("about", "careerpath-editors"),
        ("summary", "careerpath-editors"),
    ]
    assert role.editor_note.startswith("Worked example")
    assert [s.skill_id for s in role.suggestions.all()] == [monitoring.skill_id, None]
    assert [n.text for n in role.next_steps.all()][1] == "Write a post-mortem for the next model incident you help fix."
    assert [(m.kind, m.to_role.slug) for m in role.career_moves.all()] == [
        ("leads_to", "ml-platform-lead"),
        ("transition", "ml-engineer"),
    ]
    assert [(rung.title, rung.rung_role_id) for rung in role.ladder_levels.all()] == [
        ("MLOps Engineer", None),
        ("ML Platform Lead", example_roles[1].pk),
    ]
    (path,) = role.transition_paths.all()
    assert (path.from_role, path.typical_months) == (example_roles[0], 9)
    assert [a.text for a in path.artifacts.all()] == [
        "A pipeline other people's models run on.",
        "A monitoring dashboard with alerts and the runbook behind them.",
    ]
    assert [(b.low, b.high, b.currency) for b in role.salary_bands.all()] == [
        (130_000, 185_000, "USD"),
        (170_000, 240_000, "USD"),
    ]
    (course,) = role.courses.all()
    assert (course.provider, course.format, course.cost) == ("Chip Huyen (O'Reilly book)", "book", "paid")
    assert [s.key for s in role.role_courses.get().sources.all()] == ["careerpath-editors"]
    assert sorted(course.skill_links.values_list("skill__slug", "level")) == [
        ("model-monitoring", 3),
        ("model-registry", 2),
    ]
    (certification,) = role.certifications.all()
    assert (certification.name, certification.issuer) == ("HashiCorp Certified: Terraform Associate", "HashiCorp")
    assert list(certification.skill_links.values_list("skill__slug", "level")) == [("infrastructure-as-code", 3)]
    assert [(c.name, [s.key for s in c.sources.all()]) for c in role.hiring_companies.all()] == [
        ("Example Cloud Co.", ["careerpath-editors"]),
        ("Example Retail Group", []),
    ]
    assert [s.name for s in role.industry_sectors.all()] == ["Technology", "Financial services"]
    assert role.faqs.get().question == "Is MLOps a separate job from ML engineering?"


def test_reimporting_the_same_file_writes_nothing(example_roles):
    import_roles(EXAMPLE)
    before = database_state()

    with CaptureQueriesContext(connection) as queries:
        summary = import_roles(EXAMPLE)

    assert writes(queries.captured_queries) == [], "\n".join(writes(queries.captured_queries))
    assert summary.startswith("Imported 1 role (0 created, 0 updated, 1 unchanged), 4 skills (0 created, 0 updated")
    assert database_state() == before


def test_an_unchanged_reimport_writes_nothing_in_as_many_queries_for_three_files_as_for_one(tmp_path):
    courses = [{"title": "Widget School", "skills": [{"skill": "widgetry", "level": 2}]}]
    paths = [write(tmp_path, f"{slug}.yaml", widget_role(slug=slug, courses=courses)) for slug in ("a", "b", "c")]
    import_roles(*paths)

    with CaptureQueriesContext(connection) as one:
        import_roles(paths[0])
    with CaptureQueriesContext(connection) as three:
        summary = import_roles(*paths)

    sql = "\n".join(query["sql"] for query in three.captured_queries)
    assert writes(three.captured_queries) == [], sql
    assert len(three) == len(one), sql  # the stored hashes are read at once, and nothing else per file
    assert summary.startswith(f"Imported {len(paths)} roles (0 created, 0 updated, {len(paths)} unchanged)")


def test_a_file_changed_only_in_form_imports_as_unchanged_and_writes_nothing(tmp_path):
    path = write(tmp_path, "widget-engineer.yaml", widget_role())
    import_roles(path)
    before = database_state()
    data = widget_role()
    data["skills"][0] |= {"kind": "required", "sources": []}  # defaults spelled out
    reordered = {key: data[key] for key in reversed(list(data))}
    text = "# a comment\n" + yaml.safe_dump(reordered, sort_keys=False, default_flow_style=True)

    with CaptureQueriesContext(connection) as queries:
        summary = import_roles(write(tmp_path, "widget-engineer.yaml", text))

    assert writes(queries.captured_queries) == []
    assert summary.startswith("Imported 1 role (0 created, 0 updated, 1 unchanged)")
    assert database_state() == before


def test_an_edit_made_in_admin_stays_until_the_file_changes_or_force_rewrites_it(tmp_path):
    path = write(tmp_path, "widget-engineer.yaml", widget_role())
    import_roles(path)
    Role.objects.update(summary="Edited in admin.")

    assert import_roles(path).startswith("Imported 1 role (0 created, 0 updated, 1 unchanged)")
    assert Role.objects.get().summary == "Edited in admin."

    out = StringIO()
    call_command("import_roles", str(path), "--force", stdout=out)
    assert out.getvalue().startswith("Imported 1 role (0 created, 1 updated, 0 unchanged)")
    assert Role.objects.get().summary == "Builds widgets."


def test_export_then_import_is_a_true_no_op(example_roles, tmp_path):
    import_roles(EXAMPLE)
    # Orders set by hand in the admin (gaps, not 0..n) must survive a round trip untouched too.
    role = Role.objects.get(slug="mlops-engineer")
    for order, link in zip([10, 20, 30, 40], role.role_skills.all(), strict=True):
        RoleSkill.objects.filter(pk=link.pk).update(order=order)
    Responsibility.objects.filter(role=role).update(order=5)
    before = database_state()

    for name in ("exported.yaml", "exported.json"):
        call_command("export_role", "mlops-engineer", "-o", str(tmp_path / name), stdout=StringIO())
        with CaptureQueriesContext(connection) as queries:
            import_roles(tmp_path / name)
        assert writes(queries.captured_queries) == [], "\n".join(writes(queries.captured_queries))

    assert database_state() == before


def test_export_gives_back_the_worked_example(example_roles):
    import_roles(EXAMPLE)
    out = StringIO()
    call_command("export_role", "mlops-engineer", stdout=out)

    expected = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    # The example is written as export writes it: defaults left out, shorthand entries as text.
    expected["methodology"] = expected["methodology"].strip()  # text is stored without surrounding whitespace
    assert yaml.safe_load(out.getvalue()) == expected
    assert list(yaml.safe_load(out.getvalue())) == list(expected)  # the same keys in the same order


def test_reimport_updates_changed_values_in_place(tmp_path):
    path = write(tmp_path, "widget-engineer.yaml", widget_role(responsibilities=[{"text": "Build widgets."}]))
    import_roles(path)
    role = Role.objects.get()
    widgetry = RoleSkill.objects.get(skill__slug="widgetry")
    gadgetry_skill = Skill.objects.get(slug="gadgetry")

    changed = widget_role(
        summary="Builds better widgets.",
        skills=[
            {"name": "Sprocketry", "slug": "sprocketry", "target": 1},
            {"name": "Widgetry", "slug": "widgetry", "target": 5, "commonly_missing": True},
        ],
        responsibilities=[{"text": "Build better widgets.", "section": "does"}],
    )
    summary = import_roles(write(tmp_path, "widget-engineer.yaml", changed))

    assert summary.startswith("Imported 1 role (0 created, 1 updated, 0 unchanged), 2 skills (1 created, 0 updated")
    role.refresh_from_db()
    assert role.summary == "Builds better widgets."
    assert Role.objects.get().pk == role.pk
    widgetry_after = RoleSkill.objects.get(skill__slug="widgetry")
    assert widgetry_after.pk == widgetry.pk
    assert (widgetry_after.target, widgetry_after.commonly_missing, widgetry_after.order) == (5, True, 1)
    assert [link.skill.slug for link in role.role_skills.all()] == ["sprocketry", "widgetry"]
    assert Skill.objects.filter(pk=gadgetry_skill.pk).exists()  # shared skills are never deleted
    assert [(r.section, r.text) for r in role.responsibilities.all()] == [("does", "Build better widgets.")]


def test_changing_only_a_section_marks_the_role_updated(tmp_path):
    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role()))
    role = Role.objects.get()

    summary = import_roles(
        write(tmp_path, "widget-engineer.yaml", widget_role(faqs=[{"question": "Q?", "answer": "A."}]))
    )

    assert "1 role (0 created, 1 updated, 0 unchanged)" in summary
    assert Role.objects.get().updated_at > role.updated_at


def test_roles_may_refer_to_each_other_in_one_run(tmp_path):
    first = write(tmp_path, "a.yaml", widget_role(slug="a", career_moves=[{"role": "b"}]))
    second = write(tmp_path, "b.yaml", widget_role(slug="b", ladder=[{"title": "A", "role": "a"}], career_moves=[]))

    import_roles(first, second)

    assert Role.objects.get(slug="a").career_moves.get().to_role.slug == "b"
    assert Role.objects.get(slug="b").ladder_levels.get().rung_role.slug == "a"


def test_import_reads_json(tmp_path):
    import_roles(write(tmp_path, "widget-engineer.json", widget_role(last_reviewed="2026-01-31")))

    role = Role.objects.get(slug="widget-engineer")
    assert role.last_reviewed == datetime.date(2026, 1, 31)
    assert role.role_skills.count() == 2


def test_shared_skill_fields_a_file_leaves_out_are_left_alone(tmp_path):
    SkillFactory(
        slug="widgetry", name="Widgetry", category="Making", description="Making widgets.", descriptor_3="Alone."
    )

    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role()))

    skill = Skill.objects.get(slug="widgetry")
    assert (skill.category, skill.description, skill.descriptor_3) == ("Making", "Making widgets.", "Alone.")


def test_certifications_accept_title_and_provider(tmp_path):
    certification = {"title": "Widget Pro", "provider": "Widget Board", "skills": [{"skill": "widgetry", "level": 2}]}
    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role(certifications=[certification])))

    saved = Certification.objects.get()
    assert (saved.name, saved.slug, saved.issuer) == ("Widget Pro", "widget-pro", "Widget Board")


def test_dry_run_checks_and_saves_nothing(tmp_path):
    out = StringIO()
    call_command("import_roles", str(write(tmp_path, "w.yaml", widget_role())), "--dry-run", stdout=out)

    assert out.getvalue().startswith("Dry run, nothing saved. Imported 1 role (1 created")
    assert not Role.objects.exists()


# --- Bad input: every problem reported, nothing saved ----------------------------------------------------

DELETE = object()


def changed_role(path, value):
    """widget_role() with the value at a dotted path ("skills.0.target") replaced, added or deleted."""
    data = widget_role()
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    target = data
    for part in parents:
        target = target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return data


# every source an installation ships (roles/sources.py), as the message lists them
KNOWN_SOURCES = ", ".join(sorted(source["key"] for source in SHIPPED))

BAD_VALUES = [
    ("slug", DELETE, "slug: Field required"),
    ("title", DELETE, "title: Field required"),
    ("family", DELETE, "family: Field required"),
    ("summary", DELETE, "summary: Field required"),
    ("skills", DELETE, "skills: Field required"),
    ("skills", [], "skills: List should have at least 1 item after validation, not 0"),
    ("skills.0.name", DELETE, "skills[0].name: Field required"),
    ("skills.0.target", DELETE, "skills[0].target: Field required"),
    ("skills.1.target", 7, "skills[1].target: Input should be less than or equal to 5"),
    ("skills.1.target", 0, "skills[1].target: Input should be greater than or equal to 1"),
    ("skills.0.target", "3", "skills[0].target: Input should be a valid integer, got '3'"),
    ("skills.0.target", 2.5, "skills[0].target: Input should be a valid integer, got 2.5"),
    ("skills.0.target", True, "skills[0].target: Input should be a valid integer, got True"),  # YAML's `yes`
    ("skills.0.slug", "Widgetry", "skills[0].slug: Enter a slug: lowercase letters, digits, hyphens and underscores."),
    ("skills.0.weight", 0, "skills[0].weight: Input should be greater than 0"),
    ("skills.0.weight", -1.5, "skills[0].weight: Input should be greater than 0"),
    ("skills.0.weight", "heavy", "skills[0].weight: Input should be a number, got 'heavy'"),
    ("skills.0.weight", 1.125, "skills[0].weight: Ensure that there are no more than 2 decimal places."),
    ("skills.0.commonly_missing", 1, "skills[0].commonly_missing: Input should be a valid boolean, got 1"),
    ("published", "yes", "published: Input should be a valid boolean, got 'yes'"),
    ("entry_level", None, None),  # null means "not given": fine
    ("median_salary", -1, "median_salary: Ensure this value is greater than or equal to 0."),
    (
        "salary_bands",
        [{"level": "Senior", "low": -1, "high": 5}],
        "salary_bands[0].low: Ensure this value is greater than or equal to 0.",
    ),
    (
        "salary_bands",
        [{"level": "Senior", "low": "100k", "high": 5}],
        "salary_bands[0].low: Input should be a valid integer, got '100k'",
    ),
    ("salary_bands", [{"level": "Senior", "low": 200, "high": 100}], "salary_bands[0]: low 200 is more than high 100"),
    ("salary_bands", [{"level": "Senior", "low": 1}], "salary_bands[0].high: Field required"),
    ("ai_impact", {"score": 101}, "ai_impact.score: Input should be less than or equal to 100"),
    ("ai_impact", 30, "ai_impact: Input should be a mapping of fields, got 30"),
    ("last_reviewed", "2025-13-01", "last_reviewed: month must be in 1..12"),
    ("last_reviewed", "last week", "last_reviewed: Invalid isoformat string: 'last week'"),
    ("skills.0.kind", "nice", "skills[0].kind: Input should be 'required' or 'differentiating'"),
    (
        "responsibilities",
        [{"section": "daily", "text": "x"}],
        "responsibilities[0].section: Input should be 'key', 'does' or 'week'",
    ),
    ("career_moves.0.kind", "promotion", "career_moves[0].kind: Input should be 'leads_to' or 'transition'"),
    (
        "slug",
        "Widget Engineer",
        "slug: Enter a slug: lowercase letters, digits, hyphens and underscores.",
    ),
    (
        "skills.0.slug",
        "widget/ry",
        "skills[0].slug: Enter a slug: lowercase letters, digits, hyphens and underscores.",
    ),
    ("skills.1.slug", "widgetry", "skills[1]: skill 'widgetry' is listed twice (first at skills[0])"),
    ("skills.1", {"name": "Widgetry", "target": 2}, "skills[1]: skill 'widgetry' is listed twice (first at skills[0])"),
    ("skills.1.name", "Widgetry", "skills[1].name: 'Widgetry' is also the name of skill 'widgetry' (skills[0])"),
    ("skills.1.slug", DELETE, None),  # made from the name: "gadgetry"
    (
        "suggestions",
        [{"text": "Read.", "skill": "nope"}],
        "suggestions[0].skill: 'nope' is not one of this role's skills",
    ),
    (
        "courses",
        [{"title": "C", "skills": [{"skill": "widgetry", "level": 3}, {"skill": "nope", "level": 3}]}],
        "courses[0].skills[1].skill: 'nope' is not one of this role's skills",
    ),
    (
        "certifications",
        [{"name": "C", "skills": [{"skill": "nope", "level": 2}]}],
        "certifications[0].skills[0].skill: 'nope' is not one of this role's skills",
    ),
    ("courses", [{"title": "C", "skills": [{"skill": "widgetry"}]}], "courses[0].skills[0].level: Field required"),
    (
        "courses",
        [{"title": "C", "skills": ["widgetry"]}],
        "courses[0].skills[0]: Input should be a mapping of fields, got 'widgetry'",
    ),
    (
        "courses",
        [{"title": "C", "skills": [{"skill": "widgetry", "level": 6}]}],
        "courses[0].skills[0].level: Input should be less than or equal to 5",
    ),
    (
        "courses",
        [{"title": "C", "skills": [{"skill": "widgetry", "level": 2}, {"skill": "widgetry", "level": 3}]}],
        "courses[0].skills[1].skill: 'widgetry' is listed twice (first at courses[0].skills[0])",
    ),
    ("certifications", [{"name": "C", "title": "D"}], "certifications[0]: give 'name' or 'title', not both"),
    ("certifications", [{"issuer": "Board"}], "certifications[0].name: Field required"),
    ("courses", [{"title": "C"}, {"title": "c"}], "courses[1]: course 'c' is listed twice (first at courses[0])"),
    ("career_moves.0.role", "astronaut", "career_moves[0].role: no role 'astronaut' in this run or in the database"),
    (
        "career_moves",
        [{"role": "widget-engineer"}, {"role": "widget-engineer"}],
        "career_moves[1]: kind 'leads_to', role 'widget-engineer' is listed twice (first at career_moves[0])",
    ),
    (
        "ladder",
        [{"title": "Lead", "role": "astronaut"}],
        "ladder[0].role: no role 'astronaut' in this run or in the database",
    ),
    (
        "transition_paths",
        [{"from_role": "astronaut", "gap": "Space."}],
        "transition_paths[0].from_role: no role 'astronaut' in this run or in the database",
    ),
    ("transition_paths", [{"from_role": "widget-engineer"}], "transition_paths[0].gap: Field required"),
    ("summary", "Builds\x00 widgets.", "summary: Null characters are not allowed."),
    (
        "faqs",
        [{"question": "Q?", "answer": "A\x00"}],
        "faqs[0].answer: Null characters are not allowed.",
    ),
    ("summary", "x" * 301, "summary: Ensure this value has at most 300 characters (it has 301)."),
    ("skills.0.name", "x" * 161, "skills[0].name: Ensure this value has at most 160 characters (it has 161)."),
    ("title", 2024, "title: Input should be a valid string, got 2024"),
    ("title", "   ", "title: This field cannot be blank."),
    ("skils", [], "skils: unknown field; did you mean 'skills'?"),
    ("skills.0.targte", 3, "skills[0].targte: unknown field; did you mean 'target'?"),
    ("skills.0.levels", {6: "Godlike."}, "skills[0].levels.6: Input should be '1', '2', '3', '4' or '5'"),
    ("skills.0", "Widgetry", "skills[0]: Input should be a mapping of fields, got 'Widgetry'"),
    ("next_steps", "Read a book.", "next_steps: Input should be a valid list, got 'Read a book.'"),
    (
        "faqs",
        [{"question": "Q?", "answer": "A.", "sources": ["decipher"]}],
        "faqs[0].sources[0]: no source 'decipher'; known sources: " + KNOWN_SOURCES,
    ),
    (
        "skills.0.sources",
        ["careerpath-editors", "careerpath-editors"],
        "skills[0].sources[1]: source 'careerpath-editors' is listed twice",
    ),
    (
        "field_sources",
        {"median": ["decipheru"]},
        "field_sources.median: unknown field; did you mean 'median_salary'?",
    ),
    (
        "field_sources",
        {"median_salary": ["nobody"]},
        "field_sources.median_salary[0]: no source 'nobody'; known sources: " + KNOWN_SOURCES,
    ),
    (
        "courses",
        [{"title": "C", "sources": ["unknown-guide"]}],
        "courses[0].sources[0]: no source 'unknown-guide'; known sources: " + KNOWN_SOURCES,
    ),
    ("courses", [{"title": "C", "cost": "cheap"}], "courses[0].cost: Input should be 'free', 'paid' or 'unknown'"),
    ("courses", [{"title": "C", "url": "javascript:alert(1)"}], "courses[0].url: Enter a valid URL."),  # the model's
    (
        "skills.0.weight",
        1000,
        "skills[0].weight: Ensure that there are no more than 3 digits before the decimal point.",
    ),
    ("salary_currency", "usd", "salary_currency: 'usd' is not a 3-letter currency code such as USD"),
]


@pytest.mark.parametrize(("path", "value", "expected"), BAD_VALUES, ids=[f"{p}={v!r:.20}" for p, v, _e in BAD_VALUES])
def test_import_rejects_bad_values_and_changes_nothing(tmp_path, path, value, expected):
    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role()))
    before = database_state()
    bad = write(tmp_path, "widget-engineer.yaml", changed_role(path, value))

    if expected is None:  # an accepted variation, listed beside the rejected ones for contrast
        import_roles(bad)
        return
    assert import_fails(bad) == [f"widget-engineer.yaml: {expected}"]
    assert database_state() == before


BAD_FILES = [
    (
        "widget-engineer.yaml",
        "slug: widget\ntitle: [unclosed\n",
        "invalid YAML at line 3, column 1: did not find expected ',' or ']'",
    ),
    (
        "widget-engineer.yaml",
        "slug: a\ntitle: b: c\n",
        "invalid YAML at line 2, column 9: mapping values are not allowed in this context",
    ),
    ("widget-engineer.yaml", "slug: a\nslug: b\n", "invalid YAML at line 2, column 1: the key 'slug' is given twice"),
    ("widget-engineer.yaml", "last_reviewed: 2025-02-30\n", "invalid YAML: day is out of range for month"),
    ("widget-engineer.yaml", "- slug: a\n", "Input should be a mapping of fields, got [{'slug': 'a'}]"),
    (
        "widget-engineer.yaml",
        "just some words\n",
        "Input should be a mapping of fields, got 'just some words'",
    ),
    ("widget-engineer.yaml", "", "the file is empty"),
    ("widget-engineer.json", '{"slug": }', "invalid JSON at line 1, column 10: Expecting value"),
    ("widget-engineer.json", '{"slug": "a",\n "slug": "b"}', "invalid JSON: the key 'slug' is given twice"),
    ("widget-engineer.txt", "slug: a\n", "cannot read .txt: use .yaml, .yml or .json"),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_FILES, ids=[e[:30] for _n, _t, e in BAD_FILES])
def test_import_rejects_unreadable_files_and_changes_nothing(tmp_path, name, text, expected):
    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role()))
    before = database_state()

    assert import_fails(write(tmp_path, name, text)) == [f"{name}: {expected}"]
    assert database_state() == before


def test_import_reports_a_missing_file(tmp_path):
    assert import_fails(tmp_path / "nowhere.yaml") == ["nowhere.yaml: cannot read: No such file or directory"]


def test_import_is_all_or_nothing_across_files(tmp_path):
    good = write(tmp_path, "a.yaml", widget_role(slug="a", career_moves=[]))
    bad = write(tmp_path, "b.yaml", widget_role(slug="b", skills=[{"name": "Widgetry", "target": 9}]))

    assert import_fails(good, bad) == ["b.yaml: skills[0].target: Input should be less than or equal to 5"]
    shipped_sources = {"roles.Source": len(SHIPPED)}  # created by a migration, before any import
    assert database_state() == ({model._meta.label: 0 for model in ALL_MODELS} | shipped_sources, {})


def test_import_reports_every_problem_in_every_file(tmp_path):
    first = write(tmp_path, "a.yaml", widget_role(slug="a", title=None, published="no", career_moves=[{"role": "zz"}]))
    second = write(tmp_path, "b.yaml", "[1, 2]")
    third = write(tmp_path, "c.yaml", widget_role(slug="c", skills=[{"name": "Widgetry", "target": 6}]))
    fourth = write(tmp_path, "d.yaml", widget_role(slug="d", career_moves=[{"role": "zz"}]))

    assert import_fails(first, second, third, fourth) == [
        "a.yaml: title: Field required",
        "a.yaml: published: Input should be a valid boolean, got 'no'",
        "b.yaml: Input should be a mapping of fields, got [1, 2]",
        "c.yaml: skills[0].target: Input should be less than or equal to 5",
        # references are checked in the files whose values are right
        "d.yaml: career_moves[0].role: no role 'zz' in this run or in the database",
    ]
    assert not Role.objects.exists()


def test_import_rejects_the_same_role_in_two_files(tmp_path):
    first = write(tmp_path, "a.yaml", widget_role())
    second = write(tmp_path, "b.yaml", widget_role())

    assert import_fails(first, second) == ["b.yaml: slug: role 'widget-engineer' is also in a.yaml"]


def test_import_rejects_files_that_describe_a_shared_skill_differently(tmp_path):
    first = write(
        tmp_path, "a.yaml", widget_role(slug="a", skills=[{"name": "Widgetry", "category": "Making", "target": 3}])
    )
    second = write(
        tmp_path, "b.yaml", widget_role(slug="b", skills=[{"name": "Widgetry", "category": "Crafts", "target": 3}])
    )

    assert import_fails(first, second) == [
        "b.yaml: skills[0].category: 'Crafts' differs from 'Making' given for skill 'widgetry' in a.yaml"
    ]


def test_import_rejects_a_skill_name_already_taken_by_another_slug(tmp_path):
    SkillFactory(name="Widgetry", slug="widget-making")
    before = database_state()

    assert import_fails(write(tmp_path, "widget-engineer.yaml", widget_role())) == [
        "widget-engineer.yaml: skills[0].name: 'Widgetry' is already the name of skill 'widget-making'"
    ]
    assert database_state() == before


def test_import_rejects_a_family_whose_slug_is_taken(tmp_path):
    Family.objects.create(name="Widgets!", slug="widgets")

    assert import_fails(write(tmp_path, "widget-engineer.yaml", widget_role())) == [
        "widget-engineer.yaml: family: 'Widgets' would get the slug 'widgets', which family 'Widgets!' already has"
    ]


def test_import_rejects_two_family_names_that_would_get_one_slug(tmp_path):
    first = write(tmp_path, "a.yaml", widget_role(slug="a", career_moves=[]))
    second = write(tmp_path, "b.yaml", widget_role(slug="b", family="Widgets!", career_moves=[]))

    assert import_fails(first, second) == [
        "b.yaml: family: 'Widgets!' and 'Widgets' (in a.yaml) would both get the slug 'widgets'"
    ]
    assert not Family.objects.exists()


def test_a_shared_skill_field_changed_in_a_file_updates_the_skill_and_only_that_field(tmp_path):
    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role()))
    skill = Skill.objects.get(slug="widgetry")
    Skill.objects.filter(pk=skill.pk).update(description="Written in admin.")
    data = widget_role()
    data["skills"][0]["category"] = "Making"

    summary = import_roles(write(tmp_path, "widget-engineer.yaml", data))

    assert "2 skills (0 created, 1 updated, 1 unchanged)" in summary
    skill.refresh_from_db()
    assert (skill.category, skill.description) == ("Making", "Written in admin.")


def test_alignments_changed_in_a_file_replace_the_stored_ones(tmp_path):
    esco = "http://data.europa.eu/esco/skill/1605025e-a179-421f-8f35-5b07d182a6b2"
    data = widget_role()
    data["skills"][0]["alignments"] = [{"framework": "esco", "uri": esco}]
    import_roles(write(tmp_path, "widget-engineer.yaml", data))
    data["skills"][0]["alignments"] = [{"framework": "onet", "code": "2.B.3.e", "source": "careerpath-editors"}]

    summary = import_roles(write(tmp_path, "widget-engineer.yaml", data))

    assert "2 skills (0 created, 1 updated, 1 unchanged)" in summary
    alignments = Skill.objects.get(slug="widgetry").alignments.values_list("framework", "code", "uri", "source__key")
    assert list(alignments) == [("onet", "2.B.3.e", "", "careerpath-editors")]


# --- Exporting -------------------------------------------------------------------------------------------


def test_export_writes_yaml_to_stdout(example_roles):
    import_roles(EXAMPLE)
    out = StringIO()

    call_command("export_role", "mlops-engineer", stdout=out)

    data = yaml.safe_load(out.getvalue())
    assert data["slug"] == "mlops-engineer"
    assert data["skills"][1] == {
        "name": "Model Monitoring",
        "slug": "model-monitoring",
        "category": "MLOps & platforms",
        "target": 3,
        "weight": 1.5,
        "commonly_missing": True,
        "note": "Drift, data quality and prediction monitoring with alerts someone acts on.",
        "sources": ["careerpath-editors"],
        "editor_note": "Weighted up because most incidents start here.",
    }
    assert "methodology: |\n" in out.getvalue() or "methodology: |-\n" in out.getvalue()


def test_export_writes_json_to_a_file_with_o(example_roles, tmp_path):
    import_roles(EXAMPLE)
    out = StringIO()

    call_command("export_role", "mlops-engineer", "-o", str(tmp_path / "role.json"), stdout=out)

    data = json.loads((tmp_path / "role.json").read_text(encoding="utf-8"))
    assert data["family"] == "Applied AI · ML Engineering"
    assert data["last_reviewed"] == "2026-05-01"
    assert data["courses"][0]["skills"] == [
        {"skill": "model-registry", "level": 2},
        {"skill": "model-monitoring", "level": 3},
    ]
    assert "Wrote role 'mlops-engineer' to" in out.getvalue()


def test_export_of_an_unknown_slug_fails_clearly(example_roles):
    with pytest.raises(CommandError, match=r"No role with slug 'ml-enginer'\. Did you mean: ml-engineer\?"):
        call_command("export_role", "ml-enginer", stdout=StringIO())


# --- Documentation and shipped content -------------------------------------------------------------------


def test_the_documented_example_is_the_tested_example():
    doc = (settings.BASE_DIR / "docs" / "role-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.DOTALL)

    assert blocks, "docs/role-format.md has no ```yaml example"
    assert blocks[-1] == EXAMPLE.read_text(encoding="utf-8")


def test_shipped_content_imports_cleanly():
    paths = sorted((settings.BASE_DIR / "content" / "roles").glob("*.yaml"))
    assert paths, "content/roles/*.yaml is empty"

    summary = import_roles(*paths)

    assert summary.startswith(f"Imported {len(paths)} roles ({len(paths)} created, 0 updated, 0 unchanged)")
    role = Role.objects.get(slug="senior-ml-engineer")
    assert role.is_published
    assert role.role_skills.count() >= 20
    assert set(role.role_skills.values_list("kind", flat=True)) == {"required", "differentiating"}

    with CaptureQueriesContext(connection) as queries:
        again = import_roles(*paths)
    assert writes(queries.captured_queries) == [], "\n".join(writes(queries.captured_queries))
    assert len(queries) <= 50, "a no-op import reads each table (and its citations) once, however many roles"
    assert again.startswith(f"Imported {len(paths)} roles (0 created, 0 updated, {len(paths)} unchanged)")


def test_reimport_with_a_new_offering_level_updates_only_that_level(tmp_path):
    course = {"title": "Widget School", "skills": [{"skill": "widgetry", "level": 2}]}
    path = write(tmp_path, "widget-engineer.yaml", widget_role(courses=[course]))
    import_roles(path)
    course["skills"][0]["level"] = 3
    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role(courses=[course])))

    assert list(CourseSkill.objects.values_list("skill__slug", "level")) == [("widgetry", 3)]


def test_import_rejects_two_files_giving_an_offering_different_levels(tmp_path):
    def role(slug, level):
        course = {"title": "Widget School", "skills": [{"skill": "widgetry", "level": level}]}
        return widget_role(slug=slug, courses=[course])

    before = database_state()
    lines = import_fails(write(tmp_path, "a.yaml", role("a", 2)), write(tmp_path, "b.yaml", role("b", 4)))

    assert lines == [
        "b.yaml: courses[0].skills[0].level: 4 differs from 2 given for course 'widget-school' and skill "
        "'widgetry' in a.yaml"
    ]
    assert database_state() == before


def test_a_duplicated_role_does_not_keep_its_originals_file_hash(tmp_path):
    from roles.services import duplicate_role

    import_roles(write(tmp_path, "widget-engineer.yaml", widget_role()))
    copy = duplicate_role(role=Role.objects.get())

    assert Role.objects.get(slug="widget-engineer").import_hash and copy.import_hash == ""
