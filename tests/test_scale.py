"""Non-timed checks for the code the benchmarks exercise: generated data, fast load, union export, JSON-LD."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from spinekg import KnowledgeGraph, resources
from spinekg import synthetic as generate
from spinekg.errors import SourceFileError
from spinekg.export import ExportFormat, write
from spinekg.validate import validate

ONTOLOGY = resources.ontology_dir() / "spinekg.ttl"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The ontology plus 1k generated triples."""
    path = generate.generate(1_000, tmp_path_factory.mktemp("gen") / "gen.ttl")
    return KnowledgeGraph.load([ONTOLOGY, path])


def test_generated_data_passes_the_shapes_and_checks(generated):
    report = validate(generated)
    assert report.conforms, report.violations[:3]


def test_generated_nerve_is_found_by_label(generated):
    rows = generated.query("muscles-by-nerve", nerve=generate.nerve_label(1))
    assert len(rows) > 0
    assert rows.values("nerve") == {generate.nerve_iri(1)}


@pytest.mark.parametrize(("fmt", "parse_as"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_export_of_generated_data_round_trips(generated, fmt, parse_as):
    out = io.BytesIO()
    write(generated, ExportFormat(fmt), out)
    assert isomorphic(Graph().parse(data=out.getvalue(), format=parse_as), generated.to_rdflib())


def test_jsonld_keeps_datatypes_languages_and_blank_node_values(tmp_path):
    data = tmp_path / "mixed.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> . @prefix skg: <https://w3id.org/spinekg/ontology/> .\n"
        'ex:a ex:n 5 ; ex:d "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ; ex:l "x"@de ; ex:s "plain" ;\n'
        '  skg:fromArticle "1"^^<http://www.w3.org/2001/XMLSchema#integer> ; skg:innervatedBy [ ex:p ex:b ] ;\n'
        '  <http://www.w3.org/2000/01/rdf-schema#label> "a"@en , "A" .\n'
    )
    kg = KnowledgeGraph.load([data])
    out = io.BytesIO()
    write(kg, ExportFormat.JSONLD, out)
    assert "@context" in json.loads(out.getvalue())
    assert isomorphic(Graph().parse(data=out.getvalue(), format="json-ld"), kg.to_rdflib())


def test_union_export_writes_a_triple_in_two_graphs_once(tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> , <http://example.org/o2> .\n")
    b.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    kg = KnowledgeGraph.load([a, b])
    out = io.BytesIO()
    write(kg, ExportFormat.NTRIPLES, out)
    assert len(out.getvalue().splitlines()) == 2


def test_a_bad_file_leaves_the_store_unchanged(tiny, tmp_path):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    bad.write_text("<http://example.org/s> <http://example.org/p> .\n")
    before = set(tiny.oxigraph)
    with pytest.raises(SourceFileError, match=r"bad\.ttl"):
        tiny.add_files([good, bad])
    assert set(tiny.oxigraph) == before


def test_store_reloads_a_load_file_only_when_it_changes(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text('<http://example.org/s> <http://www.w3.org/2000/01/rdf-schema#label> "one" .\n')
    KnowledgeGraph.open(tmp_path / "store", [ONTOLOGY], extra=[extra]).close()
    manifest = json.loads((tmp_path / "store" / "spinekg-manifest.json").read_text())
    assert any(info["role"] == "load" for info in manifest["graphs"].values())
    extra.write_text('<http://example.org/s> <http://www.w3.org/2000/01/rdf-schema#label> "two" .\n')
    with KnowledgeGraph.open(tmp_path / "store", [ONTOLOGY], extra=[extra]) as kg:
        assert kg.labels.lookup("two") == {"http://example.org/s"}
        assert kg.labels.lookup("one") == set()
    with KnowledgeGraph.open(tmp_path / "store", [ONTOLOGY]) as kg:
        assert kg.labels.lookup("two") == set()
