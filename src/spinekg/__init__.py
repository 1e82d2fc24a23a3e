"""spinekg: a knowledge graph of lower back muscle spasm, built from one health article.

Quick start::

    from spinekg import KnowledgeGraph
    kg = KnowledgeGraph.load()
    for row in kg.query("muscles-by-nerve", nerve="lumbar plexus").as_dicts():
        print(row["muscleLabel"])
"""

from .errors import SpinekgError
from .store import KnowledgeGraph


def __getattr__(name: str) -> str:
    """``__version__`` is read from the installed metadata on first use (importlib.metadata costs ~50 ms at start-up)."""
    if name != "__version__":
        raise AttributeError(f"module 'spinekg' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spinekg")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


__all__ = ["KnowledgeGraph", "SpinekgError", "__version__"]
