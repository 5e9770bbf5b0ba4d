"""0003_plan_per_role merges the plans a person made from several reports of one role into one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("assessments", "0002_owner_key")]  # the migration 0003_plan_per_role follows
AFTER = [("assessments", "0004_plan_per_role_constraints")]


@pytest.fixture
def latest_schema_after():
    """Whatever the test migrates to, later tests get the whole schema back (every app's latest)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_plans_are_merged_into_one_per_person_and_role(alice, role, skills, latest_schema_after):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Assessment, Plan, PlanItem = (apps.get_model("assessments", m) for m in ("Assessment", "Plan", "PlanItem"))

    def report(days_ago, levels):
        when = timezone.now() - timezone.timedelta(days=days_ago)
        snapshot = {
            "skills": [{"slug": s.slug, "target": 3} for s in skills],
            "ratings": {s.slug: {"level": levels.get(s.slug, 3)} for s in skills},
        }
        return Assessment.objects.create(
            user_id=alice.pk, role_id=role.pk, status="submitted", submitted_at=when, snapshot=snapshot
        )

    old, new = report(30, {skills[0].slug: 1, skills[1].slug: 2}), report(1, {skills[1].slug: 2})
    old_plan, new_plan = Plan.objects.create(assessment=old), Plan.objects.create(assessment=new)
    kw = {"current_level": 1, "target_level": 3}
    PlanItem.objects.create(
        plan=old_plan, skill_id=skills[0].pk, skill_name="s0", action="Course", status="in_progress", **kw
    )
    PlanItem.objects.create(plan=old_plan, skill_id=skills[1].pk, skill_name="s1", action="Pair", notes="n", **kw)
    PlanItem.objects.create(plan=new_plan, skill_id=skills[1].pk, skill_name="s1", **kw)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Plan, PlanItem = apps.get_model("assessments", "Plan"), apps.get_model("assessments", "PlanItem")
    Event = apps.get_model("assessments", "PlanItemEvent")

    plan = Plan.objects.get()
    assert (plan.pk, plan.user_id, plan.role_id, plan.assessment_id) == (new_plan.pk, alice.pk, role.pk, new.pk)
    carried = PlanItem.objects.get(plan=plan, skill_id=skills[1].pk)
    assert (carried.action, carried.notes) == ("Pair", "n")
    closed = PlanItem.objects.get(plan=plan, skill_id=skills[0].pk)
    assert (closed.action, closed.status) == ("Course", "done")
    assert Event.objects.filter(item_id=closed.pk, text__startswith="Done: you now meet the target").exists()
    assert Event.objects.filter(item_id=carried.pk, kind="carried").exists()
