import datetime
from contextlib import contextmanager

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles import registry, services
from roles.admin import SECTION_PARTS
from roles.models import (
    FAQ,
    CareerMove,
    DevelopmentSuggestion,
    HiringCompany,
    IndustrySector,
    LadderLevel,
    NextStep,
    Responsibility,
    Role,
    RoleFieldSource,
    RoleSkill,
    SalaryBand,
    Skill,
    SkillAlignment,
    SkillKind,
    TransitionArtifact,
    TransitionPath,
)

from .factories import (
    CertificationFactory,
    RoleCertificationFactory,
    RoleFactory,
    RoleSkillFactory,
    SalaryBandFactory,
    SkillFactory,
    make_role,
    shipped_source,
)

pytestmark = pytest.mark.django_db

ROLES_ADMINS = [
    pytest.param(model, id=model.__name__) for model in admin.site._registry if model._meta.app_label == "roles"
]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def guide(i, *, published=False):
    """A role with a row in every section, pointing at a second role; unpublished unless asked, so
    editable in place (a published guide is edited in its draft: test_editorial.py)."""
    role = make_role(title=f"Guide {i}", required=2, differentiating=1, courses=2, is_published=published)
    other = make_role(title=f"Other {i}", required=0, differentiating=0)
    skill = role.role_skills.first().skill
    Responsibility.objects.create(role=role, text=f"Responsibility {i}")
    DevelopmentSuggestion.objects.create(role=role, skill=skill, text=f"Suggestion {i}")
    NextStep.objects.create(role=role, text=f"Next step {i}")
    CareerMove.objects.create(role=role, to_role=other)
    LadderLevel.objects.create(role=role, title=f"Rung {i}", rung_role=other)
    path = TransitionPath.objects.create(role=role, from_role=other, typical_months=12, gap="Scope.")
    TransitionArtifact.objects.create(path=path, text=f"Artifact {i}")
    SalaryBandFactory(role=role)
    RoleCertificationFactory(role=role, certification=CertificationFactory(skills=[skill]))
    HiringCompany.objects.create(role=role, name=f"Company {i}")
    IndustrySector.objects.create(role=role, name=f"Sector {i}")
    FAQ.objects.create(role=role, question=f"Question {i}?", answer="Answer.")
    RoleFieldSource.objects.create(role=role, field="summary", source=shipped_source("careerpath-editors"))
    FAQ.objects.get(role=role).sources.set([shipped_source("decipheru")])
    return role


def form_data(response):
    """The POST data of an admin change form as the page shows it (every inline included)."""
    data = {}

    def put(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None:
            data[key] = ""
        elif value is True:
            data[key] = "on"
        elif value is False:
            return
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for inline_form in formset.forms:
            for name in inline_form.fields:
                put(inline_form, name)
    return data


def add_inline_rows(data, prefix, rows):
    """Append new rows to the inline formset `prefix`."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{total + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return data


def sections_url(role, part=None):
    url = reverse("admin:roles_role_sections", args=[role.pk])
    return f"{url}?part={part}" if part else url


def part_of(model):
    return next(key for key, (_title, models) in SECTION_PARTS.items() if model in models)


@contextmanager
def at_most_queries(budget):
    """Fails, printing every query's SQL, when the block runs more than `budget` queries."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    sql = "\n".join(f"{i}. {query['sql']}" for i, query in enumerate(captured.captured_queries, 1))
    assert len(captured) <= budget, f"{len(captured)} queries, more than {budget}:\n{sql}"


def change_form(client, role, *, sections=False, part=None):
    response = client.get(sections_url(role, part) if sections else admin_url(Role, "change", role.pk))
    assert response.status_code == 200
    return form_data(response)


def errors_of(response):
    """Every error on an admin change form, the role's and its inlines'."""
    return " ".join(str(error) for error in response.context["errors"])


# Every page loads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ROLES_ADMINS)
def test_admin_changelist_and_add_page_load_for_staff(staff_client, model):
    guide(1)
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert staff_client.get(admin_url(model, "changelist"), {"q": "guide"}).status_code == 200
    assert staff_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", ROLES_ADMINS)
def test_admin_change_page_loads_for_staff(staff_client, model):
    guide(1)
    obj = model.objects.first()
    assert staff_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", ROLES_ADMINS)
def test_admin_changelist_runs_the_same_queries_for_1_and_3_guides(staff_client, model):
    guide(1)
    url = admin_url(model, "changelist")
    staff_client.get(url)  # warm up the session
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    for i in range(2, 4):
        guide(i)
    with CaptureQueriesContext(connection) as large:
        staff_client.get(url)
    assert len(small) == len(large), "\n".join(q["sql"] for q in large.captured_queries)


def test_bob_is_redirected_to_the_admin_login(bob_client):
    response = bob_client.get(admin_url(Role, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_visitor_is_redirected_to_the_admin_login(client):
    response = client.get(admin_url(Role, "add"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_role_changelist_shows_skill_counts(staff_client):
    make_role(title="Data Engineer", required=3, differentiating=2)
    response = staff_client.get(admin_url(Role, "changelist"))
    role = response.context["cl"].result_list[0]
    assert role.skill_count == 5


# The role page: inlines, saving, validation -------------------------------------------------------


def test_role_page_has_the_skills_and_links_each_part_of_the_sections_page(staff_client):
    role = guide(1)
    response = staff_client.get(admin_url(Role, "change", role.pk))
    assert [inline.formset.model for inline in response.context["inline_admin_formsets"]] == [RoleSkill]
    page = response.content.decode()
    for key, (title, _models) in SECTION_PARTS.items():
        assert f'<a href="{sections_url(role, key if key != next(iter(SECTION_PARTS)) else None)}">{title}</a>' in page
    assert 'href="/roles/guide-1/"' in page or "View on site" in page


def test_every_role_row_but_the_skills_is_on_exactly_one_part_of_the_sections_page(staff_client):
    role = guide(1)
    shown = []
    for key, (_title, models) in SECTION_PARTS.items():
        response = staff_client.get(sections_url(role, key))
        inlines = [inline.formset.model for inline in response.context["inline_admin_formsets"]]
        assert inlines == list(models)
        shown += inlines

    assert sorted(shown, key=str) == sorted(set(registry.ROLE_ROWS) - {RoleSkill}, key=str)
    assert [
        inline.formset.model for inline in staff_client.get(sections_url(role)).context["inline_admin_formsets"]
    ] == list(next(iter(SECTION_PARTS.values()))[1])  # the first part, without ?part=


def test_a_part_the_sections_page_does_not_have_is_a_404(staff_client):
    role = guide(1)
    response = staff_client.get(sections_url(role, "nonsense"))
    assert response.status_code == 404


def test_the_sections_page_saves_a_new_row_and_goes_back_to_the_role(staff_client):
    role = guide(1)
    part = part_of(FAQ)
    data = change_form(staff_client, role, sections=True, part=part)
    add_inline_rows(data, "faqs", [{"question": "Is it remote-friendly?", "answer": "Often."}])

    response = staff_client.post(sections_url(role, part), data)

    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == admin_url(Role, "change", role.pk)
    assert role.faqs.filter(question="Is it remote-friendly?").exists()


def test_save_and_continue_on_a_part_of_the_sections_page_stays_on_that_part(staff_client):
    role = guide(1)
    part = part_of(HiringCompany)
    data = change_form(staff_client, role, sections=True, part=part)
    add_inline_rows(data, "hiring_companies", [{"name": "Acme Robotics"}])

    response = staff_client.post(sections_url(role, part), {**data, "_continue": "Save and continue editing"})

    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == sections_url(role, part)
    assert role.hiring_companies.filter(name="Acme Robotics").exists()


def test_bob_cannot_open_a_roles_sections_page(bob_client):
    role = guide(1)
    response = bob_client.get(sections_url(role))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_role_change_page_saves_a_change(staff_client):
    role = guide(1)
    data = change_form(staff_client, role)
    data["summary"] = "A sharper one-line summary."
    response = staff_client.post(admin_url(Role, "change", role.pk), data)
    assert response.status_code == 302, errors_of(response)
    role.refresh_from_db()
    assert role.summary == "A sharper one-line summary."
    assert role.role_skills.count() == 3


@pytest.mark.django_db(transaction=True)  # the content revision moves when the admin's change commits
def test_a_published_draft_shows_on_the_public_page_at_once(staff_client, client):
    role = guide(1, published=True)
    assert "Is it remote-friendly?" not in client.get(role.get_absolute_url()).content.decode()  # now cached
    assert staff_client.post(reverse("admin:roles_role_draft", args=[role.pk])).status_code == 302
    draft = Role.objects.get(draft_of=role)
    data = change_form(staff_client, draft)
    data["summary"] = "Freshly edited summary."
    assert staff_client.post(admin_url(Role, "change", draft.pk), data).status_code == 302
    data = change_form(staff_client, draft, sections=True, part=part_of(FAQ))
    add_inline_rows(data, "faqs", [{"question": "Is it remote-friendly?", "answer": "Often."}])
    assert staff_client.post(sections_url(draft, part_of(FAQ)), data).status_code == 302
    assert "Freshly edited summary." not in client.get(role.get_absolute_url()).content.decode()
    assert staff_client.post(reverse("admin:roles_role_publish", args=[draft.pk])).status_code == 302
    html = client.get(role.get_absolute_url()).content.decode()
    assert "Freshly edited summary." in html
    assert "Is it remote-friendly?" in html


def test_adding_a_skill_twice_in_the_inline_shows_an_error_and_saves_nothing(staff_client):
    role = guide(1)
    skill = SkillFactory(name="Kubernetes")
    data = change_form(staff_client, role)
    data["summary"] = "Should not be saved."
    row = {"skill": str(skill.pk), "kind": "required", "target": "3", "order": "9"}
    add_inline_rows(data, "role_skills", [row, {**row, "kind": "differentiating", "target": "2"}])
    response = staff_client.post(admin_url(Role, "change", role.pk), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for skill" in errors_of(response)
    role.refresh_from_db()
    assert role.summary != "Should not be saved."
    assert role.role_skills.count() == 3


def test_adding_a_skill_the_role_already_has_shows_an_error(staff_client):
    role = guide(1)
    existing = role.role_skills.first().skill
    data = change_form(staff_client, role)
    add_inline_rows(data, "role_skills", [{"skill": str(existing.pk), "kind": "required", "target": "3", "order": "9"}])
    response = staff_client.post(admin_url(Role, "change", role.pk), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for skill." in errors_of(response)
    assert role.role_skills.count() == 3


def test_salary_band_with_low_above_high_shows_a_friendly_error(staff_client):
    role = guide(1)
    data = change_form(staff_client, role, sections=True, part=part_of(SalaryBand))
    add_inline_rows(data, "salary_bands", [{"level": "Staff", "low": "300000", "high": "200000", "currency": "USD"}])
    response = staff_client.post(sections_url(role, part_of(SalaryBand)), data)
    assert response.status_code == 200
    assert "The high end must be at least the low end." in errors_of(response)
    assert "Constraint" not in errors_of(response)
    assert role.salary_bands.count() == 1


def test_target_out_of_range_shows_an_error(staff_client):
    role = guide(1)
    data = change_form(staff_client, role)
    add_inline_rows(
        data, "role_skills", [{"skill": str(SkillFactory().pk), "kind": "required", "target": "7", "order": "9"}]
    )
    response = staff_client.post(admin_url(Role, "change", role.pk), data)
    assert response.status_code == 200
    assert "Select a valid choice. 7 is not one of the available choices." in errors_of(response)
    assert role.role_skills.count() == 3


@pytest.mark.parametrize("weight", ["0", "-0.5"])
def test_weight_of_zero_or_less_shows_an_error(staff_client, weight):
    role = guide(1)
    data = change_form(staff_client, role)
    row = {"skill": str(SkillFactory().pk), "kind": "required", "target": "3", "weight": weight, "order": "9"}
    add_inline_rows(data, "role_skills", [row])
    response = staff_client.post(admin_url(Role, "change", role.pk), data)
    assert response.status_code == 200
    assert "The weight must be more than 0" in errors_of(response)
    assert role.role_skills.count() == 3


def test_ai_impact_score_above_100_shows_an_error(staff_client):
    role = guide(1)
    data = change_form(staff_client, role)
    data["ai_impact_score"] = "101"
    response = staff_client.post(admin_url(Role, "change", role.pk), data)
    assert response.status_code == 200
    assert "The AI impact score runs from 0 to 100." in errors_of(response)
    role.refresh_from_db()
    assert role.ai_impact_score is None


def test_salary_band_admin_shows_the_friendly_error_too(staff_client):
    band = SalaryBandFactory(role__is_published=False)
    data = {"role": band.role_id, "level": "Senior", "low": "5", "high": "4", "currency": "USD", "order": "0"}
    response = staff_client.post(admin_url(SalaryBand, "change", band.pk), data)
    assert response.status_code == 200
    assert "The high end must be at least the low end." in response.content.decode()
    band.refresh_from_db()
    assert (band.low, band.high) == (100_000, 150_000)


# Actions ----------------------------------------------------------------------------------------


def run_action(client, action, roles):
    return client.post(
        admin_url(Role, "changelist"),
        {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: [str(role.pk) for role in roles]},
        follow=True,
    )


@pytest.mark.django_db(transaction=True)  # pages are cached per content revision, which moves on commit
def test_publish_and_unpublish_actions(staff_client, client):
    drafts = [make_role(title="Draft A", is_published=False), make_role(title="Draft B", is_published=False)]
    response = run_action(staff_client, "publish", drafts)
    assert "Published 2 roles." in response.content.decode()
    assert Role.objects.published().count() == 2
    assert client.get(drafts[0].get_absolute_url()).status_code == 200

    run_action(staff_client, "unpublish", drafts[:1])
    assert list(Role.objects.published()) == [drafts[1]]
    assert client.get(drafts[0].get_absolute_url()).status_code == 404


def test_duplicate_action_copies_the_role_unpublished_with_everything(staff_client):
    role = guide(1)
    response = run_action(staff_client, "duplicate", [role])
    assert response.status_code == 200
    copy = Role.objects.get(slug="guide-1-copy")
    assert copy.title == "Guide 1 (copy)"
    assert not copy.is_published
    assert "Guide 1 (copy)" in response.content.decode()

    def rows(r):
        return {
            "skills": sorted((rs.skill_id, rs.kind, rs.target, rs.weight) for rs in r.role_skills.all()),
            "responsibilities": [x.text for x in r.responsibilities.all()],
            "suggestions": [(x.text, x.skill_id) for x in r.suggestions.all()],
            "next_steps": [x.text for x in r.next_steps.all()],
            "moves": [(x.kind, x.to_role_id) for x in r.career_moves.all()],
            "ladder": [(x.title, x.rung_role_id) for x in r.ladder_levels.all()],
            "bands": [(x.level, x.low, x.high) for x in r.salary_bands.all()],
            "courses": [x.course_id for x in r.role_courses.all()],
            "certifications": [x.certification_id for x in r.role_certifications.all()],
            "companies": [x.name for x in r.hiring_companies.all()],
            "sectors": [x.name for x in r.industry_sectors.all()],
            "faqs": [x.question for x in r.faqs.all()],
            "field_sources": [(x.field, x.source_id) for x in r.field_sources.all()],
            "faq_sources": [[s.key for s in x.sources.all()] for x in r.faqs.all()],
            "paths": [
                (p.from_role_id, p.typical_months, p.gap, [a.text for a in p.artifacts.all()])
                for p in r.transition_paths.all()
            ],
        }

    assert rows(copy) == rows(role)
    assert all(rows(copy).values())
    # The original is untouched.
    assert role.role_skills.count() == 3
    assert TransitionArtifact.objects.count() == 2


def test_duplicating_again_picks_the_next_free_slug():
    role = RoleFactory(title="Data Engineer", slug="data-engineer")
    first = services.duplicate_role(role=role)
    second = services.duplicate_role(role=role)
    third = services.duplicate_role(role=role)
    assert [first.slug, second.slug, third.slug] == [
        "data-engineer-copy",
        "data-engineer-copy-2",
        "data-engineer-copy-3",
    ]


def test_duplicate_points_the_roles_own_ladder_rung_at_the_copy():
    role = RoleFactory(slug="senior")
    junior = RoleFactory(slug="junior")
    LadderLevel.objects.create(role=role, title="Junior", rung_role=junior, order=1)
    LadderLevel.objects.create(role=role, title="Senior", rung_role=role, order=2)
    copy = services.duplicate_role(role=role)
    assert [rung.rung_role for rung in copy.ladder_levels.all()] == [junior, copy]


def test_duplicate_keeps_a_long_slug_within_the_column():
    role = RoleFactory(title="T" * 160, slug="s" * 160)
    copy = services.duplicate_role(role=role)
    assert len(copy.slug) == 160 and copy.slug.endswith("-copy")
    assert len(copy.title) <= 160 and copy.title.endswith("(copy)")


def test_duplicate_keeps_default_weights_and_kinds():
    role = RoleFactory()
    RoleSkillFactory(role=role, kind=SkillKind.DIFFERENTIATING, target=2)
    copy = services.duplicate_role(role=role)
    (rs,) = copy.role_skills.all()
    assert (rs.kind, rs.target, str(rs.weight)) == ("differentiating", 2, "0.50")


# The role page editors spend their time on ------------------------------------------------------


@pytest.fixture
def senior_ml_guide(db):
    from glob import glob

    from django.core.management import call_command

    call_command("import_roles", *sorted(glob("content/roles/*.yaml")), verbosity=0)
    return services.start_draft(role=Role.objects.get(slug="senior-ml-engineer"))  # where editors work


def test_the_senior_ml_role_page_loads_in_at_most_20_queries(staff_client, senior_ml_guide):
    url = admin_url(Role, "change", senior_ml_guide.pk)
    staff_client.get(url)  # the session and the admin's first-visit lookups

    with at_most_queries(20):
        response = staff_client.get(url)

    assert response.status_code == 200
    rows = senior_ml_guide.role_skills.count()
    assert response.content.decode().count('name="role_skills-') > rows * 5  # every skill's row is there


@pytest.mark.parametrize("part", SECTION_PARTS)
def test_each_part_of_the_senior_ml_sections_page_loads_in_at_most_20_queries_with_every_row(
    staff_client, senior_ml_guide, part
):
    url = sections_url(senior_ml_guide, part)
    staff_client.get(url)

    with at_most_queries(20):  # one query more per row would be dozens more
        response = staff_client.get(url)

    for inline in response.context["inline_admin_formsets"]:
        rows = inline.formset.model.objects.filter(role=senior_ml_guide).count()
        assert len(inline.formset.initial_forms) == rows, inline.formset.prefix


def test_the_career_part_labels_related_choices_without_a_query_per_row(staff_client, senior_ml_guide):
    response = staff_client.get(sections_url(senior_ml_guide, part_of(CareerMove)))

    moves = senior_ml_guide.career_moves.select_related("to_role")
    assert moves and all(f"selected>{move.to_role.title}</option>" in response.content.decode() for move in moves)


def test_the_role_page_names_every_inline_input_by_column_and_row(staff_client):
    role = make_role(required=1, differentiating=0, is_published=False)
    skill = role.role_skills.get().skill

    page = staff_client.get(admin_url(Role, "change", role.pk)).content.decode()

    assert f'aria-label="Target — {skill.name} (Required, target 3)"' in page
    assert 'aria-label="skill — new row"' in page or 'aria-label="Skill — new row"' in page


def test_the_role_skill_list_filters_by_role_and_family_and_edits_target_in_place(staff_client):
    role = make_role(required=2, differentiating=0, title="Filtered Role", is_published=False)
    other = make_role(required=1, differentiating=0, title="Other Role")
    first, second = role.role_skills.order_by("order")

    page = staff_client.get(admin_url(RoleSkill, "changelist"), {"role__id__exact": role.pk}).content.decode()
    assert first.skill.name in page and other.role_skills.get().skill.name not in page
    assert (
        staff_client.get(admin_url(RoleSkill, "changelist"), {"role__family__id__exact": role.family_id}).status_code
        == 200
    )

    rows = RoleSkill.objects.filter(role=role).order_by("-id")  # the changelist's default order for the formset
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "_save": "Save"}
    for i, rs in enumerate(rows):
        data |= {f"form-{i}-id": rs.pk, f"form-{i}-kind": rs.kind, f"form-{i}-target": 5 if rs == second else rs.target}
        data |= {f"form-{i}-weight": rs.weight}
    response = staff_client.post(admin_url(RoleSkill, "changelist") + f"?role__id__exact={role.pk}", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.target, first.target) == (5, 3)


def test_the_role_skill_list_names_each_editable_cell_by_column_and_row(staff_client):
    role = make_role(required=1, differentiating=0)
    rs = role.role_skills.select_related("skill").get()

    page = staff_client.get(admin_url(RoleSkill, "changelist")).content.decode()

    assert f'aria-label="Target — {rs}"' in page
    assert "_helptext" not in page.split('id="result_list"')[1]  # no describedby to help text the rows lack


def test_the_skill_page_names_each_alignment_input_by_column_and_row_and_points_at_no_missing_help(staff_client):
    skill = SkillFactory(name="Statistics")
    alignment = SkillAlignment.objects.create(
        skill=skill, framework=SkillAlignment.Framework.ONET, code="2.C.4.b", source=shipped_source("decipheru")
    )

    page = staff_client.get(admin_url(Skill, "change", skill.pk)).content.decode()

    assert f'aria-label="Code — {alignment}"' in page
    assert 'aria-describedby="id_alignments-0-code_helptext"' not in page  # rows print no help text
