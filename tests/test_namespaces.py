"""Every output writes CURIEs one way: the shipped prefix map, longest namespace first, as curies does."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from curies import Converter

from spinekg import namespaces, resources
from spinekg.cli import main
from spinekg.mappings import read_sssom
from spinekg.namespaces import compress, converter, curie_map, expand
from spinekg.results import ResultFormat, render

from .query_examples import case_id, cases

CURIE_CELL = r"^[A-Za-z_][\w.-]*:[^\s/]"


def graph_iris(kg) -> set[str]:
    found = set()
    for quad in kg.oxigraph:
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
            elif isinstance(term, ox.Literal):
                found.add(term.datatype.value)
    return found


def test_the_prefix_map_agrees_with_curies_on_every_iri_of_the_graph(kg):
    reference = Converter.from_prefix_map(namespaces.prefix_map())
    for iri in sorted(graph_iris(kg)):
        expected = reference.compress(iri)
        assert curie_map().compress(iri) == (expected if expected and not expected.endswith(":") else None), iri
        if expected:
            assert curie_map().expand(expected) == reference.expand(expected) == iri


def test_converter_is_the_same_map_as_curies():
    assert converter().prefix_map == namespaces.prefix_map()


def test_the_mapping_set_uses_the_shipped_prefixes():
    curie_map = read_sssom(resources.mappings_path()).curie_map
    shared = {p: ns for p, ns in curie_map.items() if p in namespaces.prefix_map()}
    assert shared == {p: namespaces.prefix_map()[p] for p in shared}
    objects = {m.object_prefix for m in read_sssom(resources.mappings_path()).mappings}
    assert objects <= set(namespaces.prefix_map()), "every mapped vocabulary needs its prefix in ontology/context.jsonld"


def test_longest_namespace_wins():
    assert compress("http://purl.obolibrary.org/obo/UBERON_0001267") == "UBERON:0001267"
    assert compress("http://purl.obolibrary.org/obo/XAO_0000001") == "obo:XAO_0000001"
    assert expand("UBERON:0001267") == "http://purl.obolibrary.org/obo/UBERON_0001267"
    assert expand("nope:1") is None and expand("no colon") is None


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_every_prepared_query_writes_each_iri_as_its_one_curie(kg, case):
    name, params = case
    results = kg.query(name, **params)
    table = render(results, ResultFormat.TABLE)
    for row in results.rows:
        for term in row:
            if isinstance(term, ox.NamedNode):
                assert compress(term.value) in table
                other = [p for p, ns in namespaces.prefix_map().items() if term.value.startswith(ns)]
                for prefix in other:  # a shorter namespace would be a second spelling of the same IRI
                    spelled = f"{prefix}:{term.value[len(namespaces.prefix_map()[prefix]) :]}"
                    if spelled != compress(term.value):
                        assert spelled not in table.split(), (name, spelled)


def _canonical(curie: str) -> bool:
    iri = expand(curie)
    return iri is not None and compress(iri) == curie


def test_reason_and_schemaorg_write_the_same_curies(reasoned, capsys):
    from spinekg.cli.reason_cmds import report_text
    from spinekg.schemaorg import CODING_SYSTEMS, page

    kg, report = reasoned
    written = [t for line in report_text(report).splitlines() for t in line.split() if re.match(CURIE_CELL, t) and ":" in t]
    assert written and all(_canonical(t) for t in written), [t for t in written if not _canonical(t)]
    prefixes = {system: prefix for prefix, system in CODING_SYSTEMS.items()}
    codes = [f"{prefixes[c['codingSystem']]}:{c['codeValue']}" for c in _walk(page(kg)) if "codeValue" in c]
    assert codes and all(_canonical(c) for c in codes), codes  # the coding system and the code make the CURIE spinekg writes
    assert main(["query", "schemaorg-codes", "-p", "entity=femoral nerve"]) == 0
    out = capsys.readouterr().out
    assert "UBERON:0001267" in out and "obo:UBERON_0001267" not in out


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
