"""The container's health probe: `python container/healthcheck.py [/healthz|/readyz]`.

Exit status 0 when the path answers 200 on this container's port, 1 otherwise (one line saying why).
The request names the first of DJANGO_ALLOWED_HOSTS as its Host, as a load balancer's probe would,
so the site's host check passes without allowing "localhost" in production.
"""

import http.client
import os
import sys


def probe_host():
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        if host and host != "*":
            return "example" + host if host.startswith(".") else host
    return "localhost"


def main(path="/healthz"):
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=4)
    try:
        connection.request("GET", path, headers={"Host": probe_host()})
        status = connection.getresponse().status
    except OSError as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"{path}: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
