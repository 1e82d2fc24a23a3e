"""Faults injected by a tiny HTTP server on 127.0.0.1: every one must end in exit code 3 with a clear
message, and a failing push must leave the published graph on the real Oxigraph server as it was.

Waits are checked through the transport's ``sleep`` hook (a recorder), not with a clock; the one
duration bound left proves that a timeout stops a request that would hang (generous: 60x)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
import urllib.request
from collections.abc import Callable

import pyoxigraph as ox
import pytest

from spinekg.cli import main
from spinekg.errors import RemoteError
from spinekg.namespaces import STAGING_BASE
from spinekg.queries import render_update
from spinekg.remote import CHUNK_TRIPLES, Endpoint

pytestmark = pytest.mark.server
SELECT_JSON = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
QUERY = ["query", "muscles-by-nerve", "-p", "nerve=lumbar plexus"]

Action = Callable[["Handler"], None]


class Handler(http.server.BaseHTTPRequestHandler):
    """Runs the fault server's next action for each request."""

    server: FaultServer

    def log_message(self, format, *args):
        pass

    def _any(self):
        self.body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append((self.command, self.body))
        self.server.next_action()(self)

    do_GET = do_POST = do_PUT = do_DELETE = _any

    def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in {"Content-Type": "text/plain", **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FaultServer(http.server.ThreadingHTTPServer):
    """Answers request n with ``actions[n]`` (the last one repeats); may forward to a real server."""

    daemon_threads = True

    def __init__(self, actions: list[Action], upstream: str | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.actions, self.upstream, self.requests = actions, upstream, []
        self.released = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_action(self) -> Action:
        return self.actions[min(len(self.requests) - 1, len(self.actions) - 1)]

    def stop(self) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()


def status(code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Action:
    return lambda h: h.reply(code, body, headers)


def slow(seconds: float) -> Action:
    return lambda h: h.server.released.wait(seconds)


def forward(h: Handler) -> None:
    """Pass the request on to the real server (path and query kept)."""
    request = urllib.request.Request(h.server.upstream + h.path, data=h.body or None, method=h.command)
    for key in ("Content-Type", "Accept"):
        if h.headers.get(key):
            request.add_header(key, h.headers[key])
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            h.reply(answer.status, answer.read(), {"Content-Type": answer.headers.get("Content-Type", "text/plain")})
    except urllib.error.HTTPError as err:
        h.reply(err.code, err.read())


def stop_server(h: Handler) -> None:
    """Drop the connection and stop listening: the next attempts are refused."""
    h.close_connection = True
    threading.Thread(target=h.server.stop, daemon=True).start()


@pytest.fixture
def fault():
    servers: list[FaultServer] = []

    def start(actions: list[Action], upstream: str | None = None) -> FaultServer:
        servers.append(FaultServer(actions, upstream))
        return servers[-1]

    yield start
    for server in servers:
        if server.released.is_set():
            continue
        server.stop()


def run(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def recorded_endpoint(url: str, **options) -> tuple[Endpoint, list[float]]:
    """:returns: an endpoint whose transport records its waits instead of sleeping, and the record."""
    endpoint = Endpoint(url, **options)
    waits: list[float] = []
    endpoint.transport.sleep = waits.append
    return endpoint, waits


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_wrong_port_is_unreachable(capsys):
    port = free_port()
    code, err = run(capsys, [*QUERY, "--endpoint", f"http://127.0.0.1:{port}/query", "--retries", "2"])
    assert code == 3
    assert f"cannot reach 127.0.0.1:{port}: connection refused" in err and "after 3 attempts" in err
    assert "Traceback" not in err


def test_retries_back_off_exponentially(kg):
    endpoint, waits = recorded_endpoint(f"http://127.0.0.1:{free_port()}/query", retries=3, backoff=0.5, kg=kg)
    with pytest.raises(RemoteError, match="after 4 attempts"):
        endpoint.query("muscles-by-nerve", nerve="lumbar plexus")
    assert waits == [0.5, 1.0, 2.0]


def test_http_500_is_retried_a_bounded_number_of_times(fault, capsys):
    server = fault([status(500, b"Virtuoso 42000 Error: something broke\n" + b"x" * 2000)])
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql", "--retries", "2"])
    assert code == 3 and len(server.requests) == 3
    assert "HTTP 500" in err and "something broke" in err and "after 3 attempts" in err and len(err) < 700


def test_429_waits_for_retry_after(fault, kg):
    ok = status(200, SELECT_JSON, {"Content-Type": "application/sparql-results+json"})
    server = fault([status(429, b"slow down", {"Retry-After": "7"}), ok])
    endpoint, waits = recorded_endpoint(server.url + "/sparql", kg=kg)
    assert len(endpoint.query("muscles-by-nerve", nerve="lumbar plexus")) == 0
    assert len(server.requests) == 2 and waits == [7.0]


def test_429_asking_for_too_long_a_wait_fails_at_once(fault, capsys):
    server = fault([status(429, b"come back tomorrow", {"Retry-After": "86400"})])
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql"])
    assert code == 3 and "HTTP 429" in err and "retry after 86400 s" in err and len(server.requests) == 1
    endpoint, waits = recorded_endpoint(server.url + "/sparql", kg=None)
    with pytest.raises(RemoteError, match="86400"):
        endpoint.sparql("ASK {}")
    assert waits == []


def test_slow_response_times_out(fault, capsys):
    server = fault([slow(60)])
    started = time.monotonic()
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql", "--timeout", "0.5", "--retries", "0"])
    assert code == 3 and "within 0.5 s (timeout)" in err
    assert time.monotonic() - started < 30, "the timeout did not stop the request"


@pytest.mark.parametrize(
    "body",
    [
        b'{"head": {"vars": ["x"]}, "results": {"bind',
        b"<html>not json</html>",
        b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri"}}]}}',
    ],
)
def test_malformed_answers_are_reported(fault, capsys, body):
    server = fault([status(200, body, {"Content-Type": "application/sparql-results+json"})])
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql"])
    assert code == 3 and "malformed response" in err


# ---------------------------------------------------------------- failing pushes, real Oxigraph behind


GRAPH = "https://example.org/test/faults"


@pytest.fixture
def previous(oxigraph, tiny):
    """The target graph on Oxigraph holds a small earlier version; returns its triple count."""
    endpoint = Endpoint(oxigraph.query, store_url=oxigraph.store, graph=GRAPH, kg=tiny)
    return endpoint.push(tiny).triples


def state(oxigraph, kg) -> tuple[int, set[str]]:
    """(triples in the target graph, staging graphs left) on the real server."""
    endpoint = Endpoint(oxigraph.query, graph=GRAPH, kg=kg)
    count = int(endpoint.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value)
    every = Endpoint(oxigraph.query, graph=None, kg=kg).sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return count, {g for g in every.values("g") if g.startswith(STAGING_BASE)}


def push_argv(server: FaultServer, *extra: str) -> list[str]:
    return ["push", "--endpoint", server.url + "/query", "--update-endpoint", server.url + "/update", "--graph", GRAPH, *extra]


def test_failing_graph_store_put_leaves_the_graph(fault, oxigraph, previous, kg, capsys):
    server = fault([status(503, b"maintenance")], upstream=oxigraph.base)
    code, err = run(capsys, [*push_argv(server), "--store-endpoint", server.url + "/store", "--retries", "1"])
    assert code == 3 and "HTTP 503" in err
    assert state(oxigraph, kg) == (previous, set())


def _staging_requests(kg) -> int:
    """:returns: how many SPARQL Update requests fill the staging graph with the packaged graph."""
    return -(-sum(1 for _ in kg.triples(include_inferred=False)) // CHUNK_TRIPLES)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (lambda n: [forward, status(500, b"disk full"), status(500, b"disk full"), forward], "HTTP 500"),
        (lambda n: [forward, slow(10), forward], "timeout"),  # a timeout is not retried
        (lambda n: [*[forward] * n, status(500, b"MOVE failed"), forward], "MOVE failed"),  # MOVE is not retried
        (lambda n: [forward], None),
    ],
    ids=["500", "timeout", "move", "no-fault"],
)
def test_update_push_failing_midway_leaves_the_graph(fault, oxigraph, previous, kg, capsys, actions, message):
    # requests 1..n insert chunks into the staging graph, n+1 is the MOVE, then the drop
    server = fault(actions(_staging_requests(kg)), upstream=oxigraph.base)
    code, err = run(capsys, [*push_argv(server, "--retries", "1", "--timeout", "1")])
    if message is None:  # the control: the same route without a fault pushes the whole graph
        assert code == 0
        return
    assert code == 3 and message in err and "target graph is unchanged" in err
    assert state(oxigraph, kg) == (previous, set())


def test_server_stopped_mid_push_leaves_the_graph(fault, oxigraph, previous, kg, capsys):
    server = fault([forward, stop_server], upstream=oxigraph.base)
    code, err = run(capsys, [*push_argv(server, "--retries", "2")])
    assert code == 3 and "connection refused" in err and "staging graph" in err
    count, staging = state(oxigraph, kg)
    assert count == previous and len(staging) == 1  # the server could not be told to drop it
    left = staging.pop()
    assert left in err  # named in the message, so it can be dropped by hand
    Endpoint(oxigraph.query, update_url=oxigraph.update, kg=kg)._update(render_update("drop", graph=ox.NamedNode(left)), idempotent=True)
    assert state(oxigraph, kg) == (previous, set())


# ---------------------------------------------------------------- hostile servers


def redirect(to: str) -> Action:
    return lambda h: h.reply(302, b"", {"Location": to})


def drip(total: int, every: float) -> Action:
    """Promise ``total`` bytes, then send one every ``every`` seconds."""

    def act(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        for _ in range(total):
            if h.server.released.wait(every):
                return
            try:
                h.wfile.write(b" ")
                h.wfile.flush()
            except OSError:
                return

    return act


def count_answer(n: int) -> Action:
    body = b'{"head": {"vars": ["triples"]}, "results": {"bindings": [{"triples": {"type": "literal", "value": "%d"}}]}}' % n
    return status(200, body, {"Content-Type": "application/sparql-results+json"})


def test_a_redirected_query_is_not_sent_elsewhere(fault, capsys):
    elsewhere = fault([status(200, SELECT_JSON, {"Content-Type": "application/sparql-results+json"})])
    for target in (elsewhere.url + "/sparql", "ftp://127.0.0.1/x"):
        server = fault([redirect(target)])
        code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql"])
        assert code == 3 and "HTTP 302, a redirect to" in err and "never sent elsewhere" in err
    assert elsewhere.requests == []


def test_a_redirected_push_is_never_reported_as_pushed(fault, capsys):
    elsewhere = fault([status(200, b"ok")])
    server = fault([redirect(elsewhere.url + "/update")])
    code, err = run(capsys, push_argv(server))
    assert code == 3 and "pushed" not in capsys.readouterr().out and "redirect" in err
    assert elsewhere.requests == []


def test_a_push_that_did_not_arrive_is_a_failure(fault, capsys):
    server = fault([status(204), count_answer(0)])  # the PUT "succeeds", the graph then holds nothing
    code, err = run(capsys, [*push_argv(server), "--store-endpoint", server.url + "/store"])
    assert code == 3 and "did not arrive whole" in err and "holds 0" in err


def test_a_dripping_answer_is_stopped_by_the_deadline(fault, capsys):
    server = fault([drip(10_000, 0.2)])
    started = time.monotonic()
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql", "--timeout", "1", "--retries", "0"])
    assert code == 3 and "within 1 s (timeout)" in err
    assert time.monotonic() - started < 30, "the deadline did not stop the request"


def test_a_huge_answer_is_cut_at_the_cap(fault, capsys, monkeypatch):
    monkeypatch.setenv("SPINEKG_MAX_RESPONSE_MB", "1")
    server = fault([status(200, b" " * (5 << 20), {"Content-Type": "application/sparql-results+json"})])
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql"])
    assert code == 3 and "larger than 1 MB" in err


def test_deeply_nested_json_is_a_malformed_answer(fault, capsys):
    body = b'{"head": {"vars": ["x"]}, "results": {"bindings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    server = fault([status(200, body, {"Content-Type": "application/sparql-results+json"})])
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql"])
    assert code == 3 and "malformed response" in err and "Traceback" not in err


def test_messages_hide_query_strings_and_escape_control_characters(fault, capsys):
    server = fault([status(500, b"\x1b[2J\x1b[31mgotcha\x07")])
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql?api_key=SECRET123", "--retries", "0"])
    assert code == 3 and "SECRET123" not in err and "/sparql?..." in err
    assert "\x1b" not in err and "\\x1b[31mgotcha\\x07" in err


def test_401_says_where_credentials_come_from(fault, capsys, monkeypatch):
    monkeypatch.setenv("SPINEKG_ENDPOINT_TOKEN", "not-the-right-one")
    server = fault([status(401, b"who are you?")])
    code, err = run(capsys, [*QUERY, "--endpoint", server.url + "/sparql"])
    assert code == 3 and "HTTP 401" in err and "SPINEKG_ENDPOINT_TOKEN" in err and "not-the-right-one" not in err
    assert len(server.requests) == 1  # not retried
