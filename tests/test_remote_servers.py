"""Push the graph to real SPARQL servers (Oxigraph, Virtuoso) on 127.0.0.1 and run every prepared query there.

Each server is started once per session (fixtures in conftest). Both push methods
(Graph Store PUT, SPARQL Update fallback) are exercised, each into its own named
graph; rows are compared with the local answers as sets of N-Triples string tuples.
The only normalisation, Virtuoso's ``"1"^^xsd:boolean``, happens in the library and
is documented in the README.
"""

from __future__ import annotations

import json

import pytest

from spinekg import KnowledgeGraph, queries, resources, synthetic
from spinekg.cli import main
from spinekg.http import Transport
from spinekg.namespaces import STAGING_BASE
from spinekg.remote import BATCH_TRIPLES, Endpoint, NTriplesBody
from spinekg.results import ResultFormat, Results, distinct_sorted, render

from .query_examples import case_id, cases
from .test_queries import INJECTIONS

pytestmark = pytest.mark.server

SERVERS = ["oxigraph", "virtuoso"]
METHODS = ["graph-store", "update"]
_PUSHED: dict[tuple[str, str], Endpoint] = {}


def make_endpoint(servers, kg, method: str, graph: str) -> Endpoint:
    """An Endpoint for a running server: Graph Store push, or only the update endpoint."""
    store = servers.store if method == "graph-store" else None
    return Endpoint(servers.query, store_url=store, update_url=servers.update, graph=graph, kg=kg, timeout=20, retries=1, backoff=0.1)


@pytest.fixture
def published(request, kg):
    """(server name, push method) -> an Endpoint whose graph holds the pushed packaged graph (pushed once)."""

    def get(server: str, method: str) -> Endpoint:
        if (server, method) not in _PUSHED:
            servers = request.getfixturevalue(server)
            endpoint = make_endpoint(servers, kg, method, f"https://example.org/test/{method}")
            endpoint.push(kg)
            _PUSHED[server, method] = endpoint
        return _PUSHED[server, method]

    return get


def count(endpoint: Endpoint) -> int:
    """Triples in the endpoint's graph."""
    answer = endpoint.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(answer.rows[0][0].value)


def graphs(endpoint: Endpoint) -> set[str]:
    """Every named graph on the server (queried without a default graph restriction)."""
    unscoped = Endpoint(endpoint.url, graph=None, kg=endpoint.kg)
    return unscoped.sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").values("g")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_every_prepared_query_answers_as_locally(published, kg, server, method, case):
    name, params = case
    local, remote = kg.query(name, **params), published(server, method).query(name, **params)
    assert remote.variables == local.variables
    assert distinct_sorted(remote.rows) == distinct_sorted(local.rows)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("server", SERVERS)
def test_pushing_twice_leaves_one_copy(published, kg, server, method):
    endpoint = published(server, method)
    endpoint.push(kg)
    assert count(endpoint) == len(list(kg.triples()))
    assert not {g for g in graphs(endpoint) if g.startswith(STAGING_BASE)}


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_injection_strings_reach_the_server_as_one_literal(published, server, value):
    assert len(published(server, "graph-store").query("search", text=value)) == 0


def _tie_free(results: Results) -> Results:
    """Rows in one fixed order: rows that tie under ORDER BY come in the engine's order."""
    return Results(results.variables, tuple(sorted(results.rows, key=lambda row: tuple(str(t) for t in row))))


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("fmt", list(ResultFormat))
def test_remote_results_print_exactly_as_local_ones(published, kg, server, fmt):
    endpoint = published(server, "graph-store")
    for name, params in cases():
        local, remote = _tie_free(kg.query(name, **params)), _tie_free(endpoint.query(name, **params))
        assert render(remote, fmt) == render(local, fmt), name


@pytest.mark.parametrize("server", SERVERS)
def test_ask_and_construct(published, server):
    endpoint = published(server, "graph-store")
    assert endpoint.sparql("ASK { ?m <https://w3id.org/spinekg/ontology/innervatedBy> ?n }") is True
    triples = endpoint.sparql(
        "CONSTRUCT { ?m <https://w3id.org/spinekg/ontology/innervatedBy> ?n } WHERE { ?m <https://w3id.org/spinekg/ontology/innervatedBy> ?n }"
    )
    assert len(triples) > 5


def test_push_of_selected_graphs_only(oxigraph, kg):
    endpoint = make_endpoint(oxigraph, kg, "graph-store", "https://example.org/test/anatomy-only")
    report = endpoint.push(kg, include=["anatomy"])
    assert report.triples == count(endpoint) < len(list(kg.triples()))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> KnowledgeGraph:
    """The ontology and a generated graph of about 100k triples."""
    return KnowledgeGraph.load([*resources.ontology_sources(), synthetic.cached(100_000, tmp_path_factory.mktemp("generated"))])


@pytest.mark.parametrize("method", METHODS)
def test_a_push_of_100k_triples_streams_from_the_store_and_arrives_whole(oxigraph, generated, monkeypatch, method):
    requests = []
    send = Transport.send

    def recorded(self, request, **options):
        requests.append((request.get_method(), request.data, request.get_header("Content-length")))
        return send(self, request, **options)

    monkeypatch.setattr(Transport, "send", recorded)
    progress: list[tuple[int, int]] = []
    endpoint = make_endpoint(oxigraph, generated, method, f"https://example.org/test/streamed-{method}")
    report = endpoint.push(generated, progress=lambda done, total: progress.append((done, total)), chunk=BATCH_TRIPLES)
    total = sum(1 for _ in generated.triples())
    assert report.triples == count(endpoint) == total > 100_000  # push checks the count too
    assert progress[-1] == (total, total) and len(progress) == -(-total // BATCH_TRIPLES)  # one call per batch, as it is sent
    if method == "graph-store":
        (put,) = [r for r in requests if r[0] == "PUT"]
        assert isinstance(put[1], NTriplesBody) and int(put[2]) == put[1].size  # a known length, the body an iterable
    else:
        assert all(len(data) < 4 << 20 for _, data, _ in requests)  # every request one chunk of the graph


def test_cli_push_then_query_and_sparql(oxigraph, capsys):
    graph = "https://example.org/test/cli"
    argv = ["--endpoint", oxigraph.query, "--graph", graph]
    assert main(["push", *argv, "--update-endpoint", oxigraph.update]) == 0
    out, err = capsys.readouterr()
    assert "pushed" in out and f"<{graph}>" in out and "(update, " in out and "triples sent" in err
    assert main(["push", *argv, "--store-endpoint", oxigraph.store]) == 0
    assert "(graph-store, 2 requests" in capsys.readouterr().out  # the PUT, and the count that checks what arrived
    assert main(["query", "muscles-by-nerve", "-p", "nerve=lumbar plexus", "-f", "json", *argv]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert main(["query", "muscles-by-nerve", "-p", "nerve=lumbar plexus", "-f", "json"]) == 0
    assert remote == json.loads(capsys.readouterr().out)
    assert main(["sparql", "ASK { ?s ?p ?o }", *argv]) == 0
    assert capsys.readouterr().out == "true\n"


def test_cli_remote_bad_input_is_exit_2(oxigraph, capsys):
    argv = ["--endpoint", oxigraph.query]
    assert main(["query", "muscles-by-nerve", "-p", "nerve=no such nerve", *argv]) == 2
    assert main(["sparql", "DROP ALL", *argv]) == 2
    assert main(["push", "--endpoint", "ftp://127.0.0.1/x"]) == 2
    assert "updates are not run" in capsys.readouterr().err


def test_every_query_file_is_covered():
    assert {name for name, _ in cases()} == set(queries.catalogue())
