import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.models import (
    FAQ,
    CareerMove,
    DevelopmentSuggestion,
    HiringCompany,
    IndustrySector,
    LadderLevel,
    NextStep,
    Responsibility,
    RoleFieldSource,
    SkillKind,
    TransitionArtifact,
    TransitionPath,
)

from .factories import (
    CertificationFactory,
    CourseFactory,
    FamilyFactory,
    RoleCertificationFactory,
    RoleCourseFactory,
    RoleFactory,
    RoleSkillFactory,
    SalaryBandFactory,
    SkillFactory,
    make_role,
    shipped_source,
)

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return ctx


def sql(ctx):
    return "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(ctx.captured_queries, 1))


def text_of(html):
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def full_guide():
    """A published role with something in every section of its guide."""
    family = FamilyFactory(name="Applied AI · ML Engineering", slug="applied-ai-ml-engineering")
    role = RoleFactory(
        family=family,
        title="Senior ML Engineer",
        slug="senior-ml-engineer",
        summary="Architects ML platforms and leads model development teams.",
        about="Owns the reliability of an ML system.",
        median_salary=215_000,
        growth_outlook="high",
        growth_trend="Strong demand for engineers who deploy ML.",
        ai_impact_score=30,
        ai_impact_label="Moderate",
        ai_impact_outlook="Becoming an ML systems architect position.",
        methodology="Compiled from public postings.",
        salary_note="Levels.fyi anchors; varies by location.",
    )
    junior = RoleFactory(family=family, title="ML Engineer", slug="ml-engineer")
    staff_role = RoleFactory(family=family, title="Staff ML Engineer", slug="staff-ml-engineer", is_published=False)
    python = SkillFactory(name="Python", slug="python", category="Software engineering")
    monitoring = SkillFactory(name="Model Monitoring", slug="model-monitoring", category="MLOps")
    RoleSkillFactory(role=role, skill=python, kind=SkillKind.REQUIRED, target=4, note="Production Python.")
    RoleSkillFactory(
        role=role, skill=monitoring, kind=SkillKind.DIFFERENTIATING, target=3, commonly_missing=True, order=2
    )
    Responsibility.objects.create(role=role, section="key", text="Design end-to-end ML pipelines")
    Responsibility.objects.create(role=role, section="week", text="Review design documents")
    DevelopmentSuggestion.objects.create(role=role, skill=monitoring, text="Ship a model with monitoring.")
    NextStep.objects.create(role=role, text="Write a one page case study", order=1)
    CareerMove.objects.create(role=role, kind="leads_to", to_role=staff_role)
    CareerMove.objects.create(role=role, kind="transition", to_role=junior, note="A step sideways")
    LadderLevel.objects.create(role=role, title="ML Engineer", years="2-5 yrs", rung_role=junior, order=1)
    LadderLevel.objects.create(role=role, title="Senior ML Engineer", years="5-8 yrs", rung_role=role, order=2)
    decipheru, career_guide = shipped_source("decipheru"), shipped_source("career-guide")
    path = TransitionPath.objects.create(role=role, from_role=junior, typical_months=12, gap="System design scope.")
    path.sources.set([decipheru])
    TransitionArtifact.objects.create(path=path, text="A design document others depend on")
    SalaryBandFactory(role=role, level="Senior Level", low=200_000, high=280_000).sources.set([career_guide])
    SalaryBandFactory(role=role, level="Staff (8-12 yrs)", low=280_000, high=430_000, currency="EUR")
    course = CourseFactory(title="Designing Machine Learning Systems", provider="Chip Huyen", skills=[monitoring])
    RoleCourseFactory(role=role, course=course)
    cert = CertificationFactory(name="AWS Certified ML Engineer", skills=[python])
    RoleCertificationFactory(role=role, certification=cert)
    HiringCompany.objects.create(role=role, name="Netflix")
    IndustrySector.objects.create(role=role, name="Healthcare")
    FAQ.objects.create(role=role, question="Is a PhD necessary?", answer="No.")
    RoleFieldSource.objects.create(role=role, field="median_salary", source=decipheru)
    RoleFieldSource.objects.create(role=role, field="ai_impact", source=decipheru)
    return role


def cite_median(role, key="decipheru"):
    RoleFieldSource.objects.create(role=role, field="median_salary", source=shipped_source(key))
    return role


# Role list ------------------------------------------------------------------------------------------


def test_role_list_shows_published_roles_with_skill_counts(client):
    cite_median(make_role(title="Data Engineer", required=3, differentiating=2, median_salary=150_000))
    make_role(title="Hidden Draft", is_published=False)
    response = client.get(reverse("roles:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data Engineer" in html
    assert "3 required skills · 2 differentiating" in html
    assert "$150,000" in html
    assert "Hidden Draft" not in html


def test_role_list_shows_entry_level_badge_and_other_currencies(client):
    cite_median(make_role(title="Junior Analyst", is_entry_level=True, median_salary=60_000, salary_currency="EUR"))
    html = client.get(reverse("roles:list")).content.decode()
    assert "Entry-level" in html
    assert "EUR 60,000" in html


def test_staff_see_unpublished_roles_in_the_list_marked(staff_client):
    make_role(title="Hidden Draft", is_published=False)
    html = staff_client.get(reverse("roles:list")).content.decode()
    assert "Hidden Draft" in html
    assert "Unpublished" in html


def test_role_list_searches_title_summary_and_skill_names(client):
    make_role(title="Data Engineer", summary="Builds pipelines.")
    analyst = make_role(title="Analyst", summary="Reads dashboards.", required=0, differentiating=0)
    RoleSkillFactory(role=analyst, skill=SkillFactory(name="Spreadsheet Modelling"))
    url = reverse("roles:list")

    by_title = client.get(url, {"q": "engineer"}).content.decode()
    assert "Data Engineer" in by_title and "Analyst" not in by_title

    by_summary = client.get(url, {"q": "dashboards"}).content.decode()
    assert "Analyst" in by_summary and "Data Engineer" not in by_summary

    by_skill = client.get(url, {"q": "spreadsheet"})
    assert [role.title for role in by_skill.context["roles"]] == ["Analyst"]


def test_role_list_search_by_a_shared_skill_lists_each_role_once(client):
    first = make_role(title="First", required=0, differentiating=0)
    second = make_role(title="Second", required=0, differentiating=0)
    for role in (first, second):
        RoleSkillFactory(role=role, skill=SkillFactory(name=f"SQL for {role.title}"))
        RoleSkillFactory(role=role, skill=SkillFactory(name=f"Advanced SQL for {role.title}"))
    response = client.get(reverse("roles:list"), {"q": "sql"})
    assert [role.title for role in response.context["roles"]] == ["First", "Second"]
    assert [role.required_count for role in response.context["roles"]] == [2, 2]


def test_role_list_filters_by_family(client):
    data = FamilyFactory(name="Data", slug="data")
    make_role(title="Data Engineer", family=data)
    make_role(title="Designer", family=FamilyFactory(name="Design", slug="design"))
    response = client.get(reverse("roles:list"), {"family": "data"})
    assert [role.title for role in response.context["roles"]] == ["Data Engineer"]
    assert '<option value="data" selected>Data</option>' in response.content.decode()


def test_role_list_shows_an_empty_state_when_nothing_matches(client):
    make_role(title="Data Engineer")
    html = client.get(reverse("roles:list"), {"q": "astronaut"}).content.decode()
    assert "No role guides match" in html
    assert "Data Engineer" not in html


def test_role_list_with_an_unknown_family_matches_nothing(client):
    make_role(title="Data Engineer")
    response = client.get(reverse("roles:list"), {"family": "no-such-family"})
    assert response.status_code == 200
    assert list(response.context["roles"]) == []
    assert "No role guides match" in response.content.decode()


def test_role_list_does_not_offer_families_with_only_unpublished_roles(client):
    make_role(title="Secret", family=FamilyFactory(name="Secret Family", slug="secret-family"), is_published=False)
    assert "Secret Family" not in client.get(reverse("roles:list")).content.decode()


def test_role_list_rejects_post_with_405(client):
    assert client.post(reverse("roles:list")).status_code == 405


def test_role_list_runs_the_same_queries_for_2_and_20_roles(client):
    for i in range(2):
        make_role(title=f"Small {i}", required=2, differentiating=1)
    small = queries_for(client, reverse("roles:list"))
    for i in range(18):
        make_role(title=f"Large {i}", required=3, differentiating=2, family=FamilyFactory())
    cache.clear()  # the content revision moves on commit, which this test's transaction never does
    large = queries_for(client, reverse("roles:list"))
    assert len(small) == len(large), sql(large)
    # Cold: the content revision (for the page's key, and again for the skill totals' key), the
    # roles, their skill counts, the families for the filter.
    assert len(large) == 5, sql(large)


def test_role_list_filtered_by_family_stays_at_constant_queries(client, django_assert_num_queries):
    family = FamilyFactory(name="Data", slug="data")
    for i in range(5):
        make_role(title=f"Role {i}", family=family)
    client.get(reverse("roles:list"), {"family": "data", "q": "role"})  # caches the cards
    # The content revision, validating the family, the matching roles' ids, families for the form.
    with django_assert_num_queries(4):
        client.get(reverse("roles:list"), {"family": "data", "q": "role"})


# Role detail --------------------------------------------------------------------------------------


def test_role_detail_shows_the_whole_guide(client):
    role = full_guide()
    response = client.get(role.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert "Applied AI · ML Engineering" in html
    assert "$215,000" in html
    assert "30/100 · Moderate" in html
    # Required vs differentiating skills with targets
    required, differentiating = response.context["required"], response.context["differentiating"]
    assert [rs.skill.name for rs in required] == ["Python"]
    assert [rs.skill.name for rs in differentiating] == ["Model Monitoring"]
    assert "4 — Advanced" in html and "3 — Practitioner" in html
    assert 'href="/skills/python/"' in html
    assert "Commonly missing" in html and "often missing" not in html.lower().replace("commonly missing", "")
    # Responsibilities by section
    assert "Key responsibilities" in html and "An average week" in html
    assert "What this role actually does" not in html  # no items in that section
    # Salary bands, with their sources and currencies
    assert "$200,000 – $280,000" in text_of(html)
    assert "EUR 280,000 – EUR 430,000" in text_of(html)
    assert ">Career Guide</a>" in html  # the band's source, linked to the Sources section
    assert "seed" not in html.lower()
    assert "Levels.fyi anchors" in html
    # Ladder: a rung links to its published role
    assert '<a href="/roles/ml-engineer/">ML Engineer</a>' in html
    assert "This guide" in html
    # Transition paths
    assert "about 12 months" in html
    assert "A design document others depend on" in html
    # Courses and certifications
    assert 'rel="noopener">Designing Machine Learning Systems</a>' in html
    assert 'href="/skills/model-monitoring/">Model Monitoring</a>' in html
    assert "AWS Certified ML Engineer" in html
    # Everything else
    for text in ["Netflix", "Healthcare", "Write a one page case study", "Ship a model with monitoring."]:
        assert text in html
    assert "<details" in html and "<summary" in html and "Is a PhD necessary?" in html
    # Table of contents
    assert 'href="#salary"' in html and 'id="salary"' in html


def test_role_detail_links_career_moves_only_to_visible_roles(client, staff_client):
    role = full_guide()
    html = client.get(role.get_absolute_url()).content.decode()
    assert "Staff ML Engineer" in html
    assert 'href="/roles/staff-ml-engineer/"' not in html
    assert 'href="/roles/ml-engineer/">ML Engineer</a>' in html
    assert 'href="/roles/staff-ml-engineer/"' in staff_client.get(role.get_absolute_url()).content.decode()


def test_role_detail_has_the_assess_yourself_form(client):
    role = make_role(slug="data-engineer")
    html = client.get(role.get_absolute_url()).content.decode()
    assert f'action="{reverse("assessments:start", args=[role.slug])}"' in html
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Assess yourself" in html


def test_role_detail_has_no_inline_scripts_or_styles(client):
    role = full_guide()
    html = client.get(role.get_absolute_url()).content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "<script>" not in html
    assert all("src=" in tag for tag in html.split("<script")[1:])


def test_visitor_gets_404_for_an_unpublished_role(client):
    role = make_role(is_published=False)
    assert client.get(role.get_absolute_url()).status_code == 404


def test_bob_gets_404_for_an_unpublished_role(bob_client):
    role = make_role(is_published=False)
    assert bob_client.get(role.get_absolute_url()).status_code == 404


def test_staff_see_an_unpublished_role_with_the_preview_banner(staff_client):
    role = make_role(is_published=False)
    response = staff_client.get(role.get_absolute_url())
    assert response.status_code == 200
    assert "Unpublished preview" in response.content.decode()


def test_published_role_has_no_preview_banner(staff_client):
    role = make_role()
    assert "Unpublished preview" not in staff_client.get(role.get_absolute_url()).content.decode()


def test_unknown_role_slug_gets_404(client):
    assert client.get(reverse("roles:detail", args=["no-such-role"])).status_code == 404


def test_role_detail_rejects_post_with_405(client):
    role = make_role()
    assert client.post(role.get_absolute_url()).status_code == 405


def test_role_detail_runs_the_same_queries_for_3_and_40_skills_with_10_courses(client):
    small = make_role(title="Small", required=3, differentiating=0, courses=1)
    RoleCertificationFactory(role=small, certification=CertificationFactory(skills=[SkillFactory()]))
    small_ctx = queries_for(client, small.get_absolute_url())
    large = make_role(title="Large", required=30, differentiating=10, courses=10)
    for i in range(10):
        RoleCertificationFactory(role=large, certification=CertificationFactory(skills=[SkillFactory()]), order=i)
    large_ctx = queries_for(client, large.get_absolute_url())
    assert len(small_ctx) == len(large_ctx), sql(large_ctx)


def test_role_detail_of_a_full_guide_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    role = full_guide()
    # The role with its family, then one query per prefetched section: role skills, responsibilities,
    # suggestions, next steps, career moves, ladder, transition paths and their artifacts, salary bands,
    # courses and their skills, certifications and their skills, companies, sectors, FAQs; the sources
    # each of the 13 kinds of item cites, and the role's field sources; plus the content revision
    # that keys the cached page. The page is cached per revision: a warm request reads only that.
    with django_assert_num_queries(32):
        client.get(role.get_absolute_url())


def test_role_detail_served_from_cache_runs_one_query(client, django_assert_num_queries):
    role = full_guide()
    first = client.get(role.get_absolute_url()).content.decode()
    with django_assert_num_queries(1):  # the content revision; the whole page comes from the cache
        again = client.get(role.get_absolute_url()).content.decode()
    faq = role.faqs.first().question
    assert faq in first and faq in again


@pytest.mark.django_db(transaction=True)  # the content revision moves when a change commits
def test_role_detail_cache_follows_content_changes(client):
    role = make_role(title="Cached")
    assert "Brand new question?" not in client.get(role.get_absolute_url()).content.decode()
    FAQ.objects.create(role=role, question="Brand new question?", answer="Yes.")
    assert "Brand new question?" in client.get(role.get_absolute_url()).content.decode()


# Skill page ---------------------------------------------------------------------------------------


def test_skill_page_shows_descriptors_roles_and_courses(client):
    skill = SkillFactory(
        name="Feature Stores",
        slug="feature-stores",
        category="MLOps",
        description="Serving features consistently online and offline.",
        descriptor_3="Designs entities and backfills on their own.",
    )
    role = make_role(title="Senior ML Engineer", required=0, differentiating=0)
    RoleSkillFactory(role=role, skill=skill, kind=SkillKind.DIFFERENTIATING, target=4)
    hidden = make_role(title="Secret Role", required=0, differentiating=0, is_published=False)
    RoleSkillFactory(role=hidden, skill=skill)
    CourseFactory(title="Feature Engineering 101", skills=[skill])
    CertificationFactory(name="Feature Store Certificate", skills=[skill])

    response = client.get(skill.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Feature Stores</h1>" in html
    assert "MLOps" in html
    assert "Designs entities and backfills on their own." in html
    assert "Does it independently." in html  # the generic scale beside it
    assert "5 — Expert" in html
    assert 'href="/roles/senior-ml-engineer/"' in html
    assert "Differentiating" in html and "4 — Advanced" in html
    assert "Secret Role" not in html
    assert "Feature Engineering 101" in html
    assert "Feature Store Certificate" in html


def test_skill_page_has_an_empty_state_without_roles_or_courses(staff_client):
    """Only staff see a skill no role uses (visitors get a 404: test_skill_visibility.py)."""
    skill = SkillFactory(name="Juggling", slug="juggling")
    html = staff_client.get(skill.get_absolute_url()).content.decode()
    assert "No published role guide lists this skill yet." in html
    assert "No course or certification" in html


def test_unknown_skill_slug_gets_404(client):
    assert client.get(reverse("roles:skill", args=["no-such-skill"])).status_code == 404


def test_skill_page_rejects_post_with_405(client):
    skill = SkillFactory()
    assert client.post(skill.get_absolute_url()).status_code == 405


def test_skill_page_runs_the_same_queries_for_1_and_15_roles(client):
    skill = SkillFactory()
    RoleSkillFactory(skill=skill)
    small = queries_for(client, skill.get_absolute_url())
    for _ in range(14):
        RoleSkillFactory(skill=skill)
        CourseFactory(skills=[skill])
    cache.clear()  # the content revision moves on commit, which this test's transaction never does
    large = queries_for(client, skill.get_absolute_url())
    # Cold: the skill, the content revision, its alignments, roles, courses and certifications.
    assert len(small) == len(large) == 6, sql(large)


# Scale and home -----------------------------------------------------------------------------------


def test_scale_page_lists_the_six_levels(client):
    response = client.get(reverse("roles:scale"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["0 — None", "1 — Awareness", "3 — Practitioner", "5 — Expert", "Sets the standard others follow."]:
        assert text in html
    assert "How to rate yourself honestly" in html


def test_scale_page_rejects_post_with_405(client):
    assert client.post(reverse("roles:scale")).status_code == 405


def test_home_page_explains_the_three_steps_and_features_roles(client):
    make_role(title="Data Engineer", median_salary=150_000)
    make_role(title="Hidden Draft", is_published=False)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pick a role" in html and "Rate yourself honestly" in html and "gap report" in html
    assert 'href="/roles/data-engineer/"' in html
    assert "Hidden Draft" not in html
    assert f'href="{reverse("roles:list")}"' in html
    assert html.count("<h1") == 1


# Cached role list and skill page -------------------------------------------------------------------


def test_role_list_served_from_cache_reads_only_the_revision(client, django_assert_num_queries):
    make_role(title="Data Engineer", required=3, differentiating=2)
    first = client.get(reverse("roles:list")).content.decode()
    with django_assert_num_queries(1):  # the content revision
        again = client.get(reverse("roles:list")).content.decode()
    assert "3 required skills · 2 differentiating" in first
    assert text_of(again) == text_of(first)


def test_role_list_cards_link_to_each_guide(client):
    roles = [make_role(title="Data Engineer"), make_role(title="Analyst")]
    for html in (client.get(reverse("roles:list")).content.decode() for _ in range(2)):  # cold, then cached
        for role in roles:
            assert f'<a href="{role.get_absolute_url()}">{role.title}</a>' in html


@pytest.mark.django_db(transaction=True)  # the content revision moves when a change commits
def test_role_list_shows_a_new_role_and_new_skill_counts_right_after_a_content_change(client):
    role = make_role(title="Data Engineer", required=2, differentiating=1)
    before = client.get(reverse("roles:list")).content.decode()
    assert "2 required skills · 1 differentiating" in before
    RoleSkillFactory(role=role, kind=SkillKind.REQUIRED)
    make_role(title="Brand New Role")
    after = client.get(reverse("roles:list")).content.decode()
    assert "3 required skills · 1 differentiating" in after
    assert "Brand New Role" in after
    assert "2 role guides" in after


@pytest.mark.django_db(transaction=True)
def test_role_list_search_finds_roles_by_skill_name_with_a_warm_cache(client):
    analyst = make_role(title="Analyst", summary="Reads dashboards.", required=0, differentiating=0)
    make_role(title="Data Engineer", summary="Builds pipelines.")
    client.get(reverse("roles:list"))
    client.get(reverse("roles:list"), {"q": "pipelines"})
    RoleSkillFactory(role=analyst, skill=SkillFactory(name="Spreadsheet Modelling"))
    response = client.get(reverse("roles:list"), {"q": "spreadsheet"})
    assert [card.title for card in response.context["roles"]] == ["Analyst"]
    assert [card.required_count for card in response.context["roles"]] == [1]
    html = response.content.decode()
    assert "1 role guide matches" in html
    assert "1 required skill · 0 differentiating" in html
    assert "Data Engineer" not in html


def test_staff_see_unpublished_roles_and_visitors_do_not_with_warm_caches(client, staff_client):
    make_role(title="Public Role")
    make_role(title="Hidden Draft", is_published=False)
    url = reverse("roles:list")
    # Warm the caches as one of them first, so a key that ignored who looks would leak or hide roles.
    for first in (staff_client, client):
        cache.clear()
        for params in ({}, {"q": "role"}, {"q": "draft"}):
            first.get(url, params)
        for params in ({}, {"q": "draft"}):
            staff_html = staff_client.get(url, params).content.decode()
            visitor_html = client.get(url, params).content.decode()
            assert "Hidden Draft" in staff_html and "Unpublished" in staff_html
            assert "Hidden Draft" not in visitor_html and "Unpublished" not in visitor_html


@pytest.mark.django_db(transaction=True)
def test_role_list_shows_a_role_to_visitors_once_it_is_published(client):
    draft = make_role(title="Soon Public", is_published=False)
    assert "Soon Public" not in client.get(reverse("roles:list")).content.decode()
    assert "Soon Public" not in client.get(reverse("roles:list"), {"q": "soon"}).content.decode()
    draft.is_published = True
    draft.save()
    assert "Soon Public" in client.get(reverse("roles:list")).content.decode()
    assert "Soon Public" in client.get(reverse("roles:list"), {"q": "soon"}).content.decode()


def test_skill_page_served_from_cache_runs_one_query(client, django_assert_num_queries):
    skill = SkillFactory(name="Feature Stores")
    RoleSkillFactory(skill=skill, role=make_role(title="ML Engineer", required=0, differentiating=0))
    CourseFactory(title="Feature Engineering 101", skills=[skill])
    first = client.get(skill.get_absolute_url()).content.decode()
    with django_assert_num_queries(1):  # the content revision; the whole page comes from the cache
        again = client.get(skill.get_absolute_url()).content.decode()
    assert "ML Engineer" in first and "Feature Engineering 101" in first
    assert text_of(again) == text_of(first)


@pytest.mark.django_db(transaction=True)
def test_skill_page_updates_after_a_content_change(client):
    skill = SkillFactory(name="Feature Stores")
    RoleSkillFactory(skill=skill, role=make_role(title="ML Engineer", required=0, differentiating=0))
    before = client.get(skill.get_absolute_url()).content.decode()
    assert "ML Engineer" in before and "Data Engineer" not in before
    newcomer = make_role(title="Data Engineer", slug="data-engineer", required=0, differentiating=0)
    RoleSkillFactory(skill=skill, role=newcomer, kind=SkillKind.DIFFERENTIATING)
    CourseFactory(title="Feature Engineering 101", skills=[skill])
    after = client.get(skill.get_absolute_url()).content.decode()
    assert '<a href="/roles/data-engineer/">Data Engineer</a>' in after
    assert "Feature Engineering 101" in after


def test_skill_page_shows_unpublished_roles_to_staff_only_with_warm_caches(client, staff_client):
    skill = SkillFactory(name="Feature Stores")
    RoleSkillFactory(skill=skill, role=make_role(title="Public Role", required=0, differentiating=0))
    RoleSkillFactory(skill=skill, role=make_role(title="Hidden Draft", is_published=False, required=0))
    for first in (staff_client, client):
        cache.clear()
        first.get(skill.get_absolute_url())
        staff_html = staff_client.get(skill.get_absolute_url()).content.decode()
        visitor_html = client.get(skill.get_absolute_url()).content.decode()
        assert "Hidden Draft" in staff_html and "Unpublished" in staff_html
        assert "Hidden Draft" not in visitor_html and "Public Role" in visitor_html


@pytest.mark.django_db(transaction=True)
def test_skill_page_of_a_deleted_skill_is_404_with_a_warm_cache(staff_client):
    skill = SkillFactory(name="Juggling", slug="juggling")
    assert staff_client.get(skill.get_absolute_url()).status_code == 200
    skill.delete()
    assert staff_client.get(reverse("roles:skill", args=["juggling"])).status_code == 404


def test_a_cached_guide_shows_each_member_their_own_name_and_a_working_csrf_token(alice, bob):
    import re

    from django.test import Client

    role = make_role(title="Cached Guide")
    started = set()
    for user in (alice, bob):
        member = Client(enforce_csrf_checks=True)
        member.force_login(user)
        body = member.get(role.get_absolute_url()).content.decode()  # alice's visit stores the page
        assert f"Signed in as <strong>{user.username}</strong>" in body
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))
        assert len(tokens) == 1
        response = member.post(reverse("assessments:start", args=[role.slug]), {"csrfmiddlewaretoken": tokens.pop()})
        assert response.status_code == 302 and response["Location"].startswith("/assessments/")
        started.add(response["Location"])
    assert len(started) == 2  # each member started an assessment of their own


def test_a_staff_preview_of_an_unpublished_guide_is_never_served_to_visitors(staff_client, client):
    role = make_role(title="Secret Draft", is_published=False)
    assert "Unpublished preview" in staff_client.get(role.get_absolute_url()).content.decode()

    assert client.get(role.get_absolute_url()).status_code == 404


def test_signing_up_from_a_guide_comes_back_to_the_guide(client):
    """Issue 28, item 7: the guide's Sign up links carry the guide as `next`, and sign-up follows it."""
    role = make_role(required=1, title="Widget Lead")
    guide = role.get_absolute_url()
    page = client.get(guide).content.decode()
    signup = re.findall(r'href="(/accounts/signup/[^"]*)"', page)
    assert signup and all(href == f"/accounts/signup/?next={quote(guide)}" for href in signup)
    response = client.post(
        signup[0],
        {
            "username": "carol",
            "email": "carol@example.com",
            "password1": "a-long-safe-passphrase",
            "password2": "a-long-safe-passphrase",
        },
    )
    assert response.status_code == 302 and response["Location"] == guide
