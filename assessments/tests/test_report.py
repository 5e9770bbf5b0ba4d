"""The gap report page, its JSON and CSV exports, share links, progress over time and role fit."""

import csv
import hashlib
import io
import json
import re
from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from assessments.models import ShareLink
from assessments.reports import report_for
from assessments.scoring import whole_percent
from assessments.tests.factories import draft_for, shared, submitted_for
from roles.models import RoleSkill, SkillKind, TransitionPath
from roles.tests.factories import (
    CertificationFactory,
    CourseFactory,
    RoleCourseFactory,
    RoleFactory,
    RoleSkillFactory,
    SuggestionFactory,
    shipped_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(alice, role, skills):
    """skills 0,1,2 required (target 3), skill 3 differentiating (target 2).
    Ratings: 1, 3, 0, 4 -> gaps: skill2 (g=3), skill0 (g=2); strengths: skill3 (+2), skill1 (0)."""
    SuggestionFactory(role=role, skill=skills[0], text="Pair on an incident review")
    SuggestionFactory(role=role, text="General: write a design doc")
    CertificationFactory(skills=[skills[2]], name="Cert Z")
    return submitted_for(
        alice, role, levels={skills[0].slug: 1, skills[1].slug: 3, skills[2].slug: 0, skills[3].slug: 4}
    )


def get_json(client, assessment):
    response = client.get(reverse("assessments:report_json", args=[assessment.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def readiness_figures(body):
    return {
        name: re.search(rf'data-testid="readiness-{name}">(\d+)<', body).group(1)
        for name in ("overall", "required", "differentiating")
    }


def test_report_opens_with_a_plain_verdict_then_whole_percentages(alice_client, report):
    body = alice_client.get(reverse("assessments:report", args=[report.pk])).content.decode()

    # required: (1/3 + 1 + 0) / 3 = 44.4; differentiating: 100; overall: (1/3+1+0+0.5)/3.5 = 52.4
    assert readiness_figures(body) == {"overall": "52", "required": "44", "differentiating": "100"}
    assert "52.4" not in body and "44.4" not in body
    verdict = re.search(r'data-testid="verdict">([^<]*)<', body).group(1)
    assert verdict == "Not yet: 2 of 3 required skills are below target."
    assert body.index('data-testid="verdict"') < body.index('data-testid="readiness-overall"')
    assert reverse("assessments:scoring") in body


def test_report_lists_gaps_in_priority_order_with_next_level_and_help(alice_client, report, skills):
    response = alice_client.get(reverse("assessments:report", args=[report.pk]))
    gaps = response.context["report"].gaps
    assert [g.slug for g in gaps] == [skills[2].slug, skills[0].slug]
    body = response.content.decode()
    assert body.count("Pair on an incident review") == 1  # in its gap card, not again below
    assert "General: write a design doc" in body
    assert "Cert Z" in body


def test_report_has_an_svg_chart_with_a_collapsed_table_alternative(alice_client, report, skills):
    body = alice_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "<svg" in body and 'role="img"' in body
    assert body.count('class="chart-row') == 8  # a wide and a narrow layout, four skills each
    assert f'data-skill="{skills[2].slug}" data-rating="0"' in body
    assert body.count('data-testid="zero-mark"') == 2  # skill 2 is rated 0: a ring in each layout
    assert '<details class="mb-4 chart-table" data-testid="full-table">' in body  # collapsed: no `open`
    assert 'role="region" tabindex="0" aria-label="Every skill' in body


def test_report_json_has_the_documented_shape(alice_client, report, skills):
    data = get_json(alice_client, report)
    assert data["role"] == {"slug": report.role.slug, "title": report.role.title}
    assert data["submitted_at"] == report.submitted_at.isoformat()
    assert [s["level"] for s in data["scale"]] == [0, 1, 2, 3, 4, 5]
    assert data["readiness"] == {
        "overall": 52.4,
        "required": 44.4,
        "differentiating": 100.0,
        "meets_required_bar": False,
    }
    assert set(data["skills"][0]) >= {"slug", "name", "kind", "target", "weight", "rating", "gap"}
    assert data["gaps"] == [skills[2].slug, skills[0].slug]
    assert data["strengths"] == [skills[3].slug, skills[1].slug]
    assert all({"title", "provider", "url", "covers"} <= set(c) for c in data["courses"])
    assert data["certifications"][0]["title"] == "Cert Z"
    # The factory's certification brings a learner to level 3 in skill 2 (rated 0, target 3).
    assert data["certifications"][0]["covers"] == [{"skill": skills[2].slug, "from": 0, "to": 3}]
    assert data["suggestions"] == ["Pair on an incident review", "General: write a design doc"]
    assert data["plan"] is None


def test_a_course_that_only_partly_closes_a_gap_says_how_far_it_goes(alice_client, alice, role, skills):
    CourseFactory(title="Wrangling Basics", skills=[(skills[2], 2), (skills[0], 2)])
    CertificationFactory(name="Wrangling Pro", skills=[(skills[2], 3)])
    assessment = submitted_for(
        alice, role, levels={skills[0].slug: 1, skills[1].slug: 3, skills[2].slug: 0, skills[3].slug: 4}
    )

    data = get_json(alice_client, assessment)
    body = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()

    basics = next(c for c in data["courses"] if c["title"] == "Wrangling Basics")
    # In the course's own skill order: skill 2 from 0 to 2 (of 3), skill 0 from 1 to 2 (of 3).
    assert basics["covers"] == [
        {"skill": skills[2].slug, "from": 0, "to": 2},
        {"skill": skills[0].slug, "from": 1, "to": 2},
    ]
    assert data["certifications"][0]["covers"] == [{"skill": skills[2].slug, "from": 0, "to": 3}]
    assert f'{skills[2].name} <span class="cover-line">0 → 2 of 3</span>' in body
    assert "Closes" not in body
    # The certification is listed as a certification, never under "Learn it with".
    card = body[body.index(f'<li class="col" data-skill="{skills[2].slug}"') :]
    card = card[: card.index("</li>\n      \n        <li") if "</li>\n      \n        <li" in card else len(card)]
    learn = card[card.index("Learn it with") : card.index("Certify it with")]
    assert "Wrangling Basics" in learn and "Wrangling Pro" not in learn
    assert "Wrangling Pro" in card[card.index("Certify it with") :]


def test_a_gap_with_nothing_in_the_catalogue_gets_its_next_level_as_an_action(alice_client, alice, role, skills):
    # The role's two courses teach skills 0 and 1; nothing teaches skill 2.
    assessment = submitted_for(alice, role, levels={skills[2].slug: 1})

    response = alice_client.get(reverse("assessments:report", args=[assessment.pk]))

    [gap] = response.context["report"].gaps
    assert gap.slug == skills[2].slug and not gap.has_catalogue_help
    body = response.content.decode()
    assert 'data-testid="next-level-action"' in body
    assert "Next step, to 2 Beginner:" in body
    assert f"Levels of {skills[2].name}</a>" in body
    assert reverse("roles:skill", args=[skills[2].slug]) in body


def test_the_owner_sees_each_evidence_note(alice_client, alice, role, skills):
    from assessments import services

    draft = draft_for(alice, role, {s.slug: 3 for s in skills})
    services.save_rating(assessment=draft, skill=skills[0], level=1, evidence="Ran two incident reviews")
    services.save_rating(assessment=draft, skill=skills[1], level=4, evidence="Led the Q3 pipeline rewrite")
    services.submit_assessment(assessment=draft)

    body = alice_client.get(reverse("assessments:report", args=[draft.pk])).content.decode()

    assert "Ran two incident reviews" in body  # a gap
    assert "Led the Q3 pipeline rewrite" in body  # a strength


def test_report_csv_has_one_row_per_skill(alice_client, report, skills):
    response = alice_client.get(reverse("assessments:report_csv", args=[report.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["skill_slug"] for r in rows] == [s.slug for s in skills]
    assert rows[2]["gap"] == "3" and rows[2]["priority"] == "1"
    assert rows[1]["gap"] == "0" and rows[1]["priority"] == ""


def test_csv_neutralises_formula_like_evidence(alice_client, alice, role, skills):
    from assessments import services

    draft = draft_for(alice, role, {s.slug: 3 for s in skills})
    services.save_rating(assessment=draft, skill=skills[0], level=3, evidence='=HYPERLINK("http://x")')
    services.submit_assessment(assessment=draft)
    text = alice_client.get(reverse("assessments:report_csv", args=[draft.pk])).content.decode()
    assert "'=HYPERLINK" in text


def test_editing_the_role_after_submission_leaves_every_export_unchanged(alice_client, report, role, skills):
    before_json = get_json(alice_client, report)
    before_csv = alice_client.get(reverse("assessments:report_csv", args=[report.pk])).content
    RoleSkill.objects.filter(role=role).update(target=5, weight=3)
    RoleSkillFactory(role=role, kind=SkillKind.REQUIRED, target=4)
    skills[0].name = "Renamed"
    skills[0].save()
    RoleCourseFactory(role=role, course=CourseFactory(skills=[skills[0], skills[2]]))
    assert get_json(alice_client, report) == before_json
    assert alice_client.get(reverse("assessments:report_csv", args=[report.pk])).content == before_csv


def test_meeting_every_required_skill_says_so(alice_client, alice, role):
    assessment = submitted_for(alice, role, level=5)
    body = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    assert f"You meet the required bar for {role.title}." in body
    assert "No gaps" in body


def test_a_draft_has_no_report(alice_client, alice, role):
    draft = draft_for(alice, role)
    for name in ("report", "report_json", "report_csv", "shares"):
        assert alice_client.get(reverse(f"assessments:{name}", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("name", ["report", "report_json", "report_csv", "shares"])
def test_bob_gets_404_for_alices_report_pages(bob_client, report, name):
    assert bob_client.get(reverse(f"assessments:{name}", args=[report.pk])).status_code == 404


@pytest.mark.parametrize("name", ["report", "report_json", "report_csv", "shares"])
def test_a_visitor_is_sent_to_login_for_report_pages(client, report, name):
    response = client.get(reverse(f"assessments:{name}", args=[report.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["report", "report_json", "report_csv"])
def test_report_pages_refuse_post(alice_client, report, name):
    assert alice_client.post(reverse(f"assessments:{name}", args=[report.pk])).status_code == 405


# --- sharing -------------------------------------------------------------------------------


def made_link(response):
    """The path of the share link a POST to the share page made (shown once, on that answer)."""
    assert response.status_code == 200
    assert "Copy it now" in response.content.decode()
    assert "Its link is shown above, this once." in response.content.decode()  # the new link in the list
    return urlsplit(response.context["new_link"]).path


def test_share_link_is_shown_once_and_opens_the_report_until_revoked(alice_client, client, report):
    shares = reverse("assessments:shares", args=[report.pk])
    path = made_link(alice_client.post(shares, {"display_name": "Sam K."}))
    token = path.split("/")[2]
    assert len(token) >= 43  # 32 random bytes, base64url
    link = ShareLink.objects.get(assessment=report)
    assert link.token_digest == hashlib.sha256(token.encode()).hexdigest()  # only the digest is kept
    later = alice_client.get(shares).content.decode()
    assert token not in later
    assert "The link was shown once, when you made it" in later and 'href="#share-form"' in later
    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sam K.'s gap report" in body
    assert "alice" not in body.lower()
    alice_client.post(reverse("assessments:revoke_share", args=[report.pk, link.pk]))
    assert client.get(path).status_code == 404


@pytest.fixture
def report_with_notes(alice, role, skills):
    from assessments import services

    current = RoleFactory(title="Night Auditor")
    draft = draft_for(alice, role, {s.slug: 3 for s in skills})
    services.save_rating(assessment=draft, skill=skills[0], level=1, evidence="Ran two incident reviews")
    services.submit_assessment(assessment=draft, current_role=current)
    return draft


@pytest.mark.parametrize(
    ("ticks", "sees_role", "sees_evidence"),
    [({}, False, False), ({"include_current_role": "on"}, True, False), ({"include_evidence": "on"}, False, True)],
)
def test_a_shared_report_shows_the_current_role_and_evidence_only_when_ticked(
    alice_client, client, report_with_notes, ticks, sees_role, sees_evidence
):
    response = alice_client.post(
        reverse("assessments:shares", args=[report_with_notes.pk]), {"display_name": "Sam K.", **ticks}
    )
    path = made_link(response)
    link = ShareLink.objects.get(assessment=report_with_notes)
    assert (link.include_current_role, link.include_evidence) == (sees_role, sees_evidence)

    body = client.get(path).content.decode()

    assert ("Night Auditor" in body) is sees_role
    assert ("Ran two incident reviews" in body) is sees_evidence
    shares_page = alice_client.get(reverse("assessments:shares", args=[report_with_notes.pk])).content.decode()
    includes = re.search(r'data-testid="share-includes">([^<]*)<', shares_page).group(1)
    assert ("your current role" in includes) is sees_role
    assert ("your evidence notes" in includes) is sees_evidence


def test_the_owner_sees_her_current_role_and_evidence_on_her_own_report(alice_client, report_with_notes):
    body = alice_client.get(reverse("assessments:report", args=[report_with_notes.pk])).content.decode()

    assert "From Night Auditor to" in body
    assert "Ran two incident reviews" in body


def test_a_wrong_share_token_is_404(client, report):
    shared(report, display_name="Sam")
    assert client.get(reverse("assessments:shared", args=["not-the-token"])).status_code == 404


def test_bob_cannot_revoke_alices_link(bob_client, report):
    link, _path = shared(report, display_name="Sam")
    assert bob_client.post(reverse("assessments:revoke_share", args=[report.pk, link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.is_active


def test_a_share_link_needs_a_display_name(alice_client, report):
    response = alice_client.post(reverse("assessments:shares", args=[report.pk]), {"display_name": ""})
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not ShareLink.objects.exists()


# --- progress over time, transition path, role fit ------------------------------------------------


def test_a_second_report_shows_progress_since_the_first(alice_client, alice, role, skills):
    submitted_for(alice, role, level=1)
    later = submitted_for(alice, role, level=3)
    response = alice_client.get(reverse("assessments:report", args=[later.pk]))
    progress = response.context["progress"]
    assert progress.readiness_after > progress.readiness_before
    assert [c.change for c in progress.skills] == [2, 2, 2, 2]  # every skill went from 1 to 3
    assert "Progress since" in response.content.decode()


def test_progress_lists_only_the_skills_that_changed_and_counts_the_rest(alice_client, alice, role, skills):
    submitted_for(alice, role, level=2)
    later = submitted_for(
        alice, role, levels={skills[0].slug: 4, skills[1].slug: 2, skills[2].slug: 2, skills[3].slug: 1}
    )

    body = alice_client.get(reverse("assessments:report", args=[later.pk])).content.decode()

    details = body[body.index('data-testid="progress-details"') :]
    details = details[: details.index("</details>")]
    assert "2 skills changed, 2 unchanged" in details
    assert f'data-skill="{skills[0].slug}"' in details and f'data-skill="{skills[3].slug}"' in details
    assert f'data-skill="{skills[1].slug}"' not in details and f'data-skill="{skills[2].slug}"' not in details


def test_the_transition_path_from_the_current_role_is_shown_with_its_source(alice_client, alice, role):
    from_role = RoleFactory(title="Analyst")
    path = TransitionPath.objects.create(
        role=role, from_role=from_role, typical_months=9, gap="Learn to ship pipelines."
    )
    path.sources.add(shipped_source("decipheru"))
    assessment = submitted_for(alice, role, current_role=from_role)
    body = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    assert "From Analyst to" in body and "9 months" in body and "Learn to ship pipelines." in body
    estimate = body[body.index('data-testid="time-estimate"') :]
    estimate = estimate[: estimate.index("</p>")]
    assert "<strong>9 months</strong> from Analyst" in estimate and "Source: DecipherU" in estimate


def test_a_transition_time_without_a_source_is_not_shown(alice_client, alice, role):
    from_role = RoleFactory(title="Analyst")
    TransitionPath.objects.create(role=role, from_role=from_role, typical_months=9, gap="Learn to ship pipelines.")
    assessment = submitted_for(alice, role, current_role=from_role)
    body = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    assert "Learn to ship pipelines." in body
    assert "9 months" not in body and 'data-testid="time-estimate"' not in body


def test_without_a_current_role_every_sourced_path_gives_its_time(alice_client, alice, role):
    for title, months in (("Analyst", 9), ("Engineer", 14)):
        path = TransitionPath.objects.create(role=role, from_role=RoleFactory(title=title), typical_months=months)
        path.sources.add(shipped_source("decipheru"))
    assessment = submitted_for(alice, role)
    body = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    estimate = body[body.index('data-testid="time-estimate"') :]
    estimate = estimate[: estimate.index("</p>")]
    assert (
        "<strong>9 months</strong> from Analyst" in estimate and "<strong>14 months</strong> from Engineer" in estimate
    )


def test_start_here_names_the_first_three_gaps_of_the_scoring_order(alice_client, alice, role, skills):
    RoleSkill.objects.filter(role=role, skill=skills[2]).update(primary=True)
    assessment = submitted_for(alice, role, levels={s.slug: 0 for s in skills})
    report = report_for(assessment)
    expected = [g.slug for g in report.gaps[:3]]
    assert expected[0] == skills[2].slug  # the primary skill leads the required ones
    body = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    block = body[body.index('data-testid="start-here-list"') :]
    block = block[: block.index("</ol>")]
    assert re.findall(r'<li data-skill="([^"]+)"', block) == expected
    assert "Primary" in block


def test_report_json_marks_primary_gaps(alice_client, alice, role, skills):
    RoleSkill.objects.filter(role=role, skill=skills[1]).update(primary=True)
    assessment = submitted_for(alice, role, levels={s.slug: 0 for s in skills})
    data = get_json(alice_client, assessment)
    assert {s["slug"]: s["primary"] for s in data["skills"]} == {s.slug: s == skills[1] for s in skills}
    assert data["gaps"][0] == skills[1].slug


def test_a_report_submitted_before_primary_skills_reads_them_as_not_primary(alice_client, alice, role, skills):
    assessment = submitted_for(alice, role, levels={s.slug: 0 for s in skills})
    snapshot = dict(assessment.snapshot)
    snapshot["skills"] = [{k: v for k, v in s.items() if k != "primary"} for s in snapshot["skills"]]
    snapshot.pop("primary_sources")
    type(assessment).objects.filter(pk=assessment.pk).update(snapshot=snapshot)
    data = get_json(alice_client, assessment)
    assert not any(s["primary"] for s in data["skills"])


@pytest.fixture
def cousins(skills):
    """Close Cousin: three of the role's skills (all rated). Far Cousin: two of them and three
    required skills nobody rated, equal weights: 2/5 of its weight rated, and three required
    skills to rate before it is ranked."""
    close = RoleFactory(title="Close Cousin")
    for s in skills[:3]:
        RoleSkillFactory(role=close, skill=s, target=2)
    far = RoleFactory(title="Far Cousin")
    for s in skills[:2]:
        RoleSkillFactory(role=far, skill=s, target=2)
    for _ in range(3):
        RoleSkillFactory(role=far, target=2)
    return close, far


def test_role_fit_ranks_roles_with_every_required_skill_rated_and_says_why_the_rest_are_apart(
    alice_client, alice, role, cousins
):
    close, far = cousins
    submitted_for(alice, role, level=3)

    response = alice_client.get(reverse("assessments:fit"))

    fits = response.context["fits"]
    # Both at 100%, all their weight rated: the role with more rated skills first.
    assert [(f.title, f.shared) for f in fits.ranked] == [("Data Wrangler", 4), ("Close Cousin", 3)]
    assert [(f.title, f.required_unrated, f.to_rate) for f in fits.unranked] == [("Far Cousin", 3, 3)]
    body = response.content.decode()
    assert "Rate 3 more skills to compare" in body
    assert "Not ranked: 3 of its required skills are not rated yet" in body
    assert "carrying 40% of its weight" in body
    assert reverse("assessments:start", args=[close.slug]) in body


def test_fit_json_gives_ranked_roles_in_order_and_the_unranked_apart(alice_client, alice, role, cousins):
    close, far = cousins
    submitted_for(alice, role, level=3)

    response = alice_client.get(reverse("assessments:fit_json"))

    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data == {
        "ranked": [
            {
                "slug": role.slug,
                "title": "Data Wrangler",
                "readiness": 100.0,
                "rated_weight_share": 1.0,
                "required_unrated": 0,
                "rated": 4,
                "total": 4,
            },
            {
                "slug": close.slug,
                "title": "Close Cousin",
                "readiness": 100.0,
                "rated_weight_share": 1.0,
                "required_unrated": 0,
                "rated": 3,
                "total": 3,
            },
        ],
        "unranked": [
            {
                "slug": far.slug,
                "title": "Far Cousin",
                "readiness": None,
                "rated_weight_share": 0.4,
                "required_unrated": 3,
                "rated": 2,
                "total": 5,
            }
        ],
    }


def test_fit_json_needs_a_login(client):
    response = client.get(reverse("assessments:fit_json"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_report_marks_its_own_role_in_role_fit_instead_of_offering_to_assess_it(alice_client, alice, role, cousins):
    close, _ = cousins
    assessment = submitted_for(alice, role, level=3)

    body = alice_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()

    fit = body[body.index('data-testid="role-fit"') :]
    assert 'data-testid="this-report"' in fit
    assert reverse("assessments:start", args=[role.slug]) not in fit
    assert reverse("assessments:start", args=[close.slug]) in fit


def test_role_fit_from_rated_skills_and_sql_totals_equals_the_full_computation(alice, role, skills):
    from decimal import Decimal

    from assessments import scoring_fit as scoring
    from assessments.fit import compute_role_fit

    other = RoleFactory(title="Wide Role")
    for i, s in enumerate(skills):
        RoleSkillFactory(
            role=other,
            skill=s,
            target=1 + i % 5,
            kind=SkillKind.REQUIRED if i % 2 else SkillKind.DIFFERENTIATING,
            weight=Decimal("0.35") if i == 2 else None,  # not a binary fraction: SQLite must not round it off
        )
    hidden = RoleFactory(title="Unpublished Cousin", is_published=False)
    for s in skills:
        RoleSkillFactory(role=hidden, skill=s, target=1)
    for i in range(6):  # skills alice never rated, one with an explicit weight
        RoleSkillFactory(role=other, target=2, weight=Decimal("2.5") if i == 0 else None)
    submitted_for(alice, role, levels={skills[0].slug: 4, skills[1].slug: 0, skills[2].slug: 2, skills[3].slug: 5})
    latest = {s.slug: lvl for s, lvl in zip(skills, [4, 0, 2, 5], strict=True)}
    full_specs = [
        scoring.RoleSpec(
            slug=r.slug,
            title=r.title,
            skills=tuple(
                scoring.RoleSkillSpec(
                    slug=rs.skill.slug, name=rs.skill.name, kind=rs.kind, target=rs.target, weight=rs.effective_weight
                )
                for rs in r.role_skills.select_related("skill")
            ),
        )
        for r in (role, other)
    ]
    assert compute_role_fit(alice) == scoring.role_fit(latest, full_specs)


@pytest.mark.django_db(transaction=True)  # the revision moves when a transaction commits
def test_role_fit_follows_role_content_changes_at_once(alice, role, skills):
    from assessments.fit import role_fit_for

    submitted_for(alice, role, level=2)
    before = role_fit_for(alice).ranked
    assert [(f.slug, f.total) for f in before] == [(role.slug, 4)]

    RoleSkillFactory(role=role, target=3, kind=SkillKind.DIFFERENTIATING)  # a new skill nobody rated: readiness drops
    after = role_fit_for(alice).ranked

    assert [(f.slug, f.total) for f in after] == [(role.slug, 5)]
    assert after[0].readiness < before[0].readiness


# --- the verdict says how far, and what changed (issue 28, item 2) --------------------------------


def verdict_of(client, assessment):
    body = client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    return re.search(r'data-testid="verdict">([^<]*)<', body).group(1)


@pytest.mark.parametrize(
    ("required_levels", "expected"),
    [
        ((2, 2, 2), "Not yet: 3 of 3 required skills are below target, all by one level."),
        ((2, 1, 0), "Not yet: 3 of 3 required skills are below target, 1 of them by one level."),
        ((2, 3, 3), "Not yet: 1 of 3 required skills is below target, by one level."),
        ((1, 3, 3), "Not yet: 1 of 3 required skills is below target, by 2 levels."),
        ((1, 0, 3), "Not yet: 2 of 3 required skills are below target."),
        ((3, 3, 4), "You meet the required bar for Data Wrangler."),
    ],
)
def test_the_verdict_says_how_many_required_gaps_are_one_level(
    alice_client, alice, role, skills, required_levels, expected
):
    levels = {s.slug: level for s, level in zip(skills[:3], required_levels, strict=True)}  # targets: 3
    assert verdict_of(alice_client, submitted_for(alice, role, levels=levels)) == expected


def test_the_verdict_line_says_what_changed_since_the_earlier_report(alice_client, alice, role, skills):
    earlier = submitted_for(alice, role, levels={skills[0].slug: 1, skills[1].slug: 1, skills[2].slug: 3})
    later = submitted_for(alice, role, levels={skills[0].slug: 2, skills[1].slug: 3, skills[2].slug: 2})
    before = whole_percent(report_for(earlier).readiness.overall)
    after = whole_percent(report_for(later).readiness.overall)
    assert after > before
    body = alice_client.get(reverse("assessments:report", args=[later.pk])).content.decode()
    line = body[body.index('data-testid="verdict-change"') :]
    line = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line[: line.index("</p>")].split(">", 1)[1]))
    # skills 0 and 1 rose, skill 2 fell; skill 3 kept its rating
    assert f"up {after - before} points ({before}% → {after}%); 3 skills moved (2 up, 1 down)." in line
    assert body.index('data-testid="verdict-change"') < body.index('data-testid="readiness-overall"')
    summary = body[body.index('id="progress-heading"') :]
    assert f"overall readiness {before}% then, {after}% now (up {after - before} points)" in summary


def test_the_first_report_of_a_role_has_no_change_line(alice_client, report):
    body = alice_client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert 'data-testid="verdict-change"' not in body


def test_a_role_whose_required_skill_was_never_rated_is_not_ranked_however_much_weight_is_rated(
    alice_client, alice, role, skills
):
    """Issue 28, item 7: a role was ranked level with the target role though one of its core skills
    had never been rated. Here its rated skills carry 3 / 3.25 of its weight."""
    near = RoleFactory(title="Near Cousin")
    for s in skills[:3]:
        RoleSkillFactory(role=near, skill=s, target=2, weight=Decimal("1.00"))
    core = RoleSkillFactory(role=near, kind=SkillKind.REQUIRED, target=2, weight=Decimal("0.25"))
    submitted_for(alice, role, level=3)

    fits = alice_client.get(reverse("assessments:fit")).context["fits"]
    assert near.slug not in [f.slug for f in fits.ranked]
    unranked = next(f for f in fits.unranked if f.slug == near.slug)
    assert (unranked.required_unrated, unranked.to_rate) == (1, 1)
    assert unranked.rated_weight_share > Fraction(1, 2)
    body = alice_client.get(reverse("assessments:fit")).content.decode()
    assert "Not ranked: 1 of its required skills is not rated yet" in body

    other = RoleFactory(title="Core Holder")
    RoleSkillFactory(role=other, skill=core.skill, target=2)
    submitted_for(alice, other, levels={core.skill.slug: 2})
    fits = alice_client.get(reverse("assessments:fit")).context["fits"]
    assert near.slug in [f.slug for f in fits.ranked] and not fits.unranked
