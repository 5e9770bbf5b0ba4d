"""Team pages: who sees what, consent taking effect on the next request, and bad input."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.tests.factories import submitted_for
from roles.models import Role
from roles.tests.factories import make_role
from teams import services
from teams.models import Assignment, Invitation, Membership, Team
from teams.tests.conftest import member_with_report
from teams.tests.factories import join, membership

pytestmark = pytest.mark.django_db

SECRET = "=cmd|' /C calc'!A0 my secret evidence"


def role_url(name, team, role):
    return reverse(f"teams:{name}", args=[team.slug, role.slug])


def matrix(client, team, role):
    response = client.get(role_url("matrix_json", team, role))
    assert response.status_code == 200
    return response.json()


def test_the_team_page_works_for_the_owner_and_is_404_for_a_stranger(alice_client, bob_client, client, team):
    url = reverse("teams:detail", args=[team.slug])
    assert alice_client.get(url).status_code == 200
    assert bob_client.get(url).status_code == 404
    assert client.get(url)["Location"].startswith(reverse("account_login") + "?next=")
    assert alice_client.post(url).status_code == 405


def test_a_plain_member_gets_404_for_the_role_page(team, role, assigned, client):
    m = member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL)
    client.force_login(m.user)
    assert client.get(role_url("role", team, role)).status_code == 404
    assert client.get(role_url("matrix_json", team, role)).status_code == 404


def test_a_manager_never_sees_a_non_consenting_members_ratings_evidence_or_plan(
    team, role, assigned, manager, bob_client
):
    quiet = member_with_report(team, role, consent=Membership.Consent.NOTHING, username="quiet", level=1)
    report = quiet.user.assessments.get()
    assessment_services.create_plan(assessment=report)
    open_ = member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, username="open", level=4)
    page = bob_client.get(role_url("role", team, role)).content.decode()
    data = matrix(bob_client, team, role)
    rows = list(csv.reader(io.StringIO(bob_client.get(role_url("matrix_csv", team, role)).content.decode())))
    assert "quiet: submitted" in page  # completion: the name only
    assert [p["display_name"] for p in data["individuals"]] == ["open"]
    assert data["aggregate"] is None  # no review cycle has closed
    assert "quiet" in data["members_submitted"]
    grid = [r for r in rows if r and r[0] in ("quiet", "open") and len(r) > 3]
    assert [r[0] for r in grid] == ["open"]  # the person × skill grid has only the named member
    assert open_.user.get_username() in page


def test_evidence_and_plan_show_only_with_their_ticks(team, role, assigned, manager, bob_client, alice):
    a = member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, username="ann", evidence=False)
    first = role.role_skills.select_related("skill").order_by("order")[0].skill
    draft, _ = assessment_services.retake_assessment(assessment=a.user.assessments.get())
    assessment_services.save_rating(assessment=draft, skill=first, level=1, evidence=SECRET)
    report, _ = assessment_services.submit_assessment(assessment=draft)
    assessment_services.create_plan(assessment=report)
    page = bob_client.get(role_url("role", team, role)).content.decode()
    assert "secret evidence" not in page and 'data-testid="shared-extras"' not in page
    services.set_consent(membership=a, consent=Membership.Consent.INDIVIDUAL, share_evidence=True, share_plan=True)
    page = bob_client.get(role_url("role", team, role)).content.decode()
    assert "my secret evidence" in page
    assert 'data-testid="shared-extras"' in page


def test_without_a_closed_cycle_the_page_shows_named_members_and_no_aggregate(
    team, role, assigned, manager, bob_client, settings
):
    settings.TEAM_MIN_AGGREGATE = 3
    for _ in range(3):
        member_with_report(team, role, consent=Membership.Consent.AGGREGATES, level=1)
    member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, username="ann", level=1)
    page = bob_client.get(role_url("role", team, role)).content.decode()
    data = matrix(bob_client, team, role)
    assert data["aggregate"] is None  # three share aggregates, but no review cycle has closed
    assert 'data-testid="distribution"' not in page
    assert "Counting 1 person: 1 shown by name." in page  # the summary counts ann only
    assert [p["display_name"] for p in data["individuals"]] == ["ann"]
    assert data["team_gaps"] and {g["members_below_target"] for g in data["team_gaps"]} == {1}


def test_withdrawing_consent_removes_the_member_on_the_next_request(team, role, assigned, manager, bob_client):
    m = member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, username="ann")
    assert [p["display_name"] for p in matrix(bob_client, team, role)["individuals"]] == ["ann"]
    services.set_consent(membership=m, consent=Membership.Consent.NOTHING)
    assert matrix(bob_client, team, role)["individuals"] == []
    assert "individual,ann" not in bob_client.get(role_url("matrix_csv", team, role)).content.decode()


def test_a_removed_members_data_disappears_at_once(team, role, assigned, manager, bob_client, alice_client):
    m = member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, username="ann")
    assert "ann" in bob_client.get(role_url("role", team, role)).content.decode()
    response = alice_client.post(reverse("teams:remove", args=[team.slug, m.pk]))
    assert response.status_code == 302
    assert "ann" not in bob_client.get(role_url("role", team, role)).content.decode()
    assert "ann" not in json.dumps(matrix(bob_client, team, role))


def test_the_csv_grid_is_the_jsons_ratings_and_is_formula_safe(team, role, assigned, manager, bob_client):
    member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, username="=evil")
    data = matrix(bob_client, team, role)
    response = bob_client.get(role_url("matrix_csv", team, role))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows.index(["member", "verdict", "readiness %", *(s["name"] for s in data["skills"])])
    person = rows[header + 1]
    assert person[0] == "'=evil"
    ratings = data["individuals"][0]["ratings"]
    assert [int(v) for v in person[3:]] == [ratings[s["slug"]] for s in data["skills"]]


def test_matrix_json_is_a_download_with_the_issues_keys_and_the_cycles(team, role, assigned, manager, bob_client):
    response = bob_client.get(role_url("matrix_json", team, role))
    assert response["Content-Disposition"] == f'attachment; filename="careerpath-{team.slug}-{role.slug}.json"'
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert set(data) == {
        "role",
        "skills",
        "members_submitted",
        "cycles",
        "aggregate_cycle",
        "aggregate",
        "individuals",
        "risks",
        "team_gaps",
    }


def test_a_foreign_teams_slug_is_a_404_and_changes_nothing(team, role, bob, bob_client):
    other = services.create_team(user=bob, name="Bob's", slug="bobs")
    before = (Assignment.objects.count(), Invitation.objects.count())
    assert (
        bob_client.post(reverse("teams:assign", args=[team.slug]), {"role": role.slug, "who": "everyone"}).status_code
        == 404
    )
    assert bob_client.post(reverse("teams:invitations", args=[team.slug]), {"role": "member"}).status_code == 404
    assert bob_client.get(reverse("teams:detail", args=[other.slug])).status_code == 200
    assert (Assignment.objects.count(), Invitation.objects.count()) == before


def test_an_owner_cannot_remove_a_member_of_another_team_by_id(team, alice_client, bob):
    other = services.create_team(user=bob, name="Bob's", slug="bobs")
    carol = join(other)
    assert alice_client.post(reverse("teams:remove", args=[team.slug, carol.pk])).status_code == 404
    assert Membership.objects.filter(pk=carol.pk).exists()


def test_assigning_an_unpublished_role_shows_an_error_and_changes_nothing(team, alice_client):
    hidden = make_role(title="Secret", is_published=False)
    response = alice_client.post(reverse("teams:assign", args=[team.slug]), {"role": hidden.slug, "who": "everyone"})
    assert response.status_code == 200
    assert "Choose a published role" in response.content.decode()
    assert not Assignment.objects.exists()


def test_assigning_chosen_members_assigns_exactly_those(team, role, alice, alice_client, manager):
    chosen = [join(team), join(team)]
    response = alice_client.post(
        reverse("teams:assign", args=[team.slug]),
        {"role": role.slug, "who": "chosen", "members": [m.pk for m in chosen], "due_date": "2027-01-31"},
    )
    assert response.status_code == 302
    a = Assignment.objects.get()
    assert (a.everyone, set(a.targets.all()), str(a.due_date)) == (False, set(chosen), "2027-01-31")
    assert membership(team, alice) not in a.targets.all() and manager not in a.targets.all()


def test_the_assignment_form_ticks_nobody_and_chooses_no_scope_by_default(team, alice_client, manager):
    page = alice_client.get(reverse("teams:assign", args=[team.slug])).content.decode()
    assert "checked" not in page
    assert 'name="who"' in page and 'value="everyone"' in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose who to assign it to"),
        ({"who": "chosen"}, "Tick at least one member"),
        ({"who": "everyone", "members": "MANAGER"}, "You chose the whole team and ticked members"),
        ({"who": "chosen", "members": "STRANGER"}, "Choose members of this team from the list."),
    ],
)
def test_assigning_without_a_clear_choice_is_refused_and_changes_nothing(
    team, role, alice_client, manager, bob, data, error
):
    stranger = services.create_team(user=bob, name="Other", slug="other").memberships.get()
    data = {k: {"MANAGER": manager.pk, "STRANGER": stranger.pk}.get(v, v) for k, v in data.items()}
    response = alice_client.post(reverse("teams:assign", args=[team.slug]), {"role": role.slug, **data})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_visitor_following_a_link_is_sent_to_log_in_and_back(team, alice, client):
    _, token = services.create_invitation(team=team, by=alice)
    url = reverse("teams:join", args=[token])
    page = client.get(url).content.decode()
    assert f'href="{reverse("account_login")}?next={url}"' in page or f"?next={url.replace('/', '%2F')}" in page
    assert client.post(url).status_code == 200  # a visitor's POST joins nobody
    assert Membership.objects.count() == 1


def test_accepting_through_the_page_joins_and_asks_for_consent(team, alice, bob_client, bob):
    invitation, token = services.create_invitation(team=team, by=alice)
    url = reverse("teams:join", args=[token])
    assert "Accept and join" in bob_client.get(url).content.decode()
    assert Membership.objects.filter(user=bob).count() == 0  # a GET does not join
    response = bob_client.post(url)
    assert response["Location"] == reverse("teams:consent", args=[team.slug])
    assert membership(team, bob).consent == Membership.Consent.NOTHING
    again = bob_client.post(url)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_an_expired_link_says_so_and_changes_nothing(team, alice, bob_client):
    invitation, token = services.create_invitation(team=team, by=alice)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = bob_client.post(reverse("teams:join", args=[token]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert Membership.objects.count() == 1


def test_an_unknown_link_is_a_404(bob_client):
    assert bob_client.get(reverse("teams:join", args=["x" * 43])).status_code == 404


def test_the_owner_creates_a_link_and_revokes_it(team, alice_client):
    response = alice_client.post(reverse("teams:invitations", args=[team.slug]), {"role": "member"})
    link = response.context["new_link"]
    assert "/teams/join/" in link
    invitation = Invitation.objects.get()
    alice_client.post(reverse("teams:revoke", args=[team.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_a_bad_email_gets_an_error_and_no_invitation(team, alice_client):
    response = alice_client.post(reverse("teams:invitations", args=[team.slug]), {"role": "member", "email": "nope"})
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_last_owner_leaving_gets_an_error(team, alice_client, alice):
    response = alice_client.post(reverse("teams:leave", args=[team.slug]), follow=True)
    assert "only owner" in response.content.decode()
    assert membership(team, alice).is_owner


def test_creating_a_team_with_a_taken_or_reserved_slug_is_refused(team, bob_client):
    for slug in (team.slug, "new"):
        response = bob_client.post(reverse("teams:create"), {"name": "X", "slug": slug})
        assert response.status_code == 200 and "slug" in response.context["form"].errors
    assert Team.objects.count() == 1


def test_consent_form_rejects_extras_without_individual_consent(team, manager, bob_client):
    response = bob_client.post(
        reverse("teams:consent", args=[team.slug]), {"consent": "aggregates", "share_evidence": "on"}
    )
    assert "only be shared together" in response.content.decode()
    manager.refresh_from_db()
    assert (manager.consent, manager.share_evidence) == ("nothing", False)


def test_the_dashboard_shows_assignments_with_start_continue_and_done(team, role, alice, bob, bob_client, manager):
    services.assign_role(team=team, by=alice, role=role, due_date=timezone.localdate() + timedelta(days=30))
    page = bob_client.get(reverse("assessments:dashboard")).content.decode()
    assert "Assigned by your teams" in page and ">Start<" in page
    assessment_services.start_assessment(role=role, user=bob)
    page = bob_client.get(reverse("assessments:dashboard")).content.decode()
    assert ">Continue<" in page
    bob.assessments.all().delete()
    submitted_for(bob, role)
    page = bob_client.get(reverse("assessments:dashboard")).content.decode()
    assert "Done" in page


def test_a_report_from_before_the_assignment_does_not_complete_it(team, role, alice, bob, bob_client, manager):
    submitted_for(bob, role)
    services.assign_role(team=team, by=alice, role=role)
    page = bob_client.get(reverse("assessments:dashboard")).content.decode()
    assert ">Start<" in page and "badge text-bg-success" not in page


def test_names_in_the_heat_map_and_table_are_escaped(team, role, assigned, manager, bob_client):
    member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, username="<b>x</b>")
    page = bob_client.get(role_url("role", team, role)).content.decode()
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_a_second_view_reads_member_reports_from_the_cache(team, role, assigned, manager, bob_client):
    for consent in (Membership.Consent.INDIVIDUAL, Membership.Consent.AGGREGATES, Membership.Consent.AGGREGATES):
        member_with_report(team, role, consent=consent)
    first = matrix(bob_client, team, role)
    assert matrix(bob_client, team, role) == first


def test_a_new_assignment_or_a_removal_shows_on_the_cached_dashboard_at_once(team, role, alice, bob_client, manager):
    assert "Assigned by your teams" not in bob_client.get(reverse("assessments:dashboard")).content.decode()
    services.assign_role(team=team, by=alice, role=role)
    assert "Assigned by your teams" in bob_client.get(reverse("assessments:dashboard")).content.decode()
    services.remove_member(team=team, membership=manager)
    assert "Assigned by your teams" not in bob_client.get(reverse("assessments:dashboard")).content.decode()


# --- a role taken off the site after it was assigned (issue #25, finding 10) ----------------------


def test_the_team_pages_of_a_role_withdrawn_since_it_was_assigned_answer_410_and_say_so(
    team, role, assigned, alice, alice_client
):
    from teams.models import ReviewCycle

    cycle = services.open_cycle(team=team, role=role, by=alice, closes_on=timezone.localdate())
    Role.objects.filter(pk=role.pk).update(is_published=False)
    before = list(ReviewCycle.objects.values_list("pk", "closed_at"))
    for name in ("role", "matrix_csv"):
        response = alice_client.get(role_url(name, team, role))
        assert response.status_code == 410, name
        assert "was withdrawn" in response.content.decode()
    response = alice_client.get(role_url("matrix_json", team, role))
    assert response.status_code == 410 and "withdrawn" in response.json()["error"]
    assert alice_client.post(role_url("open_cycle", team, role), {"closes_on": "2030-01-01"}).status_code == 410
    assert alice_client.post(reverse("teams:close_cycle", args=[team.slug, cycle.pk])).status_code == 410
    assert list(ReviewCycle.objects.values_list("pk", "closed_at")) == before
    page = alice_client.get(reverse("teams:detail", args=[team.slug])).content.decode()
    assert "withdrawn from the site" in page and role_url("role", team, role) not in page
