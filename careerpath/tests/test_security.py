"""Security settings and headers, CSRF, sessions, caching and mass assignment (OWASP ASVS 5.0 V3, V7, V8).

The pages checked here are found from the authorization matrix (`test_authz_matrix.MATRIX`): every
URL that answers someone with a 200 is rendered as that person, so a new page is checked too.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.shortcuts import render
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from assessments.models import Assessment, PlanItem, Rating, ShareLink
from careerpath.pagecache import cached_page
from reviews.models import ReviewRequest
from roles.models import Role

from .test_authz_matrix import (
    ALICE,
    MATRIX,
    PRINCIPALS,
    STAFF,
    TEAM_MATRIX,
    VISITOR,
    TeamWorld,
    World,
    clients_for,
    fingerprint,
    kwarg_names,
)
from .test_authz_matrix import site_urls as matrix_site_urls

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k" * 20 + "-3x4mpl3-" + "q" * 30  # long and random enough for the deploy check


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(alice, bob, staff):
    return World(alice=alice, bob=bob, staff=staff, carol=UserFactory(username="carol"))


def url_for(world, name):
    _route, pattern = matrix_site_urls()[name]
    return reverse(name, kwargs=world.kwargs_for(name, kwarg_names(pattern)))


def pages(world, clients):
    """(label, response) for every page someone may GET with a 200, as the first such person."""
    found = []
    for name, entry in sorted(MATRIX.items()):
        for principal in (ALICE, VISITOR, STAFF):
            if entry["GET"][principal] == 200:
                found.append((f"{name} as {principal}", clients[principal].get(url_for(world, name))))
                break
    return found


def html_pages(world, clients):
    """Every HTML page: the matrix's, plus the 404 page, a visitor's step, the lockout page and the admin."""
    found = [(label, r) for label, r in pages(world, clients) if r["Content-Type"].startswith("text/html")]
    found.append(("404 page", clients[VISITOR].get("/no-such-page/")))
    visitor = Client()
    started = visitor.post(reverse("assessments:start", args=[world.role.slug]), follow=True)
    found.append(("a visitor's step", started))
    found.append(("password reset with a bad link", clients[VISITOR].get("/accounts/password/reset/key/1-bad-token/")))
    for _ in range(5):
        locked = Client().post(
            reverse("account_login"), {"login": "alice", "password": "wrong"}, REMOTE_ADDR="10.9.9.9"
        )
    found.append(("lockout page", locked))
    found.append(("admin login", clients[VISITOR].get(reverse("admin:login"), follow=True)))
    for admin_url in (
        reverse("admin:index"),
        reverse("admin:roles_role_changelist"),
        reverse("admin:roles_role_change", args=[world.role.pk]),
        reverse("admin:roles_role_add"),
        reverse("admin:auth_user_change", args=[world.users[ALICE].pk]),
    ):
        found.append((f"admin {admin_url}", clients[STAFF].get(admin_url)))
    for label, response in found:
        expected = {"404 page": 404, "lockout page": 429}.get(label, 200)
        assert response.status_code == expected, f"{label}: {response.status_code}"
    return found


# --- production settings ----------------------------------------------------------------------


def clean_env(**variables):
    """PATH (and DATABASE_URL when set) plus `variables`: no DJANGO_* from the developer's shell."""
    env = {"PATH": os.environ["PATH"]}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(variables)
    return env


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": SECRET, "DJANGO_ALLOWED_HOSTS": "careerpath.example.com"}


def test_deploy_check_passes_with_only_debug_off_a_secret_key_and_allowed_hosts():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env(**PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "AXES_ENABLED",
         "AXES_FAILURE_LIMIT", "TRUSTED_PROXY_COUNT", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SAMESITE", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY"]
values = {n: getattr(s, n, None) for n in names}
values["AXES_COOLOFF_SECONDS"] = s.AXES_COOLOFF_TIME.total_seconds()
print(json.dumps(values))
"""


def production_settings(**overrides):
    env = clean_env(**PRODUCTION, DJANGO_SETTINGS_MODULE="careerpath.settings", **overrides)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_are_strict():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None, "trusting X-Forwarded-Proto is opt-in"
    assert values["AXES_ENABLED"] is True
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_SECONDS"] == 15 * 60
    assert values["TRUSTED_PROXY_COUNT"] == 0
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"


def test_each_hardening_setting_can_be_relaxed_by_its_own_variable():
    values = production_settings(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SESSION_COOKIE_SECURE="0",
        DJANGO_CSRF_COOKIE_SECURE="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_AXES_ENABLED="0",
        DJANGO_AXES_FAILURE_LIMIT="10",
        DJANGO_AXES_COOLOFF_MINUTES="30",
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["AXES_ENABLED"] is False
    assert values["AXES_FAILURE_LIMIT"] == 10
    assert values["AXES_COOLOFF_SECONDS"] == 30 * 60
    assert values["TRUSTED_PROXY_COUNT"] == 1


def test_every_environment_variable_the_settings_read_is_documented_in_deploy_md():
    settings_text = (ROOT / "careerpath" / "settings.py").read_text()
    names = set(re.findall(r"""["']((?:DJANGO|EMAIL)_[A-Z0-9_]+)["']""", settings_text)) | {"DATABASE_URL"}
    assert {"DJANGO_SECRET_KEY", "DJANGO_SECURE_PROXY_SSL_HEADER", "DATABASE_URL"} <= names
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    undocumented = sorted(name for name in names if name not in deploy)
    assert not undocumented, f"document these in docs/deploy.md: {undocumented}"
    for step in ("gunicorn careerpath.wsgi", "--no-control-socket", "collectstatic", "migrate", "import_roles"):
        assert step in deploy
    assert "createsuperuser" in deploy


def gunicorn_commands(path):
    """The plain install's gunicorn commands (`.venv/bin/gunicorn ...` lines; the container's own
    command, run by its entrypoint, is documented apart)."""
    lines = (ROOT / path).read_text().splitlines()
    return [line.strip() for line in lines if line.strip().startswith(".venv/bin/gunicorn careerpath.wsgi")]


def test_the_readme_deploys_with_the_same_gunicorn_command_as_deploy_md():
    """The README's deploy command left out --forwarded-allow-ips "" (gunicorn then trusts forwarder
    headers, SCRIPT_NAME included, from any client of a proxy on the same host)."""
    readme, deploy = gunicorn_commands("README.md"), gunicorn_commands("docs/deploy.md")
    assert readme and deploy
    assert set(readme) == set(deploy), f"README: {readme}\ndocs/deploy.md: {deploy}"
    assert all('--forwarded-allow-ips ""' in command for command in readme)


# --- headers ------------------------------------------------------------------------------------

CSP = "Content-Security-Policy"


def csp_directives(response):
    assert CSP in response, "no Content-Security-Policy header"
    directives = {}
    for part in response[CSP].split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_html_pages_send_a_strict_content_security_policy(world):
    clients = clients_for(world)
    for label, response in html_pages(world, clients):
        if label.startswith("admin"):
            continue  # the admin is checked below: same policy, Django's own pages
        directives = csp_directives(response)
        everything = [source for sources in directives.values() for source in sources]
        assert "'unsafe-inline'" not in everything, label
        assert "'unsafe-eval'" not in everything, label
        third_party = [s for s in everything if s not in {"'self'", "'none'", "data:"}]
        assert not third_party, f"{label}: third-party or wildcard sources {third_party}"
        assert directives.get("frame-ancestors") == ["'none'"], label
        assert directives.get("default-src") == ["'self'"], label
        assert directives.get("object-src") == ["'none'"], label
        assert directives.get("base-uri") == ["'self'"], label
        assert directives.get("form-action") == ["'self'"], label
        assert "Content-Security-Policy-Report-Only" not in response, label


INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.I | re.S)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
HANDLER = re.compile(r"""\s(on[a-z]+)\s*=""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
DATA_ONLY_TYPES = ("application/json", "application/ld+json")


def inline_code(html):
    """What the CSP would block: inline scripts with code, <style> blocks, style="" and on*= attributes."""
    found = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs, body = match.group("attrs"), match.group("body")
        if "src=" in attrs.lower() or not body.strip():
            continue
        if any(t in attrs.lower() for t in DATA_ONLY_TYPES):
            continue  # data, not code: {{ value|json_script }}
        found.append(f"inline <script>: {body.strip()[:80]!r}")
    if STYLE_BLOCK.search(html):
        found.append("a <style> block")
    for tag in TAG.findall(html):
        if HANDLER.search(tag):
            found.append(f"event handler attribute: {tag[:100]}")
        if STYLE_ATTRIBUTE.search(tag):
            found.append(f"style attribute: {tag[:100]}")
        if JS_URL.search(tag):
            found.append(f"javascript: URL: {tag[:100]}")
    return found


def test_the_inline_code_scanner_finds_what_the_csp_blocks():
    assert inline_code('<p style="color:red">x</p>')
    assert inline_code('<button onclick="go()">x</button>')
    assert inline_code("<script>alert(1)</script>")
    assert inline_code("<style>p{}</style>")
    assert inline_code('<a href="javascript:alert(1)">x</a>')
    assert not inline_code('<script src="/static/js/app.js"></script><p data-style="x" class="on">onclick=</p>')
    assert not inline_code('<script id="d" type="application/json">{"a": 1}</script>')


def test_no_page_has_inline_scripts_styles_or_event_handlers(world):
    clients = clients_for(world)
    offenders = {}
    for label, response in html_pages(world, clients):
        found = inline_code(response.content.decode())
        if found:
            offenders[label] = found
    assert not offenders, "the CSP blocks these; move them to static files:\n" + json.dumps(offenders, indent=1)


def test_every_page_and_the_admin_send_nosniff_referrer_policy_and_frame_deny(world):
    clients = clients_for(world)
    responses = html_pages(world, clients) + [
        (label, r) for label, r in pages(world, clients) if not r["Content-Type"].startswith("text/html")
    ]
    assert len(responses) > 30
    for label, response in responses:
        assert response.get("X-Content-Type-Options") == "nosniff", label
        assert response.get("Referrer-Policy") == "same-origin", label
        assert response.get("X-Frame-Options") == "DENY", label
        assert response.get("Cross-Origin-Opener-Policy") == "same-origin", label


def test_the_shared_report_is_not_indexed_and_shows_only_the_chosen_name(world):
    response = Client().get(reverse("assessments:shared", args=[world.share_token]))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin", "the token must not leak to course sites via Referer"
    body = response.content.decode()
    assert "Alice A." in body
    alice = world.users[ALICE]
    assert alice.username not in body.replace("Alice A.", "")
    assert alice.email not in body


def test_share_and_review_tokens_are_kept_only_as_digests_that_open_nothing(world):
    """Someone who reads the database (a backup, the admin) finds no token, and a stored digest
    put in a link's place opens nothing."""
    rows = repr(list(ShareLink.objects.values())) + repr(list(ReviewRequest.objects.values()))
    assert world.share_token not in rows and world.review_token not in rows
    clients = clients_for(world)
    digests = {"assessments:shared": world.share.token_digest, "reviews:open": world.review_draft.request.token_digest}
    for name, digest in digests.items():
        assert digest in rows
        assert clients[STAFF].get(reverse(name, args=[digest])).status_code == 404
    assert clients[STAFF].get(reverse("assessments:shared", args=[world.share_token])).status_code == 200


# --- CSRF ---------------------------------------------------------------------------------------


def csrf_clients(world):
    """Clients that enforce CSRF like a browser would, each already holding a CSRF cookie."""
    clients = {VISITOR: Client(enforce_csrf_checks=True)}
    for principal, user in world.users.items():
        clients[principal] = Client(enforce_csrf_checks=True)
        clients[principal].force_login(user)
    for client in clients.values():
        client.get(reverse("account_reset_password"))  # sets the csrftoken cookie, as any page with a form does
        assert "csrftoken" in client.cookies
    return clients


# The only views without the CSRF check, and why (each is tested in its app).
CSRF_EXEMPT = {
    # RFC 8058: a mail client POSTs the one-click unsubscribe with no cookie; the signed link is the
    # credential, and it can only turn one kind of email off (notices/tests/test_views.py)
    "notices:unsubscribe",
}


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(world):
    """Every URL, for every person: the CSRF check runs before any view, so no view is exempt
    but the few CSRF_EXEMPT names."""
    clients = csrf_clients(world)
    urls = [(name, url_for(world, name)) for name in sorted(set(MATRIX) - CSRF_EXEMPT)]
    urls += [("admin:login", reverse("admin:login")), ("admin:roles_role_add", reverse("admin:roles_role_add"))]
    urls += [("admin:auth_user_delete", reverse("admin:auth_user_delete", args=[world.users[ALICE].pk]))]
    before = fingerprint()
    problems = []
    for name, url in urls:
        for principal in PRINCIPALS:
            data = {"password": PASSWORD, "username": "alice", "display_name": "x", "skill": world.skill.slug}
            response = clients[principal].post(url, data)
            if response.status_code != 403:
                problems.append(f"POST {name} as {principal} without a token: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert fingerprint() == before


def test_a_wrong_csrf_token_is_refused_too(world):
    client = csrf_clients(world)[ALICE]
    response = client.post(
        url_for(world, "assessments:rate"),
        {"skill": world.skill.slug, "level": "5", "csrfmiddlewaretoken": "x" * 64},
        HTTP_X_CSRFTOKEN="y" * 32,
    )
    assert response.status_code == 403


def test_autosave_with_the_token_from_the_cookie_is_accepted(world):
    """The autosave script sends the token in X-CSRFToken, as the CSRF middleware expects."""
    client = csrf_clients(world)[ALICE]
    other_skill = world.draft.role.role_skills.select_related("skill").order_by("order")[0].skill
    response = client.post(
        url_for(world, "assessments:rate"),
        {"skill": other_skill.slug, "level": "4"},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200
    assert Rating.objects.get(assessment=world.draft, skill=other_skill).level == 4


def test_login_without_a_token_is_refused_so_nobody_can_log_you_in_as_them(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- sessions -----------------------------------------------------------------------------------


def log_in(client, username="alice", password=PASSWORD):
    response = client.post(reverse("account_login"), {"login": username, "password": password})
    assert response.status_code == 302, "login failed"
    return response


def replay(cookie_value):
    """A fresh client presenting an old session cookie (a stolen or left-behind one)."""
    client = Client()
    client.cookies["sessionid"] = cookie_value
    return client


def is_sent_to_login(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_login_issues_a_new_session_id_and_drops_the_old_one(alice, world):
    client = Client()
    client.post(reverse("assessments:start", args=[world.other_role.slug]))  # a visitor's session
    before = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=before).exists()

    response = log_in(client)

    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists(), "the pre-login session id is dead"
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_a_session_id_chosen_by_an_attacker_is_not_adopted(alice):
    client = Client()
    client.cookies["sessionid"] = "attackerchosenvalue0123456789abc"
    log_in(client)
    assert client.cookies["sessionid"].value != "attackerchosenvalue0123456789abc"


def test_logout_ends_the_session_for_good(alice):
    client = Client()
    log_in(client)
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("assessments:dashboard")).status_code == 200

    client.post(reverse("account_logout"))

    assert is_sent_to_login(replay(cookie).get(reverse("assessments:dashboard")))
    assert not Session.objects.filter(session_key=cookie).exists()


def test_deleting_the_account_ends_the_session(alice):
    client = Client()
    log_in(client)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert is_sent_to_login(replay(cookie).get(reverse("assessments:dashboard")))


def test_changing_the_password_logs_out_other_sessions_and_keeps_this_one(alice):
    here, elsewhere = Client(), Client()
    log_in(here)
    log_in(elsewhere)
    assert elsewhere.get(reverse("assessments:dashboard")).status_code == 200

    new = "a-brand-new-long-passphrase"
    response = here.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )

    assert response.status_code == 302
    assert here.get(reverse("assessments:dashboard")).status_code == 200, "the current session stays"
    assert is_sent_to_login(elsewhere.get(reverse("assessments:dashboard"))), "other sessions end"


def test_resetting_the_password_logs_out_every_session(alice, mailoutbox):
    logged_in = Client()
    log_in(logged_in)
    visitor = Client()
    visitor.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"/accounts/password/reset/key/\S+/", mailoutbox[0].body).group(0)
    form_url = visitor.get(link)["Location"]
    new = "a-brand-new-long-passphrase"
    assert visitor.post(form_url, {"password1": new, "password2": new}).status_code == 302
    assert is_sent_to_login(logged_in.get(reverse("assessments:dashboard")))


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_and_signup_never_redirect_off_site(alice, target):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD, "next": target})
    assert response["Location"] == reverse("assessments:dashboard")
    data = {"username": "zed", "email": "z@example.com", "password1": "a-long-safe-passphrase"}
    response = Client().post(reverse("account_signup"), {**data, "password2": data["password1"], "next": target})
    assert response["Location"] == reverse("assessments:dashboard")


# --- caching ------------------------------------------------------------------------------------

PERSONAL = [
    "assessments:dashboard",
    "assessments:take",
    "assessments:step",
    "assessments:review",
    "assessments:report",
    "assessments:report_json",
    "assessments:report_csv",
    "assessments:shares",
    "assessments:plan",
    "assessments:plan_ics",
    "assessments:fit",
    "assessments:delete",
    "assessments:shared",
    "accounts:settings",
    "accounts:export",
    "accounts:delete",
    "reviews:manage",
    "reviews:compare",
    "reviews:calibration",
    "reviews:mine",  # carol's own review pages (reviews:review) are never_cache as well: reviews/tests
]


def test_pages_with_personal_data_are_never_stored_by_caches(world):
    clients = clients_for(world)
    missing = []
    for name in PERSONAL:
        response = clients[ALICE].get(url_for(world, name))
        assert response.status_code in {200, 302}, f"{name}: {response.status_code}"
        if "no-store" not in response.get("Cache-Control", ""):
            missing.append(f"{name}: Cache-Control {response.get('Cache-Control')!r}")
    assert not missing, "add @never_cache:\n" + "\n".join(missing)


def cache_control(response):
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def not_private_no_store(answers):
    ok = [(label, r) for label, r in answers if r.status_code == 200]
    assert len(ok) > 10
    return [
        f"{label}: {r.get('Cache-Control')!r}" for label, r in ok if not {"private", "no-store"} <= cache_control(r)
    ]


def test_every_page_a_signed_in_person_gets_is_private_and_never_stored(world):
    """Every 200 of the authorization matrix, as each signed-in person: the navbar alone names them."""
    clients = clients_for(world)
    answers = [
        (f"{name} as {principal}", clients[principal].get(url_for(world, name)))
        for name in sorted(MATRIX)
        for principal in PRINCIPALS
        if principal != VISITOR
    ]
    missing = not_private_no_store(answers)
    assert not missing, "\n".join(missing)


def test_every_team_page_is_private_and_never_stored(alice, bob, staff):
    teams = TeamWorld(alice=alice, bob=bob, staff=staff)
    answers = []
    for principal, user in teams.users.items():
        client = Client()
        client.force_login(user)
        for name in sorted(TEAM_MATRIX):
            url = reverse(name, kwargs=teams.kwargs_for(name, kwarg_names(matrix_site_urls()[name][1])))
            answers.append((f"{name} as {principal}", client.get(url)))
    missing = not_private_no_store(answers)
    assert not missing, "\n".join(missing)


def test_every_page_only_alice_may_see_is_in_the_personal_list():
    for name, entry in MATRIX.items():
        get = entry["GET"]
        if get[ALICE] in {200, 302} and get["bob"] == 404:
            assert name in PERSONAL, f"{name} shows alice's data: add it to PERSONAL"


PLACEHOLDER = re.compile(r"(?:csrf|user)hole[0-9a-f]{24}")


def cached_url_names():
    """Every URL whose view is wrapped in `cached_page`, from the URLconf."""
    return sorted(
        name for name, (_route, pattern) in matrix_site_urls().items() if hasattr(pattern.callback, "cached_page")
    )


def test_no_answer_of_a_cached_view_shows_a_placeholder_whatever_its_status(world):
    """Each cached view, asked by everyone for real and unknown objects, with the roles unpublished and
    then published: its 404s, 410s and redirects carry this request's name and CSRF token."""
    names = cached_url_names()
    assert {"roles:detail", "assessments:step", "assessments:report", "assessments:dashboard"} <= set(names)
    seen, leaks = {}, []

    def ask(label, client, url):
        response = client.get(url)
        if response.status_code != 200:
            seen.setdefault(name, set()).add(response.status_code)
        if found := PLACEHOLDER.findall(response.content.decode()):
            leaks.append(f"{label}: {response.status_code} {url} shows {sorted(set(found))}")

    for published in (False, True):  # unpublished first: no page stored yet (the revision moves on commit)
        Role.objects.update(is_published=published)
        clients = clients_for(world)  # new sessions each round: no cached page carries over
        for name in names:
            kwargs = world.kwargs_for(name, kwarg_names(matrix_site_urls()[name][1]))
            unknown = {k: 999_999 if isinstance(v, int) else "no-such-thing" for k, v in kwargs.items()}
            for principal, client in clients.items():
                for variant in (kwargs, unknown):
                    ask(f"{name} as {principal}", client, reverse(name, kwargs=variant))
    assert not leaks, "\n".join(leaks)
    assert 410 in seen["assessments:step"], "a withdrawn draft's step is a 410"
    assert {404} <= seen["roles:detail"] and {404} <= seen["assessments:report"]


@pytest.mark.parametrize("status", [403, 404, 410, 302, 500])
def test_the_page_cache_fills_an_answer_it_does_not_store(alice, status):
    """Whatever a cached view answers, the placeholders it was rendered with are filled in."""

    @cached_page(owner=True)
    def view(request):
        return render(request, "404.html", status=status)  # extends base.html: the navbar's name and CSRF token

    request = RequestFactory().get("/")
    request.user = alice
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    body = view(request).content.decode()
    assert not PLACEHOLDER.search(body)
    assert "alice" in body


# --- mass assignment: extra fields are ignored ---------------------------------------------------

FORGED = {"is_staff": "on", "is_superuser": "on", "status": "submitted", "token": "chosen-by-me", "user": "1"}


def test_signup_ignores_staff_and_superuser_fields(client, world):
    data = {
        "username": "mallory",
        "email": "mallory@example.com",
        "password1": "a-long-safe-passphrase",
        "password2": "a-long-safe-passphrase",
        "groups": "1",
        "user_permissions": "1",
        "date_joined": "2000-01-01",
        **FORGED,
    }
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302
    mallory = User.objects.get(username="mallory")
    assert not mallory.is_staff
    assert not mallory.is_superuser
    assert not mallory.groups.exists()
    assert not mallory.user_permissions.exists()
    assert mallory.date_joined.year > 2000


def test_the_step_form_ignores_fields_naming_another_owner_or_status(world):
    clients = clients_for(world)
    draft = world.draft
    skill = draft.role.role_skills.select_related("skill").order_by("order")[1].skill
    bob_report = world.bob_submitted
    bob_before = list(Rating.objects.filter(assessment=bob_report).values_list("pk", "level", "evidence"))
    data = {
        f"level-{skill.slug}": "4",
        f"evidence-{skill.slug}": "mine",
        "assessment": bob_report.pk,
        "pk": bob_report.pk,
        "submitted_at": "2020-01-01",
        **FORGED,
        "user": world.users["bob"].pk,
    }
    response = clients[ALICE].post(reverse("assessments:step", args=[draft.pk, 1]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.user == world.users[ALICE]
    assert draft.is_draft
    assert draft.submitted_at is None
    assert Rating.objects.get(assessment=draft, skill=skill).level == 4
    assert list(Rating.objects.filter(assessment=bob_report).values_list("pk", "level", "evidence")) == bob_before


def test_autosave_ignores_fields_naming_another_assessment(world):
    clients = clients_for(world)
    draft = world.draft
    skill = draft.role.role_skills.select_related("skill").order_by("order")[1].skill
    bob_before = list(Rating.objects.filter(assessment=world.bob_submitted).values_list("pk", "level"))
    data = {"skill": skill.slug, "level": "5", "assessment": world.bob_submitted.pk, "assessment_id": "1", **FORGED}
    response = clients[ALICE].post(reverse("assessments:rate", args=[draft.pk]), data)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.user == world.users[ALICE]
    assert draft.is_draft
    assert Rating.objects.get(assessment=draft, skill=skill).level == 5
    assert list(Rating.objects.filter(assessment=world.bob_submitted).values_list("pk", "level")) == bob_before


def test_share_create_ignores_a_chosen_token_assessment_or_revocation(world):
    clients = clients_for(world)
    data = {
        "display_name": "A. Mentor-facing name",
        "assessment": world.bob_submitted.pk,
        "revoked_at": "2020-01-01T00:00:00Z",
        "created_at": "2000-01-01T00:00:00Z",
        **FORGED,
    }
    response = clients[ALICE].post(
        reverse("assessments:shares", args=[world.submitted.pk]), {**data, "token_digest": "0" * 64}
    )
    assert response.status_code == 200
    token = response.context["new_link"].rstrip("/").rsplit("/", 1)[1]
    link = ShareLink.objects.get(display_name="A. Mentor-facing name")
    assert link.assessment_id == world.submitted.pk
    assert token != "chosen-by-me" and len(token) >= 43
    assert link.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert link.revoked_at is None
    assert link.created_at.year > 2000
    assert ShareLink.objects.filter(assessment=world.bob_submitted).count() == 1


def test_plan_item_update_ignores_skill_levels_and_plan_fields(world):
    clients = clients_for(world)
    item = world.plan_item
    prefix = f"item-{item.pk}"
    before = PlanItem.objects.filter(pk=item.pk).values("plan_id", "skill_id", "current_level", "target_level")[0]
    data = {
        f"{prefix}-choice": "own",
        f"{prefix}-own_action": "Pair with a senior engineer",
        f"{prefix}-status": "in_progress",
        f"{prefix}-target_date": "",
        f"{prefix}-notes": "",
        f"{prefix}-plan": world.bob_submitted.pk,
        f"{prefix}-skill": world.skill.pk + 1,
        f"{prefix}-current_level": "5",
        f"{prefix}-target_level": "0",
        f"{prefix}-skill_name": "Hacked",
        f"{prefix}-order": "99",
    }
    response = clients[ALICE].post(reverse("assessments:plan_item", args=[world.submitted.pk, item.pk]), data)
    assert response.status_code in {200, 302}
    item.refresh_from_db()
    after = PlanItem.objects.filter(pk=item.pk).values("plan_id", "skill_id", "current_level", "target_level")[0]
    assert after == before
    assert item.skill_name != "Hacked"
    assert item.order != 99


def test_submitting_ignores_a_forged_user_or_status(world):
    """The submit form takes only the current role; the owner stays alice."""
    clients = clients_for(world)
    draft = world.draft
    for rs in draft.role.role_skills.select_related("skill"):
        clients[ALICE].post(reverse("assessments:rate", args=[draft.pk]), {"skill": rs.skill.slug, "level": "2"})
    data = {"current_role": "", "user": world.users["bob"].pk, "snapshot": "{}", "submitted_at": "2000-01-01"}
    response = clients[ALICE].post(reverse("assessments:submit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.user == world.users[ALICE]
    assert draft.is_submitted
    assert draft.submitted_at.year > 2000
    assert draft.snapshot["ratings"]


def test_no_lockout_records_are_left_by_authorised_requests(world):
    """force_login and page views never create throttling rows (only failed logins do)."""
    clients = clients_for(world)
    for name in ("assessments:dashboard", "assessments:report"):
        clients[ALICE].get(url_for(world, name))
    assert not AccessAttempt.objects.exists()
    assert Assessment.objects.filter(user=world.users[ALICE]).count() == 2
