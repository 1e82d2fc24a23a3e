"""The remote path without a server: VALUES binding, skolemisation, update templates, credentials, Retry-After."""

from __future__ import annotations

import email.utils
import random

import pyoxigraph as ox
import pytest

from spinekg import KnowledgeGraph, queries
from spinekg.errors import InputError, RemoteError
from spinekg.http import Auth, find_auth, retry_after, server_message
from spinekg.namespaces import GENID_BASE
from spinekg.queries import render_update
from spinekg.remote import Endpoint, NTriplesBody, canonical_results, http_url, select_triples, skolemise
from spinekg.results import Results, distinct_sorted

from .conftest import RESOURCES
from .query_examples import EXAMPLES, case_id, cases
from .test_queries import INJECTIONS


def test_every_prepared_query_has_examples():
    assert set(EXAMPLES) == set(queries.catalogue())


@pytest.fixture(scope="module")
def linked_kg() -> KnowledgeGraph:
    """The packaged graph plus the HPO slice, so that linked-terms has something to find."""
    return KnowledgeGraph.load(extra=[RESOURCES / "hp-slice.owl"])


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_values_at_the_start_of_the_where_group_binds_like_substitutions(linked_kg, case):
    kg = linked_kg
    name, params = case
    prepared = queries.get(name)
    bound = queries.bind_values(prepared.text, kg.bind(prepared, params))
    via_values = queries.run_select(kg.oxigraph, bound)
    assert distinct_sorted(via_values.rows) == distinct_sorted(kg.query(name, **params).rows)
    assert len(via_values) > 0


@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_injection_strings_in_values_stay_one_literal(kg, value):
    bound = queries.bind_values(queries.get("search").text, {"text": ox.Literal(value)})
    assert len(queries.run_select(kg.oxigraph, bound)) == 0


def test_braces_in_comments_strings_and_iris_are_not_the_group():
    text = '# { not this\nPREFIX ex: <http://example.org/a#b>\nSELECT ?x ("{" AS ?brace) WHERE { ?x ex:p ?y }'
    bound = queries.bind_values(text, {"y": ox.NamedNode("http://example.org/y")})
    assert bound.endswith("WHERE {\n  VALUES (?y) { (<http://example.org/y>) } ?x ex:p ?y }")


def test_no_bindings_leave_the_text_alone_and_bad_names_are_refused():
    assert queries.bind_values("SELECT * WHERE { ?s ?p ?o }", {}) == "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(InputError):
        queries.values_block({"x) } ; DROP ALL #": ox.Literal("v")})


def test_skolem_iris_are_stable_across_loads_and_leave_no_blank_node():
    first, second = (list(skolemise(KnowledgeGraph.load().triples())) for _ in range(2))
    assert set(first) == set(second)
    terms = [t for triple in first for t in (triple.subject, triple.object)]
    assert not any(isinstance(t, ox.BlankNode) for t in terms)
    assert any(isinstance(t, ox.NamedNode) and t.value.startswith(GENID_BASE) for t in terms)


def test_skolem_iris_do_not_depend_on_the_order_of_the_triples(kg):
    triples = list(kg.triples())
    shuffled = triples[::-1]
    random.Random(5).shuffle(shuffled)
    assert set(skolemise(shuffled)) == set(skolemise(triples))


def skolem_prefixes(triples) -> set[str]:
    return {t.value.rsplit("-", 1)[0] for triple in skolemise(triples) for t in (triple.subject, triple.object) if GENID_BASE in str(t)}


def test_two_graphs_that_differ_in_a_triple_without_blank_nodes_get_other_skolem_iris(kg):
    triples = list(kg.triples())
    other = [*triples, ox.Triple(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"), ox.Literal("x"))]
    (one,), (two,) = skolem_prefixes(triples), skolem_prefixes(other)
    assert one != two


def test_skolemise_streams_the_triples_without_blank_nodes():
    pulled = []

    def named():
        for n in range(10_000):
            pulled.append(n)
            yield ox.Triple(ox.NamedNode(f"https://example.org/s{n}"), ox.NamedNode("https://example.org/p"), ox.Literal(str(n)))

    stream = skolemise(named())
    assert next(stream).object == ox.Literal("0")
    assert len(pulled) == 1  # one in, one out: nothing is gathered first


def without_blank_nodes(triples) -> set[ox.Triple]:
    return {t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}


def counted(triples, pulled):
    def source():
        pulled.append(0)
        for triple in triples:
            pulled[-1] += 1
            yield triple

    return source


def test_the_put_body_is_counted_then_streamed_batch_by_batch(kg):
    triples = list(kg.triples())
    pulled: list[int] = []
    body = NTriplesBody(counted(triples, pulled), batch=500)
    assert (body.triples, pulled) == (len(triples), [len(triples)])  # the first pass only counts
    chunks = iter(body)
    first = next(chunks)
    assert pulled[-1] <= 501  # the send draws one batch at a time from the store
    rest = list(chunks)
    assert len(rest) == -(-len(triples) // 500) - 1
    data = first + b"".join(rest)
    assert len(data) == body.size
    parsed = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    assert len(parsed) == len(triples) and without_blank_nodes(parsed) == without_blank_nodes(triples)
    assert list(body) == [first, *rest]  # a retry sends the same bytes again


def test_a_put_body_whose_graph_changed_is_not_sent_whole(kg):
    triples = list(kg.triples())
    passes = iter([triples, triples[:-10], [*triples, *triples[:10]]])
    body = NTriplesBody(lambda: next(passes), batch=500)
    for _ in range(2):  # fewer triples, then more
        with pytest.raises(RemoteError, match="changed during the push"):
            list(body)


def test_update_templates_render_to_updates_that_run(kg):
    staging, target = ox.NamedNode("https://example.org/staging"), ox.NamedNode("https://example.org/target")
    triples = list(skolemise(kg.triples()))[:50]
    store = ox.Store()
    store.update(render_update("insert-data", graph=staging, triples=triples))
    store.update(render_update("move", staging=staging, target=target))
    store.update(render_update("drop", graph=staging))
    assert {q.graph_name for q in store} == {target} and len(store) == 50


def test_update_template_without_a_value_is_refused():
    with pytest.raises(InputError, match=r"\$target"):
        render_update("move", staging=ox.NamedNode("https://example.org/s"))


def test_include_selects_local_graphs(kg):
    anatomy = list(select_triples(kg, ["anatomy"]))
    assert 0 < len(anatomy) < len(list(kg.triples()))
    with pytest.raises(InputError, match="no such graph"):
        list(select_triples(kg, ["no-such-graph"]))


def test_virtuoso_booleans_are_made_canonical():
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    rows = Results(("b",), ((ox.Literal("1", datatype=boolean),), (ox.Literal("0", datatype=boolean),)))
    assert [r[0].value for r in canonical_results(rows).rows] == ["true", "false"]


@pytest.mark.parametrize("url", ["ftp://example.org/sparql", "example.org/sparql", "https://user:secret@example.org/sparql"])
def test_endpoint_urls_are_checked(url):
    with pytest.raises(InputError):
        http_url(url)


def test_graph_must_be_an_iri():
    with pytest.raises(InputError, match="absolute IRI"):
        Endpoint("http://127.0.0.1:9/query", graph="not an iri", auth=Auth(token="t"))


def test_credentials_from_the_environment_win_over_the_config(tmp_path):
    config = tmp_path / "endpoints.toml"
    config.write_text('["https://example.org/"]\ntoken = "from-file"\n["https://example.org/sparql"]\nuser = "alice"\npassword = "pw"\n')
    assert find_auth("https://example.org/sparql", {}, config) == Auth(user="alice", password="pw")
    assert find_auth("https://example.org/other", {}, config) == Auth(token="from-file")
    assert find_auth("https://elsewhere.org/", {}, config) is None
    assert find_auth("https://example.org/sparql", {"SPINEKG_ENDPOINT_TOKEN": "env"}, config) == Auth(token="env")


def test_contradictory_or_malformed_credentials_are_bad_input(tmp_path):
    with pytest.raises(InputError, match="not both"):
        find_auth("https://x.org/", {"SPINEKG_ENDPOINT_TOKEN": "t", "SPINEKG_ENDPOINT_USER": "u"}, tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[unclosed\n")
    with pytest.raises(InputError, match="cannot read"):
        find_auth("https://x.org/", {}, bad)


def test_auth_headers_and_secrets_not_in_repr():
    assert Auth(token="abc").header() == "Bearer abc"
    assert Auth(user="u", password="p").header() == "Basic dTpw"
    assert "secret" not in repr(Auth(user="u", password="secret"))


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after("3") == 3.0
    assert retry_after(email.utils.formatdate(1_000_010, usegmt=True), now=1_000_000) == pytest.approx(10.0)
    assert retry_after(None) is None and retry_after("soon") is None


def test_server_messages_are_truncated_to_one_line():
    message = server_message(b"line one\n  line two " + b"x" * 1000)
    assert message.startswith("line one line two") and message.endswith(" ...") and len(message) < 320


def test_credentials_match_the_origin_exactly(tmp_path):
    config = tmp_path / "endpoints.toml"
    config.write_text(
        '["http://127.0.0.1:1907"]\ntoken = "port-1907"\n["https://host"]\ntoken = "host"\n["https://host/team/sparql"]\ntoken = "team"\n'
    )
    assert find_auth("http://127.0.0.1:1907/query", {}, config) == Auth(token="port-1907")
    assert find_auth("http://127.0.0.1:19073/query", {}, config) is None
    assert find_auth("https://host.evil.net/sparql", {}, config) is None
    assert find_auth("http://host/sparql", {}, config) is None  # another scheme is another origin
    assert find_auth("https://HOST:443/other", {}, config) == Auth(token="host")
    assert find_auth("https://host/team/sparql", {}, config) == Auth(token="team")
    assert find_auth("https://host/team/sparqlx", {}, config) == Auth(token="host")  # a path, not a string prefix
