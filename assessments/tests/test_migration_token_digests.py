"""assessments 0007 and reviews 0002 keep share and review links working while dropping their tokens.

Before them the tokens were stored in plain text (issue 25, finding 9); after them only each
token's SHA-256 is, and a link given out before the upgrade still opens, found by that digest.
"""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from assessments.tests.factories import submitted_for

BEFORE = [("assessments", "0006_sharelink_include_reviews"), ("reviews", "0001_second_opinions")]
AFTER = [("assessments", "0007_sharelink_token_digest"), ("reviews", "0002_reviewrequest_token_digest")]
SHARE_TOKEN = "s" * 20 + "-given-out-before-the-upgrade"
REVIEW_TOKEN = "r" * 20 + "-given-out-before-the-upgrade"


@pytest.fixture
def latest_schema_after():
    """Whatever the test migrates to, later tests get the whole schema back (every app's latest)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_links_given_out_before_the_upgrade_still_open_and_their_tokens_are_gone(alice, bob, role, latest_schema_after):
    submitted = submitted_for(alice, role)
    apps = migrate(BEFORE)
    ShareLink, ReviewRequest = apps.get_model("assessments", "ShareLink"), apps.get_model("reviews", "ReviewRequest")
    ShareLink.objects.create(assessment_id=submitted.pk, token=SHARE_TOKEN, display_name="Alice A.")
    ReviewRequest.objects.create(assessment_id=submitted.pk, token=REVIEW_TOKEN, display_name="A.", skills=[])
    ReviewRequest.objects.create(assessment_id=submitted.pk, token="t" * 43, display_name="A.", invitee_id=bob.pk)

    apps = migrate(AFTER)

    ShareLink, ReviewRequest = apps.get_model("assessments", "ShareLink"), apps.get_model("reviews", "ReviewRequest")
    assert ShareLink.objects.get().token_digest == hashlib.sha256(SHARE_TOKEN.encode()).hexdigest()
    by_link, by_name = ReviewRequest.objects.order_by("pk")
    assert by_link.token_digest == hashlib.sha256(REVIEW_TOKEN.encode()).hexdigest()
    assert by_name.token_digest is None, "a request to a teammate never had a link to keep"
    assert "token" not in {f.name for f in ShareLink._meta.fields} | {f.name for f in ReviewRequest._meta.fields}
    with connection.cursor() as cursor:
        for table in ("assessments_sharelink", "reviews_reviewrequest"):
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            assert "token" not in columns and "token_digest" in columns

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert Client().get(reverse("assessments:shared", args=[SHARE_TOKEN])).status_code == 200
    carol = Client()
    carol.force_login(bob)
    assert carol.get(reverse("reviews:open", args=[REVIEW_TOKEN])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_migrating_back_gives_every_link_a_new_token(alice, role, latest_schema_after):
    """The dropped tokens cannot come back: going back rotates the links (they stop opening)."""
    submitted = submitted_for(alice, role)
    apps = migrate(BEFORE)
    apps.get_model("assessments", "ShareLink").objects.create(
        assessment_id=submitted.pk, token=SHARE_TOKEN, display_name="Alice A."
    )
    apps.get_model("assessments", "ShareLink").objects.create(
        assessment_id=submitted.pk, token="x" * 43, display_name="Alice B."
    )
    migrate(AFTER)

    apps = migrate(BEFORE)

    tokens = list(apps.get_model("assessments", "ShareLink").objects.values_list("token", flat=True))
    assert len(set(tokens)) == 2 and SHARE_TOKEN not in tokens and all(len(t) >= 43 for t in tokens)
