"""Start-up of the container (run by container/entrypoint before gunicorn or a management command).

Bad configuration ends here with one line on standard error and exit status 1, never a traceback
and never a half-started server: settings that cannot load (no DJANGO_SECRET_KEY, a DATABASE_URL
that is not a database address, any other ImproperlyConfigured), no DATABASE_URL at all, a database
that refuses the credentials or does not exist. A database that is not up yet is waited for, with
a log line per attempt, for at most CAREERPATH_DB_WAIT seconds (default 60).

    python container/prepare.py           check the settings, wait for the database
    python container/prepare.py --setup   ... then migrate, and import the shipped role guides
                                          when the database has none (--import-roles: always)

Several web containers may start at once: migrations and the import run under one PostgreSQL
advisory lock, so they run one container at a time (the later ones find nothing to do).
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerpath.settings")

SETUP_LOCK = 7_310_032  # pg_advisory_lock key: "careerpath setup" (any constant the app does not use)
# Errors that waiting will not cure: say so at once instead of retrying.
PERMANENT = ("password authentication failed", "does not exist", "no pg_hba.conf entry")


class StartupError(Exception):
    """A configuration problem, said in one line."""


def log(message):
    print(f"careerpath: {message}", file=sys.stderr, flush=True)


def load_settings():
    import django
    from django.core.exceptions import ImproperlyConfigured

    if not os.environ.get("DATABASE_URL", "").strip():
        raise StartupError(
            "DATABASE_URL is not set; the container needs a PostgreSQL database, "
            "e.g. DATABASE_URL=postgres://careerpath:PASSWORD@db:5432/careerpath (compose.yaml sets it from .env)."
        )
    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise StartupError(f"configuration error: {first_line(error)}") from None
    except Exception as error:  # anything else the settings raise: still one line, with its kind
        raise StartupError(f"the settings could not be loaded: {type(error).__name__}: {first_line(error)}") from None


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def where(database):
    """host:port/name of the database, never the password."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"SQLite file {database['NAME']}"
    return f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}/{database.get('NAME')}"


def wait_for_database(timeout):
    from django.db import OperationalError, connection

    place = where(connection.settings_dict)
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            connection.ensure_connection()
            if attempt > 1:
                log(f"the database at {place} answers")
            return
        except OperationalError as error:
            reason = first_line(error)
            if any(marker in reason for marker in PERMANENT):
                raise StartupError(f"the database at {place} refused the connection: {reason}") from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise StartupError(
                    f"the database at {place} did not answer within {timeout} s (last error: {reason}); "
                    "is it running, and is DATABASE_URL right?"
                ) from None
            log(f"waiting for the database at {place} (attempt {attempt}, {left:.0f} s left): {reason}")
            connection.close()
            time.sleep(min(2, max(left, 0.1)))


def setup(*, import_roles):
    from django.core.management import CommandError, call_command
    from django.db import connection

    from roles.models import Role

    locked = connection.vendor == "postgresql"
    if locked:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [SETUP_LOCK])
    try:
        call_command("migrate", interactive=False, verbosity=0)
        log("migrations applied")
        if import_roles or not Role.objects.exists():
            files = sorted(str(path) for path in (ROOT / "content" / "roles").glob("*.yaml"))
            summary = io.StringIO()
            try:
                call_command("import_roles", *files, stdout=summary)
            except CommandError as error:
                raise StartupError(f"the shipped role guides could not be imported: {first_line(error)}") from None
            log(f"imported {len(files)} shipped role guides: {summary.getvalue().strip()}")
        else:
            log("role guides already present: not re-imported (run `setup` to import the shipped ones)")
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SETUP_LOCK])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="migrate and import the role guides if none")
    parser.add_argument("--import-roles", action="store_true", help="with --setup: import them even if present")
    args = parser.parse_args(argv)
    try:
        timeout = int(os.environ.get("CAREERPATH_DB_WAIT", "60") or 60)
    except ValueError:
        log(f"CAREERPATH_DB_WAIT must be a whole number of seconds; got {os.environ['CAREERPATH_DB_WAIT']!r}")
        return 1
    try:
        load_settings()
        wait_for_database(timeout)
        if args.setup:
            setup(import_roles=args.import_roles)
    except StartupError as error:
        log(str(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
