"""Shared fixtures: the packaged graph, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinekg.store import KnowledgeGraph

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The packaged graph, in memory (tests must not change it)."""
    return KnowledgeGraph.load()
