"""assessments 0008 and careerpath 0001 move the owner keys to the page cache's app, keeping every key:
a page stored before the upgrade is still served to its owner, not rendered again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0007_sharelink_token_digest")]  # careerpath 0001 depends on 0008: undone too
AFTER = [("careerpath", "0001_initial")]
KEY = bytes(range(32))


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


def tables():
    with connection.cursor():
        return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_owner_keys_move_to_the_page_cache_with_their_values(latest_schema_after):
    apps = migrate(BEFORE)
    apps.get_model("assessments", "OwnerKey").objects.create(scope="u7", key=KEY)

    apps = migrate(AFTER)

    assert bytes(apps.get_model("careerpath", "OwnerKey").objects.get(scope="u7").key) == KEY
    assert "careerpath_ownerkey" in tables() and "assessments_ownerkey" not in tables()


@pytest.mark.django_db(transaction=True)
def test_migrating_back_gives_assessments_the_owner_keys_again(latest_schema_after):
    apps = migrate(AFTER)
    apps.get_model("careerpath", "OwnerKey").objects.create(scope="s-visitor", key=KEY)

    apps = migrate(BEFORE)

    assert bytes(apps.get_model("assessments", "OwnerKey").objects.get(scope="s-visitor").key) == KEY
    assert "assessments_ownerkey" in tables() and "careerpath_ownerkey" not in tables()
