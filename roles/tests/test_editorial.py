"""Draft, review, publish (docs/editing.md): a published guide is edited in a draft that only staff
see; someone with the publish permission publishes it; every publication is kept and can be
rolled back; the public pages never show a draft."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.tests.factories import UserFactory
from roles import selectors, services
from roles.models import FAQ, Role, RoleRevision, RoleSkill, Skill

from .factories import SkillFactory, make_role

pytestmark = pytest.mark.django_db


def editor(*, publish=False, username=None):
    """Staff with the roles app's view, add and change permissions, and `publish` if asked."""
    user = UserFactory(username=username or ("publisher" if publish else "changer"), is_staff=True)
    codenames = [f"{verb}_{model}" for verb in ("view", "add", "change") for model in ("role", "roleskill", "faq")]
    codenames += ["view_skill", "view_rolerevision"] + (["publish_role"] if publish else [])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="roles", codename__in=codenames))
    return user


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def guide(db):
    role = make_role(title="Data Wrangler", required=2, differentiating=1)
    FAQ.objects.create(role=role, question="Is SQL enough?", answer="No.", editor_note="Ask the panel again")
    return role


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def edit_draft(draft):
    """An editor's changes: a retarget, a reweight, a removed skill, a new skill, a new summary."""
    first, second, third = draft.role_skills.order_by("order")
    RoleSkill.objects.filter(pk=first.pk).update(target=5)
    RoleSkill.objects.filter(pk=second.pk).update(weight=2)
    third.delete()
    RoleSkill.objects.create(role=draft, skill=SkillFactory(name="Quantum Wrangling"), target=4, order=9)
    Role.objects.filter(pk=draft.pk).update(summary="A sharper summary from the draft.")


# --- the public never sees a draft -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the page cache's key moves when a write commits
def test_a_draft_never_reaches_the_cached_public_pages(guide, client, staff_client):
    public = [reverse("roles:detail", args=[guide.slug]), reverse("roles:list")]
    before = {url: client.get(url).content.decode() for url in public}  # stored in the cache
    draft = services.start_draft(role=guide)
    edit_draft(draft)

    for url in public:
        for reader in (client, staff_client):  # staff reading the public site see the published guide too
            html = reader.get(url).content.decode()
            assert "A sharper summary from the draft." not in html
            assert "Quantum Wrangling" not in html
        assert without_csrf(client.get(url).content.decode()) == without_csrf(before[url])
    assert client.get(reverse("roles:detail", args=[draft.slug])).status_code == 404
    assert staff_client.get(reverse("roles:detail", args=[draft.slug])).status_code == 404
    new_skill = Skill.objects.get(name="Quantum Wrangling")
    assert client.get(reverse("roles:skill", args=[new_skill.slug])).status_code == 404


def test_starting_a_draft_copies_the_guide_and_starting_again_returns_the_same_draft(guide):
    draft = services.start_draft(role=guide)
    assert (draft.draft_of, draft.is_published, draft.title) == (guide, False, guide.title)
    assert draft.role_skills.count() == 3 and draft.faqs.get().editor_note == "Ask the panel again"
    assert services.start_draft(role=guide) == draft
    assert Role.objects.filter(draft_of=guide).count() == 1


def test_the_change_page_of_a_published_guide_is_read_only_and_offers_a_draft(guide, staff_client):
    url = reverse("admin:roles_role_change", args=[guide.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="summary"' not in page
    assert reverse("admin:roles_role_draft", args=[guide.pk]) in page

    response = staff_client.post(url, {"title": "Hijacked", "summary": "Hijacked"})

    assert response.status_code == 403
    guide.refresh_from_db()
    assert guide.title == "Data Wrangler"


def test_a_quick_edit_of_a_published_guides_skill_in_the_skill_list_is_refused(guide, staff_client):
    row = guide.role_skills.order_by("order").first()
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "_save": "Save"}
    data |= {"form-0-id": row.pk, "form-0-kind": row.kind, "form-0-target": 5, "form-0-weight": row.weight}

    response = staff_client.post(reverse("admin:roles_roleskill_changelist") + f"?role__id__exact={guide.pk}", data)

    assert response.status_code == 200
    assert "is published: edit its draft" in response.content.decode()
    row.refresh_from_db()
    assert row.target == 3


def test_a_new_row_for_a_published_guide_is_refused_in_its_own_admin(guide, staff_client):
    data = {"role": guide.pk, "question": "Sneaked in?", "answer": "Yes.", "order": "0"}

    response = staff_client.post(reverse("admin:roles_faq_add"), data)

    assert response.status_code == 200
    assert "is published: add the row to its draft" in response.content.decode()
    assert not FAQ.objects.filter(question="Sneaked in?").exists()


# --- preview and diff --------------------------------------------------------------------------


def test_the_preview_shows_the_draft_as_the_public_will_see_it(guide, staff_client):
    draft = services.start_draft(role=guide)
    edit_draft(draft)

    page = staff_client.get(reverse("admin:roles_role_preview", args=[draft.pk])).content.decode()

    assert "A sharper summary from the draft." in page and "Quantum Wrangling" in page
    assert 'data-testid="preview-banner"' in page
    assert "Unpublished preview" not in page  # it shows as it will be: published
    assert "Ask the panel again" not in page  # editor notes stay out, as on the public page
    assert reverse("assessments:start", args=[guide.slug]) in page and draft.slug not in page


def test_the_diff_names_added_removed_retargeted_and_reweighted_skills_and_text(guide, staff_client):
    draft = services.start_draft(role=guide)
    removed = draft.role_skills.order_by("order")[2].skill.name
    edit_draft(draft)

    diff = selectors.draft_diff(draft)

    assert [s.name for s in diff.added] == ["Quantum Wrangling"]
    assert [s.name for s in diff.removed] == [removed]
    assert [(s.old, s.new) for s in diff.retargeted] == [(3, 5)]
    assert [(s.old, s.new) for s in diff.reweighted] == [("1", "2")]
    assert [t.label for t in diff.fields] == ["Summary"]
    page = staff_client.get(reverse("admin:roles_role_compare", args=[draft.pk])).content.decode()
    assert "<del>What a Data Wrangler does, in one line.</del> <ins>A sharper summary from the draft.</ins>" in page
    assert "Target</strong> of " in page and "3 → 5" in page


def test_an_unchanged_draft_has_an_empty_diff(guide):
    assert selectors.draft_diff(services.start_draft(role=guide)).is_empty


# --- publish, permissions, revisions, rollback -------------------------------------------------


def test_an_editor_without_the_publish_permission_can_edit_the_draft_but_not_publish(guide, client):
    changer = client_for(client, editor())
    assert changer.post(reverse("admin:roles_role_draft", args=[guide.pk])).status_code == 302
    draft = Role.objects.get(draft_of=guide)

    for url in (reverse("admin:roles_role_publish", args=[draft.pk]),):
        assert changer.get(url).status_code == 403
        assert changer.post(url).status_code == 403
    page = changer.get(reverse("admin:roles_role_changelist")).content.decode()
    assert 'value="publish"' not in page and 'value="unpublish"' not in page

    assert Role.objects.filter(draft_of=guide).exists()
    assert not RoleRevision.objects.exists()


def test_publishing_a_draft_replaces_the_guide_keeps_a_revision_and_removes_the_draft(guide, client):
    guide.import_hash = "hash-of-the-shipped-file"
    guide.save(update_fields=["import_hash"])
    publisher = editor(publish=True)
    draft = services.start_draft(role=guide)
    edit_draft(draft)

    response = client_for(client, publisher).post(reverse("admin:roles_role_publish", args=[draft.pk]))

    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.summary == "A sharper summary from the draft." and guide.is_published
    assert guide.import_hash == "hash-of-the-shipped-file"  # `make content` of the unchanged file still skips it
    assert guide.role_skills.filter(skill__name="Quantum Wrangling", target=4).exists()
    assert guide.role_skills.count() == 3
    assert not Role.objects.filter(draft_of=guide).exists()
    revisions = list(guide.revisions.order_by("number").values_list("number", "published_by__username"))
    assert revisions == [(1, None), (2, "publisher")]  # 1: the guide before its first reviewed edit


def test_publishing_keeps_the_guides_address_and_its_own_ladder_rung(guide):
    from roles.models import LadderLevel

    LadderLevel.objects.create(role=guide, title="This rung", rung_role=guide)
    draft = services.start_draft(role=guide)
    assert draft.ladder_levels.get().rung_role == draft

    services.publish(role=draft, by=None)

    assert Role.objects.get(pk=guide.pk).slug == "data-wrangler"
    assert guide.ladder_levels.get().rung_role == guide


def test_rolling_back_publishes_an_old_revision_again_as_a_new_one(guide, client):
    publisher = editor(publish=True)
    draft = services.start_draft(role=guide)
    edit_draft(draft)
    services.publish(role=draft, by=publisher)

    response = client_for(client, publisher).post(reverse("admin:roles_role_rollback", args=[guide.pk, 1]))

    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.summary == "What a Data Wrangler does, in one line."
    assert not guide.role_skills.filter(skill__name="Quantum Wrangling").exists()
    latest = guide.revisions.order_by("-number").first()
    assert (latest.number, latest.note, latest.published_by) == (3, "Rolled back to revision 1", publisher)


def test_an_editor_without_the_publish_permission_cannot_roll_back(guide, client):
    draft = services.start_draft(role=guide)
    edit_draft(draft)
    services.publish(role=draft, by=None)
    changer = client_for(client, editor())

    assert changer.post(reverse("admin:roles_role_rollback", args=[guide.pk, 1])).status_code == 403

    guide.refresh_from_db()
    assert guide.summary == "A sharper summary from the draft." and guide.revisions.count() == 2


def test_a_rollback_to_a_revision_that_no_longer_fits_says_why_and_changes_nothing(guide, staff_client):
    other = make_role(title="Ladder Top", required=1, differentiating=0)
    draft = services.start_draft(role=guide)
    from roles.models import CareerMove

    CareerMove.objects.create(role=draft, to_role=other)
    services.publish(role=draft, by=None)  # revision 2 links "ladder-top"
    services.publish(role=services.start_draft(role=guide), by=None)  # revision 3
    guide.career_moves.all().delete()
    other.delete()

    response = staff_client.post(reverse("admin:roles_role_rollback", args=[guide.pk, 2]), follow=True)

    assert "Could not roll back to revision 2" in response.content.decode()
    assert "no role &#x27;ladder-top&#x27;" in response.content.decode()
    assert guide.revisions.count() == 3


def test_the_revisions_page_lists_who_published_each_revision_and_when(guide, staff_client):
    publisher = editor(publish=True)
    services.publish(role=services.start_draft(role=guide), by=publisher)

    page = staff_client.get(reverse("admin:roles_role_revisions", args=[guide.pk])).content.decode()

    assert "publisher" in page and "The guide before its first reviewed edit" in page
    assert 'data-testid="rollback-1"' in page


def test_the_publish_action_publishes_drafts_and_new_guides_and_keeps_revisions(staff_client):
    new = make_role(title="Brand New", is_published=False)
    response = staff_client.post(
        reverse("admin:roles_role_changelist"), {"action": "publish", "_selected_action": [new.pk]}
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.is_published and list(new.revisions.values_list("number", flat=True)) == [1]


# --- the public "what changed" page --------------------------------------------------------------


def test_the_public_changes_page_shows_what_changed_without_editor_notes(guide, client):
    draft = services.start_draft(role=guide)
    edit_draft(draft)
    FAQ.objects.filter(role=draft).update(editor_note="A secret merge decision")
    services.publish(role=draft, by=None)

    page = client.get(reverse("roles:changes", args=[guide.slug, 1])).content.decode()

    assert "Quantum Wrangling" in page and "3 → 5" in page
    assert "A secret merge decision" not in page and "Ask the panel again" not in page
    assert client.get(reverse("roles:changes", args=[guide.slug, 9])).status_code == 404


def test_changed_since_names_the_revision_in_force_at_a_time(guide):
    from django.utils import timezone

    start = timezone.now()
    assert selectors.changed_since(guide, start) is None  # no revision yet
    services.publish(role=services.start_draft(role=guide), by=None)
    assert selectors.changed_since(guide, start) == 1
    assert selectors.changed_since(guide, timezone.now()) is None
