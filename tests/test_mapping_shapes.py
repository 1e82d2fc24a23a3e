"""The identifier-pattern shapes: one good and one bad fixture each, and patterns that match bioregistry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph, Literal, Namespace

from spinekg import mappings, resources
from spinekg.graph import KnowledgeGraph
from spinekg.validate import shacl_violations

from .conftest import RESOURCES

SHAPES_FILE = resources.shapes_dir() / "mappings-shapes.ttl"
SKGSH = Namespace("https://w3id.org/spinekg/shapes/")
SHAPES = Graph().parse(SHAPES_FILE, format="turtle")
SHAPE_NAMES = sorted(str(s).removeprefix(str(SKGSH)) for s in SHAPES.subjects(RDF.type, SH.NodeShape))
#: curie_map prefix -> bioregistry prefix
REGISTRY = {"UBERON": "uberon", "FMA": "fma", "SNOMEDCT": "snomedct", "UMLS": "umls", "MESH": "mesh"}
REGISTRY |= {"ICD10CM": "icd10cm", "HP": "hp", "DOID": "doid", "MONDO": "mondo", "MAXO": "maxo"}


def _violations(fixture: Path) -> set[str]:
    found, _ = shacl_violations(KnowledgeGraph.load([fixture]), [SHAPES_FILE])
    return {v.source.removeprefix(str(SKGSH)) for v in found if v.severity == "Violation"}


def test_every_vocabulary_has_a_shape() -> None:
    assert {f"{p}IdentifierShape" for p in REGISTRY} | {"MatchNamespaceShape", "MappingTargetIRIShape"} == set(SHAPE_NAMES)


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_good_fixture_conforms(shape: str) -> None:
    assert _violations(RESOURCES / "shapes" / f"{shape}-good.ttl") == set()


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_bad_fixture_violates_this_shape(shape: str) -> None:
    assert shape in _violations(RESOURCES / "shapes" / f"{shape}-bad.ttl")


@pytest.mark.parametrize("prefix", sorted(REGISTRY))
def test_pattern_is_bioregistrys(prefix: str) -> None:
    import bioregistry

    namespace = mappings.read_sssom(mappings.default_path()).curie_map[prefix]
    expected = "^" + re.escape(namespace) + bioregistry.get_pattern(REGISTRY[prefix]).removeprefix("^")
    assert (None, SH.pattern, Literal(expected)) in SHAPES


def test_packaged_mappings_conform(kg: KnowledgeGraph) -> None:
    found, _ = shacl_violations(kg, [SHAPES_FILE])
    assert found == []
