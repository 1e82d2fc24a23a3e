"""The built-in SHACL engine: what it refuses, how it falls back to pyshacl, and the shapes restated for it.

Its results are compared with pyshacl's in ``tests/test_shacl_engines.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinekg import KnowledgeGraph, resources
from spinekg.cli import main
from spinekg.errors import InputError, ShapesError
from spinekg.shacl_shapes import UnsupportedShapes, read_shape_files, read_shapes
from spinekg.validate import Engine, shacl_violations, validate

from .test_shacl_engines import FIXTURE_FILES, FIXTURES, _fixture_graph, _with_defects

ENGINES = Path(__file__).parent / "resources" / "shacl-engines"
PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
#: Shapes the built-in engine does not evaluate, and the words its refusal must contain.
UNSUPPORTED = {
    "rule": ("ex:S sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:p ; sh:object 1 ] .", "sh:rule"),
    "component": (
        "ex:C1 a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flagged ] ;"
        ' sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER(false) }" ] .'
        " ex:S sh:targetClass ex:C ; ex:flagged true .",
        "sh:ConstraintComponent",
    ),
    "disjoint": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ;"
        " sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .",
        "qualifiedValueShapesDisjoint",
    ),
    "recursion": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ] .", "recursive shape"),
    "property sparql": (
        'ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?v }" ] ] .',
        "property shape",
    ),
    "path placeholder": ('ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this $PATH ?v }" ] .', "$PATH"),
    "rdfs:Literal": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype rdfs:Literal ] .", "rdf-schema#Literal"),
    "flag q": ('ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "a.b" ; sh:flags "q" ] .', "sh:flags"),
    "javascript target": ('ex:S sh:target [ a sh:JSTarget ; sh:jsFunctionName "f" ] .', "sh:JSTarget"),
}
DATA = b"""@prefix ex: <http://example.org/> .
ex:a a ex:C ; ex:p ex:b , "text" ; ex:flagged true .
ex:b a ex:D ; ex:p ex:a .
"""


def _shapes_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text(PREFIXES + body + "\n", encoding="utf-8")
    return path


def _data(tmp_path: Path) -> KnowledgeGraph:
    path = tmp_path / "data.ttl"
    path.write_bytes(DATA)
    return KnowledgeGraph.load([path])


@pytest.mark.parametrize("case", sorted(UNSUPPORTED))
def test_unsupported_shapes_are_refused_by_name(case: str, tmp_path: Path) -> None:
    body, words = UNSUPPORTED[case]
    with pytest.raises(UnsupportedShapes) as refused:
        read_shapes(read_shape_files([_shapes_file(tmp_path, body)]))
    assert words in str(refused.value)


def test_auto_falls_back_to_pyshacl_for_what_builtin_refuses(tmp_path: Path) -> None:
    """A SPARQL-based constraint component (a custom parameter) is SHACL the built-in engine does not evaluate."""
    shapes = _shapes_file(
        tmp_path,
        "ex:NoText a sh:ConstraintComponent ; sh:parameter [ sh:path ex:noText ] ;"
        ' sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER(isLiteral(?value)) }" ] .'
        " ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; ex:noText true ] .",
    )
    with _data(tmp_path) as kg:
        with pytest.raises(UnsupportedShapes):
            shacl_violations(kg, [shapes], engine=Engine.BUILTIN)
        report = validate(kg, [shapes], checks_dir=tmp_path)
        reference, _ = shacl_violations(kg, [shapes], engine=Engine.PYSHACL)
    assert report.engine == "pyshacl"
    assert list(report.violations) == reference and [v.value for v in reference] == ["text"]


def test_the_default_engine_is_builtin_for_the_packaged_shapes(kg: KnowledgeGraph) -> None:
    assert validate(kg).engine == "builtin"
    assert validate(kg, engine="pyshacl").engine == "pyshacl"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount "one" ] .', "not an integer"),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:minCount 1 ] .", "no sh:path"),
        ('ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p" ] .', "does not parse"),
        (
            'ex:S sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?x WHERE { ?x <http://example.org/p> ?v }" ] .',
            r"does not select \?this",
        ),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:in ( ex:a ex:b ] .", "shapes.ttl"),
    ],
)
def test_broken_shapes_are_bad_input(body: str, words: str, tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match=words):
        read_shapes(read_shape_files([_shapes_file(tmp_path, body)]))


def test_a_missing_shapes_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match=r"missing\.ttl"):
        read_shape_files([tmp_path / "missing.ttl"])


def test_an_unknown_engine_is_bad_input() -> None:
    with pytest.raises(InputError, match="builtin"):
        Engine.of("fast")


def test_every_read_of_a_shapes_file_names_its_blank_nodes_alike() -> None:
    """So a result's source shape reads the same from either engine and from one run to the next."""
    assert read_shape_files(resources.shape_files()) == read_shape_files(resources.shape_files())


# ------------------------------------------------------------ the restated SPARQL target


def _own_fact_targets(kg: KnowledgeGraph, text: str) -> set[str]:
    return {row["this"] for row in kg.select(text).as_dicts()}


def _shipped_target() -> str:
    graph = read_shapes(read_shape_files(resources.shape_files()))
    (shape,) = (s for s in graph.top if s.node.value.endswith("/OwnFactProvenanceShape"))
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in shape.target_queries[0].prefixes.items())
    return prefixes + shape.target_queries[0].select


FIRST_WRITTEN = (ENGINES / "own-fact-target-as-first-written.rq").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [n for n in FIXTURE_FILES if "Provenance" in n])
def test_the_restated_sparql_target_selects_what_the_first_one_did(name: str) -> None:
    with _fixture_graph(name) as kg:
        assert _own_fact_targets(kg, _shipped_target()) == _own_fact_targets(kg, FIRST_WRITTEN)


def test_the_restated_sparql_target_selects_what_the_first_one_did_on_defects(tmp_path: Path) -> None:
    from spinekg import synthetic

    defective = _with_defects(synthetic.cached(10_000, tmp_path), tmp_path / "defective.nt")
    with KnowledgeGraph.load([*resources.ontology_sources(), defective]) as kg:
        found = _own_fact_targets(kg, _shipped_target())
        assert found == _own_fact_targets(kg, FIRST_WRITTEN)
    assert found


# ------------------------------------------------------------------------ command line


def test_the_command_line_prints_the_same_report_with_either_engine(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FIXTURES / "base.ttl"), str(FIXTURES / "TextQuoteSelectorShape-bad.ttl")]
    outputs = []
    for engine in ("pyshacl", "builtin"):
        assert main(["validate", "--format", "json", "--engine", engine, *files]) == 1
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1] and outputs[0]["violations"]


def test_the_command_line_refuses_shapes_builtin_does_not_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes = _shapes_file(tmp_path, UNSUPPORTED["rule"][0])
    data = tmp_path / "data.ttl"
    data.write_bytes(DATA)
    assert main(["validate", "--engine", "builtin", "--shapes", str(shapes), str(data)]) == 2
    assert "sh:rule" in capsys.readouterr().err
