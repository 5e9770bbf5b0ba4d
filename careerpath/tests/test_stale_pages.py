"""A stale page fails a test (issue #13).

Two halves that together cover every cached page, every model it reads and every way to write:

1. What each cached page reads. Rendering it cold records the tables its queries touch; each one
   must belong to a model whose every write moves a part of the page's key: role content (the
   content revision) or an owned row (its owners' keys). A page that starts reading a new model,
   without that model declaring how its writes reach the key, fails here.
2. How each of those models is written. Every model, through each ORM path (save, create, queryset
   update, bulk update, bulk create, instance and queryset delete, many-to-many changes) and the
   admin (the change form, list editing and the "delete selected" action), must move the key.

Then, per page, end to end: a write a reader would see, made through the ORM, the admin and the
importer, and the next view must equal a fresh render (a request with a query string, which the
page cache never serves).
"""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import F
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments.models import PlanItem, Rating
from assessments.owners import owned_models, owners_of
from assessments.tests.factories import draft_for, submitted_for
from careerpath import pagecache
from careerpath.models import OwnerKey
from careerpath.owner import Owner
from careerpath.tests.test_layers import ROOT, app_modules, project_packages
from reviews.models import Calibration, Review
from reviews.tests.factories import review_of
from roles import registry, revision
from roles.models import ContentRevision, Role, RoleSkill
from roles.tests.factories import make_role
from teams.models import Assignment, Team
from teams.tests.factories import join, team_of

# Who is asking: the key's variant and owner scope, and the session entries the view declares. The
# strict request (pagecache._StrictRequest) makes the view read nothing else of them, and the strict
# template context (pagecache.strict_context) nothing else of the user (their name is a placeholder).
WHO_IS_ASKING = {"auth_user", "django_session"}
# Read for every request and filled in after the stored page (careerpath/requestparts.py), never stored.
PER_REQUEST = {"notices_notice": "the navbar's unread count"}


@pytest.fixture
def world(alice, bob, staff):
    """Alice's whole world: a draft, a submitted report with a plan, a share link, a review by
    bob and a calibration, a team with an assignment, an API token, notices and a notice setting;
    the roles she rates."""
    from api.services import create_token
    from assessments import services
    from notices import scan
    from notices import services as notices
    from notices.models import Delivery, Kind
    from reviews import services as reviews
    from teams import services as teams

    with committing():
        role = make_role(required=3, differentiating=1, courses=2, title="Data Wrangler")
        other = make_role(required=2, differentiating=0, title="Data Curator")
        submitted = submitted_for(alice, role, level=2)
        services.create_plan(assessment=submitted)
        services.share_report(assessment=submitted, display_name="Alice A.")
        review = review_of(submitted, bob, level=4, comments={role.role_skills.first().skill.slug: "Solid work"})
        reviews.save_calibrations(
            assessment=submitted,
            calibrations=[reviews.CalibrationInput(skill_slug=review.ratings.first().skill_slug, level=3, note="fair")],
        )
        first, second = (rs.skill.slug for rs in other.role_skills.select_related("skill")[:2])
        draft = draft_for(alice, other, levels={first: 1, second: 2})
        team = team_of(bob)
        join(team, alice)
        teams.assign_role(team=team, role=other, by=bob)
        teams.open_cycle(
            team=team, role=other, by=bob, closes_on=timezone.localdate()
        )  # alice takes part: her dashboard says so
        every_section(role, other)
        create_token(user=alice, name="Alice's script", scopes=["read:roles"], days=30)
        notices.set_preferences(user=alice, choices={Kind.REVIEW_ARRIVED: Delivery.DIGEST})
        scan.record(scan.detect(timezone.now()), now=timezone.now())  # bob's review arrived
    return {"role": role, "other": other, "submitted": submitted, "draft": draft, "team": team}


def every_section(role, other):
    """One row of every kind of role content the factories do not make."""
    from roles import models as m
    from roles.tests.factories import (
        CertificationFactory,
        CourseFactory,
        FamilyFactory,
        SkillFactory,
        shipped_source,
    )

    skill = role.role_skills.first().skill
    m.Responsibility.objects.create(role=role, text="Own the ingestion jobs")
    m.DevelopmentSuggestion.objects.create(role=role, skill=skill, text="Rebuild one pipeline end to end")
    m.NextStep.objects.create(role=role, text="Ask for the on-call rota")
    m.CareerMove.objects.create(role=role, to_role=other)
    m.LadderLevel.objects.create(role=role, title="Senior Wrangler", rung_role=other)
    path = m.TransitionPath.objects.create(role=role, from_role=other, gap="Scale")
    m.TransitionArtifact.objects.create(path=path, text="A migration write-up")
    m.SalaryBand.objects.create(role=role, level="Senior", low=100, high=200)
    certification = CertificationFactory(skills=[skill])
    m.RoleCertification.objects.create(role=role, certification=certification)
    m.HiringCompany.objects.create(role=role, name="Acme Data")
    m.IndustrySector.objects.create(role=role, name="Retail")
    m.FAQ.objects.create(role=role, question="Is SQL enough?", answer="No.")
    FamilyFactory(name="Unused family")  # free rows, for deletes nothing protects
    SkillFactory(name="Unused skill")
    CourseFactory(title="Unused course")  # no published guide recommends them: the admin may delete them
    CertificationFactory(name="Unused certification")
    make_role(required=1, differentiating=0, title="Unused role")
    m.RoleFieldSource.objects.create(
        role=role, field=m.RoleFieldSource.Field.choices[0][0], source=shipped_source("career-guide")
    )
    m.RoleRevision.objects.create(guide=role, number=1, data={"slug": role.slug})
    m.SkillAlignment.objects.create(skill=skill, framework="onet", code="2.B.3.e")
    from roles import services as role_services

    role_services.start_draft(role=role)  # a copy of every row, which the admin may delete (the guide's it may not)


def cached_views():
    """{URL name: the @cached_page declaration} of every view in the URLconf that carries it."""
    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif (declared := getattr(pattern.callback, "cached_page", None)) is not None:
                found[namespace + pattern.name] = declared

    walk(get_resolver().url_patterns, "")
    return found


def url_args(world):
    """Each cached page's URL arguments in the world (a new cached page adds its own)."""
    role, submitted, draft = world["role"], world["submitted"], world["draft"]
    return {
        "roles:list": [],
        "roles:detail": [role.slug],
        "roles:skill": [role.role_skills.first().skill.slug],
        "assessments:dashboard": [],
        "assessments:step": [draft.pk, 1],
        "assessments:report": [submitted.pk],
        "assessments:fit": [],
    }


def cached_pages(world):
    """Every page the URLconf serves through @cached_page: (URL name, url, its declaration)."""
    args = url_args(world)
    return [(name, reverse(name, args=args[name]), declared) for name, declared in cached_views().items()]


PAGE_NAMES = sorted(cached_views())


def test_the_world_has_a_url_for_every_cached_view(world):
    missing = sorted(set(cached_views()) - set(url_args(world)))
    assert not missing, f"add the URL arguments of {missing} to url_args: the stale-page tests check every cached page"


def test_the_cached_views_are_found_in_the_urlconf():
    assert {"roles:detail", "assessments:step", "assessments:report"} <= set(PAGE_NAMES)
    assert "assessments:review" not in PAGE_NAMES  # never cached


def _tables_read(captured):
    tables = set()
    for query in captured:
        tables.update(re.findall(r'(?:FROM|JOIN)\s+"?([a-z0-9_]+)"?', query["sql"], flags=re.IGNORECASE))
    return tables


def _models_by_table():
    found = {}
    for model in apps.get_models(include_auto_created=True):
        found[model._meta.db_table] = model
    return found


def _content_tables():
    return {model._meta.db_table for model in (*registry.CONTENT_MODELS, *registry.M2M_THROUGH)}


def _owned_tables():
    tables = set()
    for model in owned_models(apps):
        tables.add(model._meta.db_table)
        tables.update(field.remote_field.through._meta.db_table for field in model._meta.many_to_many)
    return tables


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_table_a_cached_page_reads_is_part_of_its_key(alice_client, world, name):
    url = reverse(name, args=url_args(world)[name])
    declared = cached_views()[name]
    alice_client.get(url)  # the session's first-visit lookups
    pagecache.cache.clear()

    with CaptureQueriesContext(connection) as captured:
        response = alice_client.get(url)

    assert response.status_code == 200
    covered = WHO_IS_ASKING | set(PER_REQUEST)
    if declared["content"]:
        covered |= _content_tables() | {ContentRevision._meta.db_table}
    if declared["owner"]:
        covered |= _owned_tables() | {OwnerKey._meta.db_table}
    known = _models_by_table()
    uncovered = sorted(t for t in _tables_read(captured.captured_queries) if t in known and t not in covered)
    assert not uncovered, (
        f"{name} reads {uncovered}, which no part of its key follows: make the model role content "
        "(roles/registry.py) or give it an OwnedQuerySet with its owner_path and shown_on_pages_of (assessments/owners.py)\n"
        + "\n".join(q["sql"] for q in captured.captured_queries)
    )


def test_the_tables_parser_sees_every_table_of_a_query(world):
    with CaptureQueriesContext(connection) as captured:
        list(Rating.objects.select_related("assessment__role", "skill").filter(assessment__user__isnull=False))
    assert {"assessments_rating", "assessments_assessment", "roles_role", "roles_skill"} <= _tables_read(
        captured.captured_queries
    )


# --- every write moves the key ------------------------------------------------------------------


def committing():
    """What committing the test's transaction would do for the writes in the block: Django's own
    `captureOnCommitCallbacks(execute=True)` runs the on-commit callbacks they register (the content
    revision counts one change per transaction, so one left waiting would hide the next)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


class Keys:
    """The parts of page keys that writes move: the content revision and owners' keys."""

    def __init__(self, owners):
        self.scopes = sorted({owner.scope for owner in owners})
        self.before = self.now()

    def now(self):
        return {"content": revision.current(), **{scope: pagecache.owner_key(scope) for scope in self.scopes}}

    def moved(self):
        after = self.now()
        return sorted(part for part in after if after[part] != self.before[part])


def _content_or_owned_models():
    models = [*registry.CONTENT_MODELS, *owned_models(apps)]
    return sorted(models, key=lambda m: m._meta.label)


MODELS = [m._meta.label for m in _content_or_owned_models()]


def _expected(model, row):
    """The key parts a write to `row` must move."""
    if model in registry.CONTENT_MODELS:
        return Keys([]), lambda keys: ["content"] if "content" in keys.moved() else []
    owners = owners_of(model, [row])
    assert owners, f"a {model.__name__} in the world belongs to nobody"
    keys = Keys(owners)
    return keys, lambda keys: [part for part in keys.moved() if part != "content"]


def _a_row(model):
    row = model._default_manager.order_by("pk").first()
    assert row is not None, f"the world has no {model.__name__}: add one to the `world` fixture"
    return row


def _a_plain_field(model):
    """A concrete, editable, non-key field to write its own value back to."""
    for field in model._meta.concrete_fields:
        if not field.primary_key and not field.is_relation and not field.unique:
            return field
    return model._meta.pk


WRITES = {
    "save": lambda model, row: row.save(),
    "queryset update": lambda model, row: model._default_manager.filter(pk=row.pk).update(
        **{_a_plain_field(model).attname: F(_a_plain_field(model).attname)}
    ),
    "bulk update": lambda model, row: model._default_manager.bulk_update([row], [_a_plain_field(model).name]),
    "instance delete": lambda model, row: row.delete(),
    "queryset delete": lambda model, row: model._default_manager.filter(pk=row.pk).delete(),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("label", MODELS)
def test_every_orm_write_to_what_pages_read_moves_their_key(world, label, write):
    from django.db.models import ProtectedError

    model = apps.get_model(label)
    row = _a_row(model)
    keys, moved = _expected(model, row)
    with committing():
        try:
            WRITES[write](model, row)
        except ProtectedError:  # still in use (a skill of a role): the write did not happen
            assert write.endswith("delete")
            return
    assert moved(keys), f"{write} of a {model.__name__} moved no key part of the pages that show it"


def test_bulk_creating_role_content_or_owned_rows_moves_their_key(world):
    submitted, role = world["submitted"], world["role"]
    draft = world["draft"]
    keys = Keys([Owner(user_id=draft.user_id)])
    with committing():
        skill = world["other"].role_skills.last().skill
        Rating.objects.bulk_create([Rating(assessment_id=draft.pk, skill=skill, level=4)], ignore_conflicts=True)
    assert keys.moved() == [Owner(user_id=draft.user_id).scope]

    keys = Keys([])
    with committing():
        RoleSkill.objects.bulk_create(
            [RoleSkill(role=role, skill=world["other"].role_skills.first().skill, kind="required", target=2)]
        )
    assert keys.moved() == ["content"]
    assert submitted.pk  # the world is unchanged otherwise


def test_changing_an_assignments_members_moves_each_members_key(world, bob):
    assignment = Assignment.objects.get()
    members = list(world["team"].memberships.all())
    keys = Keys([Owner(user_id=m.user_id) for m in members])
    with committing():
        assignment.targets.set(members[:1])
    assert len(keys.moved()) == len(members)


# --- the admin -----------------------------------------------------------------------------------


def _admin_models():
    return [m._meta.label for m in _content_or_owned_models() if admin.site.is_registered(m)]


@pytest.mark.parametrize("label", _admin_models())
def test_the_admins_delete_selected_action_moves_the_key(staff, staff_client, world, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = _request_as(staff)
    if not model_admin.has_delete_permission(request):  # a read-only admin: no write to follow
        assert "delete_selected" not in model_admin.get_actions(request)
        assert not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request)
        return
    row = _deletable_row(model, allowed=lambda row: not model_admin.get_deleted_objects([row], request)[2])
    keys, moved = _expected(model, row)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with committing():
        response = staff_client.post(url, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not model._default_manager.filter(pk=row.pk).exists()
    assert moved(keys), f"deleting a {model.__name__} in the admin moved no key part of the pages that show it"


def _request_as(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _deletable_row(model, allowed=lambda row: True):
    """A row of `model` nothing protects (a skill or role still in use is refused, rightly) and the
    admin lets staff delete (a published guide's rows are changed in its draft)."""
    from django.contrib.admin.utils import NestedObjects
    from django.db import router

    for row in model._default_manager.order_by("-pk")[:50]:
        collector = NestedObjects(using=router.db_for_write(model))
        collector.collect([row])
        if not collector.protected and allowed(row):
            return row
    pytest.fail(f"every {model.__name__} in the world is protected: add a free one to the `world` fixture")


# --- end to end: the next view equals a fresh render ----------------------------------------------


def _fresh(client, url):
    """The page as the plain view renders it now: a query string is never served from the cache."""
    return _normalise(client.get(url + "?fresh=1").content.decode(), url)


def _normalise(html, url):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'content="[A-Za-z0-9]{20,}" name="csrf-token"|name="csrf-token" content="[^"]+"', "", html)
    return html.replace(url + "?fresh=1", url).replace("%3Ffresh%3D1", "")


def _served(client, url):
    return _normalise(client.get(url).content.decode(), url)


def _assert_not_stale(client, url, marker):
    served = _served(client, url)
    assert marker in served, f"{url} still shows the page from before the change"
    assert served == _fresh(client, url)


def test_a_role_edit_in_the_admin_reaches_every_content_page_when_its_draft_is_published(
    staff_client, alice_client, world
):
    role = world["role"]
    pages = [url for _n, url, declared in cached_pages(world) if not declared["owner"]] + [
        reverse("assessments:fit"),
    ]
    for url in pages:
        alice_client.get(url)  # stored
    assert staff_client.post(reverse("admin:roles_role_draft", args=[role.pk])).status_code == 302
    draft = Role.objects.get(draft_of=role)
    data = _role_change_form(staff_client, draft)
    data["title"] = "Data Wrangler Renamed"
    with committing():
        response = staff_client.post(reverse("admin:roles_role_change", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    for url in pages:  # the draft is not public: every page still shows the published guide
        assert "Data Wrangler Renamed" not in _served(alice_client, url)
        assert _served(alice_client, url) == _fresh(alice_client, url)
    with committing():
        response = staff_client.post(reverse("admin:roles_role_publish", args=[draft.pk]))
    assert response.status_code == 302
    for url in pages:
        _assert_not_stale(alice_client, url, "Data Wrangler Renamed")


def _role_change_form(client, role):
    """The admin change form's current values, as a browser would post them back."""
    from html.parser import HTMLParser

    page = client.get(reverse("admin:roles_role_change", args=[role.pk])).content.decode()

    class Form(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select, self.textarea = {}, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") in ("checkbox", "radio"):
                    if "checked" in a:
                        self.data.setdefault(name, []).append(a.get("value", "on"))
                else:
                    self.data.setdefault(name, []).append(a.get("value", ""))
            elif tag == "select" and name:
                self.select = name
                self.data.setdefault(name, [])
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select].append(a.get("value", ""))
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = [""]

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.data[self.textarea][0] += data

    form = Form()
    form.feed(page)
    data = {k: (v if len(v) != 1 else v[0]) for k, v in form.data.items()}
    for name in list(data):
        if name.endswith("__prefix__") or "__prefix__" in name:
            del data[name]
    data["title"] = role.title
    return data


def test_a_bulk_orm_edit_of_role_skills_reaches_the_guide_and_the_report(alice_client, world):
    role, submitted = world["role"], world["submitted"]
    guide = reverse("roles:detail", args=[role.slug])
    alice_client.get(guide)
    with committing():
        RoleSkill.objects.filter(role=role).update(note="Needed daily for the ingestion jobs")
    _assert_not_stale(alice_client, guide, "Needed daily for the ingestion jobs")
    assert submitted.pk  # the report reads its snapshot, which role edits never change


def test_reimporting_a_changed_guide_reaches_the_guide(alice_client, tmp_path, db):
    from glob import glob

    from django.core.management import call_command

    with committing():
        call_command("import_roles", *sorted(glob("content/roles/*.yaml")), verbosity=0)
    role = Role.objects.get(slug="senior-ml-engineer")
    guide = reverse("roles:detail", args=[role.slug])
    alice_client.get(guide)
    text = Path("content/roles/senior-ml-engineer.yaml").read_text()
    changed = tmp_path / "senior-ml-engineer.yaml"
    changed.write_text(text.replace(f"summary: {role.summary}", "summary: A reimported summary.", 1))
    assert "A reimported summary." in changed.read_text()
    with committing():
        call_command("import_roles", str(changed), verbosity=0)
    _assert_not_stale(alice_client, guide, "A reimported summary.")


def test_owner_rows_edited_through_the_orm_or_admin_reach_the_owners_pages(alice_client, staff_client, world):
    submitted, draft = world["submitted"], world["draft"]
    report = reverse("assessments:report", args=[submitted.pk])
    dashboard = reverse("assessments:dashboard")
    step = reverse("assessments:step", args=[draft.pk, 1])
    for url in (report, dashboard, step):
        alice_client.get(url)

    with committing():
        PlanItem.objects.filter(plan__assessment=submitted).update(
            action="Pair with the data team weekly", target_date=date(2030, 1, 1)
        )
    _assert_not_stale(alice_client, dashboard, "Pair with the data team weekly")

    with committing():
        Rating.objects.filter(assessment=draft).update(evidence="Ran the ingestion rewrite")
    _assert_not_stale(alice_client, step, "Ran the ingestion rewrite")

    with committing():
        Calibration.objects.filter(assessment=submitted).update(level=5, note="Led two launches")
    assert _served(alice_client, report) == _fresh(alice_client, report)

    with committing():
        Team.objects.filter(pk=world["team"].pk).update(name="Platform Guild")
    _assert_not_stale(alice_client, dashboard, "Platform Guild")

    with committing():
        Review.objects.filter(request__assessment=submitted).delete()
    assert not Review.objects.exists()
    _assert_not_stale(alice_client, report, "self-ratings drift")  # the one-line panel: no review now


@pytest.mark.parametrize("action", ["unpublish", "publish", "duplicate"])
def test_the_role_admins_bulk_actions_reach_the_role_list(staff_client, alice_client, world, action):
    role = world["role"]
    if action == "publish":
        with committing():
            Role.objects.filter(pk=role.pk).update(is_published=False)
    role_list = reverse("roles:list")
    alice_client.get(role_list)  # stored
    keys = Keys([])

    with committing():
        response = staff_client.post(
            reverse("admin:roles_role_changelist"), {"action": action, "_selected_action": [role.pk]}
        )

    assert response.status_code == 302
    assert keys.moved() == ["content"]
    assert _served(alice_client, role_list) == _fresh(alice_client, role_list)
    assert ("Data Wrangler" in _served(alice_client, role_list)) is (action != "unpublish")


# --- no invalidation by hand ---------------------------------------------------------------------

INVALIDATION = {"changed", "forget_owner", "drop_owner", "bump"}
# Where the invalidation is derived from the declarations: owned querysets and their signals, the
# page cache itself, role content's querysets and signals.
MECHANISM = {"assessments/owners.py", "careerpath/pagecache.py", "roles/revision.py", "roles/models.py"}


def invalidation_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in INVALIDATION:
                yield node.lineno, name


def test_the_finder_sees_an_invalidation_by_hand():
    assert list(invalidation_calls(ast.parse("owners.changed(user)\nrevision.bump()\nprint(1)"))) == [
        (1, "changed"),
        (2, "bump"),
    ]


def test_no_write_path_invalidates_pages_by_hand():
    """Writes reach the keys through declarations (OwnedQuerySet, roles.registry), never a call."""
    found = [
        f"{path.relative_to(ROOT)}:{line} {name}()"
        for package in sorted(project_packages())
        for path in app_modules(package)
        if str(path.relative_to(ROOT)) not in MECHANISM
        for line, name in invalidation_calls(ast.parse(path.read_text()))
    ]
    assert not found, f"derive these from the models' declarations instead: {found}"
