"""One set of assertions over every SparqlGraph backend, as oaklib's compliance tests run over every adapter.

The local graph and a remote endpoint (a real Oxigraph server on 127.0.0.1 holding the pushed
graph) must answer the same calls with the same answers.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from spinekg import KnowledgeGraph, SparqlGraph, open_graph, run_prepared, run_sparql
from spinekg.errors import InputError, QuerySyntaxError, UnknownNameError
from spinekg.results import Results, RowStream, distinct_sorted

INNERVATED = "https://w3id.org/spinekg/ontology/innervatedBy"
SELECT = f"SELECT ?m ?n WHERE {{ ?m <{INNERVATED}> ?n }}"
ASK = f"ASK {{ ?m <{INNERVATED}> ?n }}"
CONSTRUCT = f"CONSTRUCT {{ ?m <{INNERVATED}> ?n }} WHERE {{ ?m <{INNERVATED}> ?n }}"


@pytest.fixture(scope="module")
def endpoint(oxigraph, kg):
    graph = open_graph(endpoint=oxigraph.query, graph="https://example.org/test/protocol", timeout=20, retries=1, local=kg)
    graph.store_url = oxigraph.store
    graph.push(kg)
    return graph


@pytest.fixture(params=["local", pytest.param("remote", marks=pytest.mark.server)])
def backend(request, kg) -> SparqlGraph:
    return kg if request.param == "local" else request.getfixturevalue("endpoint")


def test_both_implement_the_protocol(backend):
    assert isinstance(backend, SparqlGraph)


def test_prepared_query_answers_as_locally(backend, kg):
    rows = backend.query("muscles-by-nerve", nerve="femoral nerve")
    assert isinstance(rows, Results)
    assert distinct_sorted(rows.rows) == distinct_sorted(kg.query("muscles-by-nerve", nerve="femoral nerve").rows)


def test_select_ask_construct(backend, kg):
    assert distinct_sorted(backend.select(SELECT).rows) == distinct_sorted(kg.select(SELECT).rows)
    assert backend.ask(ASK) is True
    assert set(backend.construct(CONSTRUCT)) == set(kg.construct(CONSTRUCT))


def test_bindings_are_terms(backend):
    muscle = ox.NamedNode("https://w3id.org/spinekg/id/iliacus")
    rows = backend.select(SELECT, {"m": muscle})
    assert rows.values("m") == {muscle.value} and rows.values("n") == {"https://w3id.org/spinekg/id/femoral-nerve"}


def test_sparql_picks_the_form_from_the_text(backend):
    assert isinstance(backend.sparql(SELECT), Results)
    assert backend.sparql(ASK) is True
    assert isinstance(backend.sparql(CONSTRUCT), list)


def test_wrong_form_is_refused(backend):
    with pytest.raises(QuerySyntaxError):
        backend.select(ASK)
    with pytest.raises(QuerySyntaxError):
        backend.ask(CONSTRUCT)
    with pytest.raises(QuerySyntaxError):
        backend.construct(ASK)


def test_run_prepared_and_run_sparql_work_on_either(backend, kg):
    answer = run_prepared(backend, "nerves-of-muscle", {"muscle": "iliacus"})
    rows = answer.materialise() if isinstance(answer, RowStream) else answer
    assert isinstance(rows, Results) and rows.values("nerveLabel") == {"femoral nerve"}
    assert run_sparql(backend, ASK) is True


def test_bad_parameters_fail_the_same_way(backend):
    with pytest.raises(UnknownNameError, match="no entity is labelled"):
        backend.query("muscles-by-nerve", nerve="no such nerve")
    with pytest.raises(InputError, match="needs parameter"):
        backend.query("muscles-by-nerve")


def test_open_graph_picks_the_local_graph_without_an_endpoint():
    graph = open_graph()
    assert isinstance(graph, KnowledgeGraph)
    graph.close()
    with pytest.raises(InputError, match="closed"):
        graph.query("triggers")
