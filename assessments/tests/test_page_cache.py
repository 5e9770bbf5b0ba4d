"""The report page is served whole from the cache, keyed by its owner's stamp: a repeat view does
no template work, and every change the page shows is seen on the very next view."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, PlanItem
from assessments.tests.factories import draft_for, submitted_for
from careerpath import pagecache
from careerpath.owner import Owner
from roles.tests.factories import RoleFactory, RoleSkillFactory


def report_url(assessment):
    return reverse("assessments:report", args=[assessment.pk])


def view(client, assessment):
    response = client.get(report_url(assessment))
    assert response.status_code == 200
    return response.content.decode()


def csrf_tokens(body):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))


def test_a_repeat_report_view_is_served_from_the_cache_with_its_key_reads_only(
    alice_client, alice, role, django_assert_max_num_queries
):
    assessment = submitted_for(alice, role)
    first = view(alice_client, assessment)

    with django_assert_max_num_queries(4):  # session, user, the content revision, the owner key
        second = view(alice_client, assessment)

    assert re.sub(r'value="[^"]+"', "", first) == re.sub(r'value="[^"]+"', "", second)
    assert "Signed in as <strong>alice</strong>" in second


def test_the_cached_page_carries_a_working_csrf_token_for_the_viewer(alice, role):
    assessment = submitted_for(alice, role, level=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    view(client, assessment)  # stored

    body = view(client, assessment)  # from the cache
    (token,) = csrf_tokens(body)
    assert "hole" not in token
    response = client.post(reverse("assessments:plan_create", args=[assessment.pk]), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert PlanItem.objects.filter(plan__assessment=assessment).count() == 4


def test_a_new_and_a_revoked_share_link_show_at_once(alice_client, alice, role):
    assessment = submitted_for(alice, role)
    assert "active)" not in view(alice_client, assessment)

    # Each POST's redirect is followed, so its flash message is shown there and not on the report.
    alice_client.post(reverse("assessments:shares", args=[assessment.pk]), {"display_name": "A."}, follow=True)
    assert "Share (1 active)" in view(alice_client, assessment)

    link = assessment.share_links.get()
    alice_client.post(reverse("assessments:revoke_share", args=[assessment.pk, link.pk]), follow=True)
    assert "active)" not in view(alice_client, assessment)


def test_making_a_plan_and_finishing_an_item_show_at_once(alice_client, alice, role):
    first = submitted_for(alice, role, level=1)
    assert "Make this my plan" in view(alice_client, first)

    alice_client.post(reverse("assessments:plan_create", args=[first.pk]), follow=True)
    assert "View my plan" in view(alice_client, first)

    second = submitted_for(alice, role, level=3)
    assert 'data-testid="plan-outcomes"' not in view(alice_client, second)
    item = PlanItem.objects.filter(plan__assessment=first).first()
    services.update_plan_item(item=item, action="", target_date=None, notes="", status=PlanItem.Status.DONE)

    assert 'data-testid="plan-outcomes"' in view(alice_client, second)


def test_ratings_given_elsewhere_move_the_closest_roles_at_once(alice_client, alice, role, skills):
    assessment = submitted_for(alice, role, level=3)
    cousin = RoleFactory(title="Close Cousin")
    for skill in skills[:3]:
        RoleSkillFactory(role=cousin, skill=skill, target=2)
    assert "Close Cousin" in view(alice_client, assessment)

    draft = draft_for(alice, cousin)  # rating the cousin's skills 0 in a new draft drops it below the bar
    for skill in skills[:3]:
        services.save_rating(assessment=draft, skill=skill, level=0, evidence="")
    body = view(alice_client, assessment)

    fits = body[body.index("role-fit") :]
    assert fits.index("Data Wrangler") < fits.index("Close Cousin")


def test_deleting_the_earlier_assessment_removes_the_progress_section(alice_client, alice, role):
    earlier = submitted_for(alice, role, level=1)
    later = submitted_for(alice, role, level=3)
    assert "Progress since" in view(alice_client, later)

    alice_client.post(reverse("assessments:delete", args=[earlier.pk]), follow=True)

    assert not Assessment.objects.filter(pk=earlier.pk).exists()
    assert "Progress since" not in view(alice_client, later)


@pytest.mark.django_db(transaction=True)  # the content revision moves when a transaction commits
def test_a_role_renamed_in_the_admin_shows_on_the_report_at_once(alice_client, alice, role, skills):
    assessment = submitted_for(alice, role, current_role=RoleFactory(title="Analyst"))
    assert "Analyst" in view(alice_client, assessment)

    assessment.current_role.title = "Data Analyst II"
    assessment.current_role.save()

    assert "Data Analyst II" in view(alice_client, assessment)


def test_a_flash_message_shows_once_on_a_cached_page_and_is_not_stored(alice_client, alice, role):
    assessment = submitted_for(alice, role)
    link, _token = services.share_report(assessment=assessment, display_name="A.")
    view(alice_client, assessment)  # the page is now stored

    alice_client.post(reverse("assessments:revoke_share", args=[assessment.pk, link.pk]))  # not followed
    body = view(alice_client, assessment)

    assert "alert-dismissible" in body and "Link revoked" in body
    assert "alert-dismissible" not in view(alice_client, assessment)


def test_each_member_sees_their_own_name_on_a_shared_cached_template(alice_client, bob_client, alice, bob, role):
    mine, theirs = submitted_for(alice, role), submitted_for(bob, role)

    assert "Signed in as <strong>alice</strong>" in view(alice_client, mine)
    assert "Signed in as <strong>bob</strong>" in view(bob_client, theirs)
    assert alice_client.get(report_url(theirs)).status_code == 404


# --- assessment steps -------------------------------------------------------------------------


def step_url(assessment, number=1):
    return reverse("assessments:step", args=[assessment.pk, number])


def checked_levels(body):
    return re.findall(r'value="(\d)" checked', body)


def test_a_repeat_step_view_is_served_from_the_cache_with_its_key_reads_only(
    alice_client, alice, role, django_assert_max_num_queries
):
    draft = draft_for(alice, role)
    first = alice_client.get(step_url(draft)).content.decode()

    with django_assert_max_num_queries(4):  # session, user, the content revision, the owner key
        second = alice_client.get(step_url(draft)).content.decode()

    assert re.sub(r'value="[^"]+"', "", first) == re.sub(r'value="[^"]+"', "", second)


def test_an_autosaved_rating_shows_on_the_next_step_view(alice_client, alice, role, skills):
    draft = draft_for(alice, role)
    assert checked_levels(alice_client.get(step_url(draft)).content.decode()) == []

    response = alice_client.post(reverse("assessments:rate", args=[draft.pk]), {"skill": skills[0].slug, "level": 4})
    assert response.status_code == 200

    assert checked_levels(alice_client.get(step_url(draft)).content.decode()) == ["4"]


def test_a_plan_item_changed_elsewhere_shows_beside_the_skill_at_once(alice_client, alice, role, skills):
    first = submitted_for(alice, role, level=1)
    services.create_plan(assessment=first)
    draft, _ = services.retake_assessment(assessment=first)
    assert "Not started" in alice_client.get(step_url(draft)).content.decode()

    item = PlanItem.objects.get(plan__assessment=first, skill=skills[0])
    services.update_plan_item(item=item, action="", target_date=None, notes="", status=PlanItem.Status.DONE)

    assert "<strong>Done</strong>" in alice_client.get(step_url(draft)).content.decode()


@pytest.mark.django_db(transaction=True)  # the content revision moves when a transaction commits
def test_a_skill_renamed_in_the_admin_shows_on_the_step_at_once(alice_client, alice, role, skills):
    draft = draft_for(alice, role)
    assert skills[0].name in alice_client.get(step_url(draft)).content.decode()

    skills[0].name = "Renamed Skill"
    skills[0].save()

    assert "Renamed Skill" in alice_client.get(step_url(draft)).content.decode()


def test_a_submitted_assessment_step_still_redirects_to_the_report_once_cached(alice_client, alice, role):
    draft = draft_for(alice, role, {rs.skill.slug: 3 for rs in role.role_skills.select_related("skill")})
    assert alice_client.get(step_url(draft)).status_code == 200
    services.submit_assessment(assessment=draft)

    response = alice_client.get(step_url(draft))

    assert response.status_code == 302 and response["Location"] == report_url(draft)


def test_another_users_and_a_visitors_step_requests_are_404_with_a_warm_cache(
    alice_client, bob_client, client, alice, role
):
    draft = draft_for(alice, role)
    assert alice_client.get(step_url(draft)).status_code == 200

    assert bob_client.get(step_url(draft)).status_code == 404
    assert client.get(step_url(draft)).status_code == 404
    assert alice_client.get(step_url(draft, 0)).status_code == 404
    assert bob_client.get(step_url(draft, 99)).status_code == 404
    past_the_end = alice_client.get(step_url(draft, 99))  # the steps were regrouped: the next step to do
    assert past_the_end.status_code == 302 and past_the_end["Location"] == reverse("assessments:take", args=[draft.pk])


# --- dashboard --------------------------------------------------------------------------------


def dashboard(client):
    response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_dashboard_view_is_served_from_the_cache_with_its_key_reads_only(
    alice_client, alice, role, django_assert_max_num_queries
):
    submitted_for(alice, role)
    dashboard(alice_client)

    with django_assert_max_num_queries(4):  # session, user, the content revision, the owner key
        assert "Data Wrangler" in dashboard(alice_client)


def test_the_dashboard_shows_new_ratings_drafts_and_plans_at_once(alice_client, alice, role, skills):
    assert "Data Wrangler" not in dashboard(alice_client)
    draft = draft_for(alice, role)
    assert "(0 of 4)" in dashboard(alice_client)

    services.save_rating(assessment=draft, skill=skills[0], level=2)
    assert "(1 of 4)" in dashboard(alice_client)

    report = submitted_for(alice, RoleFactory(title="Other Role"), level=0)
    services.create_plan(assessment=report)
    body = dashboard(alice_client)
    assert "Other Role" in body and "0 of " in body


def test_overdue_items_are_flagged_on_the_day_they_become_overdue(alice_client, alice, role, skills, monkeypatch):
    import datetime

    from django.utils import timezone

    report = submitted_for(alice, role, level=0)
    services.create_plan(assessment=report)
    item = PlanItem.objects.filter(plan__assessment=report).first()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    services.update_plan_item(item=item, action="", target_date=tomorrow, notes="", status=PlanItem.Status.NOT_STARTED)
    assert "overdue" not in dashboard(alice_client)

    later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "1 overdue" in dashboard(alice_client)


# --- role fit ---------------------------------------------------------------------------------


def readiness_shown(body, title):
    """The readiness the role-fit list shows for the role `title`."""
    return re.search(rf">{re.escape(title)}</a>.*?<strong[^>]*>([\d.]+)%</strong>", body, re.S).group(1)


def test_the_role_fit_page_is_cached_and_follows_new_ratings(
    alice_client, alice, role, skills, django_assert_max_num_queries
):
    submitted_for(alice, role, level=3)
    cousin = RoleFactory(title="Close Cousin")
    for skill in skills[:3]:
        RoleSkillFactory(role=cousin, skill=skill, target=2)
    url = reverse("assessments:fit")
    assert readiness_shown(alice_client.get(url).content.decode(), "Close Cousin") == "100"
    with django_assert_max_num_queries(4):  # session, user, the content revision, the owner key
        alice_client.get(url)

    draft = draft_for(alice, cousin)
    for skill in skills[:3]:
        services.save_rating(assessment=draft, skill=skill, level=0)

    assert readiness_shown(alice_client.get(url).content.decode(), "Close Cousin") == "0"


def test_an_update_that_gives_a_visitors_draft_to_an_account_moves_both_owners_keys(alice, role):
    draft = Assessment.objects.create(role=role, session_key="visitor-session")
    alices, visitors = Owner(user_id=alice.pk).scope, Owner(session_key="visitor-session").scope
    before = pagecache.owner_keys([alices, visitors])

    Assessment.objects.filter(pk=draft.pk).update(user=alice, session_key="")

    after = pagecache.owner_keys([alices, visitors])
    assert after[alices] != before[alices], "alice's dashboard would not show the draft she was given"
    assert after[visitors] != before[visitors]


def test_an_update_that_moves_no_row_reads_no_owners_after_it(alice, role, django_assert_num_queries):
    draft_for(alice, role)
    with django_assert_num_queries(3):  # who is on the rows' pages, the update, alice's new key
        Assessment.objects.filter(user=alice).update(updated_at=timezone.now())
