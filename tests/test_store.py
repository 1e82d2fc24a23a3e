"""The on-disk store never loses or mixes data: all-or-nothing changes, crash recovery, locking, graph names."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from spinekg import KnowledgeGraph, resources
from spinekg.cli import main
from spinekg.errors import SourceFileError, StoreError
from spinekg.manifest import JOURNAL, MANIFEST, Manifest
from spinekg.namespaces import GRAPH_BASE, INFERRED_GRAPH
from spinekg.readers import graph_name, read_source

from .conftest import RESOURCES

ONTOLOGY = resources.ontology_sources()
GOOD = '<http://example.org/good> <http://www.w3.org/2000/01/rdf-schema#label> "good" .\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def big(path: Path, n: int) -> Path:
    with path.open("w") as out:
        for i in range(n):
            out.write(f'<http://example.org/big{i}> <http://www.w3.org/2000/01/rdf-schema#label> "big {i}" .\n')
    return path


def manifest(store: Path) -> dict[str, dict[str, str]]:
    return json.loads((store / MANIFEST).read_text())["graphs"]


def data_dir(store: Path) -> Path:
    """The data folder the store's manifest publishes."""
    return store / json.loads((store / MANIFEST).read_text())["data"]


def test_a_bad_file_among_loads_changes_nothing(tmp_path, capsys):
    store, good, bad = tmp_path / "store", write(tmp_path / "good.ttl", GOOD), write(tmp_path / "bad.ttl", "<x> <y> .\n")
    assert main(["query", "search", "-p", "text=good", "--store", str(store), "--load", str(good), "--load", str(bad)]) == 2
    assert "bad.ttl" in capsys.readouterr().err
    assert main(["query", "search", "-p", "text=good", "--store", str(store), "-f", "csv"]) == 0
    assert "http://example.org/good" not in capsys.readouterr().out
    assert not (store / JOURNAL).exists()


def test_graph_names_come_from_the_path_not_the_stem(tmp_path, capsys):
    store = tmp_path / "store"
    other = write(tmp_path / "other" / "anatomy.ttl", GOOD)
    a, b = write(tmp_path / "a" / "x.ttl", GOOD), write(tmp_path / "b" / "x.ttl", GOOD.replace('"good"', '"also"'))
    assert graph_name(other) != graph_name(resources.data_dir() / "anatomy.ttl")
    assert len({graph_name(a), graph_name(b)}) == 2
    argv = ["--store", str(store), "--load", str(other), "--load", str(a), "--load", str(b)]
    assert main(["query", "nerves-of-muscle", "-p", "muscle=multifidus", *argv, "-f", "csv"]) == 0
    assert "medial branch" in capsys.readouterr().out  # the packaged anatomy is still there
    graphs = {name for name in manifest(store)}
    assert {graph_name(a).value, graph_name(b).value, graph_name(other).value, GRAPH_BASE + "anatomy"} <= graphs


def test_nquads_cannot_write_into_spinekgs_graphs(tmp_path, capsys):
    for target in (GRAPH_BASE + "anatomy", INFERRED_GRAPH.value, GRAPH_BASE + "linked/hp"):
        path = write(tmp_path / "evil.nq", f'<http://example.org/s> <http://example.org/p> "x" <{target}> .\n')
        assert main(["export", "--load", str(path), "-f", "nquads"]) == 2
        assert f"names the graph <{target}>" in capsys.readouterr().err
        assert main(["query", "search", "-p", "text=x", "--load", str(path), "--store", str(tmp_path / "store")]) == 2
        capsys.readouterr()


def test_nquads_graphs_belong_to_the_file_and_go_with_it(tmp_path):
    store = tmp_path / "store"
    quads = write(
        tmp_path / "mine.nq",
        '<http://example.org/s> <http://example.org/p> "default" .\n'
        '<http://example.org/s> <http://example.org/p> "named" <http://example.org/g> .\n',
    )
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[quads]) as kg:
        assert kg.oxigraph.contains_named_graph(ox.NamedNode("http://example.org/g"))
        own = list(kg.graph_triples(graph_name(quads)))
        assert [t.object.value for t in own] == ["default"]
        assert not list(kg.graph_triples(ox.DefaultGraph()))
    with KnowledgeGraph.open(store, ONTOLOGY) as kg:
        assert not kg.oxigraph.contains_named_graph(ox.NamedNode("http://example.org/g"))
        assert not kg.oxigraph.contains_named_graph(graph_name(quads))


def test_the_manifest_hashes_the_bytes_that_were_loaded(tmp_path, monkeypatch):
    import spinekg.ondisk

    store, path = tmp_path / "store", write(tmp_path / "data.ttl", GOOD)
    real = spinekg.ondisk.read_source

    def read_then_replace(p):
        source = real(p)
        if Path(p) == path:  # only the test's own file
            write(path, GOOD.replace('"good"', '"replaced during the load"'))
        return source

    monkeypatch.setattr(spinekg.ondisk, "read_source", read_then_replace)
    KnowledgeGraph.open(store, ONTOLOGY, extra=[path]).close()
    monkeypatch.undo()
    assert manifest(store)[graph_name(path).value]["sha256"] == hashlib.sha256(GOOD.encode()).hexdigest()
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[path]) as kg:  # the replaced bytes are read on the next open
        assert kg.labels.lookup("replaced during the load") == {"http://example.org/good"}


def test_a_failed_relink_keeps_the_previous_copy(tmp_path, capsys):
    store, vocabulary = tmp_path / "store", tmp_path / "hp-slice.owl"
    vocabulary.write_bytes((RESOURCES / "hp-slice.owl").read_bytes())
    assert main(["link", str(vocabulary), "--store", str(store)]) == 0
    vocabulary.write_text("<rdf:RDF broken", encoding="utf-8")
    assert main(["link", str(vocabulary), "--store", str(store)]) == 2
    capsys.readouterr()
    assert main(["query", "linked-terms", "-p", "entity=kg:back-pain", "--store", str(store), "-f", "csv"]) == 0
    assert "Sciatica" in capsys.readouterr().out


@pytest.mark.jvm
def test_inferences_in_a_store_go_when_their_sources_change(tmp_path, capsys):
    store, extra = tmp_path / "store", write(tmp_path / "extra.ttl", GOOD)
    assert main(["reason", "--store", str(store), "--load", str(extra), "-f", "json"]) == 0
    capsys.readouterr()
    with KnowledgeGraph.open(store, extra=[extra]) as kg:
        assert kg.oxigraph.contains_named_graph(INFERRED_GRAPH)
    write(extra, GOOD.replace('"good"', '"changed"'))
    with KnowledgeGraph.open(store, extra=[extra]) as kg:
        assert not kg.oxigraph.contains_named_graph(INFERRED_GRAPH)


def test_a_folder_that_is_not_a_store_is_refused(tmp_path, capsys):
    folder = tmp_path / "documents"
    write(folder / "thesis.txt", "mine")
    assert main(["query", "triggers", "--store", str(folder)]) == 2
    assert "not a spinekg store (it holds thesis.txt)" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]
    afile = write(tmp_path / "file", "x")
    assert main(["query", "triggers", "--store", str(afile)]) == 2
    assert "needs a folder" in capsys.readouterr().err


def test_a_damaged_store_is_a_clear_error(tmp_path, capsys):
    store = tmp_path / "store"
    KnowledgeGraph.open(store, ONTOLOGY).close()
    for name in os.listdir(data_dir(store)):
        if name.startswith("MANIFEST-") or name == "CURRENT":
            (data_dir(store) / name).write_bytes(b"\x00garbage")
    assert main(["query", "triggers", "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "cannot open the store" in err and "Traceback" not in err
    (store / MANIFEST).write_text("{not json")
    assert main(["query", "triggers", "--store", str(store)]) == 2
    assert "corrupt store manifest" in capsys.readouterr().err


def test_a_store_opened_for_reading_refuses_changes(tmp_path):
    KnowledgeGraph.open(tmp_path / "store", ONTOLOGY).close()
    with KnowledgeGraph.open(tmp_path / "store", ONTOLOGY) as kg, pytest.raises(StoreError, match="opened for reading"):
        kg.replace_graph(INFERRED_GRAPH, [])


def test_a_busy_store_is_waited_for_then_refused_with_a_message(tmp_path):
    store = tmp_path / "store"
    with KnowledgeGraph.open(store, ONTOLOGY, write=True), pytest.raises(StoreError, match="busy"):
        KnowledgeGraph.open(store, ONTOLOGY, wait=0.2)
    with KnowledgeGraph.open(store, ONTOLOGY), KnowledgeGraph.open(store, ONTOLOGY) as second:  # readers share
        assert len(second) > 0


def test_four_processes_share_one_store(tmp_path):
    store = tmp_path / "store"
    loads = [write(tmp_path / f"load{i}.ttl", GOOD.replace('"good"', f'"load {i}"')) for i in range(2)]
    script = (
        "import os, sys, time\n"
        "from spinekg.cli import main\n"
        "store, load, end = sys.argv[1], sys.argv[2], time.monotonic() + 6\n"
        "codes = []\n"
        "while time.monotonic() < end:\n"
        "    extra = ['--load', load] if load != '-' else []\n"
        "    codes.append(main(['query', 'search', '-p', 'text=load', '--store', store, '-f', 'csv', '-o', store + '.' + str(os.getpid()) + '.csv', *extra]))\n"
        "print(len(codes), sorted(set(codes)))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(store), load], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for load in [str(loads[0]), str(loads[1]), "-", "-"]
    ]
    outcomes = [p.communicate(timeout=240) for p in procs]
    for out, err in outcomes:
        assert out.strip().endswith("[0]"), (out, err[-2000:])
        assert "Traceback" not in err and "LOCK" not in err


def raw(store: Path) -> dict[str, int]:
    """Named graph -> triple count, read straight from the published RocksDB data (nothing recovered, nothing changed)."""
    data = ox.Store.read_only(str(data_dir(store)))
    counts: dict[str, int] = {}
    for quad in data:
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    del data
    return counts


def cli(store: Path, *loads: Path) -> subprocess.Popen[bytes]:
    argv = ["query", "triggers", "--store", str(store), *(a for p in loads for a in ("--load", str(p)))]
    return subprocess.Popen([sys.executable, "-m", "spinekg", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_kill_at_any_point_of_a_load_leaves_a_store_as_before_or_after(tmp_path):
    good, huge = write(tmp_path / "good.ttl", GOOD), big(tmp_path / "big.nt", 100_000)
    first, reference = tmp_path / "first", tmp_path / "reference"
    assert cli(first, good).wait() == 0
    before = raw(first)
    shutil.copytree(first, reference)
    started = time.monotonic()
    assert cli(reference, good, huge).wait() == 0
    full = time.monotonic() - started
    after = raw(reference)
    assert before != after
    for n, fraction in enumerate((0.1, 0.3, 0.5, 0.7, 0.85, 1.2)):
        store = tmp_path / f"store{n}"
        shutil.copytree(first, store)
        proc = cli(store, good, huge)
        time.sleep(fraction * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not (store / JOURNAL).exists(), fraction  # a load never changes the published data in place
        assert raw(store) in (before, after), fraction  # the store is exactly what its manifest publishes
        assert {g for g in raw(store) if g} == set(manifest(store)), fraction
        assert cli(store, good).wait() == 0  # the next process holds what it asked for
        assert raw(store) == before, fraction
        assert len(folders(store)) == 2, fraction  # the unfinished data folder is gone: one data folder, one index


def folders(store: Path) -> list[str]:
    """The data folders and label indexes in a store folder."""
    return sorted(p.name for p in store.iterdir() if p.name.startswith(("data-", "labels-")))


def building(store: Path) -> bool:
    """Whether a data folder other than the published one is there (a checkpoint is first built as ``*.tmp``)."""
    return any(name.startswith("data-") and not name.endswith(".tmp") and store / name != data_dir(store) for name in folders(store))


def test_kill_during_a_bulk_load_leaves_the_store_exactly_as_before(tmp_path):
    good, huge = write(tmp_path / "good.ttl", GOOD), big(tmp_path / "big.nt", 300_000)
    first = tmp_path / "first"
    assert cli(first, good).wait() == 0
    before, published = raw(first), (first / MANIFEST).read_bytes()
    for n, delay in enumerate((0.0, 0.3, 1.0)):
        store = tmp_path / f"store{n}"
        shutil.copytree(first, store)
        proc = cli(store, good, huge)
        while not building(store) and proc.poll() is None:  # the new data folder is there: the bulk load is under way
            time.sleep(0.005)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL, delay
        assert (store / MANIFEST).read_bytes() == published, delay  # killed before it published anything
        assert raw(store) == before, delay
        assert not (store / JOURNAL).exists()
        with KnowledgeGraph.open(store, extra=[good]) as kg:  # nothing to do: the store is current
            assert not kg._writable
            assert kg.labels.lookup("good") == {"http://example.org/good"}
            assert not kg.labels.lookup("big 7")
        assert len(folders(store)) == 2  # ... and the unfinished data folder is gone
    assert cli(store, good, huge).wait() == 0  # the next writer loads it all
    assert raw(store) != before and len(folders(store)) == 2


def test_a_bad_line_at_the_end_of_a_large_file_leaves_the_store_as_before(tmp_path, capsys):
    good, huge = write(tmp_path / "good.ttl", GOOD), big(tmp_path / "big.nt", 150_000)
    with huge.open("a") as out:
        out.write("<http://example.org/broken> .\n")
    store = tmp_path / "store"
    assert cli(store, good).wait() == 0
    before, published, kept = raw(store), (store / MANIFEST).read_bytes(), folders(store)
    assert main(["query", "search", "-p", "text=big", "--store", str(store), "--load", str(good), "--load", str(huge)]) == 2
    assert "big.nt:150001" in capsys.readouterr().err
    assert raw(store) == before and (store / MANIFEST).read_bytes() == published
    assert folders(store) == kept  # the new data folder went with the error


def test_an_interrupted_change_is_undone_on_the_next_open(tmp_path):
    store, good = tmp_path / "store", write(tmp_path / "good.ttl", GOOD)
    KnowledgeGraph.open(store, ONTOLOGY, extra=[good]).close()
    name = graph_name(good).value
    (store / JOURNAL).write_text(json.dumps({"touching": [name]}))  # as a process killed mid-change leaves it
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[good]) as kg:
        assert kg.labels.lookup("good") == {"http://example.org/good"}
    assert not (store / JOURNAL).exists()
    with pytest.raises(SourceFileError):
        KnowledgeGraph.open(store, ONTOLOGY, extra=[tmp_path / "missing.ttl"])


def test_a_failed_change_releases_the_store_at_once(tmp_path):
    store, bad = tmp_path / "store", write(tmp_path / "bad.ttl", "<x> <y> .\n")
    with pytest.raises(SourceFileError) as caught:  # the traceback stays alive in `caught`
        KnowledgeGraph.open(store, ONTOLOGY, extra=[bad])
    with KnowledgeGraph.open(store, ONTOLOGY, wait=0.5) as kg:  # neither the lock nor RocksDB is still held
        assert len(kg) > 0
    assert caught.value.path.endswith("bad.ttl")


def test_a_store_of_an_earlier_spinekg_moves_into_a_data_folder(tmp_path):
    store, good = tmp_path / "store", write(tmp_path / "good.ttl", GOOD)
    data = ox.Store(str(store))  # the earlier layout: RocksDB in the store folder, a manifest without a format
    legacy = Manifest(store, legacy=True)
    for path in [*ONTOLOGY, good]:
        source = read_source(path)
        data.load(input=source.data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri(), to_graph=graph_name(path))
        legacy.record(graph_name(path).value, source, "load" if path == good else "source")
    data.flush()
    quads = set(data)
    del data
    legacy.write()
    assert "format" not in json.loads((store / MANIFEST).read_text())
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[good]) as kg:
        assert set(kg.oxigraph) == quads
        assert kg.labels.lookup("good") == {"http://example.org/good"}
    assert json.loads((store / MANIFEST).read_text())["format"] == 2
    assert sorted(p.name for p in store.iterdir() if not p.name.startswith(("data-", "labels-"))) == [MANIFEST, "spinekg.lock"]
    with KnowledgeGraph.open(store, ONTOLOGY, extra=[good]) as kg:
        assert not kg._writable and set(kg.oxigraph) == quads  # current: opened for reading
