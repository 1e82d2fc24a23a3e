"""``spinekg link``: a real HPO slice linked beside the graph, reached by the prepared query ``linked-terms``."""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path

import pytest

from spinekg.cli import main
from spinekg.errors import SourceFileError
from spinekg.graph import KnowledgeGraph
from spinekg.link import link, link_file
from spinekg.manifest import MANIFEST

from .conftest import RESOURCES

SLICE = RESOURCES / "hp-slice.owl"


@pytest.fixture
def linked() -> KnowledgeGraph:
    kg = KnowledgeGraph.load()
    link_file(kg, SLICE, progress=None)
    return kg


def test_linked_terms_reach_across(linked: KnowledgeGraph) -> None:
    rows = linked.query("linked-terms", entity="low back pain").as_dicts()
    assert {r["termLabel"] for r in rows} == {"Low back pain"}
    assert {r["synonym"] for r in rows} == {"Lower back pain", "Lumbago"}
    spasm = linked.query("linked-terms", entity="kg:muscle-spasm").as_dicts()
    assert "Exercise-induced muscle cramps" in {r.get("subclassLabel") for r in spasm}


def test_linked_vocabulary_has_its_own_graph(linked: KnowledgeGraph) -> None:
    graphs = {q.graph_name.value for q in linked.oxigraph.quads_for_pattern(None, None, None)}
    assert "https://w3id.org/spinekg/graph/linked/hp-slice" in graphs


def test_progress_is_reported_for_large_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.import_module("spinekg.link"), "PROGRESS_MIN_BYTES", 0)
    out = io.StringIO()
    link_file(KnowledgeGraph(), SLICE, progress=out)
    assert "linking hp-slice.owl: 100%" in out.getvalue()


def test_bad_file_leaves_no_graph(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("<http://a> <http://b> .\n", encoding="utf-8")
    kg = KnowledgeGraph()
    with pytest.raises(SourceFileError):
        link_file(kg, bad, progress=None)
    assert len(kg) == 0


def test_obo_graphs_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hp.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(SourceFileError, match="unknown RDF file extension"):
        link_file(KnowledgeGraph(), path, progress=None)


def test_link_persists_in_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["link", str(SLICE), "--store", str(store)]) == 0
    assert "45 triples" in capsys.readouterr().out
    roles = {info["role"] for info in json.loads((store / MANIFEST).read_text())["graphs"].values()}
    assert roles == {"source", "linked"}
    assert main(["query", "linked-terms", "-p", "entity=kg:back-pain", "--store", str(store), "-f", "json"]) == 0
    assert "Sciatica" in capsys.readouterr().out


def test_unchanged_file_is_not_relinked(tmp_path: Path) -> None:
    kg = KnowledgeGraph.open(tmp_path / "store")
    first = link(kg, [SLICE], progress=None)
    again = link(kg, [SLICE], progress=None)
    assert first[0].triples == again[0].triples == 45
