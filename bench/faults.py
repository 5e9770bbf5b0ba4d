"""Fault test: a cache outage, a database restart and a worker crash under load (docs/reliability.md).

    .venv/bin/python bench/faults.py                   # 20 users for 30 s; about 1.5 minutes in all
    .venv/bin/python bench/faults.py --users 40 --duration 60

1. Starts its own PostgreSQL cluster (initdb in a temporary folder, spare port) and its own
   redis-server (spare port), so restarting them disturbs nobody; migrates, imports the shipped
   role guides, and makes one signed-in session per simulated person (no sign-up: a password hash
   costs a second of CPU and is not what this tests).
2. Starts gunicorn as `make serve-prod` does (production settings, `--forwarded-allow-ips ""`), with
   DJANGO_CACHE_URL on that Redis, and runs the bench/load.py journey for `--users` people. Like the
   page script, a person sends a request again after a 503 or a broken connection, until it goes
   through.
3. During the load: stops Redis for 10 s and starts it again; restarts PostgreSQL once
   (`pg_ctl restart -m fast`); kills one gunicorn worker with SIGKILL. Beside gunicorn runs one task
   worker (`manage.py task_worker`, mail delivered to files by notices/tests/slowmail.py, 0.2 s a
   mail): the queue goes down (the worker is stopped) for 10 s while an owner sends team
   invitation mails through HTTP and the notices scan queues notice mails; then the worker comes
   back; later it is SIGKILLed in the middle of a batch of notice mails, a new one starts and the
   next scan requeues what the dead one held. After each fault a probe
   checks that every page works (visitor and signed-in pages, the autosave, /readyz) and that a
   `SCRIPT_NAME` header changes no link.
4. Afterwards it checks in the database that every rating answered as saved is stored with the last
   value and is in the snapshot of every submitted report (bench/load.py), that each submission is
   a single row submitted once, and that gunicorn replaced the killed worker; and that every mail
   (invitations sent while the queue was down, notice mails around the task worker's kill) was
   delivered exactly once: one file per outbox row, no Message-ID twice, every row sent.

It fails (exit 1) on: a 5xx outside the database restart window (from the stop until 3 s after
PostgreSQL accepts connections again), a broken connection other than the requests the killed
worker was serving, a lost or wrong rating, a double submit, a page probe that failed, or a
worker that was not replaced, an invitation refused while the queue was down, or a mail lost or
delivered twice. Needs redis-server and the PostgreSQL server binaries (Debian's
postgresql package); only talks to 127.0.0.1.
"""

import argparse
import email
import glob
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load
from bench.throwaway import PostgresCluster, RedisServer, free_port

ROOT = load.ROOT
HOST = load.HOST
ROLE = load.ROLE
DB_GRACE = 3.0  # seconds after PostgreSQL is back during which a 503 still counts as the restart's


class RetryingBrowser(load.Browser):
    """Sends a request again after a 503 or a broken connection, as static/js/assessment.js does."""

    def request(self, kind, method, path, form=None, headers=None):
        for _attempt in range(60):
            status, response_headers, content = super().request(kind, method, path, form, headers)
            if status is not None and status != 503:
                return status, response_headers, content
            time.sleep(0.25)
        return status, response_headers, content


def sessions_for(env, count, submitters):
    """`count` users, each with a signed-in session: {username: (session key, draft pk or None)}.

    The first `submitters` users also get a draft of the role with every skill rated, to submit.
    """
    code = f"""
import json
from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.cached_db import SessionStore
from assessments import services
from roles.models import Role
role = Role.objects.get(slug={ROLE!r})
skills = [rs.skill for rs in role.role_skills.select_related("skill")]
password = make_password(None)
out = {{}}
for i in range({count}):
    user = get_user_model().objects.create(username=f"fault-{{i}}", password=password)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.create()
    draft = None
    if i < {submitters}:
        draft, _ = services.start_assessment(role=role, user=user)
        for skill in skills:
            services.save_rating(assessment=draft, skill=skill, level=i % 6)
        draft = draft.pk
    out[user.username] = (session.session_key, draft)
print(json.dumps(out))
"""
    result = subprocess.run(
        [str(load.PYTHON), "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {name: tuple(value) for name, value in json.loads(result.stdout.strip().splitlines()[-1]).items()}


NOTICE_PEOPLE = 40  # notice mails around the task worker's kill (and as many during the outage)
OUTAGE_INVITATIONS = 8  # invitation mails sent through HTTP while the queue is down (the limit is 20 an hour)


def seed_mail(env, owner):
    """A team owned by `owner` (the probe user) to send invitations from, and NOTICE_PEOPLE people who
    asked to be emailed at once about reviews, each with a review notice waiting for the scan, twice
    over: one batch for the outage, one for the kill (`batch` in the subject key)."""
    code = f"""
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from notices.models import Delivery, Kind, Notice, NoticePreference
from teams import services
owner = get_user_model().objects.get(username={owner!r})
services.create_team(user=owner, name="Fault Team", slug="fault-team")
for i in range({NOTICE_PEOPLE}):
    user = get_user_model().objects.create(username=f"noticed-{{i}}", email=f"noticed-{{i}}@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)  # mail goes only there
    NoticePreference.objects.create(user=user, kind=Kind.REVIEW_ARRIVED, delivery=Delivery.IMMEDIATE)
"""
    load.manage(env, "shell", "-v0", "-c", code)


def add_notices(env, batch):
    """One review notice per noticed person, not yet mailed (the scan queues their mails)."""
    code = f"""
from django.contrib.auth import get_user_model
from notices.models import Delivery, Kind, Notice
for user in get_user_model().objects.filter(username__startswith="noticed-"):
    Notice.objects.create(user=user, kind=Kind.REVIEW_ARRIVED, subject_key="review:{batch}:" + str(user.pk),
                          text="A review arrived.", url="/reviews/", delivery=Delivery.IMMEDIATE)
"""
    load.manage(env, "shell", "-v0", "-c", code)


class TaskWorker:
    """`manage.py task_worker` as a production worker runs, delivering mail to files in `folder`."""

    def __init__(self, env, folder, log_path):
        self.env = {
            **env,
            "CAREERPATH_EMAIL_DELIVERY_BACKEND": "notices.tests.slowmail.SlowFileBackend",
            "CAREERPATH_TEST_MAIL_DIR": str(folder),
            "CAREERPATH_TEST_MAIL_DELAY": "0.2",
        }
        self.folder = folder
        self.log = open(log_path, "a")  # noqa: SIM115 (closed in stop)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(load.PYTHON), "manage.py", "task_worker", "--queue-name", "*", "--no-reload", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # graceful: it finishes the mail it is sending
            self.process.wait(timeout=30)

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def delivered(self):
        return len(list(self.folder.glob("*.eml")))


def outbox_counts(database_url):
    """(rows, sent) of the outbox."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*), count(sent_at) FROM notices_outgoingmail").fetchone()


def invite_during_outage(port, stats, probe_user, probe_session, results):
    """The owner invites OUTAGE_INVITATIONS people by email through HTTP, one a second."""
    browser = signed_in(port, stats, probe_user, probe_session)
    for i in range(OUTAGE_INVITATIONS):
        status, _h, body = browser.post(
            "invite", "/teams/fault-team/invitations/", {"role": "member", "email": f"invitee-{i}@example.com"}
        )
        results.append((status, "could not be sent" not in body.decode(errors="replace")))
        time.sleep(1)


def signed_in(port, stats, username, session_key):
    browser = RetryingBrowser(port, stats)
    browser.uid = username
    browser.cookies["sessionid"] = session_key
    status, _, _ = browser.request("role page", "GET", f"/roles/{ROLE}/")  # sets the CSRF cookie
    return browser if load.expect(stats, "role page", status, 200) else None


def person(port, stats, deadline, seed, username, session_key):
    """The bench/load.py journey: rate every skill through autosave, save each step, submit."""
    rng = random.Random(seed)
    browser = signed_in(port, stats, username, session_key)
    while browser and not load.passed(deadline):
        load.journey(browser, stats, deadline, rng)


def submitter(port, stats, deadline, username, session_key, draft, acknowledged):
    """Submits a complete draft, retakes it (a new draft carrying every rating over), submits that..."""
    browser = signed_in(port, stats, username, session_key)
    while browser and not load.passed(deadline):
        status, headers, _ = browser.post("submit", f"/assessments/{draft}/submit/", {"current_role": ""})
        if not load.expect(stats, "submit", status, 302) or not headers["Location"].endswith("/report/"):
            return
        with stats.lock:
            acknowledged.setdefault(username, set()).add(draft)
        status, headers, _ = browser.post("retake", f"/assessments/{draft}/retake/", {})
        if not load.expect(stats, "retake", status, 302):
            return
        draft = int(load.PK_IN_PATH.search(headers["Location"]).group(1))
        time.sleep(0.5)


# --- the faults ---------------------------------------------------------------------------------


def workers_of(master_pid):
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return sorted(int(pid) for pid in path.read_text().split()) if path.exists() else []


class Probe:
    """After each fault: every page answers (visitor and signed in, an autosave, /readyz)."""

    def __init__(self, port, username, session_key):
        self.port, self.failures, self.log = port, [], []
        self.stats = load.Stats()
        self.browser = load.Browser(port, self.stats, timeout=30)
        self.browser.cookies["sessionid"] = session_key
        self.username = username
        self.draft = None

    def run(self, label, *, cache):
        b = self.browser
        b.conn = None  # a fresh connection: gunicorn closes kept-alive ones after 2 s
        pages = ["/", "/roles/", f"/roles/{ROLE}/", "/dashboard/"]
        if self.draft is None:
            b.request("probe", "GET", f"/roles/{ROLE}/")  # the CSRF cookie
            status, headers, _ = b.post("start", f"/assessments/start/{ROLE}/", {})
            if status == 302:
                self.draft = int(load.PK_IN_PATH.search(headers["Location"]).group(1))
        if self.draft:
            pages.append(f"/assessments/{self.draft}/step/1/")
        bad = []
        for path in pages:
            status, _, content = b.request("probe", "GET", path)
            if status != 200:
                bad.append(f"{path}: {status}")
            elif path == "/dashboard/" and self.username.encode() not in content:
                bad.append("/dashboard/: not signed in")
        status, _, content = b.request("probe", "GET", "/roles/", headers={"SCRIPT_NAME": "/x"})
        if status != 200 or b'href="/x/' in content:
            bad.append("SCRIPT_NAME header changed the links")
        if self.draft:
            status, _, content = b.request("probe", "GET", f"/assessments/{self.draft}/step/1/")
            slug = load.LEVEL_FIELD.search(content.decode()).group(1)
            status, _, body = b.request(
                "probe",
                "POST",
                f"/assessments/{self.draft}/rate/",
                {"skill": slug, "level": "3", "evidence": ""},
                headers={"X-CSRFToken": b.csrf(), "X-Requested-With": "fetch"},
            )
            if status != 200 or not json.loads(body).get("saved"):
                bad.append(f"autosave: {status}")
        status, _, body = b.request("probe", "GET", "/readyz")
        ready = json.loads(body) if status in (200, 503) else {}
        if status != 200 or ready.get("cache") != cache:
            bad.append(f"/readyz: {status} {ready} (cache expected {cache})")
        line = f"{label}: {'every page works' if not bad else 'FAILED ' + '; '.join(bad)} (readyz {ready})"
        print("  probe", line, flush=True)
        self.log.append(line)
        self.failures += [f"{label}: {item}" for item in bad]


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def run_faults(args, port, server, redis_server, postgres, probe, events, deadline_start, mail):
    def at(second):
        time.sleep(max(0.0, deadline_start + second - time.monotonic()))

    def note(what):
        events.append((time.monotonic(), what))
        print(f"  t={time.monotonic() - deadline_start:5.1f} s  {what}", flush=True)

    at(2)
    probe.run("before any fault", cache="ok")
    at(args.duration * 0.1)
    redis_server.stop()
    note("Redis stopped")
    probe.run("Redis down", cache="degraded")
    at(args.duration * 0.1 + 10)
    redis_server.start()
    note("Redis started")
    time.sleep(6)  # the app tries Redis again 5 s after its last failure
    probe.run("Redis back", cache="ok")

    # the queue down: writes that send mail still answer, the mail waits in the outbox
    at(args.duration * 0.35)
    mail.worker.stop()
    note("task worker stopped (queue down)")
    before = mail.worker.delivered()
    invitations = []
    inviter = threading.Thread(
        target=invite_during_outage, args=(port, mail.stats, mail.owner, mail.session, invitations), daemon=True
    )
    inviter.start()
    add_notices(mail.env, "outage")
    load.manage(mail.env, "notices_scan")
    inviter.join(OUTAGE_INVITATIONS * 5)
    waiting = outbox_counts(mail.database_url)
    mail.outage = {
        "invitations": invitations,
        "delivered_while_down": mail.worker.delivered() - before,
        "waiting": waiting[0] - waiting[1],
    }
    note(f"queue down: {len(invitations)} invitations answered, {waiting[0] - waiting[1]} mails waiting")
    mail.worker.start()
    note("task worker started (queue back)")
    t = time.monotonic()
    mail.outage["drained"] = wait_until(
        lambda: outbox_counts(mail.database_url)[1] == outbox_counts(mail.database_url)[0], 60
    )
    mail.outage["drain_seconds"] = time.monotonic() - t
    note(f"outbox drained in {mail.outage['drain_seconds']:.1f} s")

    at(args.duration * 0.55)
    note("PostgreSQL restart begins")
    postgres.restart("fast")
    note("PostgreSQL accepting connections")
    time.sleep(DB_GRACE)
    probe.run("PostgreSQL restarted", cache="ok")

    at(args.duration * 0.8)
    before = workers_of(server.pid)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    note(f"SIGKILL worker {victim}")
    replaced = wait_until(lambda: len(set(workers_of(server.pid)) - {victim}) == len(before), 30)
    note(f"workers {before} -> {workers_of(server.pid)}")
    probe.run("worker killed", cache="ok")

    # the task worker SIGKILLed in the middle of a batch of notice mails (it lived through the restart)
    mail.survived_restart = mail.worker.process.poll() is None
    before = mail.worker.delivered()
    add_notices(mail.env, "kill")
    load.manage(mail.env, "notices_scan")
    wait_until(lambda: mail.worker.delivered() - before >= NOTICE_PEOPLE // 3, 30)
    sending = mail.worker.folder / "sending"
    sending.unlink(missing_ok=True)
    deadline = time.monotonic() + 10
    while not sending.exists() and time.monotonic() < deadline:  # the next mail's conversation begins
        time.sleep(0.005)
    mail.worker.kill()
    mail.at_kill = mail.worker.delivered() - before
    note(f"SIGKILL task worker after {mail.at_kill} of {NOTICE_PEOPLE} notice mails")
    mail.worker.start()
    load.manage(mail.env, "notices_scan", "--requeue-after", "0")  # the next cron scan, 10 minutes on
    t = time.monotonic()
    mail.kill_drained = wait_until(
        lambda: outbox_counts(mail.database_url)[1] == outbox_counts(mail.database_url)[0], 60
    )
    note(f"outbox drained {time.monotonic() - t:.1f} s after the new worker started")
    return victim, replaced


# --- checking ----------------------------------------------------------------------------------


def submissions(database_url):
    """{username: set of submitted assessment ids} from the database."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT a.id, u.username FROM assessments_assessment a JOIN auth_user u ON u.id = a.user_id "
            "WHERE a.status = 'submitted'"
        ).fetchall()
    by_user = {}
    for pk, username in rows:
        by_user.setdefault(username, set()).add(pk)
    return by_user


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (at least 25)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--submitters", type=int, default=4, help="of the users, how many submit and retake")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    args.duration = max(args.duration, 25.0)
    started_all = time.monotonic()
    load.RESULTS.mkdir(parents=True, exist_ok=True)

    print("starting a throwaway PostgreSQL cluster and redis-server ...", flush=True)
    postgres = PostgresCluster().init().start()
    redis_server = RedisServer().start()
    server = mail = None
    try:
        database_url = postgres.url("careerpath_faults")
        import psycopg

        with psycopg.connect(postgres.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE careerpath_faults")
        env = load.server_env(database_url)
        env.update(
            {
                "DJANGO_CACHE_URL": redis_server.url,
                "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
                "DJANGO_LOG_LEVEL": "WARNING",
            }
        )
        load.manage(env, "migrate", "--noinput")
        load.manage(env, "import_roles", *sorted(glob.glob(str(ROOT / "content" / "roles" / "*.yaml"))))
        sessions = sessions_for(env, args.users + 1, args.submitters)
        probe_user, (probe_session, _) = sessions.popitem()
        seed_mail(env, probe_user)
        mail_folder = Path(tempfile.mkdtemp(prefix="careerpath-faults-mail-"))
        mail = argparse.Namespace(
            env=env,
            database_url=database_url,
            owner=probe_user,
            session=probe_session,
            worker=TaskWorker(env, mail_folder, load.RESULTS / "faults-worker.log"),
            stats=load.Stats(),
        )
        mail.worker.start()

        port = free_port()
        log_path = load.RESULTS / "faults-gunicorn.log"
        server = start_gunicorn(env, port, args, log_path)
        stats = load.Stats()
        probe = Probe(port, probe_user, probe_session)
        events = []
        print(f"gunicorn on {HOST}:{port}; {args.users} users for {args.duration:.0f} s with faults ...", flush=True)
        start = time.monotonic()
        events.append((start, "load starts"))
        end = [start + args.duration]  # moved later if the faults take longer: they all happen under load
        acknowledged = {}  # username -> drafts whose submission was answered with the report
        people = []
        for i, (name, (key, draft)) in enumerate(sessions.items()):
            if draft:
                target, more = submitter, (name, key, draft, acknowledged)
            else:
                target, more = person, (args.seed * 1000 + i, name, key)
            people.append(threading.Thread(target=target, args=(port, stats, lambda: end[0], *more), daemon=True))
        for thread in people:
            thread.start()
        victim, replaced = run_faults(args, port, server, redis_server, postgres, probe, events, start, mail)
        end[0] = max(end[0], time.monotonic() + 3)
        for thread in people:
            thread.join(max(0, end[0] - time.monotonic()) + 60)
        elapsed = time.monotonic() - start
        probe.run("after the run", cache="ok")
        code = report(args, stats, probe, events, elapsed, database_url, victim, replaced, log_path, acknowledged)
        code = mail_report(mail, database_url) or code
    finally:
        if mail is not None:
            mail.worker.stop()
        if server is not None:
            stop_gunicorn(server)
        redis_server.stop()
        postgres.destroy()
    print(f"fault test took {time.monotonic() - started_all:.0f} s in all")
    return code


def start_gunicorn(env, port, args, log_path):
    command = [
        str(load.GUNICORN),
        "careerpath.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--forwarded-allow-ips",
        "",
        "--no-control-socket",
    ]
    log = open(log_path, "w")  # noqa: SIM115 (closed in stop_gunicorn)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    if not wait_until(lambda: _answers(port, "/readyz") or process.poll() is not None, 60) or process.poll():
        raise SystemExit(f"gunicorn did not start; see {log_path}")
    return process


def _answers(port, path):
    import http.client

    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False


def stop_gunicorn(process):
    load.stop_gunicorn(process)


def report(args, stats, probe, events, elapsed, database_url, victim, replaced, log_path, acknowledged):
    def moment(prefix):
        return next(t for t, what in events if what.startswith(prefix))

    db_from, db_to = moment("PostgreSQL restart"), moment("PostgreSQL accepting") + DB_GRACE
    kill_at = moment("SIGKILL")
    start = moment("load starts")

    def in_db_window(started, ended):
        return started <= db_to and ended >= db_from

    five_xx_in = five_xx_out = 0
    broken_at_kill = broken_elsewhere = 0
    elsewhere = []
    statuses = Counter()
    for started, ended, kind, status in stats.timeline:
        statuses[status] += 1
        if isinstance(status, int):
            if status >= 500:
                if in_db_window(started, ended):
                    five_xx_in += 1
                else:
                    five_xx_out += 1
        elif started <= kill_at <= ended + 0.5:
            broken_at_kill += 1  # a request the killed worker was serving, or its kept-alive connection
        else:
            broken_elsewhere += 1
            elsewhere.append(f"  broken connection: {kind} at t={started - start:.1f} s: {status}")
    missing, wrong, snapshot_mismatch, checked = load.check_database(database_url, stats)
    # Exactly once: each person's submitted assessments in the database are the drafts whose submit
    # was answered with the report (a submit retried after a lost answer gets the same report).
    submitted = submissions(database_url)
    journey_submits = {pk for pks in submitted.values() for pk in pks} - {
        pk for pks in acknowledged.values() for pk in pks
    }
    double_submits = sum(len(submitted.get(user, set()) ^ pks) for user, pks in acknowledged.items())
    double_submits += len(journey_submits - stats.submitted)
    submitted_total = sum(len(pks) for pks in submitted.values())
    tracebacks = log_path.read_text(errors="replace").count("Traceback")
    latencies = [seconds for _k, _s, seconds in stats.requests]
    lines = [
        f"users: {args.users} for {args.duration:.0f} s (ran {elapsed:.1f} s); gunicorn {args.workers} workers x "
        f"{args.threads} threads; faults: Redis stopped 10 s, PostgreSQL restarted once, one worker SIGKILLed",
        f"requests: {len(stats.requests)}; completed journeys: {stats.journeys}; assessments submitted: {submitted_total} ({sum(len(p) for p in acknowledged.values())} by the submitters while the faults happened)",
        "answers: " + ", ".join(f"{k}: {n}" for k, n in sorted(statuses.items(), key=str)),
        f"5xx outside the database restart window: {five_xx_out} (target 0); inside it ({db_to - db_from:.1f} s): "
        f"{five_xx_in} (all 503)",
        f"broken connections: {broken_at_kill} at the worker kill, {broken_elsewhere} elsewhere (target 0); "
        f"sent again after a kept-alive connection closed (as browsers do): {sum(stats.resent.values())}",
        f"worker {victim} killed; replaced by the master: {'yes' if replaced else 'NO'}",
        f"ratings answered as saved: {len(stats.saved)}; missing: {len(missing)}; different value: {len(wrong)}; "
        f"not in the submitted snapshot: {len(snapshot_mismatch)} (of {checked} snapshots)",
        f"double submits: {double_submits} (target 0)",
        f"page probes after each fault: {len(probe.log)}, failed: {len(probe.failures)}",
        f"latency: p50 {load.percentile(latencies, 0.5) * 1000:.0f} ms, p95 {load.percentile(latencies, 0.95) * 1000:.0f} ms",
        f"tracebacks in the gunicorn log: {tracebacks} (the database restart's 503s are logged)",
        f"machine: {os.cpu_count()} cores, 1-minute load average {os.getloadavg()[0]:.1f}",
    ]
    print("\n".join(lines))
    print("\n".join(elsewhere))
    for failure in probe.failures:
        print("  probe failed:", failure)
    for key in (missing + wrong)[:10]:
        print("  lost or wrong:", key, stats.saved[key])
    failed = (
        five_xx_out
        or broken_elsewhere
        or missing
        or wrong
        or snapshot_mismatch
        or double_submits
        or probe.failures
        or not replaced
        or any(s not in (503,) for s in statuses if isinstance(s, int) and s >= 500)
    )
    return 1 if failed else 0


def mail_report(mail, database_url):
    """Every mail delivered exactly once; the outage's invitations all answered. 1 on a failure."""
    files = sorted(mail.worker.folder.glob("*.eml"))
    ids = Counter(email.message_from_bytes(f.read_bytes())["Message-ID"] for f in files)
    rows, sent = outbox_counts(database_url)
    twice = sum(n - 1 for n in ids.values() if n > 1)
    outage = mail.outage
    refused = [status for status, shown in outage["invitations"] if status != 200 or not shown]
    lines = [
        f"queue outage ({OUTAGE_INVITATIONS} invitation mails through HTTP and {NOTICE_PEOPLE} notice mails "
        f"queued while the worker was down): invitations answered 200: "
        f"{sum(1 for s, _ok in outage['invitations'] if s == 200)} of {len(outage['invitations'])}; "
        f"delivered while down: {outage['delivered_while_down']} (target 0); waiting: {outage['waiting']}; "
        f"all delivered {outage['drain_seconds']:.1f} s after the worker came back: {'yes' if outage['drained'] else 'NO'}",
        f"task worker alive after the PostgreSQL restart: {'yes' if mail.survived_restart else 'NO'}; "
        f"SIGKILLed after {mail.at_kill} of {NOTICE_PEOPLE} notice mails, while sending the next; all delivered "
        f"after the requeue: {'yes' if mail.kill_drained else 'NO'}",
        f"mail: {rows} outbox rows, {sent} sent, {len(files)} delivered, {len(ids)} distinct Message-IDs, "
        f"delivered twice: {twice} (target 0)",
    ]
    print("\n".join(lines))
    failed = (
        refused
        or outage["delivered_while_down"]
        or len(outage["invitations"]) != OUTAGE_INVITATIONS
        or not outage["drained"]
        or not mail.kill_drained
        or not mail.survived_restart
        or not NOTICE_PEOPLE // 3 <= mail.at_kill < NOTICE_PEOPLE
        or twice
        or not rows == sent == len(files) == len(ids)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
