"""spinekg: a knowledge graph of lower back muscle spasm, built from one health article.

The public API, in one place (``docs/architecture.md`` maps the modules)::

    from spinekg import KnowledgeGraph, validate, export, ExportFormat
    kg = KnowledgeGraph.load()
    for row in kg.query("muscles-by-nerve", nerve="lumbar plexus").as_dicts():
        print(row["muscleLabel"])
    report = validate(kg)
    export(kg, ExportFormat.JSONLD, "spinekg.jsonld")

>>> from spinekg import KnowledgeGraph
>>> KnowledgeGraph.load().ask("ASK { ?m <https://w3id.org/spinekg/ontology/innervatedBy> ?n }")
True
"""

from typing import TYPE_CHECKING

from .backends import open_graph, run_prepared, run_sparql
from .build import BuildResult, build
from .errors import (
    AmbiguousNameError,
    InconsistentOntologyError,
    InputError,
    QuerySyntaxError,
    QueryTimeoutError,
    ReasonerUnavailableError,
    RemoteError,
    ShapesError,
    SourceFileError,
    SpinekgError,
    UnknownNameError,
)
from .export import ExportFormat, export, export_graph
from .graph import KnowledgeGraph
from .link import LinkResult, link
from .namespaces import compress, expand
from .protocol import SparqlGraph
from .reason import Reasoner, ReasoningReport, infer, reason, save_inferred
from .results import ResultFormat, Results, RowStream
from .validate import ValidationReport, Violation, validate, validate_files

if TYPE_CHECKING:
    from .remote import Endpoint, PushReport

#: Imported on first use: the HTTP stack costs ~45 ms that a local command never needs.
_REMOTE = ("Endpoint", "PushReport")


def __getattr__(name: str) -> object:
    """``Endpoint`` and ``PushReport`` are imported on first use; ``__version__`` is read from the installed metadata
    on first use (importlib.metadata costs ~50 ms at start-up)."""
    if name in _REMOTE:
        from . import remote

        return getattr(remote, name)
    if name != "__version__":
        raise AttributeError(f"module 'spinekg' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spinekg")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


__all__ = [
    "AmbiguousNameError",
    "BuildResult",
    "Endpoint",
    "ExportFormat",
    "InconsistentOntologyError",
    "InputError",
    "KnowledgeGraph",
    "LinkResult",
    "PushReport",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "Reasoner",
    "ReasonerUnavailableError",
    "ReasoningReport",
    "RemoteError",
    "ResultFormat",
    "Results",
    "RowStream",
    "ShapesError",
    "SourceFileError",
    "SparqlGraph",
    "SpinekgError",
    "UnknownNameError",
    "ValidationReport",
    "Violation",
    "__version__",
    "build",
    "compress",
    "expand",
    "export",
    "export_graph",
    "infer",
    "link",
    "open_graph",
    "reason",
    "run_prepared",
    "run_sparql",
    "save_inferred",
    "validate",
    "validate_files",
]
