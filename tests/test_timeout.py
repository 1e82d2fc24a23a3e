"""Timeouts stop waiting for a query that would run for a very long time."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

from spinekg import RowStream
from spinekg.errors import QueryTimeoutError
from spinekg.timeout import call_with_timeout

# Four-way cross product of every triple: minutes of work on the shipped graph.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


def test_runaway_query_times_out(kg):
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"0\.5 s"):
        call_with_timeout(lambda: kg.sparql(RUNAWAY), 0.5)
    assert time.monotonic() - started < 5


def test_fast_work_returns_and_errors_propagate():
    assert call_with_timeout(lambda: 42, 5) == 42
    with pytest.raises(SyntaxError):
        call_with_timeout(lambda: ox.Store().query("SELECT nope"), 5)


def test_cli_timeout_exits_2_and_stops_the_process():
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "spinekg", "sparql", RUNAWAY, "--timeout", "1"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "timeout" in done.stderr
    assert time.monotonic() - started < 30


CROSS = "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d }"  # about 10 million rows on the shipped graph


def test_select_rows_are_produced_lazily(kg):
    answer = kg.answer(CROSS)
    assert isinstance(answer, RowStream)
    assert sorted(answer.variables) == ["a", "b", "c", "d", "p", "q"]
    assert len(next(answer.rows)) == 6  # the first row arrives without the other ten million being built


def test_csv_output_streams_to_a_closed_pipe():
    proc = subprocess.Popen([sys.executable, "-m", "spinekg", "sparql", CROSS, "-f", "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()  # like `| head -3`
    assert proc.wait(timeout=60) == 0
    assert sorted(first[0].strip().split(b",")) == [b"a", b"b", b"c", b"d", b"p", b"q"]


def test_ctrl_c_stops_a_runaway_query_without_a_timeout():
    proc = subprocess.Popen([sys.executable, "-m", "spinekg", "sparql", RUNAWAY], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)  # well inside the query: the graph loads in a fraction of a second
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)  # the bound proves Ctrl-C stopped the work
    assert proc.returncode == 130 and b"interrupted" in err


def test_a_timeout_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "spinekg", "sparql", CROSS, "-f", "csv", "-o", str(out / "rows.csv"), "--timeout", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "timeout" in done.stderr
    assert list(out.iterdir()) == []
