"""The one page cache (careerpath/pagecache.py): strict templates, build versions, TTLs, headers,
and nothing personal left readable in the cache after its owner is deleted."""

import pickle

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from assessments import services
from assessments.tests.factories import draft_for, submitted_for
from careerpath import pagecache
from roles.tests.factories import make_role

SECRET = "EVIDENCE-7f3a-only-alice-wrote-this"


@pytest.fixture
def role(db):
    return make_role(required=3, differentiating=1, courses=2, title="Data Wrangler")


@pytest.fixture
def skills(role):
    return [rs.skill for rs in role.role_skills.select_related("skill").order_by("order")]


# --- what a cached template may read ------------------------------------------------------------


def _rendering_request(user):
    request = RequestFactory().get("/")
    request.user = user
    request._rendering_for_cache = True
    return request


@pytest.mark.parametrize("source", ["{{ user.email }}", "{{ request.user.email }}", "{{ request.GET.q }}"])
def test_a_cached_template_reading_what_its_key_does_not_fix_fails_loudly(alice, source):
    context = pagecache.strict_context(_rendering_request(alice))

    with pytest.raises(pagecache.UncachedRead):
        Template(source).render(Context(context))


def test_a_cached_template_may_read_the_navbar_parts_of_the_user(alice):
    context = pagecache.strict_context(_rendering_request(alice))

    html = Template("{{ user.is_authenticated }} {{ user.is_staff }} {{ user.get_username }}").render(Context(context))

    assert html.startswith("True False userhole")


def test_outside_tests_and_debug_an_uncached_read_renders_empty_as_django_does(alice, settings):
    settings.PAGE_CACHE_STRICT = False
    context = pagecache.strict_context(_rendering_request(alice))

    assert Template("[{{ user.email }}]").render(Context(context)) == "[]"


# --- what a cached view may read ------------------------------------------------------------------


def _request(user, path="/", session=None):
    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    request.session.update(session or {})
    request.session.save()
    request._messages = FallbackStorage(request)
    return request


def _page(reads, **declared):
    """A cached view answering what `reads(request)` gives it."""

    @pagecache.cached_page(**declared)
    def view(request):
        return HttpResponse(str(reads(request)))

    return view


@pytest.mark.parametrize(
    "reads",
    [
        lambda r: r.session.get("prefs:colour"),
        lambda r: r.GET.get("sort"),
        lambda r: r.COOKIES.get("theme"),
        lambda r: r.user.email,
        lambda r: r.user.get_username(),
    ],
    ids=["session entry", "query parameter", "cookie", "user field", "username"],
)
@pytest.mark.django_db
def test_a_cached_view_reading_what_its_key_does_not_declare_fails_loudly(alice, reads):
    with pytest.raises(pagecache.UncachedRead):
        _page(reads, owner=True)(_request(alice))


@pytest.mark.django_db
def test_a_content_page_may_not_even_read_who_the_user_is(alice):
    with pytest.raises(pagecache.UncachedRead):
        _page(lambda r: r.user.pk, content=True)(_request(alice))


@pytest.mark.django_db
def test_an_owners_page_may_filter_by_its_owner(alice):
    page = _page(lambda r: type(r.user).objects.filter(pk=r.user.pk).count(), owner=True)

    assert page(_request(alice)).content == b"1"


@pytest.mark.django_db
def test_a_declared_session_entry_is_part_of_the_key(alice):
    page = _page(lambda r: r.session.get("prefs:colour", "none"), owner=True, session=["prefs:colour"])

    assert page(_request(alice, session={"prefs:colour": "red"})).content == b"red"
    assert page(_request(alice, session={"prefs:colour": "blue"})).content == b"blue"
    assert page(_request(alice, session={"prefs:colour": "red"})).content == b"red"


@pytest.mark.django_db
def test_a_declared_query_parameter_is_part_of_the_key_and_another_is_never_stored(alice):
    calls = []
    page = _page(lambda r: calls.append(1) or r.GET.get("basis", "default"), owner=True, query=["basis"])

    assert page(_request(alice, "/?basis=reviewer")).content == b"reviewer"
    assert page(_request(alice, "/")).content == b"default"
    assert page(_request(alice, "/?basis=reviewer")).content == b"reviewer"
    assert len(calls) == 2, "the second ?basis=reviewer came from the cache"
    page(_request(alice, "/?basis=reviewer&other=1"))
    page(_request(alice, "/?basis=reviewer&other=1"))
    assert len(calls) == 4, "a request with an undeclared parameter goes to the view every time"


# --- build version --------------------------------------------------------------------------------


def test_the_build_version_changes_when_code_or_a_template_changes(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "views.py").write_text("x = 1\n")
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    first = pagecache.compute_build_version(tmp_path)

    (tmp_path / "templates" / "page.html").write_text("<p>two</p>")
    second = pagecache.compute_build_version(tmp_path)
    (tmp_path / "views.py").write_text("x = 2\n")

    assert len({first, second, pagecache.compute_build_version(tmp_path)}) == 3


def test_a_template_edited_under_runserver_gets_a_new_build_version(monkeypatch):
    from pathlib import Path

    from django.utils.autoreload import file_changed

    versions = iter(["before-the-edit", "after-the-edit"])
    monkeypatch.setattr(pagecache, "compute_build_version", lambda root=None: next(versions))
    pagecache.build_version.cache_clear()
    assert pagecache.build_version() == "before-the-edit"

    file_changed.send(sender=None, file_path=Path("templates/assessments/dashboard.html"))

    assert pagecache.build_version() == "after-the-edit"
    pagecache.build_version.cache_clear()


def test_a_new_build_never_serves_a_page_stored_by_the_old_one(client, role, monkeypatch):
    url = reverse("roles:detail", args=[role.slug])
    client.get(url)  # stored under this build
    role.title = "Renamed without a signal"
    type(role).objects.filter(pk=role.pk).update(title=role.title)  # no signal: only a new build shows it
    assert "Renamed without a signal" not in client.get(url).content.decode()

    monkeypatch.setattr(pagecache, "build_version", lambda: "next-deploy")

    assert "Renamed without a signal" in client.get(url).content.decode()


# --- TTLs and headers -------------------------------------------------------------------------------


def _stored_entries():
    """(key, expiry) of every entry in the per-process test cache."""
    return list(cache._expire_info.items())


def test_every_stored_page_and_value_has_a_ttl_and_draft_pages_a_short_one(alice_client, alice, role, settings):
    submitted = submitted_for(alice, role)
    draft = draft_for(alice, make_role(title="Other", required=2))
    for url in [
        reverse("roles:list"),
        reverse("roles:detail", args=[role.slug]),
        reverse("assessments:dashboard"),
        reverse("assessments:report", args=[submitted.pk]),
        reverse("assessments:fit"),
        reverse("assessments:step", args=[draft.pk, 1]),
    ]:
        assert alice_client.get(url).status_code == 200, url

    import time

    entries = _stored_entries()
    assert entries and all(expiry is not None and expiry < time.time() + 2 * 86400 for _key, expiry in entries)
    step_entries = [expiry for key, expiry in entries if "assessments.views.step" in key]
    assert step_entries and all(expiry < time.time() + settings.PAGE_CACHE_DRAFT_SECONDS + 5 for expiry in step_entries)


@pytest.mark.parametrize("name,args", [("roles:list", []), ("roles:detail", ["data-wrangler"]), ("roles:skill", None)])
def test_signed_in_role_pages_are_private_and_visitor_pages_are_not(alice_client, client, role, skills, name, args):
    url = reverse(name, args=[skills[0].slug] if args is None else args)
    for _ in range(2):  # stored, then served from the cache: the same headers
        member, visitor = alice_client.get(url), client.get(url)
        assert "private" in member["Cache-Control"]
        assert "private" not in visitor.get("Cache-Control", "")


def test_personal_pages_are_never_kept_by_a_browser_or_proxy(alice_client, alice, role):
    report = submitted_for(alice, role)
    for _ in range(2):
        response = alice_client.get(reverse("assessments:report", args=[report.pk]))
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- deletion --------------------------------------------------------------------------------------


def readable_cache_text(entries):
    """Everything an attacker holding the cache and the database could read: each value as stored,
    and each value decrypted with every owner key the database (or the cache) holds."""
    from careerpath.models import OwnerKey

    values = [v for v in entries if isinstance(v, bytes | str)]
    keys = [v for v in values if isinstance(v, bytes) and len(v) == 32]
    keys += [bytes(key) for key in OwnerKey.objects.values_list("key", flat=True)]
    texts = []
    for value in values:
        texts.append(value if isinstance(value, str) else value.decode("latin-1"))
        for key in keys:
            try:
                texts.append(str(pagecache._open(key, value)))
            except Exception:  # not sealed with this key
                continue
    texts += [pickle.dumps(v).decode("latin-1") for v in entries if not isinstance(v, bytes | str)]  # plain objects
    return "\n".join(texts)


def locmem_values():
    return [pickle.loads(value) for value in cache._cache.values()]


def visit_everything(client, alice, role):
    """Alice's evidence on a submitted report (with a plan) and a draft; every page of hers viewed."""
    report = draft_for(alice, role)
    for rs in role.role_skills.select_related("skill"):
        services.save_rating(assessment=report, skill=rs.skill, level=1, evidence=SECRET)
    report, _ = services.submit_assessment(assessment=report)
    services.create_plan(assessment=report)
    draft = draft_for(alice, make_role(title="Other", required=2))
    services.save_rating(assessment=draft, skill=draft.role.role_skills.first().skill, level=2, evidence=SECRET)
    for url in [
        reverse("assessments:dashboard"),
        reverse("assessments:report", args=[report.pk]),
        reverse("assessments:fit"),
        reverse("assessments:step", args=[draft.pk, 1]),
    ]:
        assert client.get(url).status_code == 200, url
    return report, draft


def test_a_deleted_accounts_evidence_is_nowhere_readable_in_the_cache(alice_client, alice, role):
    from axes.models import AccessLog

    AccessLog.objects.create(username="alice", ip_address="127.0.0.1", user_agent="test")
    AccessLog.objects.create(username="bob", ip_address="127.0.0.1", user_agent="test")
    visit_everything(alice_client, alice, role)
    assert SECRET in readable_cache_text(locmem_values())  # the scan sees it while alice exists

    response = alice_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302, response.content.decode()[:500]
    assert SECRET not in readable_cache_text(locmem_values())
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["bob"]


def test_a_deleted_members_evidence_cached_for_their_team_is_nowhere_readable(alice_client, alice, role):
    from django.test import Client

    from accounts.tests.factories import UserFactory
    from teams import services as teams
    from teams.models import Membership
    from teams.tests.factories import join, team_of

    lead = UserFactory(username="teamlead")
    team = team_of(lead)
    join(team, alice, consent=Membership.Consent.INDIVIDUAL, evidence=True)
    teams.assign_role(team=team, by=lead, role=role)
    visit_everything(alice_client, alice, role)  # after the assignment: only such a report reaches the team
    leads = Client()
    leads.force_login(lead)
    assert SECRET in leads.get(reverse("teams:matrix_json", args=[team.slug, role.slug])).content.decode()

    alice_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert SECRET not in readable_cache_text(locmem_values())


def test_a_deleted_assessments_pages_are_gone(alice_client, alice, role):
    report, _draft = visit_everything(alice_client, alice, role)
    url = reverse("assessments:report", args=[report.pk])

    alice_client.post(reverse("assessments:delete", args=[report.pk]))

    assert alice_client.get(url).status_code == 404


# --- another process's cache ----------------------------------------------------------------------


def test_a_write_seen_by_another_process_retires_pages_this_process_cached(alice_client, alice, role):
    """Each gunicorn worker may have a cache of its own (no Redis): a write made through another
    worker touches nothing in this one's cache, yet this one must not serve the old page."""
    draft = draft_for(alice, role)
    skill = role.role_skills.order_by("order").first().skill
    url = reverse("assessments:step", args=[draft.pk, 1])
    assert 'value="4" checked' not in alice_client.get(url).content.decode()  # stored here
    this_process = dict(cache._cache), dict(cache._expire_info)

    services.save_rating(assessment=draft, skill=skill, level=4)  # "another worker": its own cache...
    cache._cache.clear()
    cache._expire_info.clear()
    cache._cache.update(this_process[0])  # ...so this worker's cache is exactly as it was
    cache._expire_info.update(this_process[1])

    assert 'value="4" checked' in alice_client.get(url).content.decode()
