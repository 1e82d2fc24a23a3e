#!/usr/bin/env python3
"""Start and stop real SPARQL servers (Oxigraph, Virtuoso) on 127.0.0.1 for tests.

Copied from the team's research notes (/work/research/virtuoso: servers.py and
RECIPE.md), without the demo and the seed database. Standard library only.
Two context managers:

    with oxigraph_server(tmpdir) as ep: ...
    with virtuoso_server(tmpdir) as ep: ...

Both yield an :class:`Endpoints` with the query / update / Graph Store URLs.
Each server gets a free port on 127.0.0.1, is waited for (bounded), and is
terminated (SIGTERM, then SIGKILL) on exit, even if the body raises.

Requirements:
  * Oxigraph: ``pip install oxigraph==0.5.13`` (the ``oxigraph`` CLI; looked up
    next to ``sys.executable`` first, then on PATH, or pass ``binary=``).
  * Virtuoso: ``apt-get install virtuoso-opensource`` (Debian 12: 7.2.5.1),
    giving ``/usr/bin/virtuoso-t``, ``/usr/bin/isql-vt`` and
    ``/etc/virtuoso-opensource-7/virtuoso.ini``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"


@dataclasses.dataclass(frozen=True)
class Endpoints:
    """URLs of one running server.

    :ivar kind: ``"oxigraph"`` or ``"virtuoso"``
    :ivar base: ``http://127.0.0.1:PORT``
    :ivar query: SPARQL 1.1 Protocol query endpoint (GET or form-encoded POST)
    :ivar update: SPARQL 1.1 Protocol update endpoint (form-encoded ``update=`` POST)
    :ivar store: Graph Store Protocol endpoint, without the graph parameter
    :ivar graph_param: name of the GSP graph parameter (``graph`` or ``graph-uri``)
    """

    kind: str
    base: str
    query: str
    update: str
    store: str
    graph_param: str
    pid: int
    port: int
    log: Path

    def store_url(self, graph: str) -> str:
        """:returns: the Graph Store URL for a named graph (PUT replaces, POST appends, DELETE drops)."""
        return f"{self.store}?{urllib.parse.urlencode({self.graph_param: graph})}"


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    """:returns: a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _ask_ok(url: str, timeout: float = 2.0) -> bool:
    q = urllib.parse.urlencode({"query": "ASK {}"})
    req = urllib.request.Request(f"{url}?{q}", headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status == 200 and "boolean" in r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _wait_ready(proc: subprocess.Popen, url: str, timeout: float, log: Path, what: str) -> float:
    """Poll ``ASK {}`` on ``url`` until it answers; fail fast if the process dies.

    :returns: seconds waited
    """
    t0 = time.monotonic()
    delay = 0.02
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before it was ready; log {log}:\n{_tail(log)}")
        if _ask_ok(url):
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{what} not ready after {timeout}s; log {log}:\n{_tail(log)}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)


def _tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen, grace: float) -> None:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL. Only touches this one child."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _find_oxigraph() -> str:
    cand = Path(sys.executable).with_name("oxigraph")
    if cand.exists():
        return str(cand)
    found = shutil.which("oxigraph")
    if not found:
        raise FileNotFoundError("oxigraph CLI not found: pip install oxigraph==0.5.13")
    return found


def _popen(cmd: list[str], log: Path, cwd: Path | None = None) -> subprocess.Popen:
    """Start a server process in its own session, its output going to ``log``."""
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def _start_with_retries(launch, ready_path: str, timeout: float, log: Path, name: str):
    """Call ``launch()`` -> (process, base URL, ports) until the server answers at ``ready_path``.

    Retried (three times at most) only when the server dies at once, e.g. because a port
    was taken between choosing it and binding it.
    """
    for attempt in range(3):
        proc, base, ports = launch()
        try:
            _wait_ready(proc, f"{base}{ready_path}", timeout, log, name)
            return proc, base, ports
        except RuntimeError:
            _stop(proc, grace=10)
            if attempt == 2:
                raise
        except BaseException:
            _stop(proc, grace=10)
            raise
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- Oxigraph


@contextlib.contextmanager
def oxigraph_server(tmpdir, *, union_default_graph: bool = False, binary: str | None = None, timeout: float = 30.0) -> Iterator[Endpoints]:
    """Run ``oxigraph serve`` on a free 127.0.0.1 port with its store in ``tmpdir/oxigraph``.

    :param union_default_graph: pass ``--union-default-graph`` (default graph = union of all
        graphs, as Virtuoso does); without it the default graph is the (separate) default graph
        and a per-request ``?union-default-graph`` query parameter turns the union on.
    """
    tmp = Path(tmpdir)
    data = tmp / "oxigraph"
    data.mkdir(parents=True, exist_ok=True)
    log = tmp / "oxigraph.log"

    def launch() -> tuple[subprocess.Popen, str, int]:
        port = free_port()
        cmd = [binary or _find_oxigraph(), "serve", "--location", str(data), "--bind", f"{HOST}:{port}"]
        if union_default_graph:
            cmd.append("--union-default-graph")
        return _popen(cmd, log), f"http://{HOST}:{port}", port

    proc, base, port = _start_with_retries(launch, "/query", timeout, log, "oxigraph")
    try:
        yield Endpoints("oxigraph", base, f"{base}/query", f"{base}/update", f"{base}/store", "graph", proc.pid, port, log)
    finally:
        _stop(proc, grace=10)  # oxigraph exits at once on SIGTERM; RocksDB WAL keeps the data


# --------------------------------------------------------------------------- Virtuoso

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_BIN = "virtuoso-t"
ISQL_BIN = "isql-vt"

#: SQL run once after start-up so that anonymous HTTP clients may update:
#: the SPARQL user needs the SPARQL_UPDATE role for INSERT/DELETE/DROP via /sparql and for
#: PUT/POST/DELETE via /sparql-graph-crud. (GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT
#: or DB.DBA.RDF_DEFAULT_USER_PERMS_SET were not needed on 7.2.5.)
VIRTUOSO_GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


def write_virtuoso_ini(
    dest_dir, sql_port: int, http_port: int, *, template: Path = VIRTUOSO_INI, skip_conductor: bool = True, overrides: dict | None = None
) -> Path:
    """Copy the packaged ``virtuoso.ini`` with every file path moved into ``dest_dir`` and
    both listeners bound to 127.0.0.1.

    Line-based rewrite (the file has duplicate keys and ``;`` comments that configparser
    would mangle).

    :param skip_conductor: point VADInstallDir at an empty directory so that a fresh
        database does not auto-install the Conductor web UI (saves ~10 s on first start).
    :param overrides: extra ``{(section, key): value}`` for keys that exist in the template,
        e.g. ``{("SPARQL", "ResultSetMaxRows"): 1000000}`` (default 10000 silently truncates).
    """
    d = Path(dest_dir).resolve()
    vad = d / "vad-empty" if skip_conductor else Path("/usr/share/virtuoso-opensource-7/vad")
    if skip_conductor:
        vad.mkdir(parents=True, exist_ok=True)
    repl = {
        ("Database", "DatabaseFile"): d / "virtuoso.db",
        ("Database", "ErrorLogFile"): d / "virtuoso.log",
        ("Database", "LockFile"): d / "virtuoso.lck",
        ("Database", "TransactionFile"): d / "virtuoso.trx",
        ("Database", "xa_persistent_file"): d / "virtuoso.pxa",
        ("TempDatabase", "DatabaseFile"): d / "virtuoso-temp.db",
        ("TempDatabase", "TransactionFile"): d / "virtuoso-temp.trx",
        ("Parameters", "ServerPort"): f"{HOST}:{sql_port}",
        ("Parameters", "DirsAllowed"): f"., {d}, {vad}",
        ("Parameters", "VADInstallDir"): f"{vad}/",
        ("HTTPServer", "ServerPort"): f"{HOST}:{http_port}",
        ("URIQA", "DefaultHost"): f"{HOST}:{http_port}",
        **(overrides or {}),
    }
    seen = set()
    out, section = [], None
    for line in template.read_text().splitlines():
        m = re.match(r"\s*\[([^\]]+)\]", line)
        if m:
            section = m.group(1).strip()
        m = re.match(r"(\s*)([A-Za-z_0-9]+)(\s*=\s*)", line)
        if m and (section, m.group(2)) in repl:
            key = (section, m.group(2))
            line = f"{m.group(1)}{m.group(2)}{m.group(3)}{repl[key]}"
            seen.add(key)
        out.append(line)
    missing = set(repl) - seen
    if missing:
        raise ValueError(f"keys not found in {template}: {sorted(missing)}")
    ini = d / "virtuoso.ini"
    ini.write_text("\n".join(out) + "\n")
    return ini


def isql(sql_port: int, sql: str, *, user: str = "dba", password: str = "dba", timeout: float = 60) -> str:
    """Run SQL through ``isql-vt 127.0.0.1:PORT dba dba exec=...``; raise on any error."""
    res = subprocess.run(
        [ISQL_BIN, f"{HOST}:{sql_port}", user, password, f"exec={sql}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    text = res.stdout + res.stderr
    if res.returncode != 0 or "*** Error" in text:
        raise RuntimeError(f"isql failed ({res.returncode}): {sql}\n{text}")
    return text


@contextlib.contextmanager
def virtuoso_server(
    tmpdir,
    *,
    seed_db: str | os.PathLike | None = None,
    grant_update: bool = True,
    timeout: float = 120.0,
    ini_overrides: dict | None = None,
) -> Iterator[Endpoints]:
    """Run ``virtuoso-t -f -c INI`` from ``tmpdir`` (database, log, ini all inside it).

    :param seed_db: a ``virtuoso.db`` to copy in instead of creating a new database
        (see :func:`make_virtuoso_seed`); cuts start-up from ~4 s to ~2 s.
    :param grant_update: grant the anonymous SPARQL user the SPARQL_UPDATE role
        (needed for updates via /sparql and for /sparql-graph-crud writes).
    """
    d = Path(tmpdir)
    d.mkdir(parents=True, exist_ok=True)
    if seed_db is not None:
        shutil.copyfile(seed_db, d / "virtuoso.db")
    log = d / "virtuoso.stdout.log"

    def launch() -> tuple[subprocess.Popen, str, tuple[int, int]]:
        sql_port, http_port = free_port(), free_port()
        while http_port == sql_port:
            http_port = free_port()
        ini = write_virtuoso_ini(d, sql_port, http_port, overrides=ini_overrides)
        return _popen([VIRTUOSO_BIN, "-f", "-c", str(ini)], log, cwd=d), f"http://{HOST}:{http_port}", sql_port

    proc, base, sql_port = _start_with_retries(launch, "/sparql", timeout, log, "virtuoso")
    try:
        # the HTTP listener comes up just before the SQL one; make sure SQL is there too
        t0 = time.monotonic()
        while True:
            try:
                with socket.create_connection((HOST, sql_port), timeout=1):
                    break
            except OSError:
                if time.monotonic() - t0 > 30 or proc.poll() is not None:
                    raise RuntimeError(f"virtuoso SQL port {sql_port} not open; log:\n{_tail(log)}") from None
                time.sleep(0.05)
        if grant_update:
            isql(sql_port, VIRTUOSO_GRANTS)
        yield Endpoints(
            "virtuoso", base, f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud", "graph-uri", proc.pid, sql_port, log
        )
    finally:
        # SIGTERM -> "Initiating quick shutdown" (no checkpoint; the .trx log is replayed on the
        # next start). Takes well under a second for a small database.
        _stop(proc, grace=30)
