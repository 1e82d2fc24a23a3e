"""A second SHACL engine, pyrudof (SHACL Core only), agrees with pyshacl on every fixture and on the built graph.

The only results pyrudof may miss are those of the rules that need SHACL-SPARQL (``sh:sparql``
or an ``sh:SPARQLTarget``): the README names them, and the test proves pyrudof misses exactly
those results and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from spinekg import KnowledgeGraph, resources
from spinekg.namespaces import compress
from spinekg.validate import Violation, shacl_violations

FIXTURES = Path(__file__).parent / "resources" / "shapes"
README = Path(__file__).parent.parent / "README.md"
FIXTURE_FILES = sorted(p.name for p in FIXTURES.glob("*Shape-*.ttl"))

Key = tuple[str, str, str, str]


def _shapes_graph() -> Graph:
    shapes = Graph()
    for path in resources.shape_files():
        shapes.parse(path, format="turtle")
    return shapes


SHAPES = _shapes_graph()
#: The shapes pyrudof cannot run: a SPARQL constraint, or a SPARQL target.
SPARQL_ONLY = sorted(
    str(s)
    for s in SHAPES.subjects(RDF.type, SH.NodeShape)
    if (s, SH.sparql, None) in SHAPES or any((t, RDF.type, SH.SPARQLTarget) in SHAPES for t in SHAPES.objects(s, SH.target))
)


def _rudof_node(text: str) -> str:
    """pyrudof writes literals in Turtle (``"9"^^xsd:integer``) and blank nodes as ``_:label`` or a bare label."""
    if text.startswith('"'):
        return text[1 : text.rindex('"')]
    blank = text.startswith("_:") or (text != "" and ":" not in text)
    return "_:" if blank else text


def _path(text: str) -> str:
    """A property path without the brackets each engine writes (``^(iri)``, ``^<iri>``)."""
    return re.sub(r"[()<>\s]", "", text)


def _key(violation: Violation) -> Key:
    """What a pyshacl result is about; spinekg writes a blank node as ``_:label``."""

    def node(text: str) -> str:
        return "_:" if text.startswith("_:") else text

    return node(violation.focus), _path(violation.path), violation.component, node(violation.value)


def _pyshacl(kg: KnowledgeGraph) -> tuple[set[Key], set[Key]]:
    """:returns: every pyshacl result, and those of the SPARQL-only shapes."""
    found, _ = shacl_violations(kg)
    keys = {v: _key(v) for v in found}
    return set(keys.values()), {k for v, k in keys.items() if _sparql_only(v)}


def _sparql_only(violation: Violation) -> bool:
    return violation.source in SPARQL_ONLY


def _pyrudof(kg: KnowledgeGraph) -> set[Key]:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(kg.to_rdflib(include_inferred=False).serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(SHAPES.serialize(format="turtle"))
    report = rudof.validate_shacl()
    return {_rudof_key(result) for result in report.violations}


def _rudof_key(result: Any) -> Key:
    path, value = result.path or "", result.value or ""
    return _rudof_node(result.focus_node), _path(path), compress(result.constraint_component), _rudof_node(value)


def _fixture_graph(name: str) -> KnowledgeGraph:
    return KnowledgeGraph.load([*resources.ontology_sources(), FIXTURES / "base.ttl", FIXTURES / name])


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_pyrudof_agrees_with_pyshacl_on_every_fixture(name: str) -> None:
    with _fixture_graph(name) as kg:
        reference, sparql_only = _pyshacl(kg)
        assert _pyrudof(kg) == reference - sparql_only


def test_pyrudof_agrees_with_pyshacl_on_the_built_graph(kg: KnowledgeGraph) -> None:
    reference, sparql_only = _pyshacl(kg)
    assert _pyrudof(kg) == reference - sparql_only


def test_the_provenance_rule_holds_in_shacl_core() -> None:
    with _fixture_graph("FactProvenanceShape-bad.ttl") as kg:
        found = _pyrudof(kg)
    assert ("https://w3id.org/spinekg/id/e", "https://w3id.org/spinekg/ontology/exampleOf") in {k[:2] for k in found}


@pytest.mark.parametrize("shape", SPARQL_ONLY)
def test_a_core_engine_misses_the_sparql_only_rule_and_the_readme_says_so(shape: str) -> None:
    name = shape.rsplit("/", 1)[-1]
    with _fixture_graph(f"{name}-bad.ttl") as kg:
        _, sparql_only = _pyshacl(kg)
        assert sparql_only and not sparql_only & _pyrudof(kg)
    assert name in README.read_text(encoding="utf-8")
