"""Review cycles: membership fixed at the opening, a result frozen at the close, released only from
enough hidden contributors, withdrawn (not recomputed) when one of them withdraws, and bad input
refused with a clear error that changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import delete_user_account
from accounts.tests.factories import UserFactory
from assessments.tests.factories import submitted_for
from roles.models import Role
from roles.tests.factories import make_role
from teams import services
from teams.models import CycleParticipant, Membership, ReviewCycle
from teams.tests.factories import join, membership

pytestmark = pytest.mark.django_db

K = 3


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.TEAM_MIN_AGGREGATE = K


def cycle_rows():
    return {
        "cycles": list(
            ReviewCycle.objects.order_by("pk").values_list(
                "pk", "closed_at", "released_at", "withdrawn_at", "contributors", "result", "withheld_reason"
            )
        ),
        "participants": list(
            CycleParticipant.objects.order_by("pk").values_list("pk", "user_id", "submitted", "contributed")
        ),
    }


def open_(team, role, by, days=14):
    return services.open_cycle(team=team, role=role, by=by, closes_on=timezone.localdate() + timedelta(days=days))


def hidden_members(team, n, *, prefix="h"):
    return [join(team, UserFactory(username=f"{prefix}{i}"), consent=Membership.Consent.AGGREGATES) for i in range(n)]


def submit_all(memberships, role, level=2):
    for m in memberships:
        submitted_for(m.user, role, level=level)


def role_page(client, team, role):
    return client.get(reverse("teams:role", args=[team.slug, role.slug])).content.decode()


def matrix(client, team, role):
    return client.get(reverse("teams:matrix_json", args=[team.slug, role.slug])).json()


# --- opening ---------------------------------------------------------------------------------------


def test_opening_fixes_who_takes_part_a_later_joiner_never_counts(team, role, alice, assigned, alice_client):
    members = hidden_members(team, K)
    cycle = open_(team, role, alice)
    late = hidden_members(team, 1, prefix="late")[0]
    submit_all([*members, late], role)
    services.close_cycle(cycle=cycle, by=alice)
    cycle.refresh_from_db()
    people = set(cycle.participants.values_list("user_id", flat=True))
    assert late.user_id not in people and {m.user_id for m in members} <= people
    assert cycle.contributors == K and cycle.state == ReviewCycle.State.RELEASED
    assert matrix(alice_client, team, role)["aggregate_cycle"]["contributors"] == K


def test_an_open_cycle_shows_completion_only(team, role, alice, assigned, alice_client):
    members = hidden_members(team, K)
    open_(team, role, alice)
    submit_all(members[:2], role)
    page = role_page(alice_client, team, role)
    data = matrix(alice_client, team, role)
    assert "2 of 4 have submitted" in page  # alice is assigned too (the whole team)
    assert "h0: submitted" in page and "h2: not yet" in page
    assert data["aggregate"] is None and data["cycles"][0]["state"] == "open"


def test_only_an_assessment_submitted_while_the_cycle_is_open_counts(team, role, alice, assigned):
    members = hidden_members(team, K)
    submit_all(members, role)  # before the opening: not part of the cycle
    cycle = services.close_cycle(cycle=open_(team, role, alice), by=alice)
    assert (cycle.contributors, cycle.state) == (0, ReviewCycle.State.WITHHELD)
    assert not cycle.participants.filter(submitted=True).exists()


@pytest.mark.parametrize(
    ("days", "error"),
    [(-1, "today or later"), (91, "at most 90 days")],
)
def test_a_closing_day_out_of_range_is_refused_and_changes_nothing(
    team, role, alice, assigned, alice_client, days, error
):
    before = cycle_rows()
    closes_on = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = alice_client.post(reverse("teams:open_cycle", args=[team.slug, role.slug]), {"closes_on": closes_on})
    assert response.status_code == 200 and error in response.content.decode()
    assert cycle_rows() == before


def test_a_second_open_cycle_of_the_same_role_is_refused(team, role, alice, assigned):
    open_(team, role, alice)
    before = cycle_rows()
    with pytest.raises(services.TeamError, match="already open"):
        open_(team, role, alice)
    assert cycle_rows() == before


def test_a_cycle_for_a_role_nobody_is_assigned_is_refused(team, role, alice):
    services.assign_role(team=team, by=alice, role=role, members=[membership(team, alice)])
    other = make_role(title="Other role")
    with pytest.raises(services.TeamError, match="not assigned|assign it first"):
        open_(team, other, alice)
    assert not ReviewCycle.objects.exists()


def test_a_cycle_for_an_unpublished_role_is_refused_and_changes_nothing(team, role, alice, assigned, alice_client):
    Role.objects.filter(pk=role.pk).update(is_published=False)
    before = cycle_rows()
    with pytest.raises(services.TeamError, match="no longer published"):
        open_(team, role.__class__.objects.get(pk=role.pk), alice)
    response = alice_client.post(
        reverse("teams:open_cycle", args=[team.slug, role.slug]), {"closes_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 410 and "was withdrawn" in response.content.decode()
    assert cycle_rows() == before


# --- closing ---------------------------------------------------------------------------------------


def test_closing_twice_is_refused_with_a_clear_error_and_changes_nothing(team, role, alice, assigned, alice_client):
    members = hidden_members(team, K)
    cycle = open_(team, role, alice)
    submit_all(members, role)
    alice_client.post(reverse("teams:close_cycle", args=[team.slug, cycle.pk]))
    before = cycle_rows()
    response = alice_client.post(reverse("teams:close_cycle", args=[team.slug, cycle.pk]), follow=True)
    assert "already closed on" in response.content.decode()
    assert cycle_rows() == before


def test_a_cycle_closes_by_itself_on_its_day_as_of_its_end(team, role, alice, assigned, alice_client):
    members = hidden_members(team, K)
    cycle = open_(team, role, alice, days=0)
    submit_all(members, role)
    ReviewCycle.objects.filter(pk=cycle.pk).update(closes_at=timezone.now())  # its day has just ended
    page = role_page(alice_client, team, role)
    cycle.refresh_from_db()
    assert cycle.closed_at == cycle.closes_at and cycle.closed_by is None
    assert cycle.state == ReviewCycle.State.RELEASED
    assert 'data-testid="distribution"' in page


def test_the_close_command_closes_every_cycle_whose_day_has_passed(team, role, alice, assigned):
    from django.core.management import call_command

    cycle = open_(team, role, alice, days=0)
    ReviewCycle.objects.filter(pk=cycle.pk).update(closes_at=timezone.now())
    call_command("close_review_cycles", verbosity=0)
    cycle.refresh_from_db()
    assert cycle.closed_at is not None


def test_below_the_threshold_the_cycle_closes_without_a_result_and_says_why(team, role, alice, assigned, alice_client):
    members = hidden_members(team, K - 1)
    cycle = open_(team, role, alice)
    submit_all(members, role)
    services.close_cycle(cycle=cycle, by=alice)
    page = role_page(alice_client, team, role)
    assert f"Only {K - 1} of the people who submitted share aggregates only" in page
    assert matrix(alice_client, team, role)["aggregate"] is None


def test_owners_managers_and_named_members_are_never_hidden_contributors(team, role, alice, assigned, manager):
    services.set_consent(membership=membership(team, alice), consent=Membership.Consent.AGGREGATES)
    services.set_consent(membership=manager, consent=Membership.Consent.AGGREGATES)
    named = join(team, consent=Membership.Consent.INDIVIDUAL)
    hidden = hidden_members(team, K)
    cycle = open_(team, role, alice)
    submit_all([membership(team, alice), manager, named, *hidden], role)
    cycle = services.close_cycle(cycle=cycle, by=alice)
    counted = set(cycle.participants.filter(contributed=True).values_list("user_id", flat=True))
    assert counted == {m.user_id for m in hidden}
    assert sum(cycle.result["skills"][0]["counts"]) == K


# --- frozen ---------------------------------------------------------------------------------------


def released(team, role, alice, n=K + 1, level=2):
    members = hidden_members(team, n)
    cycle = open_(team, role, alice)
    submit_all(members, role, level=level)
    return services.close_cycle(cycle=cycle, by=alice), members


def test_a_released_result_stays_as_it_was_after_leaves_removals_assignments_and_retakes(
    team, role, alice, assigned, alice_client
):
    cycle, members = released(team, role, alice)
    first = matrix(alice_client, team, role)["aggregate"]
    services.leave_team(membership=members[0])
    services.remove_member(team=team, membership=members[1])
    services.set_consent(membership=members[2], consent=Membership.Consent.INDIVIDUAL)
    services.assign_role(team=team, by=alice, role=role)
    submitted_for(members[3].user, role, level=5)
    assert matrix(alice_client, team, role)["aggregate"] == first


def test_withdrawing_consent_withdraws_every_result_that_counted_the_member(team, role, alice, assigned, alice_client):
    cycle, members = released(team, role, alice)
    services.set_consent(membership=members[0], consent=Membership.Consent.NOTHING)
    cycle.refresh_from_db()
    assert (cycle.result, cycle.state) == (None, ReviewCycle.State.WITHDRAWN)
    assert matrix(alice_client, team, role)["aggregate"] is None
    assert "someone it counted withdrew their consent or deleted their account" in role_page(alice_client, team, role)


def test_choosing_nothing_after_sharing_by_name_still_withdraws_a_result_that_counted_them(team, role, alice, assigned):
    cycle, members = released(team, role, alice)
    services.set_consent(membership=members[0], consent=Membership.Consent.INDIVIDUAL)
    cycle.refresh_from_db()
    assert cycle.state == ReviewCycle.State.RELEASED  # sharing more withdraws nothing
    services.set_consent(membership=members[0], consent=Membership.Consent.NOTHING)
    cycle.refresh_from_db()
    assert cycle.state == ReviewCycle.State.WITHDRAWN


def test_deleting_an_account_withdraws_the_result_and_keeps_the_count_of_who_took_part(team, role, alice, assigned):
    cycle, members = released(team, role, alice)
    delete_user_account(user=members[0].user)
    cycle.refresh_from_db()
    assert cycle.state == ReviewCycle.State.WITHDRAWN and cycle.result is None
    assert cycle.participants.filter(user__isnull=True, contributed=True).count() == 1


def test_a_viewer_who_is_one_of_the_contributors_sees_the_result_only_with_enough_others(
    team, role, alice, assigned, client
):
    cycle, members = released(team, role, alice, n=K)
    promoted = services.set_member_role(team=team, membership=members[0], role=Membership.Role.MANAGER)
    client.force_login(promoted.user)
    data = matrix(client, team, role)
    assert data["aggregate"] is None  # without themself only K - 1 hidden people remain
    assert "Not shown to you" in data["cycles"][0]["reason"]


def test_a_contributor_now_shown_by_name_no_longer_counts_as_hidden(team, role, alice, assigned, alice_client):
    cycle, members = released(team, role, alice, n=K)
    services.set_consent(membership=members[0], consent=Membership.Consent.INDIVIDUAL)
    assert matrix(alice_client, team, role)["aggregate"] is None


# --- differencing ---------------------------------------------------------------------------------


def test_a_result_differing_from_an_earlier_one_by_fewer_than_the_threshold_is_withheld(
    team, role, alice, assigned, alice_client
):
    first, members = released(team, role, alice, n=K + 1)
    second = open_(team, role, alice)
    submit_all(members[1:], role)  # the same people but one
    second = services.close_cycle(cycle=second, by=alice)
    assert second.state == ReviewCycle.State.WITHHELD
    assert "differ from those of the" in second.withheld_reason and "by only 1 person" in second.withheld_reason
    assert second.participants.filter(contributed=True).count() == 0


def test_a_result_of_the_very_same_people_is_released_again(team, role, alice, assigned):
    first, members = released(team, role, alice, n=K)
    second = open_(team, role, alice)
    submit_all(members, role, level=3)
    assert services.close_cycle(cycle=second, by=alice).state == ReviewCycle.State.RELEASED


def test_a_withdrawn_result_still_counts_against_a_near_copy(team, role, alice, assigned):
    first, members = released(team, role, alice, n=K + 1)
    services.set_consent(membership=members[0], consent=Membership.Consent.NOTHING)  # withdraws `first`
    second = open_(team, role, alice)
    submit_all(members[1:], role)
    assert services.close_cycle(cycle=second, by=alice).state == ReviewCycle.State.WITHHELD


def test_another_role_sharing_no_skill_is_not_compared(team, role, alice, assigned):
    first, members = released(team, role, alice, n=K + 1)
    other = make_role(required=2, differentiating=0, title="Unrelated role")
    services.assign_role(team=team, by=alice, role=other)
    second = open_(team, other, alice)
    submit_all(members[1:], other)
    assert services.close_cycle(cycle=second, by=alice).state == ReviewCycle.State.RELEASED


# --- the pages ------------------------------------------------------------------------------------


def test_members_see_an_open_cycle_on_the_team_page_and_their_dashboard(team, role, alice, assigned, client):
    member = hidden_members(team, 1)[0]
    open_(team, role, alice)
    client.force_login(member.user)
    assert 'data-testid="cycle-notice"' in client.get(reverse("teams:detail", args=[team.slug])).content.decode()
    dashboard = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Review cycle open until the end of" in dashboard


def test_a_member_who_submitted_before_the_cycle_opened_is_not_done_on_the_dashboard(
    team, role, alice, assigned, client
):
    member = hidden_members(team, 1)[0]
    submit_all([member], role)
    client.force_login(member.user)
    assert "Done" in client.get(reverse("assessments:dashboard")).content.decode()
    open_(team, role, alice)
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert ">Start<" in page and "badge text-bg-success" not in page


def test_the_cycle_pages_are_for_the_teams_managers_only(team, role, alice, assigned, bob_client, client):
    cycle = open_(team, role, alice)
    member = hidden_members(team, 1)[0]
    client.force_login(member.user)
    before = cycle_rows()
    for c in (bob_client, client):
        assert c.post(reverse("teams:close_cycle", args=[team.slug, cycle.pk])).status_code == 404
        assert (
            c.post(reverse("teams:open_cycle", args=[team.slug, role.slug]), {"closes_on": "2030-01-01"}).status_code
            == 404
        )
    assert cycle_rows() == before


def test_another_teams_cycle_is_a_404(team, role, alice, assigned, bob, bob_client):
    other = services.create_team(user=bob, name="Other", slug="other")
    services.assign_role(team=other, by=bob, role=role)
    cycle = open_(other, role, bob)
    before = cycle_rows()
    assert bob_client.post(reverse("teams:close_cycle", args=[team.slug, cycle.pk])).status_code == 404
    response = bob_client.post(reverse("teams:close_cycle", args=[other.slug, cycle.pk]))
    assert response.status_code == 302
    assert cycle_rows() != before  # his own: closed
