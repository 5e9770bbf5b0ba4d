"""The CASE 1.0 export of a published guide validates against the CFPackage schema (vendored from
OpenSALT, roles/tests/data/standards/) and keeps its identifiers from one export to the next."""

import json
from glob import glob
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse

from roles import services
from roles.models import Role, RoleSkill, SkillAlignment

SCHEMA = json.loads((Path(__file__).parent / "data/standards/case-v1p0-cfpackage-schema.json").read_text())
ESCO_URI = "http://data.europa.eu/esco/skill/1605025e-a179-421f-8f35-5b07d182a6b2"

pytestmark = pytest.mark.django_db


@pytest.fixture
def senior_ml(db):
    call_command("import_roles", *sorted(glob("content/roles/*.yaml")), verbosity=0)
    return Role.objects.get(slug="senior-ml-engineer")


def validate(package):
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def export(client, role):
    response = client.get(reverse("roles:case", args=[role.slug]))
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_the_senior_ml_guide_exports_as_a_valid_cfpackage(client, senior_ml):
    python = RoleSkill.objects.get(role=senior_ml, skill__slug="python").skill
    SkillAlignment.objects.create(skill=python, framework="esco", uri=ESCO_URI)
    SkillAlignment.objects.create(skill=python, framework="onet", code="2.B.3.e")

    package = export(client, senior_ml)

    validate(package)
    role_skills = list(senior_ml.role_skills.select_related("skill"))
    categories = {rs.skill.category for rs in role_skills}
    types = [item["CFItemType"] for item in package["CFItems"]]
    assert types.count("Category") == len(categories)
    assert types.count("Required skill") == sum(rs.kind == "required" for rs in role_skills)
    assert types.count("Differentiating skill") == sum(rs.kind == "differentiating" for rs in role_skills)
    assert package["CFDocument"]["title"] == "Senior ML Engineer"
    children = [a for a in package["CFAssociations"] if a["associationType"] == "isChildOf"]
    assert len(children) == len(package["CFItems"])  # every item hangs in the tree
    matches = [a for a in package["CFAssociations"] if a["associationType"] == "exactMatchOf"]
    stored = SkillAlignment.objects.filter(skill__role_skills__role=senior_ml)
    assert (
        {m["destinationNodeURI"]["uri"] for m in matches}
        == {a.uri or f"urn:x-{a.framework}:{a.code}" for a in stored}
        >= {ESCO_URI, "urn:x-onet:2.B.3.e"}
    )


def test_the_shipped_senior_ml_skills_align_to_esco_citing_the_commissions_dataset(client, senior_ml):
    """Each shipped alignment cites ESCO's own published data (not our editors), and its skill page shows it."""
    shipped = list(SkillAlignment.objects.filter(skill__role_skills__role=senior_ml).select_related("skill", "source"))
    assert shipped, "the Senior ML guide ships ESCO alignments where an exact match was confirmed"
    for alignment in shipped:
        assert alignment.framework == "esco" and alignment.uri.startswith("http://data.europa.eu/esco/skill/")
        assert alignment.source.publisher == "European Commission" and not alignment.source.is_editorial
        page = client.get(reverse("roles:skill", args=[alignment.skill.slug])).content.decode()
        assert alignment.uri in page and f"(Source: {alignment.source.short_name})" in page


def test_each_skill_has_a_rubric_with_levels_0_to_5_and_its_target(client, senior_ml):
    package = export(client, senior_ml)
    python = RoleSkill.objects.select_related("skill").get(role=senior_ml, skill__slug="python")
    (rubric,) = [r for r in package["CFRubrics"] if r["title"].startswith("Python:")]
    (criterion,) = rubric["CFRubricCriteria"]
    levels = criterion["CFRubricCriterionLevels"]
    assert [level["score"] for level in levels] == [0, 1, 2, 3, 4, 5]
    assert levels[3]["description"] == python.skill.descriptor(3)
    assert [level["position"] for level in levels if "feedback" in level] == [python.target]
    assert criterion["weight"] == float(python.effective_weight)
    assert len(package["CFRubrics"]) == senior_ml.role_skills.count()


def test_identifiers_stay_the_same_across_exports_and_edits(client, senior_ml):
    first = export(client, senior_ml)
    draft = services.start_draft(role=senior_ml)
    Role.objects.filter(pk=draft.pk).update(summary="A new summary.")
    services.publish(role=draft, by=None)

    second = export(client, senior_ml)

    assert second["CFDocument"]["description"] == "A new summary."
    for part in ("CFItems", "CFAssociations", "CFRubrics"):
        assert [x["identifier"] for x in first[part]] == [x["identifier"] for x in second[part]]
    assert first["CFDocument"]["identifier"] == second["CFDocument"]["identifier"]


def test_the_command_writes_the_same_package(client, senior_ml):
    out = StringIO()
    call_command("export_role", "senior-ml-engineer", "--format", "case", "--base-url", "http://testserver", stdout=out)
    from_command = json.loads(out.getvalue())
    validate(from_command)
    assert from_command == export(client, senior_ml)


def test_an_unpublished_guide_or_a_draft_has_no_case_export(client, senior_ml, staff_client):
    draft = services.start_draft(role=senior_ml)
    for who in (client, staff_client):
        assert who.get(reverse("roles:case", args=[draft.slug])).status_code == 404
    Role.objects.filter(pk=senior_ml.pk).update(is_published=False)
    assert staff_client.get(reverse("roles:case", args=[senior_ml.slug])).status_code == 404
