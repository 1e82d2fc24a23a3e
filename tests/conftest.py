"""Shared fixtures: the real graph (loaded once), the graph reasoned over once, test resources."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinekg import KnowledgeGraph, resources
from spinekg.reason import ReasoningReport, reason

RESOURCES = Path(__file__).parent / "resources"


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
    return KnowledgeGraph.load([*sorted(resources.ontology_dir().glob("*.ttl")), RESOURCES / "tiny.ttl"])
