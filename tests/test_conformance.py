"""Outputs read by implementations spinekg does not use (rdflib here), unchanged: issue 13's conformance items."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, XSD
from rdflib.query import Result

from spinekg import KnowledgeGraph, resources
from spinekg.cli import main
from spinekg.export import ExportFormat, write

from .conftest import RESOURCES

ONTOLOGY_GRAPH = URIRef("https://w3id.org/spinekg/graph/spinekg")
CARDINALITY = "SELECT ?n WHERE { ?r <http://www.w3.org/2002/07/owl#minQualifiedCardinality> ?n }"


def test_exporting_gives_back_the_ontology_file_exactly(kg):
    out = io.BytesIO()
    write(kg, ExportFormat.NQUADS, out)
    exported = Dataset()
    exported.parse(data=out.getvalue(), format="nquads")
    source = Graph().parse(resources.ontology_dir() / "spinekg.ttl", format="turtle")
    assert isomorphic(exported.graph(ONTOLOGY_GRAPH), source)


@pytest.mark.parametrize(("fmt", "parse_as"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_cardinalities_keep_their_owl_datatype(kg, fmt, parse_as):
    out = io.BytesIO()
    write(kg, ExportFormat(fmt), out)
    graph = Graph().parse(data=out.getvalue(), format=parse_as)
    values = list(graph.objects(None, OWL.minQualifiedCardinality))
    assert values and all(v.datatype == XSD.nonNegativeInteger for v in values)


def test_the_reasoner_and_rdflib_see_the_written_datatype(kg):
    graph = kg.to_rdflib(include_inferred=False)
    assert {v.datatype for v in graph.objects(None, OWL.minQualifiedCardinality)} == {XSD.nonNegativeInteger}


def _results(out: str) -> Result:
    return Result.parse(io.StringIO(out), format="json")


def test_ask_as_json_is_w3c_sparql_results_json(capsys):
    assert main(["sparql", "ASK { ?s ?p ?o }", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {"head": {}, "boolean": True}
    assert _results(out).askAnswer is True  # rdflib's reader of the W3C format


def test_select_as_json_reads_back_with_rdflib(capsys):
    assert main(["sparql", "SELECT ?s WHERE { ?s a <https://w3id.org/spinekg/ontology/Trigger> }", "-f", "json"]) == 0
    rows = _results(capsys.readouterr().out)
    assert len(rows) == len(KnowledgeGraph.load().select("SELECT ?s WHERE { ?s a <https://w3id.org/spinekg/ontology/Trigger> }"))


def test_construct_as_json_is_json_ld(capsys):
    text = "CONSTRUCT { ?m <http://example.org/n> ?n } WHERE { ?m <https://w3id.org/spinekg/ontology/innervatedBy> ?n }"
    assert main(["sparql", text, "-f", "json"]) == 0
    graph = Graph().parse(data=capsys.readouterr().out, format="json-ld")
    assert len(graph) == len(KnowledgeGraph.load().construct(text))


@pytest.mark.parametrize("text", ["ASK { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_csv_of_an_answer_that_has_no_rows_is_refused(capsys, text):
    assert main(["sparql", text, "-f", "csv"]) == 2
    assert "CSV holds the rows of a SELECT query" in capsys.readouterr().err


def _jsonld_export(kg) -> dict:
    out = io.BytesIO()
    write(kg, ExportFormat.JSONLD, out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("mode", ["json-ld-1.0", "json-ld-1.1"])
def test_jsonld_is_read_alike_by_pyld_in_both_processing_modes_and_by_rdflib(kg, mode):
    from pyld import jsonld

    document = _jsonld_export(kg)
    assert "@version" not in document["@context"]  # the context uses no JSON-LD 1.1 feature
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": mode})
    by_pyld = Graph().parse(data=nquads, format="nquads")
    by_rdflib = Graph().parse(data=json.dumps(document), format="json-ld")
    assert isomorphic(by_pyld, by_rdflib)
    assert isomorphic(by_rdflib, kg.to_rdflib())


@pytest.mark.jvm
def test_inferences_are_new_and_left_out_by_default(reasoned):
    import pyoxigraph as ox

    from spinekg.namespaces import INFERRED_GRAPH
    from spinekg.reason import SYMMETRIC

    kg, _ = reasoned
    asserted = set(kg.triples(include_inferred=False))
    for t in kg.graph_triples(INFERRED_GRAPH):
        assert t not in asserted
        if t.predicate in SYMMETRIC:  # the reverse of an asserted equivalence is a restatement, not an inference
            assert ox.Triple(t.object, t.predicate, t.subject) not in asserted, t
    assert len(kg.to_rdflib()) == len(asserted)  # the library leaves inferences out by default, as the CLI does
    out = io.BytesIO()
    write(kg, ExportFormat.NTRIPLES, out)
    assert len([line for line in out.getvalue().splitlines() if line.strip()]) == len(asserted)


def test_every_validation_result_names_its_constraint_and_the_json_report_carries_it(capsys):
    from spinekg.validate import validate_files

    resources_dir = RESOURCES / "shapes"
    fixtures = sorted(resources_dir.glob("*-bad.ttl"))
    components = set()
    for bad in fixtures:
        for v in validate_files([resources_dir / "base.ttl", bad]).violations:
            assert v.component == "check" or (v.component.startswith("sh:") and v.component.endswith("ConstraintComponent")), v
            components.add(v.component)
    assert len(components) >= 4  # the fixtures break different kinds of constraint, and the report tells them apart
    assert main(["validate", "--format", "json", str(resources_dir / "base.ttl"), str(fixtures[0])]) == 1
    report = json.loads(capsys.readouterr().out)
    assert all(v["component"] for v in report["violations"])


OWLAPI = Path("/usr/share/java/owlapi-distribution.jar")


@pytest.fixture(scope="module")
def profile_checker(tmp_path_factory) -> Path:
    """OWL API's OWL 2 DL profile checker (Debian libowlapi-java), compiled from tests/resources/owlapi."""
    if shutil.which("javac") is None or not OWLAPI.exists():
        if os.environ.get("SPINEKG_REQUIRE_OWLAPI") == "1":
            pytest.fail("SPINEKG_REQUIRE_OWLAPI=1 but javac or libowlapi-java is missing")
        pytest.skip("needs javac and Debian's libowlapi-java")
    classes = tmp_path_factory.mktemp("owlapi")
    source = RESOURCES / "owlapi" / "ProfileCheck.java"
    subprocess.run(["javac", "-cp", "/usr/share/java/*", "-d", str(classes), str(source)], check=True, capture_output=True, timeout=300)
    return classes


@pytest.mark.jvm
def test_the_built_graph_is_owl2_dl_for_the_owl_api(profile_checker, tmp_path):
    assert main(["build", "--out", str(tmp_path)]) == 0
    done = subprocess.run(
        ["java", "-cp", f"{profile_checker}:/usr/share/java/*", "ProfileCheck", str(tmp_path / "spinekg.ttl")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    violations = [line for line in done.stdout.splitlines() if line.startswith("VIOLATION")]
    assert violations == [] and "IN PROFILE" in done.stdout.splitlines()[-1], violations[:10]


def test_the_release_has_one_licence_stated_the_same_everywhere():
    from sssom.parsers import parse_sssom_table

    ontology = Graph().parse(resources.ontology_dir() / "spinekg.ttl", format="turtle")
    licences = {str(o) for o in ontology.objects(None, URIRef("http://purl.org/dc/terms/license"))}
    mapping_set = parse_sssom_table(str(resources.mappings_path()))  # sssom-py's own reader
    assert licences == {mapping_set.metadata["license"]} == {"https://creativecommons.org/licenses/by/4.0/"}
