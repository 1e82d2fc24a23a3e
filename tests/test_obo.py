"""OBO conventions (issue 13, item 9): IAO definitions, local properties named apart from RO's, one name per entity.

The RO, BFO and IAO terms are compared by the labels the ontology declares for them. Those
labels were checked against RO's release file (ro.owl, release 2025-12-17,
oborel/obo-relations@2b8fb44) and IAO's (iao.owl, information-artifact-ontology/IAO@e669c9c);
docs/vocabularies.md records it. No copy of either file ships with spinekg.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from spinekg import ExportFormat, KnowledgeGraph, export, resources
from spinekg.params import resolve
from spinekg.queries import Param, ParamKind, ParamType
from spinekg.synthetic import generate

RESOURCES = Path(__file__).parent / "resources"
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
OBO = "http://purl.obolibrary.org/obo/"
SKG = "https://w3id.org/spinekg/ontology/"
KG = "https://w3id.org/spinekg/id/"
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
SHIPPED_TURTLE = sorted([*resources.ontology_dir().glob("*.ttl"), *resources.data_dir().glob("*.ttl")])

#: The names the class and the individual shared before each got a label of its own; users still type them.
EVERYDAY_NAMES = {
    "injury": ("Injury", "injury"),
    "vertebra": ("Vertebra", "vertebra"),
    "spine": ("Spine", "spine"),
    "vertebral column": ("VertebralColumn", "vertebral-column"),
    "muscle spasm": ("MuscleSpasm", "muscle-spasm"),
    "intervertebral disc": ("IntervertebralDisc", "intervertebral-disc"),
    "vertebral fracture": ("VertebralFracture", "vertebral-fracture"),
    "traumatic injury": ("TraumaticInjury", "traumatic-injury"),
    "spinal injury": ("SpinalInjury", "spinal-injury"),
    "lower back muscle spasm": ("LowerBackMuscleSpasm", "lower-back-muscle-spasm"),
    "ligament sprain": ("LigamentSprain", "ligament-injury"),
    "intervertebral disc herniation": ("DiscHerniation", "slipped-disc"),
    "back pain": ("BackPain", "back-pain"),
    "arthritis": ("Arthritis", "arthritis"),
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in resources.ontology_sources():
        graph.parse(path, format="turtle")
    return graph


def _terms(graph: Graph) -> set[URIRef]:
    """:returns: the classes and properties of the spinekg namespace."""
    return {s for kind in TERM_KINDS for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and s.startswith(SKG)}


def _shared_labels(labels: Iterable[tuple[str, str, bool]]) -> dict[str, set[str]]:
    """:param labels: (entity IRI, label, whether the entity is a class).
    :returns: each label (lower-cased) that names both a class and an individual, with the entities it names."""
    classes, individuals = defaultdict(set), defaultdict(set)
    for iri, label, is_class in labels:
        (classes if is_class else individuals)[label.lower()].add(iri)
    return {label: classes[label] | individuals[label] for label in classes.keys() & individuals.keys()}


@pytest.mark.parametrize("path", SHIPPED_TURTLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_shipped_file_defines_with_skos_definition(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert not set(graph.subject_objects(SKOS.definition)), "OBO definitions are IAO:0000115, not skos:definition"


def test_every_spinekg_class_and_property_has_one_english_iao_definition(ontology: Graph) -> None:
    terms = _terms(ontology)
    assert len(terms) > 50
    wrong = {t: list(ontology.objects(t, IAO_DEFINITION)) for t in terms}
    wrong = {t: d for t, d in wrong.items() if len(d) != 1 or not isinstance(d[0], Literal) or d[0].language != "en"}
    assert not wrong, f"need exactly one English IAO:0000115 each: {sorted(wrong)}"


def test_iao_definition_is_declared_as_iao_declares_it(ontology: Graph) -> None:
    assert (IAO_DEFINITION, RDF.type, OWL.AnnotationProperty) in ontology
    assert {str(label) for label in ontology.objects(IAO_DEFINITION, RDFS.label)} == {"definition"}


def _refined_obo_properties(ontology: Graph, prop: URIRef) -> set[URIRef]:
    """:returns: the RO/BFO properties ``prop`` is equivalent to or a sub-property of, directly or through local ones."""
    seen: set[URIRef] = set()
    todo = [prop]
    while todo:
        current = todo.pop()
        linked = [
            *ontology.objects(current, RDFS.subPropertyOf),
            *ontology.objects(current, OWL.equivalentProperty),
            *ontology.subjects(OWL.equivalentProperty, current),
        ]
        fresh = {p for p in linked if isinstance(p, URIRef) and p not in seen and p != prop}
        seen |= fresh
        todo += fresh
    return {p for p in seen if p.startswith(OBO)}


def test_no_local_property_shares_a_label_with_the_ro_or_bfo_property_it_refines(ontology: Graph) -> None:
    properties = {p for p in _terms(ontology) if (p, RDF.type, OWL.ObjectProperty) in ontology}
    refining = {p: _refined_obo_properties(ontology, p) for p in properties}
    assert {SKG + "hasSymptom", SKG + "partOf", SKG + "innervates"} <= {str(p) for p, obo in refining.items() if obo}
    clashes = {
        (str(p), str(label), str(q))
        for p, targets in refining.items()
        for q in targets
        for label in ontology.objects(p, RDFS.label)
        if str(label).lower() in {str(x).lower() for x in ontology.objects(q, RDFS.label)}
    }
    assert not clashes, f"a curator cannot tell these apart from RO/BFO: {sorted(clashes)}"


def _oxigraph_labels(kg: KnowledgeGraph) -> list[tuple[str, str, bool]]:
    store = kg.oxigraph
    classes = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Class)))}
    individuals = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.NamedIndividual)))}
    return [
        (q.subject.value, q.object.value, q.subject in classes)
        for q in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.label)), None)
        if isinstance(q.subject, ox.NamedNode) and (q.subject in classes or q.subject in individuals)
    ]


def test_no_label_is_shared_by_a_class_and_an_individual(kg: KnowledgeGraph) -> None:
    labels = _oxigraph_labels(kg)
    assert {label for _, label, is_class in labels if not is_class} and {label for _, label, is_class in labels if is_class}
    assert not _shared_labels(labels)


def test_exported_turtle_read_by_rdflib_has_no_label_shared_by_a_class_and_an_individual(kg: KnowledgeGraph, tmp_path: Path) -> None:
    target = tmp_path / "spinekg.ttl"
    export(kg, ExportFormat.TURTLE, target)
    graph = Graph().parse(target, format="turtle")
    classes, individuals = set(graph.subjects(RDF.type, OWL.Class)), set(graph.subjects(RDF.type, OWL.NamedIndividual))
    labels = [(str(s), str(o), s in classes) for s, o in graph.subject_objects(RDFS.label) if s in classes or s in individuals]
    assert len(labels) > 200
    assert not _shared_labels(labels)


def test_no_two_entities_share_a_label(kg: KnowledgeGraph) -> None:
    """ROBOT report's duplicate_label (an ERROR): one rdfs:label names one entity, whatever its kind, in any case."""
    named = defaultdict(set)
    for q in kg.oxigraph.quads_for_pattern(None, ox.NamedNode(str(RDFS.label)), None):
        if isinstance(q.subject, ox.NamedNode):
            named[q.object.value.lower()].add(q.subject.value)
    assert not {label: iris for label, iris in named.items() if len(iris) > 1}


def test_one_label_per_language_per_entity(kg: KnowledgeGraph) -> None:
    """ROBOT report's multiple_labels: an entity has at most one rdfs:label in each language."""
    labels = defaultdict(set)
    for q in kg.oxigraph.quads_for_pattern(None, ox.NamedNode(str(RDFS.label)), None):
        labels[(q.subject.value, q.object.language)].add(q.object.value)
    assert len(labels) > 200
    assert not {key: values for key, values in labels.items() if len(values) > 1}


@pytest.mark.parametrize("name", sorted(EVERYDAY_NAMES))
def test_the_shared_names_still_find_the_individual_and_the_class(kg: KnowledgeGraph, name: str) -> None:
    class_name, individual = EVERYDAY_NAMES[name]
    as_entity = Param("entity", ParamType.IRI)
    as_class = Param("class", ParamType.IRI, kind=ParamKind.CLASS)
    assert resolve(name, as_entity, kg.labels).value == KG + individual
    assert resolve(name, as_class, kg.labels).value == SKG + class_name


def test_the_generated_benchmark_vocabulary_defines_with_iao(tmp_path: Path) -> None:
    graph = Graph().parse(generate(2000, tmp_path / "synthetic.ttl"), format="turtle")
    definitions = set(graph.subject_objects(IAO_DEFINITION))
    assert len(definitions) >= 10
    assert not set(graph.subject_objects(SKOS.definition))
