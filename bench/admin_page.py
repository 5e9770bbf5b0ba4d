"""Benchmark of the admin role page of the Senior ML guide (issue #16 item 9, docs/performance.md).

    .venv/bin/python bench/admin_page.py                  # a throwaway SQLite file, 30 warm GETs
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_x .venv/bin/python bench/admin_page.py -n 50
    .venv/bin/python bench/admin_page.py --profile        # and the top cumulative functions (cProfile)
    .venv/bin/python bench/admin_page.py --page sections  # the role's sections page instead

Django runs in this process with production settings (DEBUG off, so the cached template loader is
on; a random secret key; SSL redirect, secure cookies and login throttling off because the test
client speaks plain HTTP). Static file URLs use the plain storage, so no collectstatic is needed.
On the database given by DATABASE_URL, or on a throwaway SQLite file (migrated, then removed), it
imports the shipped guides (`import_roles content/roles/*.yaml`) if the Senior ML role is
missing, logs in a staff user (`bench-admin-editor`, created if missing, with an authenticator app
as the admin requires of staff) and requests the change page (`admin:roles_role_change`, or with
`--page sections` each part of the sections page, `admin:roles_role_sections`) of the guide's draft, where
editors work (started if missing; `--published` for the published guide's read-only page), with
Django's test client: a few warm-up GETs, then N timed ones. It prints min / median / p95 in ms, the queries of one GET and the page's size.
Importing this module has no side effects.
"""

import argparse
import cProfile
import glob
import io
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLE_SLUG = "senior-ml-engineer"
EDITOR = "bench-admin-editor"
TARGET_MS = 300
QUERY_BUDGET = 20
PAGES = {"role": "admin:roles_role_change", "sections": "admin:roles_role_sections"}


def production_env(database_url, *, debug=False):
    """The environment of a production process (DEBUG off), as bench/run.py gives gunicorn;
    `debug` turns DEBUG on (no cached template loader), for comparison with development."""
    return {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "1" if debug else "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_AXES_ENABLED": "0",
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "careerpath.settings",
    }


def setup_django(database_url, *, debug=False):
    os.environ.update(production_env(database_url, debug=debug))
    sys.path.insert(0, str(ROOT))
    # WhiteNoise warns that STATIC_ROOT is missing: the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    import django

    django.setup()


def prepare_data(*, fresh, published=False):
    """Migrate a fresh database, import the shipped guides if the role is missing, and return the
    role's draft (or with `published` the guide) and a staff user who may change roles."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    from roles import services
    from roles.models import Role

    if fresh:
        call_command("migrate", verbosity=0)
    if not Role.objects.filter(slug=ROLE_SLUG).exists():
        guides = sorted(glob.glob(str(ROOT / "content" / "roles" / "*.yaml")))
        call_command("import_roles", *guides, stdout=io.StringIO())
    role = Role.objects.get(slug=ROLE_SLUG)
    editor, created = get_user_model().objects.get_or_create(username=EDITOR, defaults={"is_staff": True})
    if created:
        editor.set_unusable_password()
        editor.save()
        editor.user_permissions.set(Permission.objects.filter(content_type__app_label="roles"))
    if not Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(editor, generate_totp_secret())  # staff need one before the admin opens
    return (role if published else services.start_draft(role=role)), editor


def page_urls(page, url):
    """(name, url) of each page to time: the sections page is in parts (`?part=`), each timed."""
    from roles import admin

    parts = getattr(admin, "SECTION_PARTS", {}) if page == "sections" else {}  # {} before the parts (one page)
    if not parts:
        return [(page, url)]
    return [(f"{page} ({key})", f"{url}?part={key}") for key in parts]


def measure(client, url, *, warmup, n):
    """Seconds of each of n warm GETs (after `warmup` untimed ones), and the last response."""
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    return times, response


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def profile(client, url, *, n, top):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(times, *, page, queries, size, n, database, debug, published):
    ms = [t * 1e3 for t in times]
    p95 = percentile(ms, 0.95)
    median = statistics.median(ms)
    print(
        f"admin {page} page ({ROLE_SLUG}, {'published' if published else 'draft'}), {n} warm GETs, {database}, DEBUG {'on' if debug else 'off'}, load {os.getloadavg()[0]:.2f}"
    )
    print(f"{'min ms':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'kB':>7}")
    print(f"{min(ms):>8.1f} {median:>10.1f} {p95:>8.1f} {queries:>8} {size / 1024:>7.1f}")
    verdict = "met" if median < TARGET_MS and queries <= QUERY_BUDGET else "NOT met"
    print(f"target: median < {TARGET_MS} ms and at most {QUERY_BUDGET} queries: {verdict}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=30, help="timed GETs (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed GETs first (default 3)")
    parser.add_argument("--profile", action="store_true", help="also profile N GETs and print the top functions")
    parser.add_argument("--debug", action="store_true", help="DEBUG on (no cached template loader), to compare")
    parser.add_argument("--page", choices=sorted(PAGES), default="role", help="which page (default role)")
    parser.add_argument("--published", action="store_true", help="the published guide (read-only), not its draft")
    parser.add_argument("--top", type=int, default=35, help="functions listed by --profile (default 35)")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    throwaway = None
    if not database_url:
        throwaway = tempfile.NamedTemporaryFile(prefix="bench-admin-page-", suffix=".sqlite3", delete=False)  # noqa: SIM115
        throwaway.close()
        database_url = f"sqlite:///{throwaway.name}"
    try:
        setup_django(database_url, debug=args.debug)
        from django.test import Client
        from django.urls import reverse

        role, editor = prepare_data(fresh=throwaway is not None, published=args.published)
        client = Client()
        client.force_login(editor)
        database = "throwaway SQLite" if throwaway else database_url.rsplit("/", 1)[-1]
        for page, url in page_urls(args.page, reverse(PAGES[args.page], args=[role.pk])):
            times, response = measure(client, url, warmup=args.warmup, n=args.n)
            report(
                times,
                page=page,
                queries=count_queries(client, url),
                size=len(response.content),
                n=args.n,
                database=database,
                debug=args.debug,
                published=args.published,
            )
            if args.profile:
                print(profile(client, url, n=args.n, top=args.top))
    finally:
        if throwaway is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(throwaway.name + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
