"""Staff see teams and memberships read-only in the admin; nothing there edits a rating."""

import pytest
from django.urls import reverse

from teams.models import Membership
from teams.tests.conftest import member_with_report

pytestmark = pytest.mark.django_db


def test_staff_see_teams_and_memberships(staff_client, team, manager):
    for name in (
        "admin:teams_team_changelist",
        "admin:teams_membership_changelist",
        "admin:teams_invitation_changelist",
    ):
        assert staff_client.get(reverse(name)).status_code == 200
    page = staff_client.get(reverse("admin:teams_team_change", args=[team.pk])).content.decode()
    assert "bob" in page
    assert 'name="_save"' not in page  # read-only: no save button


def test_staff_cannot_add_change_or_delete_a_membership(staff_client, team, manager):
    assert staff_client.get(reverse("admin:teams_membership_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:teams_membership_change", args=[manager.pk]), {"role": "owner", "consent": "individual"}
    )
    assert response.status_code == 403
    assert (
        staff_client.post(reverse("admin:teams_membership_delete", args=[manager.pk]), {"post": "yes"}).status_code
        == 403
    )
    manager.refresh_from_db()
    assert (manager.role, manager.consent) == ("manager", "nothing")


def test_the_team_admin_shows_no_ratings(staff_client, team, role, assigned):
    member_with_report(team, role, consent=Membership.Consent.INDIVIDUAL, evidence=True)
    page = staff_client.get(reverse("admin:teams_team_change", args=[team.pk])).content.decode()
    assert "rating" not in page.lower().replace("ratings never", "")


def test_ratings_have_no_admin_page_at_all():
    from django.contrib import admin

    from assessments.models import Assessment, Rating

    assert Rating not in admin.site._registry
    assert Assessment not in admin.site._registry
