"""Checks over every prepared query file: header, parse, parameters, injection."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from spinekg import queries
from spinekg.errors import InputError, SourceFileError, UnknownNameError
from spinekg.queries import ParamType

from .query_examples import REFUSALS

CATALOGUE = queries.catalogue()
CHECKS = queries.checks()
REQUIRED = {
    "muscles-by-nerve",
    "nerves-of-muscle",
    "co-spasm-muscles",
    "triggers",
    "symptoms",
    "causes",
    "risk-factors",
    "treatments",
    "spine-elements",
    "course",
    "evidence",
    "search",
}
INJECTIONS = [
    '"} UNION { ?s ?p ?o }',
    "\\u0022 } UNION { ?s ?p ?o } #",
    "> } UNION { ?s ?p ?o . <x:",
    "http://example.org/a b",
    "https://w3id.org/spinekg/id/multifidus> } UNION { ?s ?p ?o",
    "'\n} ; DROP ALL ; #",
    "x" * 1500,
    "{}",
]


def test_required_queries_exist():
    assert set(CATALOGUE) >= REQUIRED


@pytest.mark.parametrize("name", sorted(CATALOGUE) + [f"checks/{c}" for c in sorted(CHECKS)])
def test_query_parses_and_has_a_header(name):
    query = CHECKS[name[7:]] if name.startswith("checks/") else CATALOGUE[name]
    assert query.summary
    prepareQuery(query.text)  # rdflib's parser: the text is standard SPARQL 1.1
    ox.Store().query(query.text)  # and Oxigraph accepts it


def _main_group_bgp_vars(node) -> set[str]:
    """Variables in triple patterns of the main group (not OPTIONAL's right side, MINUS, EXISTS)."""
    found: set[str] = set()
    if isinstance(node, CompValue):
        if node.name == "BGP":
            for triple in node.triples:
                found |= {str(t) for t in triple if isinstance(t, Variable)}
            return found
        for key, value in node.items():
            if (node.name == "LeftJoin" and key == "p2") or (node.name == "Minus" and key == "p2") or key == "expr":
                continue
            found |= _main_group_bgp_vars(value)
    elif isinstance(node, list | tuple):
        for item in node:
            found |= _main_group_bgp_vars(item)
    return found


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_params_are_projected_and_iri_params_in_a_main_triple_pattern(name):
    query = CATALOGUE[name]
    algebra = prepareQuery(query.text).algebra
    projected = {str(v) for v in algebra["PV"]}
    bgp_vars = _main_group_bgp_vars(algebra)
    for param in query.params:
        assert param.name in projected, f"{name}: ?{param.name} must be in the SELECT projection (pyoxigraph substitutions)"
        if param.type is ParamType.IRI:
            assert param.name in bgp_vars, f"{name}: ?{param.name} must occur in a triple pattern of the main group"


@pytest.mark.parametrize("name", sorted(n for n, q in CATALOGUE.items() if q.params))
@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_injection_strings_bound_as_terms_return_no_rows(kg, name, value):
    query = CATALOGUE[name]
    bindings = {p.name: ox.Literal(value) for p in query.params}
    assert len(queries.run_select(kg.oxigraph, query.text, bindings)) == 0


@pytest.mark.parametrize("name", sorted(n for n, q in CATALOGUE.items() if q.params))
@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_injection_strings_as_user_values_fail_cleanly_or_match_nothing(kg, name, value):
    query = CATALOGUE[name]
    params = {p.name: value for p in query.params}
    first_iri = next((p for p in query.params if p.type is ParamType.IRI), None)
    if first_iri is None:  # string parameters: bound as literals, they match no label
        assert len(kg.query(name, **params)) == 0
        return
    with pytest.raises(InputError) as refused:  # an entity parameter: no label, IRI or CURIE names anything
        kg.query(name, **params)
    assert str(refused.value).startswith(f"parameter {first_iri.name!r}: ")
    assert any(reason in str(refused.value) for reason in REFUSALS), refused.value


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_search_text_is_bad_input(kg, value):
    with pytest.raises(InputError, match="empty"):
        kg.query("search", text=value)


def test_unknown_query_suggests_close_names():
    with pytest.raises(UnknownNameError) as err:
        queries.get("muscle-by-nerve")
    assert "muscles-by-nerve" in err.value.candidates


def test_unknown_parameter_lists_the_declared_ones(kg):
    with pytest.raises(UnknownNameError) as err:
        kg.query("muscles-by-nerve", muscle="psoas major")
    assert err.value.candidates == ("nerve",)


def test_missing_required_parameter(kg):
    with pytest.raises(InputError, match="needs parameter"):
        kg.query("muscles-by-nerve")


def test_malformed_header_is_reported_with_its_line(tmp_path):
    (tmp_path / "bad.rq").write_text("#+ summary: ok\n#+ params:\n#+   x: {type: number}\nSELECT * WHERE {}\n")
    with pytest.raises(SourceFileError, match=r"bad.rq:3"):
        queries.catalogue(tmp_path)


def test_query_without_summary_is_rejected(tmp_path):
    (tmp_path / "bare.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(SourceFileError, match="summary"):
        queries.catalogue(tmp_path)
