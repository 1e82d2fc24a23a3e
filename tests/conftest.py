"""Shared fixtures: the shipped graph reasoned over once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinekg.reason import ReasoningReport, reason
from spinekg.store import KnowledgeGraph

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def reasoned() -> tuple[KnowledgeGraph, ReasoningReport]:
    """The packaged ontology and data after one HermiT run (about 3-4 s)."""
    kg = KnowledgeGraph.load()
    return kg, reason(kg)
