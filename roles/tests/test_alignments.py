"""A skill's alignments to ESCO, O*NET or another framework: shapes checked, nothing fetched."""

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from roles.alignments import problems
from roles.importing import dump_role
from roles.models import Role, Skill, SkillAlignment

from .factories import make_role, shipped_source

ESCO_URI = "http://data.europa.eu/esco/skill/1605025e-a179-421f-8f35-5b07d182a6b2"  # ESCO's documented example shape


@pytest.mark.parametrize(
    ("framework", "fields"),
    [
        ("esco", {"uri": ESCO_URI}),
        ("onet", {"code": "2.B.3.e"}),
        ("onet", {"code": "1.A.1.a.1", "uri": "https://www.onetonline.org/find/descriptor/result/2.B.3.e"}),
        ("other", {"name": "SFIA 9", "code": "PROG"}),
        ("other", {"name": "Lightcast", "uri": "https://example.org/skills/KS1200364C9C1LK3V5Q1"}),
    ],
)
def test_well_shaped_alignments_have_no_problems(framework, fields):
    assert problems(framework, **fields) == {}


@pytest.mark.parametrize(
    ("framework", "fields", "field"),
    [
        ("esco", {}, "uri"),
        ("esco", {"uri": "https://data.europa.eu/esco/skill/1605025e-a179-421f-8f35-5b07d182a6b2"}, "uri"),
        ("esco", {"uri": "http://data.europa.eu/esco/occupation/1605025e-a179-421f-8f35-5b07d182a6b2"}, "uri"),
        ("esco", {"uri": ESCO_URI, "code": "S1.2"}, "code"),
        ("onet", {}, "code"),
        ("onet", {"code": "2.b.3.E"}, "code"),
        ("onet", {"code": "15-1252.00"}, "code"),  # an occupation code, not an element ID
        ("onet", {"code": "2.B.3.e", "uri": "https://evil.example/onet"}, "uri"),
        ("other", {"code": "X1"}, "framework_name"),
        ("other", {"name": "SFIA"}, "code"),
        ("other", {"name": "SFIA", "uri": "javascript:alert(1)"}, "uri"),
        ("other", {"name": "SFIA", "code": "has space"}, "code"),
        ("nope", {"code": "x"}, "framework"),
    ],
)
def test_badly_shaped_alignments_name_the_field_and_the_problem(framework, fields, field):
    assert field in problems(framework, **fields)


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_esco_uri_with_a_clear_error_and_saves_nothing(staff_client):
    skill = make_role(required=1, differentiating=0).role_skills.get().skill
    url = reverse("admin:roles_skill_change", args=[skill.pk])
    data = {
        "name": skill.name,
        "slug": skill.slug,
        "category": skill.category,
        "alignments-TOTAL_FORMS": "1",
        "alignments-INITIAL_FORMS": "0",
        "alignments-0-framework": "esco",
        "alignments-0-uri": "http://data.europa.eu/esco/skill/python",
        "alignments-0-order": "0",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "An ESCO skill URI looks like http://data.europa.eu/esco/skill/" in response.content.decode()
    assert not SkillAlignment.objects.exists()

    response = staff_client.post(url, data | {"alignments-0-uri": ESCO_URI})
    assert response.status_code == 302
    assert skill.alignments.get().uri == ESCO_URI


@pytest.mark.django_db
def test_the_skill_page_shows_each_alignment_with_its_source(client):
    skill = make_role(required=1, differentiating=0).role_skills.get().skill
    source = shipped_source("careerpath-editors")
    SkillAlignment.objects.create(skill=skill, framework="onet", code="2.B.3.e", source=source)

    page = client.get(reverse("roles:skill", args=[skill.slug])).content.decode()

    assert 'data-testid="skill-alignments"' in page
    assert "O*NET:" in page and "<code>2.B.3.e</code>" in page
    assert f"(Source: {source.short_name})" in page


@pytest.mark.django_db
def test_each_alignment_input_in_the_admin_is_named_by_its_column_and_row(staff_client):
    """A screen reader hears "Code — Python in O*NET: 2.B.3.e", not an unnamed text box (axe: label)."""
    skill = make_role(required=1, differentiating=0).role_skills.get().skill
    alignment = SkillAlignment.objects.create(skill=skill, framework="onet", code="2.B.3.e")

    page = staff_client.get(reverse("admin:roles_skill_change", args=[skill.pk])).content.decode()

    for column in ("Framework", "Code", "URI", "Order"):
        assert f'aria-label="{column} — {alignment}"' in page


# --- in role files (docs/role-format.md, "Alignments") ----------------------------------------------


def role_file(tmp_path, alignments):
    data = {
        "slug": "aligned-role",
        "title": "Aligned Role",
        "family": "Aligned family",
        "summary": "A role whose skill is aligned.",
        "skills": [{"name": "Python", "slug": "python", "kind": "required", "target": 3, "alignments": alignments}],
    }
    path = tmp_path / "aligned-role.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_role_file_gives_alignments_and_the_export_gives_them_back(tmp_path):
    given = [
        {"framework": "esco", "uri": ESCO_URI, "source": "careerpath-editors"},
        {"framework": "onet", "code": "2.B.3.e"},
    ]
    call_command("import_roles", str(role_file(tmp_path, given)), stdout=StringIO())

    rows = list(Skill.objects.get(slug="python").alignments.values_list("framework", "code", "uri", "source__key"))
    assert rows == [("esco", "", ESCO_URI, "careerpath-editors"), ("onet", "2.B.3.e", "", None)]
    exported = dump_role(Role.objects.get(slug="aligned-role"))
    assert exported["skills"][0]["alignments"] == given
    out = StringIO()
    call_command("import_roles", str(role_file(tmp_path, given)), stdout=out)
    assert "1 unchanged" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("alignment", "message"),
    [
        ({"framework": "esco", "uri": "http://data.europa.eu/esco/skill/python"}, "An ESCO skill URI looks like"),
        ({"framework": "onet", "code": "15-1252.00"}, "An O*NET element ID looks like"),
        ({"framework": "esco", "uri": ESCO_URI, "source": "no-such-source"}, "no source 'no-such-source'"),
        ({"framework": "esco", "uri": ESCO_URI, "weight": 1}, "weight"),
    ],
)
def test_a_bad_alignment_in_a_role_file_is_named_and_nothing_is_saved(tmp_path, alignment, message):
    with pytest.raises(CommandError) as error:
        call_command("import_roles", str(role_file(tmp_path, [alignment])), stdout=StringIO())
    assert "skills[0].alignments[0]" in str(error.value) and message in str(error.value)
    assert not Role.objects.filter(slug="aligned-role").exists() and not SkillAlignment.objects.exists()
