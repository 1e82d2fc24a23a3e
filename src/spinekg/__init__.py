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

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from .backends import open_graph, run_prepared, run_sparql
    from .build import BuildResult, build
    from .export import ExportFormat, export, export_graph
    from .graph import KnowledgeGraph
    from .link import LinkResult, link
    from .namespaces import compress, expand
    from .protocol import SparqlGraph
    from .reason import Reasoner, ReasoningReport, infer, reason, save_inferred
    from .remote import Endpoint, PushReport
    from .results import ResultFormat, Results, RowStream
    from .validate import ValidationReport, Violation, validate, validate_files

#: The module each public name comes from. Each is imported on first use, so ``import spinekg`` (and so every
#: command line, which imports the package first) costs only what the caller touches: validation imports
#: pyshacl's side of the package, a query does not, and the HTTP stack (~45 ms) waits for ``Endpoint``.
_SOURCES = {
    **dict.fromkeys(("open_graph", "run_prepared", "run_sparql"), "backends"),
    **dict.fromkeys(("BuildResult", "build"), "build"),
    **dict.fromkeys(("ExportFormat", "export", "export_graph"), "export"),
    "KnowledgeGraph": "graph",
    **dict.fromkeys(("LinkResult", "link"), "link"),
    **dict.fromkeys(("compress", "expand"), "namespaces"),
    "SparqlGraph": "protocol",
    **dict.fromkeys(("Reasoner", "ReasoningReport", "infer", "reason", "save_inferred"), "reason"),
    **dict.fromkeys(("Endpoint", "PushReport"), "remote"),
    **dict.fromkeys(("ResultFormat", "Results", "RowStream"), "results"),
    **dict.fromkeys(("ValidationReport", "Violation", "validate", "validate_files"), "validate"),
}


def __getattr__(name: str) -> object:
    """A public name is imported from its module on first use; ``__version__`` is read from the installed
    metadata on first use (importlib.metadata costs ~15 ms at start-up)."""
    module = _SOURCES.get(name)
    if module is not None:
        value = getattr(import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value
    if name != "__version__":
        raise AttributeError(f"module 'spinekg' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spinekg")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """The package keeps its public functions under their names when their modules are imported.

    Five public functions share their module's name (``validate``, ``build``, ``export``, ``link``,
    ``reason``); importing ``spinekg.validate`` binds the module as an attribute of the package, which
    would hide the function. The module is still in ``sys.modules`` (``from spinekg.validate import ...``).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, ModuleType) and _SOURCES.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
