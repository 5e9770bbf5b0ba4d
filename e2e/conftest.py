"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Read docs/testing.md first. In short:

- `browser_type_launch_args` points Playwright at `/usr/bin/chromium` (or `$CAREERPATH_CHROMIUM`);
  without it the tests skip with the command that installs it, and fail under `CI=true`.
- `base_url` is the live server, so a test says `page.goto("/roles/")`.
- `shipped_roles` imports `content/roles/*.yaml` with the same command `make content` runs.
- The people are the ones every test file has: `alice` owns, `bob` is another user, `staff` edits.
"""

import os

# Playwright's sync API runs an event loop in the test thread; without this Django refuses the
# database access of the test itself (SynchronousOnlyOperation). Set before Django opens a connection.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from glob import glob
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory

from .helpers import DESKTOP, forget_used_codes

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CAREERPATH_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ROLE_FILES = sorted(glob(str(ROOT / "content" / "roles" / "*.yaml")))

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def missing(reason):
    """Skip loudly on a laptop; fail in CI, where a skipped browser test would hide a broken setup."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_authenticator_codes():
    """Three staff log-ins in one 30-second window used to exhaust the codes the helper would type,
    though each test's site (its cache, its staff account) is new: each test starts with none used."""
    forget_used_codes()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set CAREERPATH_CHROMIUM)")
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def new_context(new_context):
    """pytest-playwright's `new_context` (and so `context` and `page`): 1280 wide by default, and
    a 10 s limit on each action so that a broken page fails fast instead of after 30 s."""

    def make(**kwargs):
        kwargs.setdefault("viewport", DESKTOP)
        context = new_context(**kwargs)
        context.set_default_timeout(10_000)
        # Loading a page may take longer on CI's shared two cores (the admin role page most of all);
        # an action on a loaded page still fails fast.
        context.set_default_navigation_timeout(30_000)
        return context

    return make


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.is_file():
        missing(f"axe-core not found at {AXE_JS}: run `npm ci` (or `make npm`) in the project root")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def shipped_roles(transactional_db):
    """The shipped role guides, imported the way `make content` does (once per test: the
    transactional database is emptied after each one)."""
    assert ROLE_FILES, "no role files in content/roles/"
    call_command("import_roles", *ROLE_FILES, verbosity=0)
    from roles.models import Role

    return Role.objects.published()


@pytest.fixture
def alice(transactional_db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(transactional_db):
    return UserFactory(username="bob")


@pytest.fixture
def staff(transactional_db):
    # staff have an authenticator app (UserFactory enrols staff: accounts/middleware.py requires it)
    return UserFactory(username="editor", is_staff=True, is_superuser=True)
