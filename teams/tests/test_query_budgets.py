"""The team page and matrix.json run the same number of SQL queries for 6 members and for 200.

Every member is assigned the role and took part in a review cycle that released a result; a
third share nothing, a third aggregates, a third their report by name (with evidence and plan).
Each page is rendered cold (empty cache). On failure the SQL is printed. Budgets include the
session and user lookups of a logged-in request.
"""

import copy

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments import services as assessment_services
from assessments.models import Assessment
from assessments.tests.factories import submitted_for
from roles.tests.factories import CourseFactory, make_role
from teams import services
from teams.models import Membership

pytestmark = pytest.mark.django_db

CONSENTS = [Membership.Consent.NOTHING, Membership.Consent.AGGREGATES, Membership.Consent.INDIVIDUAL]
# +1 since the members' report data became personal cached values: one query for their owner keys;
# +2 since review cycles (issue #26): the role's cycles, and their participants with their names
# +1 for the HTML page since notices (issue 31): the navbar's unread count
BUDGET = {"teams:role": 15, "teams:matrix_json": 14, "teams:matrix_csv": 14}
WARM_BUDGET = {name: budget - 1 for name, budget in BUDGET.items()}  # report data cached: no snapshot query


def build_team(owner, n_members, *, slug):
    """A team of `owner` plus `n_members` members, all assigned one role, in a review cycle that
    closed with a released result after every member submitted."""
    role = make_role(required=8, differentiating=4, title=f"Role for {slug}")
    skills = [rs.skill for rs in role.role_skills.select_related("skill")]
    for i in range(3):
        CourseFactory(skills=skills[i::3])
    team = services.create_team(user=owner, name=slug, slug=slug)
    services.assign_role(team=team, by=owner, role=role)
    template = submitted_for(UserFactory(), role, level=2)  # one real submission; the rest copy its snapshot
    assessment_services.create_plan(assessment=template)
    users = [UserFactory(username=f"{slug}-{i:03d}") for i in range(n_members)]
    memberships = []
    for i, user in enumerate(users):
        consent = CONSENTS[i % 3]
        individual = consent == Membership.Consent.INDIVIDUAL
        memberships.append(
            Membership(team=team, user=user, consent=consent, share_evidence=individual, share_plan=individual)
        )
    Membership.objects.bulk_create(memberships)
    cycle = services.open_cycle(team=team, role=role, by=owner, closes_on=timezone.localdate())
    now = timezone.now()
    assessments = []
    for i, user in enumerate(users):
        snap = copy.deepcopy(template.snapshot)
        for j, slug_ in enumerate(snap["ratings"]):
            snap["ratings"][slug_] = {"level": (i + j) % 6, "evidence": f"evidence {i}"}
        assessments.append(
            Assessment(user=user, role=role, status="submitted", snapshot=snap, submitted_at=now, updated_at=now)
        )
    Assessment.objects.bulk_create(assessments)
    services.close_cycle(cycle=cycle, by=owner)
    return team, role


def count_queries(client, name, team, role, *, cold=True):
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name, args=[team.slug, role.slug]))
    assert response.status_code == 200
    return ctx.captured_queries


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_team_pages_run_constant_queries_for_6_and_200_members(alice, alice_client, name):
    small_team, small_role = build_team(alice, 6, slug="small")
    large_team, large_role = build_team(alice, 200, slug="large")
    small = count_queries(alice_client, name, small_team, small_role)
    large = count_queries(alice_client, name, large_team, large_role)
    print(f"\n{name}: {len(small)} queries for 6 members, {len(large)} for 200:")  # shown on failure (or -s)
    for q in large:
        print("  ", q["sql"][:300])
    assert len(small) == len(large) == BUDGET[name]


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_warm_team_pages_skip_the_snapshot_query_at_both_sizes(alice, alice_client, name):
    small_team, small_role = build_team(alice, 6, slug="small")
    large_team, large_role = build_team(alice, 200, slug="large")
    counts = []
    for team, role in ((small_team, small_role), (large_team, large_role)):
        count_queries(alice_client, name, team, role)
        warm = count_queries(alice_client, name, team, role, cold=False)
        print(f"\n{name} warm, {team.slug}: {len(warm)} queries")
        for q in warm:
            print("  ", q["sql"][:300])
        counts.append(len(warm))
    assert counts == [WARM_BUDGET[name], WARM_BUDGET[name]]


def test_the_200_member_page_shows_aggregates_and_individuals(alice, alice_client):
    team, role = build_team(alice, 200, slug="large")
    data = alice_client.get(reverse("teams:matrix_json", args=[team.slug, role.slug])).json()
    assert len(data["individuals"]) == 66  # every third member
    assert sum(next(iter(data["aggregate"].values()))["counts"]) == 67  # aggregates only: never the named
    assert len(data["members_submitted"]) == 200
