"""The label index kept in a store folder: the same answers as a scan of the data, never a stale or damaged one."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from spinekg import KnowledgeGraph, resources, synthetic
from spinekg.labels import LabelIndex
from spinekg.link import link_files
from spinekg.manifest import MANIFEST
from spinekg.namespaces import RDFS_LABEL

from .conftest import RESOURCES

ONTOLOGY = resources.ontology_sources()
GOOD = '<http://example.org/good> <http://www.w3.org/2000/01/rdf-schema#label> "Good"@en .\n'


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def index_file(store: Path) -> Path:
    return store / json.loads((store / MANIFEST).read_text())["labels"]["file"]


def assert_same_as_a_scan(kg: KnowledgeGraph) -> None:
    """The store's index file holds what the in-memory index finds by scanning the store's data."""
    by_label, _, classes = LabelIndex(kg.oxigraph)._full()
    file = kg.labels._file
    assert file is not None  # the store's file answers
    assert file.keys() == sorted(by_label)
    for key, iris in by_label.items():
        assert file.matches(key) == {iri: iri in classes for iri in iris}, key
    labels: dict[str, set[str]] = defaultdict(set)
    for quad in kg.oxigraph.quads_for_pattern(None, RDFS_LABEL, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            labels[quad.subject.value].add(quad.object.value)
    for iri, values in labels.items():
        assert file.label(iri) in values, iri


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return synthetic.cached(10_000, tmp_path_factory.mktemp("gen"))


def test_every_kind_of_change_gives_the_index_a_scan_would(tmp_path, generated):
    store, small = tmp_path / "store", write(tmp_path / "small.ttl", GOOD)
    copy = tmp_path / "copy.ttl"
    shutil.copyfile(generated, copy)
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[copy]) as kg:  # first build: rows read beside the bulk load
        assert_same_as_a_scan(kg)
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[copy, small]) as kg:  # a checkpoint: rows kept, one file read
        assert_same_as_a_scan(kg)
        assert kg.labels.lookup("good") == {"http://example.org/good"}
    write(small, GOOD.replace('"Good"', '"Better"'))
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[copy, small]) as kg:  # a checkpoint without the old rows of a file
        assert_same_as_a_scan(kg)
        assert not kg.labels.lookup("good")
    with copy.open("a") as out:
        out.write('<http://example.org/new> <http://www.w3.org/2000/01/rdf-schema#label> "added later" .\n')
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[copy, small]) as kg:  # the large file again, into a new folder
        assert_same_as_a_scan(kg)
        assert kg.labels.lookup("Added Later") == {"http://example.org/new"}
    link_files([RESOURCES / "hp-slice.owl"], store, progress=None)  # a change in place drops the index
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[copy, small]) as kg:  # ... and the next open builds it again
        assert_same_as_a_scan(kg)
        assert kg.labels.lookup("sciatica")
    with copy.open("a") as out:
        out.write('<http://example.org/new> <http://www.w3.org/2000/01/rdf-schema#label> "added again" .\n')
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[copy, small]) as kg:  # a new folder: the vocabulary copied over
        assert_same_as_a_scan(kg)
        assert kg.labels.lookup("sciatica") and kg.labels.lookup("added again")


def test_a_lookup_reads_the_file_not_the_data(tmp_path, monkeypatch):
    store, small = tmp_path / "store", write(tmp_path / "small.ttl", GOOD)
    KnowledgeGraph.open(store, extra=[small]).close()

    def no_scan(*args, **kwargs):
        raise AssertionError("scanned the labels")

    monkeypatch.setattr(LabelIndex, "_full", no_scan)
    monkeypatch.setattr("spinekg.labels.run_select", no_scan)
    with KnowledgeGraph.open(store, extra=[small]) as kg:
        assert kg.query("nerves-of-muscle", muscle="iliacus").values("nerveLabel") == {"femoral nerve"}
        assert kg.labels.lookup("GOOD") == {"http://example.org/good"}
        assert kg.labels.suggest("goo")
    with pytest.raises(AssertionError, match="scanned"):  # the in-memory graph has no file: it scans
        KnowledgeGraph.load(extra=[small]).labels.lookup("good")


def tamper_rows(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("UPDATE label SET iri = 'http://example.org/evil' WHERE key = 'good'")
    db.commit()
    db.close()


def garbage(path: Path) -> None:
    path.write_bytes(b"\x00not sqlite" * 100)


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


@pytest.mark.parametrize("damage", [tamper_rows, garbage, truncate, Path.unlink])
def test_a_changed_or_damaged_index_is_rebuilt_never_read(tmp_path, damage):
    store, small = tmp_path / "store", write(tmp_path / "small.ttl", GOOD)
    KnowledgeGraph.open(store, ONTOLOGY, extra=[small]).close()
    old = index_file(store)
    damage(old)
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[small]) as kg:
        assert kg.labels.lookup("good") == {"http://example.org/good"}
    assert index_file(store) != old and index_file(store).exists()
    assert not old.exists()


def test_an_index_from_another_store_is_not_used(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    KnowledgeGraph.open(one, ONTOLOGY, extra=[write(tmp_path / "a.ttl", GOOD)]).close()
    KnowledgeGraph.open(two, ONTOLOGY, extra=[write(tmp_path / "b.ttl", GOOD.replace("good>", "other>"))]).close()
    target = index_file(two)
    shutil.copy2(index_file(one), target)  # same name, its own size, time and hash written into the manifest
    manifest = json.loads((two / MANIFEST).read_text())
    stat = target.stat()
    manifest["labels"] |= {"size": str(stat.st_size), "mtime_ns": str(stat.st_mtime_ns)}
    (two / MANIFEST).write_text(json.dumps(manifest))
    with KnowledgeGraph.open(two, ONTOLOGY, extra=[tmp_path / "b.ttl"]) as kg:  # its stamp differs: rebuilt
        assert kg.labels.lookup("good") == {"http://example.org/other"}


def test_the_reasoners_graph_in_a_store_drops_the_index_until_the_next_open(tmp_path):
    store = tmp_path / "store"
    KnowledgeGraph.open(store, ONTOLOGY).close()
    with KnowledgeGraph.open(store, ONTOLOGY, write=True) as kg:
        named = ox.NamedNode("http://example.org/inferred-thing")
        kg.replace_graph(
            ox.NamedNode("https://w3id.org/spinekg/graph/inferred"),
            [ox.Triple(named, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("made up"))],
        )
        assert json.loads((store / MANIFEST).read_text())["labels"] is None
        assert kg.labels.lookup("made up") == {named.value}  # answered from the data meanwhile
    with KnowledgeGraph.open(store, ONTOLOGY) as kg:
        assert kg.labels._file is not None and kg.labels.lookup("made up") == {named.value}
