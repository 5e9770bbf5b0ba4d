"""Load benchmark of the main pages against a seeded PostgreSQL database (docs/performance.md).

    BENCH_PASSWORD=... .venv/bin/python bench/run.py \\
        --database-url postgres://postgres@127.0.0.1:5432/careerpath_bench

1. collectstatic, then gunicorn with production settings (DEBUG off, manifest static files) and
   the /bench/floor page routed (CAREERPATH_BENCH_FLOOR=1).
2. In-process Django on the same database: picks a pool of bench users (from seed_benchmark) who
   have submitted assessments of senior-ml-engineer and benchmark-300, opens a draft for each
   (start_assessment) and a share link; then logs each one in over HTTP (POST /accounts/login/).
   The pool's owner and manager of the 200-member `bench-team-01` also load its team pages.
3. Per endpoint: a wrk warm-up, then a measured wrk run (closed loop, fixed connections) that
   cycles through the pool's URLs and cookies from a generated Lua script, reporting req/s,
   p50/p95/p99 and non-2xx answers, and the ratio to the floor's req/s.
4. Per endpoint: an open-loop run at half its measured maximum (a Python asyncio generator that
   sends on a fixed schedule and times each request from when it was due, so a slow server
   cannot slow the generator down: no coordinated omission), reporting p95/p99 and non-2xx.
5. Writes bench/results/<stamp>-<label>.json and .md (git-ignored) and prints the tables.

Needs wrk (`apt-get install -y wrk`). Importing this module has no side effects.
"""

import argparse
import asyncio
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import cache_gain

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/careerpath_bench"
SENIOR_ML = "senior-ml-engineer"
BENCHMARK_300 = "benchmark-300"
BENCH_SKILL = "bench-skill-0001"
BENCH_TEAM = "bench-team-01"  # seed_benchmark: 200 members, both roles assigned

# Targets from issue #8: minimum share of the floor's req/s, by endpoint group.
RATIO_TARGETS = {"report": 0.40, "role detail": 0.40, "role list": 0.30, "autosave": 0.30, "step": 0.20}
P95_TARGET_MS, P99_TARGET_MS = 200, 500


# --- what is requested -----------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: str = ""


@dataclass
class Endpoint:
    name: str
    group: str  # for the targets: "report", "role detail", ... or "" for none
    requests: list  # [Request], cycled through


@dataclass
class PoolUser:
    username: str
    senior_report: int
    b300_report: int
    draft: int
    share_token: str
    team: str = ""  # the slug of the 200-member bench team this user owns or manages (seed_benchmark)
    sessionid: str = ""
    csrftoken: str = ""

    def cookie_headers(self, *, post=False):
        headers = {"Cookie": f"sessionid={self.sessionid}; csrftoken={self.csrftoken}"}
        if post:
            headers.update(
                {
                    "X-CSRFToken": self.csrftoken,
                    "X-Requested-With": "fetch",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
        return headers


def build_endpoints(pool, draft_skills):
    def each(path_for, **kwargs):
        return [Request("GET", path_for(u), u.cookie_headers(), **kwargs) for u in pool]

    autosave = [
        Request(
            "POST",
            f"/assessments/{u.draft}/rate/",
            u.cookie_headers(post=True),
            urllib.parse.urlencode({"skill": skill, "level": (i + j) % 6, "evidence": ""}),
        )
        for i, u in enumerate(pool)
        for j, skill in enumerate(draft_skills[:10])
    ]
    pages = [
        Endpoint("floor", "", each(lambda u: "/bench/floor")),
        Endpoint("role list", "role list", each(lambda u: "/roles/")),
        Endpoint(f"role detail {SENIOR_ML}", "role detail", each(lambda u: f"/roles/{SENIOR_ML}/")),
        Endpoint(f"role detail {BENCHMARK_300}", "role detail", each(lambda u: f"/roles/{BENCHMARK_300}/")),
        Endpoint(f"role detail {SENIOR_ML} (visitor)", "role detail", [Request("GET", f"/roles/{SENIOR_ML}/", {})]),
        Endpoint(f"skill page {BENCH_SKILL}", "", each(lambda u: f"/skills/{BENCH_SKILL}/")),
        Endpoint("dashboard", "", each(lambda u: "/dashboard/")),
        Endpoint("assessment step 1", "step", each(lambda u: f"/assessments/{u.draft}/step/1/")),
        Endpoint("autosave (POST rate)", "autosave", autosave),
        Endpoint(f"report {SENIOR_ML}", "report", each(lambda u: f"/assessments/{u.senior_report}/report/")),
        Endpoint(f"report {BENCHMARK_300}", "report", each(lambda u: f"/assessments/{u.b300_report}/report/")),
        Endpoint("report.json", "", each(lambda u: f"/assessments/{u.senior_report}/report.json")),
        Endpoint("report.csv", "", each(lambda u: f"/assessments/{u.senior_report}/report.csv")),
        Endpoint("shared report (visitor)", "", [Request("GET", f"/r/{u.share_token}/", {}) for u in pool]),
        Endpoint("role fit", "", each(lambda u: "/assessments/fit/")),
        *team_endpoints(pool),
    ]
    return cache_gain.with_fresh_variants(pages, _variant)


def _variant(endpoint, name, path_for):
    """`endpoint` under another name, each request's path changed by `path_for` (bench/cache_gain.py)."""
    requests = [Request(r.method, path_for(r.path), r.headers, r.body) for r in endpoint.requests]
    return Endpoint(name, "", requests)


def team_endpoints(pool):
    """The team page and matrix.json of the 200-member bench team, as its owner and manager see them."""
    managers = [u for u in pool if u.team]
    if not managers:
        return []

    def each(path_for):
        return [Request("GET", path_for(u), u.cookie_headers()) for u in managers]

    return [
        Endpoint(f"team page {role} (200 members)", "", each(lambda u, r=role: f"/teams/{u.team}/roles/{r}/"))
        for role in (SENIOR_ML, BENCHMARK_300)
    ] + [
        Endpoint(
            f"team matrix.json {role} (200 members)",
            "",
            each(lambda u, r=role: f"/teams/{u.team}/roles/{r}/matrix.json"),
        )
        for role in (SENIOR_ML, BENCHMARK_300)
    ]


# --- the server ----------------------------------------------------------------------------


def server_env(database_url):
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SESSION_COOKIE_SECURE": "0",
            "DJANGO_CSRF_COOKIE_SECURE": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_AXES_ENABLED": "0",
            "CAREERPATH_BENCH_FLOOR": "1",
            "DJANGO_SETTINGS_MODULE": "careerpath.settings",
        }
    )
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, *, port, workers, threads, log_path):
    command = [
        str(GUNICORN), "careerpath.wsgi", "--workers", str(workers), "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning", "--timeout", "120",
        "--forwarded-allow-ips", "",  # as make serve-prod: no forwarder header is trusted
    ]  # fmt: skip
    log = open(log_path, "ab")  # noqa: SIM115 (closed in stop_gunicorn)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    process.log = log
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            status, _headers, _body = http_request(port, Request("GET", "/bench/floor", {}))
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(process)
    raise SystemExit(f"gunicorn did not answer /bench/floor within 30 s; see {log_path}")


def stop_gunicorn(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: gunicorn and its workers only
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.log.close()


def http_request(port, request, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(request.method, request.path, body=request.body or None, headers=request.headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


# --- preparing the data and the sessions ------------------------------------------------------


def prepare_pool(env, size):
    """Bench users with a submitted senior-ml-engineer and benchmark-300 assessment, each with a draft and a link."""
    os.environ.update(env)  # the same settings as the server, for this process's Django
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from assessments.models import Assessment, ShareLink
    from assessments.services import share_report, start_assessment
    from roles.models import Role, RoleSkill

    senior = Role.objects.filter(slug=SENIOR_ML).first()
    if senior is None or not Role.objects.filter(slug=BENCHMARK_300).exists():
        raise SystemExit(
            f"Seed first: import_roles content/roles/*.yaml, then bench/seed_benchmark.py ({SENIOR_ML}, {BENCHMARK_300})."
        )
    submitted = Assessment.objects.submitted()
    users = (
        get_user_model()
        .objects.filter(username__regex=r"^bench[0-9]+$")
        .filter(pk__in=submitted.filter(role__slug=SENIOR_ML).values("user"))
        .filter(pk__in=submitted.filter(role__slug=BENCHMARK_300).values("user"))
        .order_by("pk")[:size]
    )
    from teams.models import Membership

    team_managers = dict(
        Membership.objects.managing().filter(team__slug=BENCH_TEAM).values_list("user__username", "team__slug")
    )
    pool = []
    for user in users:
        senior_report = submitted.filter(user=user, role=senior).order_by("pk").first()
        b300_report = submitted.filter(user=user, role__slug=BENCHMARK_300).order_by("pk").first()
        draft, _created = start_assessment(role=senior, user=user)
        # A link's token is shown once (only its digest is kept): each run makes a new one.
        ShareLink.objects.filter(assessment=senior_report, display_name="Bench reader").delete()
        _link, token = share_report(assessment=senior_report, display_name="Bench reader")
        team = team_managers.get(user.username, "")
        pool.append(PoolUser(user.username, senior_report.pk, b300_report.pk, draft.pk, token, team))
    if not pool:
        raise SystemExit("No bench user has both reports: run bench/seed_benchmark.py on this database first.")
    draft_skills = list(
        RoleSkill.objects.filter(role=senior).order_by("order", "id").values_list("skill__slug", flat=True)
    )
    connection.close()
    return pool, draft_skills


def log_in(port, user, password):
    status, headers, _body = http_request(port, Request("GET", "/accounts/login/", {}))
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    if status != 200 or "csrftoken" not in cookies:
        raise SystemExit(f"GET /accounts/login/ answered {status} without a CSRF cookie.")
    csrftoken = cookies["csrftoken"].value
    body = urllib.parse.urlencode({"login": user.username, "password": password, "csrfmiddlewaretoken": csrftoken})
    request = Request(
        "POST",
        "/accounts/login/",
        {"Cookie": f"csrftoken={csrftoken}", "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    status, headers, _body = http_request(port, request)
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(
            f"Logging in {user.username} failed ({status}): is --password the one given to bench/seed_benchmark.py?"
        )
    user.sessionid = cookies["sessionid"].value
    user.csrftoken = cookies["csrftoken"].value if "csrftoken" in cookies else csrftoken


def preflight(port, endpoint):
    """The first request of an endpoint must answer 200 (a login redirect would look very fast)."""
    request = endpoint.requests[0]
    status, headers, body = http_request(port, request, timeout=600)
    if not 200 <= status < 300:
        raise SystemExit(f"{endpoint.name}: {request.method} {request.path} answered {status}, not 2xx.")
    return {"status": status, "bytes": len(body), "content_type": headers.get("Content-Type", "")}


def drain(port, *, limit=600):
    """Wait until the server answers the floor page quickly again: requests that wrk or the open-loop
    generator gave up on keep running in the sync workers, and would slow down the next endpoint."""
    started = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - started < limit:
        t = time.monotonic()
        try:
            http_request(port, Request("GET", "/bench/floor", {}), timeout=limit)
        except OSError:
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - t < 0.25 else 0
    return time.monotonic() - started


# --- closed loop: wrk ----------------------------------------------------------------------------

LUA = r"""
local requests = %(requests)s
local formatted = nil
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)
end

function init(args)
  non2xx = 0
  counter = offset or 0
end

function request()
  if formatted == nil then
    formatted = {}
    for i, r in ipairs(requests) do
      local headers = {}
      for k, v in pairs(r.headers) do headers[k] = v end
      formatted[i] = wrk.format(r.method, r.path, headers, r.body)
    end
  end
  counter = counter + 1
  return formatted[(counter %% #formatted) + 1]
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    "\nBENCH_JSON {\"requests\":%%d,\"duration_us\":%%d,\"p50_us\":%%d,\"p95_us\":%%d,\"p99_us\":%%d," ..
    "\"max_us\":%%d,\"non2xx\":%%d,\"connect_errors\":%%d,\"read_errors\":%%d,\"write_errors\":%%d," ..
    "\"timeouts\":%%d,\"bytes\":%%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, n, e.connect, e.read, e.write, e.timeout, summary.bytes))
end
"""


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_script(endpoint):
    items = []
    for r in endpoint.requests:
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.headers.items())
        body = lua_string(r.body) if r.body else "nil"
        items.append(
            f"{{method = {lua_string(r.method)}, path = {lua_string(r.path)}, headers = {{{headers}}}, body = {body}}}"
        )
    return LUA % {"requests": "{\n  " + ",\n  ".join(items) + "\n}"}


def run_wrk(port, script_path, *, seconds, connections, threads):
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency",
        "-s", str(script_path), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^BENCH_JSON (\{.*\})$", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"Could not read wrk's output:\n{output}")
    data = json.loads(match.group(1))
    seconds_run = data["duration_us"] / 1e6
    errors = data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"]
    return {
        "rps": data["requests"] / seconds_run,
        "requests": data["requests"],
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "non2xx": data["non2xx"],
        "socket_errors": errors,
        "mb_per_s": data["bytes"] / seconds_run / 1e6,
    }


# --- open loop: constant rate ------------------------------------------------------------------


def raw_request(request, port):
    headers = {"Host": f"127.0.0.1:{port}", **request.headers}
    body = request.body.encode()
    if body or request.method == "POST":
        headers["Content-Length"] = str(len(body))
    head = f"{request.method} {request.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


async def read_response(reader):
    """(status, keep_alive) after reading one whole response (Content-Length or chunked)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed before answering")
    status = int(status_line.split()[1])
    length, chunked, keep_alive = None, False, True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep_alive = False
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()
        keep_alive = False
    return status, keep_alive


async def open_loop(port, requests, *, rate, seconds, max_in_flight=256, timeout=30.0):
    """Send len = rate × seconds requests on a fixed schedule; latency counts from each one's due time."""
    loop = asyncio.get_running_loop()
    raws = [raw_request(r, port) for r in requests]
    idle = []  # keep-alive connections (gthread workers keep them; sync workers close each one)
    in_flight = asyncio.Semaphore(max_in_flight)
    latencies, lags, statuses, errors = [], [], {}, 0

    async def fetch(raw):
        for attempt in (1, 2):
            reused = bool(idle)
            reader, writer = idle.pop() if idle else await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(raw)
                await writer.drain()
                status, keep_alive = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                writer.close()
                if reused and attempt == 1:
                    continue  # the server closed an idle keep-alive connection: retry on a new one
                raise
            if keep_alive:
                idle.append((reader, writer))
            else:
                writer.close()
            return status
        raise ConnectionError("unreachable")

    async def one(raw, due):
        nonlocal errors
        lags.append(loop.time() - due)  # the generator's own delay: large means the client was starved of CPU
        async with in_flight:
            try:
                status = await asyncio.wait_for(fetch(raw), timeout)
            except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError):
                errors += 1
                return
        latencies.append(loop.time() - due)
        statuses[status] = statuses.get(status, 0) + 1

    total = max(1, round(rate * seconds))
    cpu_started = time.process_time()
    start = loop.time() + 0.05
    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(raws[i % len(raws)], due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    client_cpu = (time.process_time() - cpu_started) / elapsed
    for _reader, writer in idle:
        writer.close()
    latencies.sort()
    lags.sort()

    def pct(p, values=latencies):
        if not values:
            return math.nan
        return 1000 * values[min(len(values) - 1, math.ceil(p / 100 * len(values)) - 1)]

    return {
        "target_rps": rate,
        "achieved_rps": len(latencies) / elapsed,
        "requests": total,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": 1000 * latencies[-1] if latencies else math.nan,
        "non2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "errors": errors,
        "client_lag_p99_ms": pct(99, lags),
        # Above about 0.7 the generator's own event loop is the bottleneck and latencies read high.
        "client_cpu": client_cpu,
    }


# --- CPU per request, in-process ----------------------------------------------------------------------


def _process_cpu(pid):
    """User + system CPU seconds of a process so far (for the PostgreSQL backend serving this process)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_costs(endpoints, *, users, rounds):
    """CPU per request of each endpoint, in this process through Django's test client (the whole
    middleware stack, no HTTP server): Python CPU plus the CPU of the PostgreSQL backend serving it.

    Unlike requests per second, CPU time hardly changes when other work shares the cores, so these
    numbers stay comparable between runs on a busy machine. The first request of each URL (cold
    per-process caches) is timed separately.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def send(request):
        content_type = request.headers.get("Content-Type", "application/octet-stream")
        headers = {k: v for k, v in request.headers.items() if k != "Content-Type"}
        response = client.generic(request.method, request.path, request.body, content_type, headers=headers)
        if not 200 <= response.status_code < 300:
            raise SystemExit(f"{request.method} {request.path} answered {response.status_code} in-process.")
        return response

    costs = {}
    for endpoint in endpoints:
        requests = endpoint.requests[:users]
        cold = []
        for request in requests:
            started = time.perf_counter()
            send(request)
            cold.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            wall, cpu, pg = time.perf_counter(), time.process_time(), _process_cpu(backend)
            for i in range(rounds):
                send(requests[i % len(requests)])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            pg = _process_cpu(backend) - pg
        costs[endpoint.name] = {
            "cold_max_ms": 1000 * max(cold),
            "python_cpu_ms": 1000 * cpu / rounds,
            "db_cpu_ms": 1000 * pg / rounds,
            "wall_ms": 1000 * wall / rounds,
            "queries": len(queries) / rounds,
        }
        c = costs[endpoint.name]
        print(
            f"  {endpoint.name}: {c['python_cpu_ms']:.1f} ms Python + {c['db_cpu_ms']:.1f} ms PostgreSQL CPU, "
            f"{c['queries']:.0f} queries; first request {c['cold_max_ms']:,.0f} ms",
            flush=True,
        )
    return costs


def force_sessions(pool):
    """Sessions made in-process (no server, no password) for --no-http runs."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    for user in pool:
        client = Client()
        client.force_login(get_user_model().objects.get(username=user.username))
        user.sessionid = client.cookies["sessionid"].value
        user.csrftoken = secrets.token_hex(16)  # the test client does not check CSRF


# --- reporting ---------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    group: str
    example: str
    preflight: dict
    load_before: str
    max: dict = field(default_factory=dict)
    ratio: float = math.nan
    constant: dict = field(default_factory=dict)
    drain_s: float = 0.0  # waiting for abandoned requests to finish before the next run


def machine():
    def run(command):
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()

    return {
        "nproc": run(["nproc"]),
        "free": run(["free", "-h"]),
        "uptime": run(["uptime"]),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            "",
        ),
        "git": run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
        + (" (with uncommitted changes)" if run(["git", "-C", str(ROOT), "status", "--porcelain"]) else ""),
    }


def ratio_verdict(result):
    target = RATIO_TARGETS.get(result.group)
    if target is None:
        return ""
    return f"≥ {target:.0%}: {'met' if result.ratio >= target else 'NOT met'}"


def constant_verdict(constant):
    if not constant:
        return ""
    ok = constant["p95_ms"] <= P95_TARGET_MS and constant["p99_ms"] <= P99_TARGET_MS
    ok = ok and constant["non2xx"] == 0 and constant["errors"] == 0
    return "met" if ok else "NOT met"


def markdown(results, meta):
    lines = [
        f"# careerpath load benchmark, {meta['started']}",
        "",
        f"gunicorn {meta['workers']} workers × {meta['threads']} threads; wrk -t{meta['wrk_threads']} "
        f"-c{meta['connections']}, {meta['warmup']} s warm-up + {meta['duration']} s per endpoint; "
        f"pool of {meta['pool']} logged-in bench users. Git {meta['machine']['git']}.",
        "",
        f"Machine: {meta['machine']['nproc']} cores ({meta['machine']['cpu']}); "
        f"load before: `{meta['machine']['uptime']}`; after: `{meta['uptime_after']}`.",
        "",
        f"Command: `{meta['command']}`",
        "",
    ]
    if results:
        lines += [
            "## Maximum throughput (closed loop, wrk)",
            "",
            "| endpoint | req/s | p50 ms | p95 ms | p99 ms | non-2xx | × floor | target | load before |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
    for r in results:
        m = r.max
        if not m["requests"]:
            lines.append(
                f"| {r.name} | 0 | – | – | – | {m['socket_errors']} timeouts | 0% | {ratio_verdict(r)} | "
                f"{r.load_before} |"
            )
            continue
        lines.append(
            f"| {r.name} | {rps(m['rps'])} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m['p99_ms']:.1f} | "
            f"{m['non2xx'] + m['socket_errors']} | {r.ratio:.1%} | {ratio_verdict(r)} | {r.load_before} |"
        )
    if any(r.constant for r in results):
        lines += [
            "",
            f"## Constant rate at {meta['rate_fraction']:.0%} of each maximum (open loop)",
            "",
            f"Target: p95 ≤ {P95_TARGET_MS} ms, p99 ≤ {P99_TARGET_MS} ms, no non-2xx.",
            "",
            "| endpoint | rate req/s | achieved | p50 ms | p95 ms | p99 ms | max ms | non-2xx + errors | target "
            "| client lag p99 ms | client CPU |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
        ]
        for r in results:
            c = r.constant
            if not c:
                lines.append(f"| {r.name} | – | – | – | – | – | – | – | not run: no request finished at max | – | – |")
                continue
            lines.append(
                f"| {r.name} | {rps(c['target_rps'])} | {rps(c['achieved_rps'])} | {c['p50_ms']:.1f} | "
                f"{c['p95_ms']:.1f} | {c['p99_ms']:.1f} | {c['max_ms']:.0f} | {c['non2xx'] + c['errors']} | "
                f"{constant_verdict(c)} | {c.get('client_lag_p99_ms', math.nan):.1f} | {c.get('client_cpu', math.nan):.0%} |"
            )
    if meta.get("cpu"):
        overhead = server_overhead_ms(meta["cpu"])
        lines += [
            "",
            f"## CPU per request, in-process ({meta['cpu_rounds']} warm requests each; first request timed apart)",
            "",
            f"Estimate for a quiet machine: max req/s ≈ {CORES} cores / (CPU per request + {overhead:.2f} ms of "
            f"server and client overhead), the overhead chosen so that the floor comes out at the {QUIET_FLOOR_RPS:,} "
            "req/s measured on a quiet machine (docs/performance.md).",
            "",
            "| endpoint | Python CPU ms | PostgreSQL CPU ms | queries | first request ms | est. req/s | est. × floor |"
            " target |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        groups = {e["name"]: e["group"] for e in meta.get("endpoints", [])}
        for name, c in meta["cpu"].items():
            estimate = 1000 * CORES / (c["python_cpu_ms"] + c["db_cpu_ms"] + overhead)
            share = estimate / QUIET_FLOOR_RPS
            target = RATIO_TARGETS.get(groups.get(name, ""))
            verdict = f"≥ {target:.0%}: {'met' if share >= target else 'NOT met'}" if target else ""
            lines.append(
                f"| {name} | {c['python_cpu_ms']:.1f} | {c['db_cpu_ms']:.1f} | {c['queries']:.0f} | "
                f"{c['cold_max_ms']:,.0f} | {rps(estimate)} | {share:.1%} | {verdict} |"
            )
    lines += cache_gain.markdown(
        {r.name: r.max["rps"] for r in results if r.max["requests"]},
        {
            name: 1000 * CORES / (c["python_cpu_ms"] + c["db_cpu_ms"] + server_overhead_ms(meta["cpu"]))
            for name, c in meta.get("cpu", {}).items()
        },
    )
    if results:
        lines += ["", "## Pages", ""]
        lines += [f"- {r.name}: `{r.example}` ({r.preflight['bytes']:,} bytes)" for r in results]
    return "\n".join(lines) + "\n"


CORES = os.cpu_count() or 2
QUIET_FLOOR_RPS = 1850  # /bench/floor under gunicorn on this 2-core machine when nothing else runs


def server_overhead_ms(cpu):
    """Per-request CPU that the in-process numbers miss (gunicorn, HTTP parsing, the load generator)."""
    floor = cpu.get("floor")
    if not floor:
        return 0.0
    return max(0.0, 1000 * CORES / QUIET_FLOOR_RPS - floor["python_cpu_ms"] - floor["db_cpu_ms"])


def rps(value):
    return f"{value:,.0f}" if value >= 10 else f"{value:.2f}"


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- main ------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--password", default=None, help="the bench users' password (or BENCH_PASSWORD)")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="more than 1 uses gunicorn's gthread worker")
    parser.add_argument("--duration", type=int, default=20, help="seconds measured per endpoint (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per endpoint (default 5)")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections (default 10)")
    parser.add_argument(
        "--wrk-threads", type=int, default=1, help="wrk threads (default 1: leave the cores to the server)"
    )
    parser.add_argument("--pool", type=int, default=20, help="logged-in bench users to cycle through (default 20)")
    parser.add_argument(
        "--rate-fraction", type=float, default=0.5, help="constant rate as a share of the max (default 0.5)"
    )
    parser.add_argument("--no-constant", action="store_true", help="skip the constant-rate runs")
    parser.add_argument("--only", default="", help="comma-separated endpoint names (substrings); the floor always runs")
    parser.add_argument("--label", default="", help="added to the result file names")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--skip-collectstatic", action="store_true")
    parser.add_argument("--no-http", action="store_true", help="skip gunicorn, wrk and the constant-rate runs")
    parser.add_argument(
        "--cpu-rounds", type=int, default=20, help="in-process requests per endpoint for CPU per request (0: skip)"
    )
    parser.add_argument("--cpu-users", type=int, default=3, help="pool users the CPU phase cycles through")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    password = args.password or os.environ.get("BENCH_PASSWORD", "")
    if not password:
        raise SystemExit(
            "Give the bench users' password with --password or BENCH_PASSWORD (see bench/seed_benchmark.py)."
        )
    if shutil.which("wrk") is None and not args.no_http:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    label = args.label or f"{args.workers}x{args.threads}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = server_env(args.database_url)
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python bench/run.py", *(argv or sys.argv[1:])]).replace(
            password, "$BENCH_PASSWORD"
        ),
        "workers": args.workers,
        "threads": args.threads,
        "wrk_threads": args.wrk_threads,
        "connections": args.connections,
        "warmup": args.warmup,
        "duration": args.duration,
        "rate_fraction": args.rate_fraction,
        "machine": machine(),
    }
    print(f"Machine: {meta['machine']['nproc']} cores; {meta['machine']['uptime']}", flush=True)
    if not args.skip_collectstatic:
        print("collectstatic...", flush=True)
        subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    pool, draft_skills = prepare_pool(env, args.pool)
    meta["pool"] = len(pool)
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]

    def chosen(endpoints):
        return [e for e in endpoints if e.name == "floor" or not wanted or any(w in e.name for w in wanted)]

    results = []
    if not args.no_http:
        port = args.port or free_port()
        log_path = RESULTS / f"{stamp}-{label}-gunicorn.log"
        print(f"gunicorn {args.workers}×{args.threads} on 127.0.0.1:{port} (log {log_path.name})", flush=True)
        server = start_gunicorn(env, port=port, workers=args.workers, threads=args.threads, log_path=log_path)
        try:
            for user in pool:
                log_in(port, user, password)
            with tempfile.TemporaryDirectory() as scratch:
                for endpoint in chosen(build_endpoints(pool, draft_skills)):
                    results.append(measure(endpoint, port, args, Path(scratch)))
            floor = results[0].max["rps"]
            for result in results:
                result.ratio = result.max["rps"] / floor
        finally:
            stop_gunicorn(server)
    if args.cpu_rounds:
        print(f"CPU per request, in-process ({args.cpu_rounds} requests each):", flush=True)
        if args.no_http:
            force_sessions(pool)
        endpoints = chosen(build_endpoints(pool[: args.cpu_users], draft_skills))
        meta["cpu"] = cpu_costs(endpoints, users=args.cpu_users, rounds=args.cpu_rounds)
        meta["endpoints"] = [{"name": e.name, "group": e.group} for e in endpoints]
        meta["cpu_rounds"] = args.cpu_rounds
    meta["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    text = markdown(results, meta)
    base = RESULTS / f"{stamp}-{label}"
    base.with_suffix(".md").write_text(text)
    base.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": [asdict(r) for r in results]}, indent=2))
    print("\n" + text)
    print(f"Saved {base}.md and .json")


def measure(endpoint, port, args, scratch):
    info = preflight(port, endpoint)
    script = scratch / f"{re.sub(r'[^a-z0-9]+', '-', endpoint.name.lower())}.lua"
    script.write_text(lua_script(endpoint))
    example = f"{endpoint.requests[0].method} {endpoint.requests[0].path}"
    print(f"{endpoint.name}: {example} ({info['bytes']:,} bytes)", flush=True)
    result = Result(endpoint.name, endpoint.group, example, info, load_before=load_average())
    if args.warmup:
        run_wrk(port, script, seconds=args.warmup, connections=args.connections, threads=args.wrk_threads)
    result.max = run_wrk(port, script, seconds=args.duration, connections=args.connections, threads=args.wrk_threads)
    m = result.max
    print(
        f"  max: {m['rps']:,.1f} req/s ({m['requests']} requests), p50 {m['p50_ms']:.1f} ms, "
        f"p95 {m['p95_ms']:.1f} ms, non-2xx {m['non2xx']}, socket errors {m['socket_errors']}",
        flush=True,
    )
    result.drain_s = drain(port)
    if not args.no_constant and m["requests"]:
        rate = args.rate_fraction * m["rps"]
        seconds = max(args.duration, 5 / rate)  # at least 5 requests, however slow the endpoint
        result.constant = asyncio.run(open_loop(port, endpoint.requests, rate=rate, seconds=seconds))
        c = result.constant
        print(
            f"  at {rate:,.1f} req/s: p95 {c['p95_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms, "
            f"non-2xx {c['non2xx']}, errors {c['errors']}, client lag p99 {c['client_lag_p99_ms']:.1f} ms, "
            f"client CPU {c['client_cpu']:.0%}",
            flush=True,
        )
        result.drain_s += drain(port)
    return result


if __name__ == "__main__":
    main()
