"""Throwaway Redis and PostgreSQL servers on spare ports, for tests that stop and restart them.

A fault test must never stop the shared servers other tests and CI use, so it starts its own:
`redis-server` without persistence, and a PostgreSQL cluster made with `initdb` in a temporary
folder (binaries from /usr/lib/postgresql/<newest>/bin). Both bind to 127.0.0.1 only.
Importing this module has no side effects.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {seconds} s")


def _answers(port):
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


class RedisServer:
    """`redis-server` on a spare port; stop() and start() again keep the port (it comes back empty)."""

    def __init__(self, port=None):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        self.port = port or free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://{HOST}:{self.port}/0"

    def start(self):
        command = [self.binary, "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _answers(self.port), 15, f"redis-server on port {self.port}")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


class PostgresCluster:
    """A PostgreSQL cluster of its own (initdb in a temporary folder), trust auth for `postgres`.

    As root, initdb and the server run as the `postgres` system user, which must exist (the
    Debian package creates it).
    """

    def __init__(self, port=None):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
        if not versions:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(versions[-1]).parent
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="cp-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_user = None
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            self.as_user = user.pw_uid
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def url(self, name="postgres"):
        return f"postgres://postgres@{HOST}:{self.port}/{name}"

    def _run(self, *command):
        kwargs = {"user": self.as_user} if self.as_user is not None else {}
        subprocess.run(command, check=True, cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)

    def init(self):
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        return self

    def start(self):
        options = f"-p {self.port} -h {HOST} -k {self.root} -c fsync=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        _wait(lambda: _answers(self.port), 30, f"PostgreSQL on port {self.port}")
        return self

    def stop(self, mode="fast"):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode="fast"):
        self.stop(mode)
        self.start()

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
