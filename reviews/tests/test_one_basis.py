"""Every number shown for one assessment is on one ratings basis and the report's own snapshot
(issue 28, item 3): the report's header, its role-fit row and its change line, the dashboard, the
home page, report.json and the plan, after the owner calibrated a second opinion."""

import json
import re

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.fit import compute_role_fit, role_fit_for
from assessments.hooks import RatedBy
from assessments.scoring import whole_percent
from assessments.tests.factories import submitted_for
from reviews import selectors, services
from reviews.services import CalibrationInput
from roles.models import Skill
from roles.tests.factories import RoleFactory, RoleSkillFactory

from .factories import review_of

pytestmark = pytest.mark.django_db


def figure(body, pattern):
    return int(re.search(pattern, body, re.DOTALL).group(1))


def test_every_number_for_one_assessment_is_on_the_calibrated_basis(alice_client, alice, role, slugs, carol):
    submitted_for(alice, role, levels={slugs[0]: 1, slugs[1]: 2, slugs[2]: 1, slugs[3]: 1})
    later = submitted_for(alice, role, levels={slugs[0]: 3, slugs[1]: 3, slugs[2]: 1, slugs[3]: 2})
    assessment_services.create_plan(assessment=later)
    review_of(later, carol, level=3)
    services.save_calibrations(
        assessment=later, calibrations=[CalibrationInput(slugs[2], 3), CalibrationInput(slugs[1], 2)]
    )
    calibrated = selectors.report_on_basis(later, "calibrated")
    expected = whole_percent(calibrated.readiness.overall)
    own = whole_percent(selectors.report_on_basis(later, "self").readiness.overall)
    assert expected != own, "the example must tell the two bases apart"

    report = alice_client.get(reverse("assessments:report", args=[later.pk])).content.decode()
    header = figure(report, r'data-testid="readiness-overall">(\d+)<')
    fit_row = report[report.index(f'data-role="{role.slug}"') :]
    fit = figure(fit_row[: fit_row.index("</li>")], r"<strong[^>]*>(\d+)%</strong>")
    change_after = figure(report, r'data-testid="verdict-change">.*?→ (\d+)%\)')
    assert "every figure on your calibrated ratings" in re.sub(r"<[^>]+>", "", report)

    dashboard = alice_client.get(reverse("assessments:dashboard")).content.decode()
    url = reverse("assessments:report", args=[later.pk])
    row = next(chunk for chunk in dashboard.split('data-testid="submitted-row"')[1:] if f'href="{url}"' in chunk)
    board = figure(row, r'data-testid="readiness">(\d+)%')
    home = figure(alice_client.get("/").content.decode(), r'data-testid="latest-readiness"><strong[^>]*>(\d+)%')

    data = json.loads(alice_client.get(reverse("assessments:report_json", args=[later.pk])).content)
    download = whole_percent(data["readiness"]["overall"]) if data["ratings_basis"] == "calibrated" else None

    assert {
        "header": header,
        "role fit": fit,
        "change line": change_after,
        "dashboard": board,
        "home": home,
        "report.json": download,
    } == dict.fromkeys(("header", "role fit", "change line", "dashboard", "home", "report.json"), expected)

    plan, created = assessment_services.create_plan(assessment=later)
    assert not created
    items = plan.items.select_related("skill")
    assert {i.skill.slug: i.current_level for i in items if i.status != "done"} == {
        g.slug: g.rating for g in calibrated.gaps
    }

    # The plan page: every item's "from level r to t" is the calibrated gap's, and the page says so.
    plan_page = alice_client.get(reverse("assessments:plan", args=[later.pk])).content.decode()
    shown = {}
    for item in items:
        section = plan_page[plan_page.index(f'id="item-{item.pk}"') :]
        shown[item.skill.slug] = tuple(map(int, re.search(r"From level (\d) to (\d)", section).groups()))
    assert {slug: levels for slug, levels in shown.items() if slug in {g.slug for g in calibrated.gaps}} == {
        g.slug: (g.rating, g.target) for g in calibrated.gaps
    }
    assert "its levels on your calibrated ratings" in re.sub(r"<[^>]+>", "", plan_page)

    # The role-fit page ranks the role at the same figure: the latest report is this one.
    fit_page = alice_client.get(reverse("assessments:fit")).content.decode()
    fit_row = fit_page[fit_page.index(f'data-role="{role.slug}"') :]
    assert figure(fit_row[: fit_row.index("</li>")], r"<strong[^>]*>(\d+)%</strong>") == expected


def test_the_plan_page_says_its_levels_are_your_own_until_you_calibrate(alice_client, alice, role, slugs, carol):
    report = submitted_for(alice, role, levels={slugs[0]: 1, slugs[1]: 2})
    assessment_services.create_plan(assessment=report)
    review_of(report, carol, level=3)  # a second opinion alone changes no basis
    url = reverse("assessments:plan", args=[report.pk])
    assert "its levels on your own ratings" in re.sub(r"<[^>]+>", "", alice_client.get(url).content.decode())

    services.save_calibrations(assessment=report, calibrations=[CalibrationInput(slugs[0], 3)])
    page = re.sub(r"<[^>]+>", "", alice_client.get(url).content.decode())
    assert "its levels on your calibrated ratings" in page


def test_other_roles_in_a_reports_role_fit_follow_the_basis_it_is_opened_on(alice_client, alice, role, slugs, carol):
    """Opened on your own ratings (?basis=self) after calibrating, the report ranks other roles on
    your own ratings too, not on the calibrated levels the default page uses."""
    other = RoleFactory(title="Model Reviewer")
    for slug in slugs[1:3]:
        RoleSkillFactory(role=other, skill=Skill.objects.get(slug=slug), kind="required", target=3)
    later = submitted_for(alice, role, levels={slugs[0]: 3, slugs[1]: 3, slugs[2]: 1, slugs[3]: 2})
    review_of(later, carol, level=3)
    services.save_calibrations(
        assessment=later, calibrations=[CalibrationInput(slugs[2], 3), CalibrationInput(slugs[1], 2)]
    )

    def shown_fit(query):
        page = alice_client.get(reverse("assessments:report", args=[later.pk]) + query).content.decode()
        row = page[page.index(f'data-role="{other.slug}"') :]
        return figure(row[: row.index("</li>")], r"<strong[^>]*>(\d+)%</strong>")

    def computed(own_only):
        fits = compute_role_fit(alice, own_only=own_only).ranked
        return whole_percent(next(f for f in fits if f.slug == other.slug).readiness)

    assert computed(own_only=True) != computed(own_only=False), "the example must tell the two bases apart"
    assert shown_fit("") == computed(own_only=False)
    assert shown_fit("?basis=self") == computed(own_only=True)


@pytest.fixture
def reviewed_by_carol(alice, role, slugs, carol):
    """Alice's report (3, 3, 1, 2) and carol's review of it (4, 1, 2, not seen), a role sharing two
    of its skills with it ("Model Reviewer": slugs 1 and 2, required, target 3) and one whose core
    includes the skill carol has not seen ("Notebook Keeper": slugs 0 and 3, required)."""
    earlier = submitted_for(alice, role, levels={slugs[0]: 1, slugs[1]: 2, slugs[2]: 1, slugs[3]: 1})
    later = submitted_for(alice, role, levels={slugs[0]: 3, slugs[1]: 3, slugs[2]: 1, slugs[3]: 2})
    sharing = RoleFactory(title="Model Reviewer")
    for slug in slugs[1:3]:
        RoleSkillFactory(role=sharing, skill=Skill.objects.get(slug=slug), kind="required", target=3)
    unseen = RoleFactory(title="Notebook Keeper")
    for slug in (slugs[0], slugs[3]):
        RoleSkillFactory(role=unseen, skill=Skill.objects.get(slug=slug), kind="required", target=2)
    review = review_of(later, carol, levels={slugs[0]: 4, slugs[1]: 1, slugs[2]: 2}, not_seen={slugs[3]}, skills=slugs)
    return {"earlier": earlier, "report": later, "sharing": sharing, "unseen": unseen, "review": review}


def fit_row_figure(page, slug):
    row = page[page.index(f'data-role="{slug}"') :]
    return figure(row[: row.index("</li>")], r"<strong[^>]*>(\d+)%</strong>")


def test_every_number_on_a_report_opened_on_the_reviewers_ratings_is_on_them(alice_client, alice, reviewed_by_carol):
    """The header and this role's role-fit row show the report on carol's ratings; another role sharing
    skills is ranked on carol's levels (1 and 2: 50%), not alice's (3 and 1: 67%). The earlier report
    has no review, so no change is shown (it would compare carol's ratings with alice's)."""
    later, sharing = reviewed_by_carol["report"], reviewed_by_carol["sharing"]
    expected = whole_percent(selectors.report_on_basis(later, "reviewer").readiness.overall)
    assert expected != whole_percent(selectors.report_on_basis(later, "self").readiness.overall)

    page = alice_client.get(reverse("assessments:report", args=[later.pk]) + "?basis=reviewer").content.decode()
    assert 'data-testid="ratings-basis">Reviewer' in page
    shown = {
        "header": figure(page, r'data-testid="readiness-overall">(\d+)<'),
        "role fit": fit_row_figure(page, later.role.slug),
    }
    assert shown == dict.fromkeys(shown, expected)
    assert 'data-testid="verdict-change"' not in page
    assert 'data-testid="verdict-change-off-basis"' in page

    owners = next(f for f in compute_role_fit(alice).ranked if f.slug == sharing.slug)
    assert (whole_percent(owners.readiness), fit_row_figure(page, sharing.slug)) == (67, 50)


def test_on_the_reviewers_ratings_the_change_compares_two_second_opinions(
    alice_client, alice, reviewed_by_carol, slugs, bob
):
    """Once the earlier report has a review too, the change line compares the two reviews' ratings."""
    earlier, later = reviewed_by_carol["earlier"], reviewed_by_carol["report"]
    review_of(earlier, bob, levels={slugs[0]: 1, slugs[1]: 1, slugs[2]: 1, slugs[3]: 1}, skills=slugs)
    before = whole_percent(selectors.report_on_basis(earlier, "reviewer").readiness.overall)
    after = whole_percent(selectors.report_on_basis(later, "reviewer").readiness.overall)
    assert before != whole_percent(selectors.report_on_basis(earlier, "self").readiness.overall)

    page = alice_client.get(reverse("assessments:report", args=[later.pk]) + "?basis=reviewer").content.decode()
    change = re.search(r'data-testid="verdict-change">.*?\((\d+)% → (\d+)%\)', page, re.DOTALL)
    assert (int(change.group(1)), int(change.group(2))) == (before, after)
    assert 'data-testid="verdict-change-off-basis"' not in page


def test_on_the_reviewers_ratings_a_role_whose_core_they_have_not_seen_is_listed_apart(
    alice_client, alice, reviewed_by_carol
):
    later, unseen = reviewed_by_carol["report"], reviewed_by_carol["unseen"]
    url = reverse("assessments:report", args=[later.pk])
    assert fit_row_figure(alice_client.get(url).content.decode(), unseen.slug) == 100  # alice: 3 and 2, targets 2

    page = alice_client.get(url + "?basis=reviewer").content.decode()
    assert f'data-role="{unseen.slug}"' not in page
    assert "1 more role shares skills carol rated but cannot be ranked on them" in re.sub(r"<[^>]+>", "", page)
    rated_by = selectors.reviewer_rated_by(later)
    (apart,) = compute_role_fit(alice, rated_by=rated_by).unranked
    assert (apart.slug, apart.shared, apart.required_unrated) == (unseen.slug, 1, 1)


def test_the_role_fit_sentence_names_the_reviewer_whose_ratings_it_is_on(alice_client, reviewed_by_carol):
    url = reverse("assessments:report", args=[reviewed_by_carol["report"].pk])
    sentence = re.search(
        r'data-testid="fit-basis">(.*?)</p>', alice_client.get(url + "?basis=reviewer").content.decode()
    )
    text = " ".join(sentence.group(1).split()).replace("&#x27;", "'")
    assert (
        "Every other role is on carol's ratings from their review: other roles use only the skills carol rated" in text
    )
    assert "your latest rating" not in text

    default = re.search(r'data-testid="fit-basis">(.*?)</p>', alice_client.get(url).content.decode()).group(1)
    assert "your latest rating of each skill" in default and "carol" not in default


def test_role_fit_is_cached_per_whose_ratings_it_is_on(alice, reviewed_by_carol, slugs, bob):
    """Role fit's cache key names the ratings (a review): another review's is another value, even
    with nothing else changed; a newer review is the reviewer basis from then on."""
    later, sharing = reviewed_by_carol["report"], reviewed_by_carol["sharing"]

    def sharing_figure(fits):
        return whole_percent(next(f for f in fits.ranked if f.slug == sharing.slug).readiness)

    carols = selectors.reviewer_rated_by(later)
    ids = dict(Skill.objects.filter(slug__in=slugs[1:3]).values_list("slug", "pk"))
    someone = RatedBy(key="review-0", name="dana", levels={ids[slugs[1]]: 3, ids[slugs[2]]: 3})
    assert sharing_figure(role_fit_for(alice, rated_by=carols)) == 50
    assert sharing_figure(role_fit_for(alice, rated_by=someone)) == 100
    assert sharing_figure(role_fit_for(alice)) == 67  # the owner's latest ratings

    review_of(later, bob, levels={slugs[1]: 3, slugs[2]: 2}, skills=slugs[1:3])
    bobs = selectors.reviewer_rated_by(later)
    assert (bobs.name, sharing_figure(role_fit_for(alice, rated_by=bobs))) == ("bob", 83)
