"""Local SPARQL stays local unless asked, honours the dataset a query names, and a hung reasoner is stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from spinekg import KnowledgeGraph
from spinekg.cli import main
from spinekg.errors import InputError

ANATOMY = "https://w3id.org/spinekg/graph/anatomy"


def test_service_is_refused_without_the_flag(capsys):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert main(["sparql", query]) == 2
    assert "uses SERVICE" in capsys.readouterr().err
    with pytest.raises(InputError, match="SERVICE"):
        KnowledgeGraph.load().sparql(query)


def test_service_in_strings_comments_and_iris_is_not_a_service(kg):
    text = 'SELECT ?s WHERE { ?s <http://example.org/SERVICE> ?o . FILTER(?o != "SERVICE") } # SERVICE'
    assert len(kg.sparql(text)) == 0


def test_service_with_the_flag_reaches_the_network(capsys):
    assert main(["sparql", "--allow-service", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"]) == 2
    err = capsys.readouterr().err
    assert "uses SERVICE" not in err and "port 9" in err  # Oxigraph tried, and refused the port itself


def test_from_names_the_default_graph(kg):
    every = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value
    only = kg.sparql(f"SELECT (COUNT(*) AS ?n) FROM <{ANATOMY}> WHERE {{ ?s ?p ?o }}").rows[0][0].value
    expected = sum(1 for _ in kg.graph_triples(ox.NamedNode(ANATOMY)))
    assert int(only) == expected < int(every)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finding the JVM's process needs /proc")
def test_a_hung_reasoner_is_killed_at_the_timeout(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text("#!/bin/sh\nexec sleep 600\n")
    java.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "spinekg", "reason", "--timeout", "2"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "ran past 2 s and was stopped (its JVM killed)" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 60, "the timeout did not stop the reasoner"
    left = [p for p in Path("/proc").glob("[0-9]*/cmdline") if _reads(p) == b"sleep\x00600\x00"]
    assert left == [], "the JVM stand-in was left running"


def _reads(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
