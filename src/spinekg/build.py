"""The main job (``spinekg build``): load the packaged graph, validate it, write Turtle and JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .export import ExportFormat, export
from .graph import KnowledgeGraph
from .validate import ValidationReport, validate

__all__ = ["BUILD_FILES", "BuildResult", "build"]

#: What a build writes: file name -> format.
BUILD_FILES = {"spinekg.ttl": ExportFormat.TURTLE, "spinekg.jsonld": ExportFormat.JSONLD}


@dataclass(frozen=True)
class BuildResult:
    """What a build did: files and quads loaded, the validation report, the files written."""

    sources: int
    quads: int
    report: ValidationReport
    written: tuple[Path, ...]


def build(out: Path | str) -> BuildResult:
    """Load, validate and export the packaged graph into the folder ``out`` (created if missing).

    The exports are written whether or not the data conforms; the report says which.
    """
    folder = Path(out)
    with KnowledgeGraph.load() as kg:
        report = validate(kg)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, fmt in BUILD_FILES.items():
            export(kg, fmt, folder / name)
            written.append(folder / name)
        return BuildResult(len(kg.sources), len(kg), report, tuple(written))
