"""The packaged graph's cache: the same graph as its sources, rebuilt when they change, never read when damaged."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from spinekg import KnowledgeGraph, packaged, readers, resources
from spinekg.errors import SourceFileError
from spinekg.serialize import relabel_quads

EXTRA = b'\n<https://w3id.org/spinekg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "added for the test"@en .\n'


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(packaged.CACHE_ENV, str(folder))
    return folder


def statements(store: ox.Store) -> set[str]:
    """:returns: the store's quads with blank nodes labelled by the graph's structure, so equal graphs compare equal."""
    return {str(q) for q in relabel_quads(store)}


def parsed(paths: list[Path] | None = None) -> set[str]:
    """:returns: :func:`statements` of the sources parsed as before the cache (no cache involved)."""
    return statements(KnowledgeGraph.load(paths or resources.default_sources()).oxigraph)


def cached_load(paths: list[Path] | None = None) -> ox.Store:
    store = ox.Store()
    packaged.load_packaged(store, paths)
    return store


def no_parsing(monkeypatch) -> None:
    """Make any parse of a source file fail, so a load that succeeds read the cache."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a source was parsed")

    monkeypatch.setattr(readers.Reader, "load", refuse)


def only_file(cache: Path) -> Path:
    (found,) = cache.glob("packaged-*.nq")
    return found


def test_the_cache_holds_the_graph_the_sources_give(cache, monkeypatch):
    expected = parsed()
    assert statements(cached_load()) == expected
    no_parsing(monkeypatch)
    assert statements(cached_load()) == expected


def test_knowledge_graph_load_reads_the_cache_and_keeps_its_sources(cache, monkeypatch):
    built = KnowledgeGraph.load()
    no_parsing(monkeypatch)
    kg = KnowledgeGraph.load()
    assert kg.sources == built.sources == resources.default_sources()
    assert statements(kg.oxigraph) == statements(built.oxigraph)
    assert sorted(kg.query("muscles-by-nerve", nerve="femoral nerve").values("muscleLabel")) == ["iliacus", "psoas major"]


def test_extra_files_load_after_the_cached_graph(cache, tmp_path):
    KnowledgeGraph.load()
    extra = tmp_path / "extra.ttl"
    extra.write_bytes(EXTRA)
    kg = KnowledgeGraph.load(extra=[extra])
    assert kg.labels.lookup("added for the test") == {"https://w3id.org/spinekg/id/x"}
    assert kg.sources == [*resources.default_sources(), extra]


def copies(tmp_path: Path) -> list[Path]:
    """:returns: copies of the packaged sources (same names, so the same graphs)."""
    folder = tmp_path / "sources"
    folder.mkdir()
    return [Path(shutil.copy(p, folder / p.name)) for p in resources.default_sources()]


def test_a_changed_source_is_read_again_and_replaces_the_old_cache(cache, tmp_path):
    sources = copies(tmp_path)
    cached_load(sources)
    old = only_file(cache)
    anatomy = next(p for p in sources if p.name == "anatomy.ttl")
    anatomy.write_bytes(anatomy.read_bytes() + EXTRA)
    store = cached_load(sources)
    assert statements(store) == parsed(sources)
    assert ox.Literal("added for the test", language="en") in {q.object for q in store}
    assert only_file(cache) != old


def test_the_key_covers_the_code_that_reads_the_sources(monkeypatch):
    sources = [readers.read_source(p) for p in resources.default_sources()]
    key = packaged.cache_key(sources)
    monkeypatch.setattr(packaged, "_CODE", packaged._CODE[:-1])
    assert packaged.cache_key(sources) != key
    monkeypatch.undo()
    monkeypatch.setattr(ox, "__version__", "0.0.0")
    assert packaged.cache_key(sources) != key


def damage_cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damage_flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1 :]


def damage_body(data: bytes) -> bytes:
    """The body edited (a label changed), the header left as it was."""
    return data.replace(b'"psoas major"@en', b'"psoas minor"@en', 1)


def damage_header(data: bytes) -> bytes:
    """One hex digit of the header's digest changed."""
    return data[:40] + (b"1" if data[40:41] == b"0" else b"0") + data[41:]


@pytest.mark.parametrize("damage", [damage_cut, damage_flip, damage_body, damage_header, lambda data: b""])
def test_a_damaged_cache_is_not_read_and_is_rebuilt(cache, damage):
    cached_load()
    target = only_file(cache)
    damaged = damage(target.read_bytes())
    assert damaged != target.read_bytes()
    target.write_bytes(damaged)
    assert statements(cached_load()) == parsed()
    assert target.read_bytes() != damaged  # rebuilt whole
    assert statements(cached_load()) == parsed()


def planted(target: Path) -> None:
    """Replace ``target`` with a cache of another graph whose header matches its body."""
    body = b'<https://w3id.org/spinekg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "planted" <https://w3id.org/spinekg/graph/anatomy> .\n'
    target.write_bytes(packaged._HEADER + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def test_the_planted_file_check_is_needed(cache):
    """A whole file of this user is read as it is: the check of the mode below is what refuses a planted one."""
    cached_load()
    target = only_file(cache)
    planted(target)
    assert len(cached_load()) == 1


def test_a_cache_others_may_write_is_not_read(cache):
    cached_load()
    target = only_file(cache)
    planted(target)
    os.chmod(target, 0o666)
    assert statements(cached_load()) == parsed()
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(packaged.CACHE_ENV, str(blocker / "cache"))
    assert statements(cached_load()) == parsed()
    assert blocker.read_text() == "not a folder"


def test_a_bad_source_is_an_error_and_is_not_cached(cache, tmp_path):
    sources = copies(tmp_path)
    sources[1].write_bytes(b"this is not turtle")
    with pytest.raises(SourceFileError, match=sources[1].name):
        cached_load(sources)
    assert not list(cache.glob("packaged-*"))


def test_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(packaged.CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert packaged.cache_dir() == tmp_path / ".cache" / "spinekg"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert packaged.cache_dir() == tmp_path / ".cache" / "spinekg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert packaged.cache_dir() == tmp_path / "xdg" / "spinekg"
    monkeypatch.setenv(packaged.CACHE_ENV, str(tmp_path / "own"))
    assert packaged.cache_dir() == tmp_path / "own"
