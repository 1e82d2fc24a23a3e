"""Three SHACL engines agree with pyshacl, the reference.

spinekg's built-in engine (the default) gives exactly pyshacl's results (focus node, path,
component, value, source shape, severity) on every shape fixture, on the built graph, on a
generated graph of 10k triples with defects injected, and on a fixture of every SHACL Core
construct it evaluates. pyrudof (SHACL Core only) agrees on every fixture and on the built
graph, except for the rules that need SHACL-SPARQL (``sh:sparql`` or an ``sh:SPARQLTarget``):
the README names them, and the test proves pyrudof misses exactly those results and nothing else.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from spinekg import KnowledgeGraph, resources, synthetic
from spinekg.namespaces import compress
from spinekg.shacl_engine import COMPONENTS
from spinekg.validate import Violation, shacl_violations

FIXTURES = Path(__file__).parent / "resources" / "shapes"
ENGINES = Path(__file__).parent / "resources" / "shacl-engines"
README = Path(__file__).parent.parent / "README.md"
FIXTURE_FILES = sorted(p.name for p in FIXTURES.glob("*Shape-*.ttl"))
MAPPING_SHAPES = resources.shapes_dir() / "mappings-shapes.ttl"

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


# ---------------------------------------------------------------- the built-in engine


def _same_as_pyshacl(kg: KnowledgeGraph, shapes: list[Path] | None = None) -> list[Violation]:
    """Assert the built-in engine reports what pyshacl reports; :returns: the results."""
    reference, size = shacl_violations(kg, shapes, engine="pyshacl")
    found, checked = shacl_violations(kg, shapes, engine="builtin")
    assert Counter(map(_result, found)) == Counter(map(_result, reference))
    assert checked == size
    return found


def _result(v: Violation) -> tuple[str, ...]:
    return v.focus, v.path, v.component, v.value, v.source, v.severity


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_builtin_agrees_with_pyshacl_on_every_fixture(name: str) -> None:
    with _fixture_graph(name) as kg:
        found = _same_as_pyshacl(kg)
    assert bool(found) == name.endswith("-bad.ttl")


MAPPING_FIXTURES = sorted(
    p.name
    for p in FIXTURES.glob("*Shape-*.ttl")
    if p.name.split("-")[0] in {str(s).rsplit("/", 1)[-1] for s in Graph().parse(MAPPING_SHAPES).subjects(RDF.type, SH.NodeShape)}
)


@pytest.mark.parametrize("name", MAPPING_FIXTURES)
def test_builtin_agrees_with_pyshacl_on_the_mapping_shapes_alone(name: str) -> None:
    """As ``spinekg check-mappings`` runs them: the mapping shapes on a fixture without the ontology."""
    with KnowledgeGraph.load([FIXTURES / name]) as kg:
        _same_as_pyshacl(kg, [MAPPING_SHAPES])


def test_builtin_agrees_with_pyshacl_on_the_built_graph(kg: KnowledgeGraph) -> None:
    assert _same_as_pyshacl(kg) == []


def test_builtin_agrees_with_pyshacl_on_every_core_construct() -> None:
    """core-shapes.ttl uses every constraint component, path form and target kind the engine evaluates."""
    with KnowledgeGraph.load([ENGINES / "core-data.ttl"]) as kg:
        found = _same_as_pyshacl(kg, [ENGINES / "core-shapes.ttl"])
    assert {"sh:" + c.rsplit("#", 1)[-1] for c in COMPONENTS} | {"sh:SPARQLConstraintComponent"} == {v.component for v in found}
    assert {v.severity for v in found} == {"Violation", "Warning", "Info"}
    assert any(v.path.startswith("(") for v in found) and any("*" in v.path for v in found)


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated graph of 10k triples with defects injected (seeded, so every run injects the same)."""
    folder = tmp_path_factory.mktemp("defects")
    return _with_defects(synthetic.cached(10_000, folder), folder / "defective.nt")


def test_builtin_agrees_with_pyshacl_on_a_generated_graph_with_defects(defective: Path) -> None:
    with KnowledgeGraph.load([*resources.ontology_sources(), defective]) as kg:
        found = _same_as_pyshacl(kg)
    components = Counter(v.component for v in found)
    assert len(components) >= 15 and components["sh:SPARQLConstraintComponent"] > 0, components
    assert len({v.source for v in found}) >= 40


def _with_defects(source: Path, target: Path) -> Path:
    """Copy ``source`` with a few percent of its triples dropped, changed or doubled, some nodes retyped,
    and some axiom annotations moved to another subject."""
    rng = random.Random(15)
    triples = [q.triple for q in ox.parse(path=source, format=ox.RdfFormat.TURTLE)]
    subjects = sorted({t.subject for t in triples}, key=str)
    classes = sorted({t.object for t in triples if t.predicate.value == str(RDF.type)}, key=str)
    objects: dict[ox.NamedNode, list[Any]] = {}
    for t in triples:
        objects.setdefault(t.predicate, []).append(t.object)
    annotated = ox.NamedNode("http://www.w3.org/2002/07/owl#annotatedSource")
    out: list[ox.Triple] = []
    for t in triples:
        roll = rng.random()
        if roll < 0.02:
            continue
        if roll < 0.04:
            out.append(ox.Triple(t.subject, t.predicate, _changed(t.object, rng, subjects)))
            continue
        out.append(t)
        if roll < 0.05:
            out.append(ox.Triple(t.subject, t.predicate, rng.choice(objects[t.predicate])))
        elif roll < 0.055:
            out.append(ox.Triple(t.subject, ox.NamedNode(str(RDF.type)), rng.choice(classes)))
        elif roll < 0.07 and t.predicate == annotated:
            out[-1] = ox.Triple(t.subject, annotated, rng.choice(subjects))
    target.write_bytes(ox.serialize(out, format=ox.RdfFormat.N_TRIPLES))
    return target


def _changed(term: Any, rng: random.Random, subjects: list[Any]) -> Any:
    """A wrong value in place of ``term``: another kind of node, another datatype or language, an ill-typed lexical form."""
    if isinstance(term, ox.Literal):
        xsd = "http://www.w3.org/2001/XMLSchema#"
        choices = [
            ox.Literal(term.value),
            ox.Literal(term.value, language="de"),
            ox.Literal(""),
            ox.Literal("-3", datatype=ox.NamedNode(xsd + "integer")),
        ]
        if term.datatype.value in (xsd + "integer", xsd + "double", xsd + "date"):  # rdflib rewrites an ill-typed boolean as "false"
            choices.append(ox.Literal("x", datatype=term.datatype))
        return rng.choice(choices)
    return rng.choice([ox.Literal(term.value), ox.BlankNode(), rng.choice(subjects)])


def test_builtin_counts_a_triple_in_two_graphs_once(tmp_path: Path) -> None:
    """Each file is its own named graph: a triple two files state is one value (sh:maxCount), one triple checked."""
    copy = tmp_path / "again.ttl"
    copy.write_bytes((FIXTURES / "TextPositionSelectorShape-good.ttl").read_bytes())
    with KnowledgeGraph.load(
        [*resources.ontology_sources(), FIXTURES / "base.ttl", FIXTURES / "TextPositionSelectorShape-good.ttl", copy]
    ) as kg:
        assert _same_as_pyshacl(kg) == []
