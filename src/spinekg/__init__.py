"""spinekg: a knowledge graph of lower back muscle spasm, built from one health article.

Quick start::

    from spinekg import KnowledgeGraph
    kg = KnowledgeGraph.load()
    for row in kg.query("muscles-by-nerve", nerve="lumbar plexus").as_dicts():
        print(row["muscleLabel"])
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import SpinekgError
from .store import KnowledgeGraph

try:
    __version__ = version("spinekg")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = ["KnowledgeGraph", "SpinekgError", "__version__"]
