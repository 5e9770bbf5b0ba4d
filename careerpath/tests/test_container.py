"""The container's start-up (container/entrypoint, container/prepare.py) and the compose files.

Bad configuration must end in one line on standard error and a non-zero exit, never a traceback
and never a server half started: these run the entrypoint as the image does, in a subprocess with
the bad environment. The image itself is built and run by .ci/image-test.
"""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.db import OperationalError

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-test-secret-key-" + "x" * 40


def container_env(**variables):
    """The environment of the container: production settings, nothing of this test run's own."""
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "DJANGO_DEBUG": "0"}
    env.update(variables)
    return env


def run(command, env, timeout=120):
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    result.seconds = time.monotonic() - started
    return result


def prepare(*args, **variables):
    return run([sys.executable, "container/prepare.py", *args], container_env(**variables))


def entrypoint(*args, **variables):
    return run(["sh", "container/entrypoint", *args], container_env(**variables))


def assert_one_clear_line(result, *phrases):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("careerpath: ")
    for phrase in phrases:
        assert phrase in lines[0]
    return lines[0]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once the socket closes: nothing listens there


# --- bad configuration: one line, exit 1 ----------------------------------------------------------


def test_a_missing_secret_key_stops_the_web_start_with_one_line_before_gunicorn():
    result = entrypoint(DATABASE_URL="postgres://careerpath:pw@127.0.0.1:5432/careerpath")
    assert_one_clear_line(result, "DJANGO_SECRET_KEY is not set")
    assert "gunicorn" not in result.stdout + result.stderr.replace("DJANGO_SECRET_KEY", "")


def test_a_management_command_checks_the_configuration_first():
    result = entrypoint("manage", "check", DATABASE_URL="postgres://careerpath:pw@127.0.0.1:5432/careerpath")
    assert_one_clear_line(result, "DJANGO_SECRET_KEY is not set")


def test_no_database_url_says_the_container_needs_postgresql():
    assert_one_clear_line(prepare(DJANGO_SECRET_KEY=SECRET), "DATABASE_URL is not set", "postgres://")


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("postgress://careerpath:hunter2secret@db:5432/careerpath", "unknown scheme 'postgress'"),
        ("postgres://careerpath:hunter2secret@db:port/careerpath", "does not parse"),
        ("careerpath:hunter2secret@db:5432/careerpath", "no scheme"),
        ("mysql://careerpath:hunter2secret@db:3306/careerpath", "PostgreSQL or SQLite"),
        ("postgres://careerpath:hunter2secret@db:5432/", "names no database"),
    ],
)
def test_a_wrong_database_url_is_one_line_that_never_shows_the_password(url, phrase):
    line = assert_one_clear_line(prepare(DJANGO_SECRET_KEY=SECRET, DATABASE_URL=url), "DATABASE_URL", phrase)
    assert "hunter2secret" not in line


def test_a_wrong_database_url_is_a_clear_error_for_manage_py_too():
    result = run(
        [sys.executable, "manage.py", "check"],
        container_env(DJANGO_DEBUG="1", DJANGO_SECRET_KEY=SECRET, DATABASE_URL="postgress://u:hunter2secret@db/x"),
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not a database address (unknown scheme 'postgress')" in result.stderr
    assert "hunter2secret" not in result.stderr


def test_a_database_that_is_not_up_is_waited_for_with_a_log_line_then_given_up_on():
    port = closed_port()
    result = prepare(
        DJANGO_SECRET_KEY=SECRET,
        DATABASE_URL=f"postgres://careerpath:pw@127.0.0.1:{port}/careerpath",
        CAREERPATH_DB_WAIT="3",
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert lines[0].startswith(f"careerpath: waiting for the database at 127.0.0.1:{port}/careerpath (attempt 1")
    assert len(lines) >= 2  # at least one retry before giving up
    assert lines[-1].startswith(f"careerpath: the database at 127.0.0.1:{port}/careerpath did not answer within 3 s")
    assert result.seconds < 30


def test_a_malformed_wait_is_one_line():
    result = prepare(DJANGO_SECRET_KEY=SECRET, DATABASE_URL="postgres://u:p@db/x", CAREERPATH_DB_WAIT="soon")
    assert_one_clear_line(result, "CAREERPATH_DB_WAIT must be a whole number")


# --- the wait, in process: what is retried and what is not --------------------------------------


@pytest.fixture
def prepare_module():
    sys.path.insert(0, str(ROOT / "container"))
    try:
        import prepare as module
    finally:
        sys.path.remove(str(ROOT / "container"))
    return module


def failing_connection(monkeypatch, errors):
    """ensure_connection raises each of `errors` in turn, then connects."""
    from django.db import connection

    pending = list(errors)
    calls = []

    def ensure_connection():
        calls.append(1)
        if pending:
            raise pending.pop(0)

    monkeypatch.setattr(connection, "ensure_connection", ensure_connection)
    monkeypatch.setattr(connection, "close", lambda: None)
    return calls


def test_the_wait_retries_until_the_database_answers(prepare_module, monkeypatch, capsys):
    monkeypatch.setattr(prepare_module.time, "sleep", lambda seconds: None)
    refused = OperationalError('connection to server at "db" (10.0.0.2), port 5432 failed: Connection refused')
    calls = failing_connection(monkeypatch, [refused, refused])
    prepare_module.wait_for_database(timeout=30)
    assert len(calls) == 3
    log = capsys.readouterr().err
    assert log.count("careerpath: waiting for the database") == 2
    assert "Connection refused" in log
    assert "careerpath: the database at" in log.splitlines()[-1] and log.splitlines()[-1].endswith("answers")


@pytest.mark.parametrize(
    "error",
    [
        'connection to server at "db", port 5432 failed: FATAL:  password authentication failed for user "careerpath"',
        'connection to server at "db", port 5432 failed: FATAL:  database "careerpath" does not exist',
    ],
)
def test_wrong_credentials_or_database_stop_at_once_without_retrying(prepare_module, monkeypatch, error):
    calls = failing_connection(monkeypatch, [OperationalError(error)] * 5)
    with pytest.raises(prepare_module.StartupError, match="refused the connection") as raised:
        prepare_module.wait_for_database(timeout=30)
    assert len(calls) == 1
    assert error.split("FATAL:")[1].strip() in str(raised.value)


# --- setup: migrations and the role guides, once -------------------------------------------------


def test_setup_migrates_and_imports_the_role_guides_on_the_first_start_only(tmp_path):
    database = f"sqlite:///{tmp_path / 'container.sqlite3'}"
    shipped = len(list((ROOT / "content" / "roles").glob("*.yaml")))
    first = prepare("--setup", DJANGO_SECRET_KEY=SECRET, DATABASE_URL=database)
    assert first.returncode == 0, first.stderr
    assert "careerpath: migrations applied" in first.stderr
    assert f"careerpath: imported {shipped} shipped role guides: Imported {shipped} roles" in first.stderr
    assert not first.stdout  # the import's own report is in the log line, not interleaved on stdout
    again = prepare("--setup", DJANGO_SECRET_KEY=SECRET, DATABASE_URL=database)
    assert again.returncode == 0, again.stderr
    assert "role guides already present: not re-imported" in again.stderr
    assert "imported" not in again.stderr.replace("re-imported", "")


# --- compose.yaml and .env.example --------------------------------------------------------------


def test_compose_publishes_only_the_web_port_and_never_postgres_or_redis():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    published = {name: service.get("ports", []) for name, service in services.items()}
    assert published["web"] == ["${WEB_BIND:-127.0.0.1}:${WEB_PORT:-8000}:8000"]
    assert not any(ports for name, ports in published.items() if name != "web")


def test_every_setting_compose_reads_from_the_environment_is_in_env_example_and_no_secret_is():
    compose = (ROOT / "compose.yaml").read_text()
    example = (ROOT / ".env.example").read_text()
    values = dict(re.findall(r"^([A-Z_][A-Z0-9_]*)=(.*)$", example, re.MULTILINE))
    # image and build overrides (and .ci/image-test's own env file) are not settings of a deployment
    overrides = {"CAREERPATH_IMAGE", "PYTHON_BASE", "POSTGRES_IMAGE", "REDIS_IMAGE", "CAREERPATH_ENV_FILE"}
    interpolated = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", compose)) - overrides
    assert interpolated, "compose.yaml reads no variable: the pattern above no longer matches it"
    assert not interpolated - set(values), f"add to .env.example: {sorted(interpolated - set(values))}"
    assert values["DJANGO_SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
