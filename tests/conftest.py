"""Shared fixtures: the real graph (loaded once), the graph reasoned over once, test resources."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from spinekg import KnowledgeGraph, resources
from spinekg.reason import ReasoningReport, reason

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory):
    """The packaged graph's cache (spinekg.packaged) goes to a temporary folder, never the user's home;
    subprocesses inherit it through the environment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPINEKG_CACHE_DIR", str(tmp_path_factory.mktemp("spinekg-cache")))
        yield


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The packaged graph, loaded once per session (tests must not modify it)."""
    return KnowledgeGraph.load()


@pytest.fixture(scope="session")
def reasoned() -> tuple[KnowledgeGraph, ReasoningReport]:
    """The packaged ontology and data after one HermiT run (a few seconds)."""
    graph = KnowledgeGraph.load()
    return graph, reason(graph)


@pytest.fixture(scope="session")
def article_text() -> str:
    return resources.article_path().read_text(encoding="utf-8")


@pytest.fixture
def tiny() -> KnowledgeGraph:
    """A tiny graph (ontology + tests/resources/tiny.ttl) for tests of mechanics, not medical content."""
    return KnowledgeGraph.load([*resources.ontology_sources(), RESOURCES / "tiny.ttl"])


def _require_virtuoso() -> bool:
    return os.environ.get("SPINEKG_REQUIRE_VIRTUOSO") == "1"


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    """A real Oxigraph server on 127.0.0.1 for the whole session (default graph NOT the union)."""
    from . import sparql_servers

    with sparql_servers.oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as endpoints:
        yield endpoints


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A real Virtuoso server on 127.0.0.1 for the whole session; skipped when it is not
    installed, unless SPINEKG_REQUIRE_VIRTUOSO=1 (as in CI), which makes that a failure."""
    from . import sparql_servers

    if shutil.which(sparql_servers.VIRTUOSO_BIN) is None:
        if _require_virtuoso():
            pytest.fail("SPINEKG_REQUIRE_VIRTUOSO=1 but virtuoso-t is not installed (apt-get install virtuoso-opensource)")
        pytest.skip("virtuoso-opensource is not installed")
    with sparql_servers.virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as endpoints:
        yield endpoints
