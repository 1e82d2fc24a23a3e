"""Every SHACL shape has a good fixture that conforms and a bad one that it rejects."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from spinekg import resources
from spinekg.validate import Engine, validate, validate_files

FIXTURES = Path(__file__).parent / "resources" / "shapes"
SHAPES = sorted(
    str(s).rsplit("/", 1)[-1]
    for path in resources.shape_files()
    for s in Graph().parse(path).subjects(RDF.type, SH.NodeShape)
    if "/shapes/" in str(s)
)


def _report(fixture: Path, shapes: list[Path] | None = None, engine: Engine = Engine.AUTO):
    return validate_files([FIXTURES / "base.ttl", fixture], shapes=shapes, engine=engine)


def test_every_shape_has_fixtures_and_every_fixture_a_shape():
    fixtures = {p.name.rsplit("-", 1)[0] for p in FIXTURES.glob("*Shape-*.ttl")}
    assert fixtures == set(SHAPES)
    missing = [s for s in SHAPES for kind in ("good", "bad") if not (FIXTURES / f"{s}-{kind}.ttl").exists()]
    assert missing == []


@pytest.mark.parametrize("shape", SHAPES)
def test_good_fixture_conforms(shape):
    report = _report(FIXTURES / f"{shape}-good.ttl")
    assert report.conforms, report.violations


@pytest.mark.parametrize("shape", SHAPES)
def test_bad_fixture_is_rejected_by_its_shape(shape, tmp_path):
    assert not _report(FIXTURES / f"{shape}-bad.ttl").conforms
    only = tmp_path / "only.ttl"
    _only_shape(shape).serialize(only, format="turtle")
    report = _report(FIXTURES / f"{shape}-bad.ttl", shapes=[only])
    assert any(not v.source.startswith("check:") for v in report.violations), f"{shape} alone does not reject its bad fixture"


def _only_shape(shape: str) -> Graph:
    """The shapes graph with every node shape but ``shape`` deactivated."""
    shapes = Graph()
    for path in resources.shape_files():
        shapes.parse(path)
    for node in list(shapes.subjects(RDF.type, SH.NodeShape)):
        if not str(node).endswith("/" + shape):
            shapes.add((node, SH.deactivated, Literal(True)))
    return shapes


def test_shipped_data_conforms(kg):
    report = validate(kg)
    assert report.conforms, report.violations[:5]
    assert report.checked_triples > 2000


@pytest.mark.parametrize("engine", [Engine.BUILTIN, Engine.PYSHACL])
def test_every_result_carries_its_component_path_and_value(tmp_path, engine):
    """A value such as 0 is reported (it is falsy in rdflib), and a path that is not a predicate is written as SPARQL."""
    data = tmp_path / "nerve.ttl"
    data.write_text(
        "@prefix kg: <https://w3id.org/spinekg/id/> . @prefix skg: <https://w3id.org/spinekg/ontology/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'kg:sn a skg:SpinalNerve ; skg:segmentIndex 0 ; skos:notation "L4" .\n'
        "kg:vc a skg:VertebralColumn .\n",
        encoding="utf-8",
    )
    found = {(v.path.rsplit("/", 1)[-1], v.component): v for v in _report(data, engine=engine).violations if v.component != "check"}
    assert found[("segmentIndex", "sh:MinInclusiveConstraintComponent")].value == "0"
    assert ("partOf>", "sh:MinCountConstraintComponent") in found
    assert found[("partOf>", "sh:MinCountConstraintComponent")].path == "^<https://w3id.org/spinekg/ontology/partOf>"


#: The SHACL constraint parameters a shape reports results under, each its own component.
COMPONENT_PARAMETERS = [
    *("class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive"),
    *("maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint"),
    *("lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "qualifiedMinCount", "qualifiedMaxCount"),
    *("closed", "hasValue", "in"),
]


def _reported_shapes(shapes: Graph) -> list:
    """The shapes whose own constraints produce results: shapes with a target, their property shapes, SPARQL constraints."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    tops = {s for t in targets for s in shapes.subjects(t, None)}
    return [*tops, *(p for s in tops for p in shapes.objects(s, SH.property)), *(c for s in tops for c in shapes.objects(s, SH.sparql))]


def test_every_constraint_has_a_message_of_its_own():
    shapes = Graph()
    for path in resources.shape_files():
        shapes.parse(path)
    owners: dict[str, list[tuple[str, str]]] = {}
    for shape in _reported_shapes(shapes):
        components = {name for name in COMPONENT_PARAMETERS if (shape, SH[name], None) in shapes} | (
            {"sparql"} if (shape, SH.select, None) in shapes else set()
        )
        messages = [str(m) for m in shapes.objects(shape, SH.message)]
        assert len(messages) == (1 if components else 0), (shape, components, messages)
        assert len(components) <= 1, f"{messages} is shared by {sorted(components)}"
        for message in messages:
            owners.setdefault(message, []).append((str(shape), *components))
    assert {m: o for m, o in owners.items() if len(o) > 1} == {}


def test_the_provenance_shape_covers_every_fact_property_of_the_ontology():
    from rdflib.namespace import OWL

    ontology = Graph()
    for path in resources.ontology_sources():
        ontology.parse(path)
    skg = "https://w3id.org/spinekg/ontology/"
    properties = {
        p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in ontology.subjects(RDF.type, kind) if str(p).startswith(skg)
    }
    shapes = Graph().parse(resources.shapes_dir() / "spinekg-shapes.ttl")
    shape = URIRef("https://w3id.org/spinekg/shapes/FactProvenanceShape")
    assert set(shapes.objects(shape, SH.targetSubjectsOf)) == properties
    assert {shapes.value(p, SH.path) for p in shapes.objects(shape, SH.property)} == properties
