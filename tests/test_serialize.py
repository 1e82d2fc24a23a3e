"""Deterministic exports (issue 13, item 6), read by implementations spinekg does not use: rdflib and PyLD.

Two processes parse the sources afresh, so Oxigraph gives every blank node a
new random label in each; the exports must still be byte-identical.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from spinekg import KnowledgeGraph
from spinekg.export import ExportFormat, write
from spinekg.serialize import blank_labels, relabel, write_turtle

FORMATS = [f.value for f in ExportFormat]


def _export(fmt: str, target: Path) -> bytes:
    subprocess.run([sys.executable, "-m", "spinekg", "export", "-f", fmt, "-o", str(target)], check=True, timeout=300)
    return target.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_runs_give_the_same_bytes(fmt, tmp_path):
    first, second = _export(fmt, tmp_path / "a"), _export(fmt, tmp_path / "b")
    assert b"_:" in first or fmt in ("turtle", "schemaorg")  # the graph has blank nodes, so random labels would show
    assert first == second


@pytest.fixture(scope="module")
def turtle(kg) -> str:
    out = io.BytesIO()
    write(kg, ExportFormat.TURTLE, out)
    return out.getvalue().decode("utf-8")


def test_turtle_is_the_graph(turtle, kg):
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), kg.to_rdflib())


def test_turtle_writes_one_block_per_subject_with_the_ontology_first(turtle):
    heads = [line for line in turtle.splitlines() if line and not line[0].isspace() and not line.startswith(("@prefix", "[", "]"))]
    assert heads[0] == "<https://w3id.org/spinekg/ontology>"
    assert len(heads) == len(set(heads)), [h for h in heads if heads.count(h) > 1][:5]
    assert not any(line.startswith("_:") for line in heads)  # every blank node is written in place


def test_turtle_writes_lists_as_collections(turtle):
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(list(graph.subjects(RDF.first, None))) > 100  # the ontology has many lists (owl:unionOf, owl:members, ...)
    assert "rdf:first" not in turtle and "rdf:rest" not in turtle
    assert re.search(r"owl:unionOf \( ", turtle)


def test_turtle_header_names_the_ontology_before_its_version(turtle):
    block = turtle.split("\n\n")[1]
    assert block.index(" a owl:Ontology") < block.index("owl:versionIRI")


def _dataset_export(kg) -> dict:  # type: ignore[type-arg]
    out = io.BytesIO()
    write(kg, ExportFormat.JSONLD_DATASET, out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("mode", ["json-ld-1.0", "json-ld-1.1"])
def test_the_jsonld_dataset_keeps_its_named_graphs_for_pyld_and_rdflib(kg, mode):
    from pyld import jsonld

    document = _dataset_export(kg)
    expected = Dataset()
    out = io.BytesIO()
    write(kg, ExportFormat.NQUADS, out)
    expected.parse(data=out.getvalue(), format="nquads")
    by_pyld = Dataset()
    by_pyld.parse(data=jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": mode}), format="nquads")
    by_rdflib = Dataset()
    by_rdflib.parse(data=json.dumps(document), format="json-ld")
    names = {g.identifier for g in expected.graphs() if len(g)}
    assert len(names) >= 5  # the ontology, the article, its facts, the anatomy, the treatments, the mappings
    for found in (by_pyld, by_rdflib):
        assert {g.identifier for g in found.graphs() if len(g)} == names
        for name in names:
            assert isomorphic(found.graph(name), expected.graph(name)), name


def test_graph_names_in_the_dataset_are_the_sources(kg):
    names = [g["@id"] for g in _dataset_export(kg)["@graph"] if "@graph" in g]
    assert names == sorted(names) and "graph:spinekg" in names  # compacted with the context's graph: prefix


def _complete_graph(n: int) -> list[ox.Triple]:
    p = ox.NamedNode("http://example.org/p")
    nodes = [ox.BlankNode() for _ in range(n)]
    return [ox.Triple(a, p, b) for a in nodes for b in nodes if a != b]


def test_a_symmetric_blank_node_graph_is_labelled_without_exponential_work():
    # RDFC-1.0 (Oxigraph's Dataset.canonicalize) took 37 s on 9 such nodes and about 7 minutes on 10.
    labels = blank_labels(_complete_graph(40))
    assert len(labels) == 40 and len(set(labels.values())) == 40


def test_labels_depend_on_the_structure_not_the_parser():
    text = b"@prefix ex: <http://example.org/> . ex:a ex:p [ ex:q ( 1 2 [ ex:r ex:b ] ) ] . [ ex:s ex:a ] ."
    runs = {tuple(sorted(str(t) for t in relabel(q.triple for q in ox.parse(text, ox.RdfFormat.TURTLE)))) for _ in range(3)}
    assert len(runs) == 1


def test_identical_structures_below_different_subjects_get_different_labels():
    text = b"@prefix ex: <http://example.org/> . ex:a ex:p [ ex:q [ ex:r ( 1 2 3 ) ] ] . ex:b ex:p [ ex:q [ ex:r ( 1 2 3 ) ] ] ."
    triples = [q.triple for q in ox.parse(text, ox.RdfFormat.TURTLE)]
    labels = blank_labels(triples).values()
    assert len(set(labels)) == 10
    assert not any("x" in label for label in labels)  # told apart by where they hang, not numbered as ties


def test_a_cycle_of_blank_nodes_is_written_with_labels_and_reads_back():
    a, b = ox.BlankNode(), ox.BlankNode()
    p = ox.NamedNode("http://example.org/p")
    triples = [ox.Triple(a, p, b), ox.Triple(b, p, a)]
    out = io.BytesIO()
    write_turtle(triples, out, {"ex": "http://example.org/"})
    graph = Graph().parse(data=out.getvalue(), format="turtle")
    assert len(graph) == 2 and len(set(graph.subjects())) == 2


def test_awkward_names_and_literals_survive_turtle():
    ex = "http://example.org/"
    triples = [
        ox.Triple(ox.NamedNode(ex + "a/b"), ox.NamedNode(ex + "p."), ox.Literal('quote " and\nnewline _:x', language="en")),
        ox.Triple(
            ox.NamedNode(ex + "c"),
            ox.NamedNode(ex + "n"),
            ox.Literal("007", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
        ox.Triple(
            ox.NamedNode(ex + "c"),
            ox.NamedNode(ex + "n"),
            ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ),
        ox.Triple(ox.NamedNode(ex + "c"), ox.NamedNode(ex + "nil"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil")),
    ]
    out = io.BytesIO()
    write_turtle(triples, out, {"ex": ex, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"})
    back = {ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(out.getvalue(), ox.RdfFormat.TURTLE)}
    assert back == set(triples)
    rdflib_back = Graph().parse(data=out.getvalue(), format="turtle")
    assert len(rdflib_back) == 4 and (URIRef(ex + "c"), URIRef(ex + "nil"), RDF.nil) in rdflib_back


def test_every_ontology_restriction_reads_back_as_owl(turtle):
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(list(graph.subjects(RDF.type, OWL.Restriction))) > 20


def test_two_builds_write_the_same_bytes_and_their_formats_agree_for_pyld_and_rdflib(tmp_path):
    from pyld import jsonld

    for name in ("a", "b"):
        subprocess.run(
            [sys.executable, "-m", "spinekg", "build", "--out", str(tmp_path / name)], check=True, timeout=300, capture_output=True
        )
    built = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert built == ["spinekg.jsonld", "spinekg.ttl"]
    for name in built:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    turtle = Graph().parse(tmp_path / "a" / "spinekg.ttl", format="turtle")
    document = json.loads((tmp_path / "a" / "spinekg.jsonld").read_text(encoding="utf-8"))
    by_pyld = Graph().parse(
        data=jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": "json-ld-1.0"}), format="nquads"
    )
    assert isomorphic(turtle, by_pyld)


def test_lines_relabelled_in_the_text_equal_statements_relabelled():
    from spinekg.ntriples import relabelled, split_blank, stable_labels

    text = (
        b'_:a <http://example.org/p> "a literal that says _:a and ends _:b" .\n'
        b"<http://example.org/s> <http://example.org/p> _:b .\n"
        b'<http://example.org/s> <http://example.org/q> "_:b" .\n'
        b"_:b <http://example.org/p> _:b .\n"
        b"_:a <http://example.org/q> _:b .\n"
        b"<http://example.org/s> <http://example.org/r> <http://example.org/_:b> .\n"
    )
    plain, pairs = split_blank(b"\n" + text)
    assert (
        b"".join(plain)
        == b'<http://example.org/s> <http://example.org/q> "_:b" .\n<http://example.org/s> <http://example.org/r> <http://example.org/_:b> .\n'
    )
    fast = relabelled(pairs, stable_labels(pairs))
    triples = relabel(q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES))
    again = sorted(f"{t} .".encode() for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))
    assert fast == again
    assert any(b"says _:a and ends _:b" in line for line in fast)  # a literal's text is kept


def test_a_blank_node_in_two_graphs_keeps_one_label_in_nquads_and_the_dataset():
    ex = "http://example.org/"
    node, p = ox.BlankNode(), ox.NamedNode(ex + "p")
    kg = KnowledgeGraph()
    kg.add_quads(
        [ox.Quad(node, p, ox.Literal("x"), ox.NamedNode(ex + "g1")), ox.Quad(ox.NamedNode(ex + "s"), p, node, ox.NamedNode(ex + "g2"))]
    )
    out = io.BytesIO()
    write(kg, ExportFormat.NQUADS, out)
    back = list(ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS))
    assert len(back) == 2 and back[0].subject == back[1].object and back[0].subject.value != node.value
    document = _dataset_export(kg)
    assert {g["@id"] for g in document["@graph"]} == {ex + "g1", ex + "g2"}


def test_a_list_of_blank_nodes_is_written_as_a_collection_whatever_the_order_of_its_statements():
    ex, rdf = "http://example.org/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    a, p, q, cell, item = ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "q"), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(a, p, cell),
        ox.Triple(cell, ox.NamedNode(rdf + "rest"), ox.NamedNode(rdf + "nil")),
        ox.Triple(cell, ox.NamedNode(rdf + "first"), item),
        ox.Triple(item, q, ox.Literal("x")),
    ]
    for order in (triples, triples[::-1]):
        out = io.BytesIO()
        write_turtle(order, out, {"ex": ex})
        assert out.getvalue().endswith(b'ex:a\n    ex:p ( [\n        ex:q "x"\n    ] ) .\n\n'), out.getvalue()
