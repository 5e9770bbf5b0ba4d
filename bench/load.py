"""Load test of the whole journey, checking afterwards that no saved rating was lost (docs/reliability.md).

    .venv/bin/python bench/load.py                      # 50 users for 60 s (about 2-3 minutes in all)
    .venv/bin/python bench/load.py --users 80 --duration 120 --keep-db

1. Creates a fresh PostgreSQL database (`careerpath_load` on 127.0.0.1, dropped first if it is
   there), runs `migrate`, `import_roles content/roles/*.yaml` and `collectstatic` against it with
   production settings (DEBUG off, a random secret key, throttling off, plain HTTP allowed).
2. Starts gunicorn on 127.0.0.1 (4 workers x 4 threads) and waits for /healthz.
3. Runs `--users` simulated people at once for `--duration` seconds. Each one signs up, then over
   and over: starts "Senior ML Engineer", on every step rates every skill through the autosave
   endpoint (CSRF token from the cookie, as the page's script sends it; one skill per step is
   re-rated, so the last value must win), saves the step with the same answers, submits, and reads
   the report. Every rating the server answered as saved is recorded.
4. Stops by itself, stops gunicorn, and checks in the database (psycopg) that every recorded rating
   exists with the last value the server accepted, and that every submitted report's snapshot holds
   it too.
5. Prints requests, errors by status, the 5xx count (target 0), lost ratings (target 0), and p50/p95
   latency overall and per kind of request; exits 1 if there was a 5xx, a transport error or a lost
   rating. gunicorn's log goes to bench/results/load-gunicorn.log (git-ignored).

Only talks to 127.0.0.1. Needs PostgreSQL at 127.0.0.1:5432 (trust auth for `postgres`) and nothing
beyond the app's own requirements. Importing this module has no side effects.
"""

import argparse
import glob
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
ROLE = "senior-ml-engineer"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
LEVEL_FIELD = re.compile(r'name="level-([a-z0-9_-]+)"')
PK_IN_PATH = re.compile(r"/assessments/(\d+)/")


# --- setting up ---------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SESSION_COOKIE_SECURE": "0",
            "DJANGO_CSRF_COOKIE_SECURE": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_AXES_ENABLED": "0",
            "DATABASE_URL": database_url,
        }
    )
    return env


def create_database(name):
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name):
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args):
    print("  manage.py", " ".join(args[:2]), "..." if len(args) > 2 else "", flush=True)
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(env, port, workers, threads, log_path):
    command = [
        str(GUNICORN),
        "careerpath.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--forwarded-allow-ips",
        "",
        "--no-control-socket",
    ]
    log = open(log_path, "w")  # noqa: SIM115 (closed in stop_gunicorn)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # graceful: finishes the requests in flight
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.close()


# --- one simulated person -------------------------------------------------------------------------


class Stats:
    """Every request's kind, status and latency, and every rating the server said it saved."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (kind, status, seconds)
        self.transport_errors = Counter()
        self.saved = {}  # (assessment pk, skill slug) -> (level, evidence), the last value accepted
        self.submitted = set()
        self.journeys = 0
        self.unexpected = Counter()  # (kind, status) answered but not what the journey expects
        self.timeline = []  # (started, ended, kind, status or error name), time.monotonic()
        self.resent = Counter()  # kind: sent again after a reused keep-alive connection broke

    def record(self, kind, status, seconds):
        ended = time.monotonic()
        with self.lock:
            self.requests.append((kind, status, seconds))
            self.timeline.append((ended - seconds, ended, kind, status))

    def saved_rating(self, pk, slug, level, evidence):
        with self.lock:
            self.saved[pk, slug] = (level, evidence)


class Browser:
    """One person's connection and cookies (http.client, keep-alive).

    Like a browser, a request that breaks on a reused keep-alive connection before any answer
    arrives is sent once more on a new connection: gunicorn closes a connection that was idle
    for 2 s, and a request can cross that close on the wire. Chromium does the same for every
    method (HttpNetworkTransaction::ShouldResendRequest), so a POST may reach the server twice;
    the database checks prove that does no harm. A break on a new connection is an error.
    """

    def __init__(self, port, stats, timeout=180):
        self.port, self.stats, self.timeout = port, stats, timeout
        self.cookies = {}
        self.conn = None
        self.reused = False  # the connection has carried an answer already

    def request(self, kind, method, path, form=None, headers=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        all_headers = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for resend in (False, True):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                    self.reused = False
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (OSError, http.client.HTTPException) as error:
                self.conn = None
                if self.reused and not resend and not isinstance(error, TimeoutError):
                    with self.stats.lock:
                        self.stats.resent[kind] += 1
                    continue
                ended = time.monotonic()
                with self.stats.lock:
                    self.stats.transport_errors[f"{kind}: {type(error).__name__}"] += 1
                    self.stats.timeline.append(
                        (ended - (time.perf_counter() - started), ended, kind, type(error).__name__)
                    )
                return None, {}, b""
        self.reused = True
        self.stats.record(kind, response.status, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def csrf(self):
        return self.cookies.get("csrftoken", "")

    def post(self, kind, path, form):
        return self.request(kind, "POST", path, {**form, "csrfmiddlewaretoken": self.csrf()})


def expect(stats, kind, status, wanted):
    if status is None:
        return False
    if status != wanted:
        with stats.lock:
            stats.unexpected[kind, status] += 1
        return False
    return True


def sign_up(port, stats):
    """A new account, logged in: the Browser, or None if sign-up failed."""
    browser = Browser(port, stats)
    uid = secrets.token_hex(6)
    status, _, _ = browser.request("signup page", "GET", "/accounts/signup/")
    if not expect(stats, "signup page", status, 200):
        return None
    password = f"load-test-passphrase-{uid}"
    form = {"username": f"load-{uid}", "email": f"load-{uid}@example.com", "password1": password, "password2": password}
    status, _, _ = browser.post("signup", "/accounts/signup/", form)
    if not expect(stats, "signup", status, 302):
        return None
    browser.uid = uid
    return browser


def passed(deadline):
    """True once the deadline (a time.monotonic() value, or a function giving one) has passed."""
    return time.monotonic() >= (deadline() if callable(deadline) else deadline)


def journey(browser, stats, deadline, rng):
    """Start the role, rate every skill, submit, read the report. Returns early at the deadline.

    From the second round on, the new draft is pre-filled from the last report; every skill is
    still rated again through autosave.
    """
    uid = browser.uid
    status, headers, _ = browser.post("start", f"/assessments/start/{ROLE}/", {})
    if not expect(stats, "start", status, 302):
        return
    pk = int(PK_IN_PATH.search(headers["Location"]).group(1))

    number = 1
    while not passed(deadline):
        step_path = f"/assessments/{pk}/step/{number}/"
        status, _, content = browser.request("step page", "GET", step_path)
        if not expect(stats, "step page", status, 200):
            return
        slugs = list(dict.fromkeys(LEVEL_FIELD.findall(content.decode())))
        answers = {}
        for index, slug in enumerate(slugs):
            # The first skill of each step is rated twice: the second value must be the one kept.
            for attempt in range(2 if index == 0 else 1):
                level = rng.randint(0, 5)
                evidence = f"{uid} {slug} #{attempt} — shipped ✓" if rng.random() < 0.5 else ""
                status, _, body = browser.request(
                    "autosave",
                    "POST",
                    f"/assessments/{pk}/rate/",
                    {"skill": slug, "level": str(level), "evidence": evidence},
                    headers={"X-CSRFToken": browser.csrf(), "X-Requested-With": "fetch"},
                )
                if expect(stats, "autosave", status, 200) and json.loads(body).get("saved") is True:
                    stats.saved_rating(pk, slug, level, evidence)
                    answers[slug] = (level, evidence)
            if passed(deadline):
                return
        form = {}
        for slug, (level, evidence) in answers.items():
            form[f"level-{slug}"] = str(level)
            form[f"evidence-{slug}"] = evidence
        status, headers, _ = browser.post("step save", step_path, {**form, "continue": "1"})
        if not expect(stats, "step save", status, 302):
            return
        for slug, (level, evidence) in answers.items():
            stats.saved_rating(pk, slug, level, evidence)
        if headers["Location"].endswith("/review/"):
            break
        number += 1
    else:
        return

    status, _, _ = browser.request("review", "GET", f"/assessments/{pk}/review/")
    if not expect(stats, "review", status, 200):
        return
    status, headers, _ = browser.post("submit", f"/assessments/{pk}/submit/", {"current_role": ""})
    if not expect(stats, "submit", status, 302) or not headers["Location"].endswith("/report/"):
        return
    with stats.lock:
        stats.submitted.add(pk)
    status, _, _ = browser.request("report", "GET", headers["Location"])
    if expect(stats, "report", status, 200):
        with stats.lock:
            stats.journeys += 1


def person(port, stats, deadline, seed):
    """Sign up once, then take the assessment again and again until the deadline."""
    rng = random.Random(seed)
    browser = None
    while not passed(deadline):
        if browser is None:
            browser = sign_up(port, stats)  # again only if the last sign-up failed
            continue
        journey(browser, stats, deadline, rng)


# --- checking and reporting ----------------------------------------------------------------------


def check_database(database_url, stats):
    """(missing, wrong, snapshot mismatches) for every rating the server said it saved."""
    pks = sorted({pk for pk, _slug in stats.saved})
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT r.assessment_id, s.slug, r.level, r.evidence FROM assessments_rating r "
            "JOIN roles_skill s ON s.id = r.skill_id WHERE r.assessment_id = ANY(%s)",
            (pks,),
        ).fetchall()
        snapshots = dict(
            conn.execute(
                "SELECT id, snapshot FROM assessments_assessment WHERE id = ANY(%s) AND status = 'submitted'",
                (sorted(stats.submitted),),
            ).fetchall()
        )
    stored = {(pk, slug): (level, evidence) for pk, slug, level, evidence in rows}
    missing = [key for key in stats.saved if key not in stored]
    wrong = [key for key, value in stats.saved.items() if key in stored and stored[key] != value]
    snapshot_mismatch = []
    for (pk, slug), (level, evidence) in stats.saved.items():
        if pk in snapshots:
            frozen = snapshots[pk]["ratings"].get(slug)
            if frozen != {"level": level, "evidence": evidence}:
                snapshot_mismatch.append((pk, slug))
    return missing, wrong, snapshot_mismatch, len(snapshots)


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(stats, elapsed, missing, wrong, snapshot_mismatch, checked_snapshots, args):
    statuses = Counter(status for _kind, status, _s in stats.requests)
    five_xx = sum(n for status, n in statuses.items() if status >= 500)
    latencies = [s for _k, _st, s in stats.requests]
    lines = [
        f"users: {args.users} at once for {args.duration:.0f} s (ran {elapsed:.1f} s); gunicorn "
        f"{args.workers} workers x {args.threads} threads",
        f"requests: {len(stats.requests)} ({len(stats.requests) / elapsed:.1f}/s); completed journeys: "
        f"{stats.journeys}; assessments submitted: {len(stats.submitted)}",
        "status codes: " + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())),
        f"5xx: {five_xx}    transport errors: {sum(stats.transport_errors.values())} "
        f"{dict(stats.transport_errors) or ''}",
        f"sent again after a kept-alive connection closed (as browsers do): {sum(stats.resent.values())}",
        "unexpected answers: " + (", ".join(f"{k} {s}: {n}" for (k, s), n in stats.unexpected.items()) or "none"),
        f"ratings the server said it saved: {len(stats.saved)}; missing in the database: {len(missing)}; "
        f"different value: {len(wrong)}; not in the submitted snapshot: {len(snapshot_mismatch)} "
        f"(of {checked_snapshots} snapshots)",
        f"latency overall: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f} ms",
        "",
        f"{'request':<12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}",
    ]
    by_kind = defaultdict(list)
    for kind, _status, seconds in stats.requests:
        by_kind[kind].append(seconds)
    for kind, values in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        lines.append(
            f"{kind:<12} {len(values):>7} {percentile(values, 0.5) * 1000:>8.0f} "
            f"{percentile(values, 0.95) * 1000:>8.0f} {max(values) * 1000:>8.0f}"
        )
    text = "\n".join(lines)
    print(text)
    failed = five_xx or stats.transport_errors or missing or wrong or snapshot_mismatch
    return 1 if failed else 0, text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database", default="careerpath_load", help="dropped and created afresh")
    parser.add_argument("--keep-db", action="store_true", help="leave the database for inspection")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    env = server_env(database_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"setting up {args.database} ...", flush=True)
    create_database(args.database)
    manage(env, "migrate", "--noinput")
    manage(env, "import_roles", *sorted(glob.glob(str(ROOT / "content" / "roles" / "*.yaml"))))
    manage(env, "collectstatic", "--noinput")
    port = free_port()
    server = start_gunicorn(env, port, args.workers, args.threads, RESULTS / "load-gunicorn.log")
    stats = Stats()
    try:
        print(f"gunicorn on {HOST}:{port}; {args.users} users for {args.duration:.0f} s ...", flush=True)
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        deadline = started + args.duration
        people = [
            threading.Thread(target=person, args=(port, stats, deadline, args.seed * 1000 + i), daemon=True)
            for i in range(args.users)
        ]
        for thread in people:
            thread.start()
        for thread in people:
            thread.join(args.duration + 120)  # a request in flight at the deadline may still finish
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()[0]
    finally:
        stop_gunicorn(server)
    log_text = (RESULTS / "load-gunicorn.log").read_text(errors="replace")
    tracebacks = log_text.count("Traceback")
    missing, wrong, snapshot_mismatch, checked = check_database(database_url, stats)
    code, _text = report(stats, elapsed, missing, wrong, snapshot_mismatch, checked, args)
    print(f"tracebacks in the gunicorn log: {tracebacks}")
    print(
        f"machine: {os.cpu_count()} cores; 1-minute load average {load_before:.1f} before the run, {load_after:.1f} at its end"
    )
    for key in (missing + wrong)[:10]:
        print("  lost or wrong:", key, stats.saved[key])
    if not args.keep_db:
        drop_database(args.database)
    return 1 if code or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
