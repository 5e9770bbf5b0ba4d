"""A report or a draft pinned to an older revision of its guide says so: "The guide has changed since
you submitted: see what changed", with a link to what changed and an offer to retake."""

import pytest
from django.urls import reverse

from assessments.tests.factories import draft_for, submitted_for
from roles import services as role_services
from roles.models import Role, RoleSkill
from roles.tests.factories import make_role

NOTICE = "The guide has changed since you submitted"


def publish_a_retarget(role):
    draft = role_services.start_draft(role=role)
    RoleSkill.objects.filter(role=draft).update(target=5)
    role_services.publish(role=draft, by=None)


@pytest.mark.django_db(transaction=True)  # publishing moves the cached report's key when it commits
def test_a_report_says_the_guide_changed_since_it_was_submitted_and_links_the_changes(alice, alice_client):
    role = make_role(title="Data Wrangler", required=2, differentiating=0)
    report = submitted_for(alice, role, level=2)
    url = reverse("assessments:report", args=[report.pk])
    assert NOTICE not in alice_client.get(url).content.decode()  # stored in the page cache

    publish_a_retarget(Role.objects.get(pk=role.pk))

    page = alice_client.get(url).content.decode()
    assert NOTICE in page
    changes = reverse("roles:changes", args=[role.slug, 1])
    assert f'href="{changes}">see what changed</a>' in page
    assert reverse("assessments:retake", args=[report.pk]) in page
    assert "3 → 5" in alice_client.get(changes).content.decode()


@pytest.mark.django_db
def test_a_report_submitted_after_the_last_publication_has_no_notice(alice, alice_client):
    role = make_role(title="Data Wrangler", required=2, differentiating=0)
    publish_a_retarget(role)
    report = submitted_for(alice, Role.objects.get(pk=role.pk), level=2)

    assert NOTICE not in alice_client.get(reverse("assessments:report", args=[report.pk])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_draft_assessment_started_before_a_publication_says_the_guide_changed(alice, alice_client):
    role = make_role(title="Data Wrangler", required=2, differentiating=0)
    draft = draft_for(alice, role)
    url = reverse("assessments:step", args=[draft.pk, 1])
    assert "The guide has changed since you started" not in alice_client.get(url).content.decode()

    publish_a_retarget(Role.objects.get(pk=role.pk))

    page = alice_client.get(url).content.decode()
    assert "The guide has changed since you started" in page
    assert reverse("roles:changes", args=[role.slug, 1]) in page
