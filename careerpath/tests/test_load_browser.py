"""The load and fault harness behaves like a browser on a kept-alive connection (bench/load.py)."""

import socket
import threading

from bench import load


class OneAnswerPerConnection:
    """A tiny HTTP/1.1 server that answers one request per connection, then closes it silently,
    as gunicorn does with a kept-alive connection once it has been idle for 2 s."""

    def __init__(self, *, close_fresh=False):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.close_fresh = close_fresh
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                request = conn.recv(65536)
                if not request:
                    continue
                self.requests.append(request.split(b"\r\n", 1)[0].decode())
                if self.close_fresh:
                    continue  # no answer at all
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    def close(self):
        self.sock.close()


def test_a_request_that_breaks_on_a_reused_connection_is_sent_once_more_on_a_new_one():
    server = OneAnswerPerConnection()
    stats = load.Stats()
    browser = load.Browser(server.port, stats, timeout=5)
    try:
        first = browser.request("page", "GET", "/one")
        second = browser.request("save", "POST", "/two", {"level": "3"})
    finally:
        server.close()
    assert (first[0], second[0]) == (200, 200)
    assert server.requests == ["GET /one HTTP/1.1", "POST /two HTTP/1.1"]
    assert stats.resent == {"save": 1}
    assert not stats.transport_errors


def test_a_request_that_breaks_on_a_new_connection_is_an_error_and_is_not_sent_again():
    server = OneAnswerPerConnection(close_fresh=True)
    stats = load.Stats()
    browser = load.Browser(server.port, stats, timeout=5)
    try:
        status, _, _ = browser.request("page", "GET", "/one")
    finally:
        server.close()
    assert status is None
    assert server.requests == ["GET /one HTTP/1.1"]
    assert sum(stats.transport_errors.values()) == 1
    assert not stats.resent
