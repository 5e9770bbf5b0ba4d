"""One member's journey through the containerised site, over plain HTTP (standard library only).

    python3 .ci/image_smoke.py BASE_URL journey STATE_FILE   sign up, take one assessment, submit it,
                                                             and keep the report (and the session) in STATE_FILE
    python3 .ci/image_smoke.py BASE_URL check STATE_FILE     after a restart: the same session still opens the
                                                             same report, and a fresh log-in sees it too
    python3 .ci/image_smoke.py BASE_URL wait PATH SECONDS    until PATH answers 200 (bounded)

Each check prints one "ok:" line; the first failure prints what was expected and exits 1.
Run by .ci/image-test against the compose stack.
"""

import http.cookiejar
import json
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Failed(Exception):
    pass


def ok(message):
    print(f"    ok: {message}", flush=True)


class Browser:
    """A cookie jar and redirects followed, like a browser without JavaScript."""

    def __init__(self, base, cookies=None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        for name, value in (cookies or {}).items():
            self.jar.set_cookie(make_cookie(urllib.parse.urlsplit(self.base).hostname, name, value))

    def request(self, path, data=None):
        """(status, final path, body text) of GET path, or POST when data is given."""
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, urllib.parse.urlsplit(response.geturl()).path, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, urllib.parse.urlsplit(error.geturl()).path, error.read().decode(errors="replace")

    def get(self, path, expect=200):
        status, where, text = self.request(path)
        if status != expect:
            raise Failed(f"GET {path}: expected {expect}, got {status} at {where}")
        return where, text

    def post_form(self, path, page, fields):
        """POST fields with the CSRF token of `page` (the HTML the form came from)."""
        token = CSRF.search(page)
        if not token:
            raise Failed(f"no CSRF token on the page before POST {path}")
        return self.request(path, {"csrfmiddlewaretoken": token.group(1), **fields})

    def cookies(self):
        return {cookie.name: cookie.value for cookie in self.jar}


def make_cookie(host, name, value):
    return http.cookiejar.Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
    )


def sign_up(browser):
    username = "ci-" + secrets.token_hex(4)
    password = secrets.token_urlsafe(16)
    _, page = browser.get("/accounts/signup/")
    fields = {"username": username, "email": f"{username}@example.com", "password1": password, "password2": password}
    status, where, _ = browser.post_form("/accounts/signup/", page, fields)
    if status == 429:
        raise Failed("sign-up refused: too many sign-ups from this address (10 an hour); wait or restart redis")
    if status != 200 or where != "/dashboard/":
        raise Failed(f"sign-up: expected the dashboard, got {status} at {where}")
    ok(f"signed up as {username} (CSRF token from the form, session cookie kept)")
    return username, password


def take_assessment(browser):
    _, roles = browser.get("/roles/")
    slugs = re.findall(r'href="/roles/([a-z0-9-]+)/"', roles)
    if not slugs:
        raise Failed("/roles/ lists no role guide: were the shipped guides imported?")
    slug = slugs[0]
    ok(f"/roles/ lists {len(set(slugs))} role guides; assessing {slug}")
    _, guide = browser.get(f"/roles/{slug}/")
    status, where, page = browser.post_form(f"/assessments/start/{slug}/", guide, {})
    match = re.fullmatch(r"/assessments/(\d+)/step/1/", where)
    if status != 200 or not match:
        raise Failed(f"start: expected step 1, got {status} at {where}")
    pk = int(match.group(1))
    rated = 0
    for number in range(1, 40):
        names = sorted(set(re.findall(r'name="(level-[a-z0-9-]+)"', page)))
        if not names:
            raise Failed(f"step {number} at {where} has no level field")
        levels = {name: str((rated + i) % 6) for i, name in enumerate(names)}  # a spread of levels 0-5
        rated += len(names)
        status, where, page = browser.post_form(where, page, levels)
        if status != 200:
            raise Failed(f"step {number}: expected the next page, got {status} at {where}")
        if where == f"/assessments/{pk}/review/":
            break
    else:
        raise Failed("the steps never reached the review page")
    ok(f"rated {rated} skills over {number} steps (one POST per step, as without JavaScript)")
    status, where, report = browser.post_form(f"/assessments/{pk}/submit/", page, {"current_role": ""})
    if status != 200 or where != f"/assessments/{pk}/report/":
        raise Failed(f"submit: expected the report, got {status} at {where}")
    if "readiness" not in report.lower():
        raise Failed("the report page does not mention readiness")
    ok(f"submitted; the gap report /assessments/{pk}/report/ answers 200")
    return pk


def report_json(browser, pk):
    _, text = browser.get(f"/assessments/{pk}/report.json")
    return json.loads(text)


def journey(base, state_file):
    browser = Browser(base)
    username, password = sign_up(browser)
    pk = take_assessment(browser)
    report = report_json(browser, pk)
    ok(f"report.json has {len(report)} top-level fields")
    state = {"username": username, "password": password, "pk": pk, "cookies": browser.cookies(), "report": report}
    with open(state_file, "w") as out:
        json.dump(state, out)


def check(base, state_file):
    with open(state_file) as source:
        state = json.load(source)
    pk = state["pk"]
    same_session = Browser(base, state["cookies"])
    if report_json(same_session, pk) != state["report"]:
        raise Failed("after the restart the report's JSON differs from before")
    ok(f"after the restart the same session opens report {pk}, identical to before")
    fresh = Browser(base)
    _, page = fresh.get("/accounts/login/")
    status, where, dashboard = fresh.post_form(
        "/accounts/login/", page, {"login": state["username"], "password": state["password"]}
    )
    if status != 200 or where != "/dashboard/":
        raise Failed(f"log-in after the restart: expected the dashboard, got {status} at {where}")
    if f"/assessments/{pk}/report/" not in dashboard:
        raise Failed("the dashboard after a fresh log-in does not link the report")
    ok("a fresh log-in with the password sees the report on the dashboard")


def wait(base, path, seconds):
    browser = Browser(base)
    deadline = time.monotonic() + float(seconds)
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            status, _, body = browser.request(path)
            if status == 200:
                ok(f"{path} answers 200: {body.strip()}")
                return
            last = f"HTTP {status}: {body.strip()[:200]}"
        except OSError as error:
            last = str(error)
        time.sleep(1)
    raise Failed(f"{path} did not answer 200 within {seconds} s (last: {last})")


def main(argv):
    base, command, *args = argv
    try:
        {"journey": journey, "check": check, "wait": wait}[command](base, *args)
    except Failed as failure:
        print(f"    FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
