"""The shapes of a skill's alignment to a shared framework (ESCO, O*NET or another), checked by
plain functions: no database, and nothing is ever fetched (an identifier is checked by its shape).

- ESCO: the skill's concept URI, `http://data.europa.eu/esco/skill/<UUID>` (ESCO's persistent URIs
  are http, never https); a code is not used.
- O*NET: the element ID of the O*NET content model, e.g. `2.B.3.e` (Programming); a URI, if given,
  is a page of onetonline.org or onetcenter.org.
- Another framework: its name, and a code or an http(s) URI (or both).
"""

import re
from urllib.parse import urlsplit

ESCO_SKILL_URI = re.compile(
    r"\Ahttp://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z"
)
# The content model's element IDs: a domain 1-7, then levels alternating capital letter, number,
# small letter, number... ("2", "2.B", "2.B.3", "2.B.3.e", "1.A.1.a.1").
ONET_ELEMENT_ID = re.compile(r"\A[1-7](\.[A-Z](\.\d{1,2}(\.[a-z](\.\d{1,2}(\.[a-z])?)?)?)?)?\Z")
ONET_HOSTS = {"www.onetonline.org", "onetonline.org", "www.onetcenter.org", "onetcenter.org", "services.onetcenter.org"}
CODE = re.compile(r"\A[\w.:/#-]{1,80}\Z")


def problems(framework, *, name="", code="", uri=""):
    """{field: message} for an alignment's fields that do not have its framework's shape."""
    found = {}
    if any("\x00" in value for value in (name, code, uri)):
        return {"code": "contains a NUL character (\\x00)"}
    if framework == "esco":
        if not uri:
            found["uri"] = "An ESCO alignment needs the skill's ESCO URI."
        elif not ESCO_SKILL_URI.match(uri):
            found["uri"] = "An ESCO skill URI looks like http://data.europa.eu/esco/skill/ followed by a UUID."
        if code:
            found["code"] = "ESCO skills are named by their URI: leave the code empty."
    elif framework == "onet":
        if not code:
            found["code"] = "An O*NET alignment needs the element ID, such as 2.B.3.e."
        elif not ONET_ELEMENT_ID.match(code):
            found["code"] = "An O*NET element ID looks like 2.B.3.e (a number, then letters and numbers in turn)."
        if uri and (urlsplit(uri).scheme != "https" or urlsplit(uri).hostname not in ONET_HOSTS):
            found["uri"] = "An O*NET link is an https page of onetonline.org or onetcenter.org."
    elif framework == "other":
        if not name:
            found["framework_name"] = "Name the framework."
        if not code and not uri:
            found["code"] = "Give the framework's code for the skill, its URI, or both."
        if code and not CODE.match(code):
            found["code"] = "A code is up to 80 letters, digits and . : / # - _ (no spaces)."
        if uri and (urlsplit(uri).scheme not in ("http", "https") or not urlsplit(uri).hostname):
            found["uri"] = "A URI is an absolute http or https address."
    else:
        found["framework"] = f"{framework!r} is not a framework: ESCO, O*NET or other."
    return found
