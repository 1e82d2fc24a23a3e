"""Locate the files that ship with spinekg (ontology, data, shapes, queries).

The top-level folders of the repository are mapped into the package by
``pyproject.toml``, so the same code finds them in a wheel and in an editable
install. Each is a plain package folder there (spinekg is not zip-safe), so its
``__path__`` is the folder: ``importlib.resources`` would find the same one, but it
imports zipfile, tempfile and shutil (~7 ms) on every cold command line.

>>> (ontology_dir() / "spinekg.ttl").is_file()
True
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

__all__ = [
    "article_path",
    "checks_dir",
    "context_path",
    "data_dir",
    "default_sources",
    "lookup_dir",
    "mappings_path",
    "ontology_dir",
    "ontology_sources",
    "queries_dir",
    "shape_files",
    "shapes_dir",
    "site_queries_dir",
    "updates_dir",
]

ARTICLE_FILE = "lower-back-muscle-spasm.txt"


def _folder(package: str) -> Path:
    return Path(next(iter(import_module(package).__path__)))


def ontology_dir() -> Path:
    """:returns: the folder of the OWL ontology and the JSON-LD context."""
    return _folder("spinekg._ontology")


def data_dir() -> Path:
    """:returns: the folder of the instance data and the source article."""
    return _folder("spinekg._data")


def shapes_dir() -> Path:
    """:returns: the folder of the SHACL shapes."""
    return _folder("spinekg._shapes")


def queries_dir() -> Path:
    """:returns: the folder of the prepared SPARQL queries."""
    return _folder("spinekg._queries")


def checks_dir() -> Path:
    """:returns: the folder of the quality checks (queries that must return no rows)."""
    return queries_dir() / "checks"


def updates_dir() -> Path:
    """:returns: the folder of the SPARQL Update templates used to push to a remote endpoint."""
    return queries_dir() / "updates"


def lookup_dir() -> Path:
    """:returns: the folder of the internal queries spinekg runs itself (label lookup)."""
    return queries_dir() / "lookup"


def site_queries_dir() -> Path:
    """:returns: the folder of the queries that ``spinekg site`` runs to build its pages."""
    return queries_dir() / "site"


def article_path() -> Path:
    """:returns: the shipped source article text."""
    return data_dir() / ARTICLE_FILE


def context_path() -> Path:
    """:returns: the JSON-LD context used for JSON-LD export."""
    return ontology_dir() / "context.jsonld"


def mappings_path() -> Path:
    """:returns: the packaged SSSOM mapping set."""
    return data_dir() / "mappings.sssom.tsv"


def ontology_sources() -> list[Path]:
    """:returns: the ontology's Turtle files (always loaded beside data being validated)."""
    return sorted(ontology_dir().glob("*.ttl"))


def default_sources() -> list[Path]:
    """:returns: the files that make up the knowledge graph, in load order: Turtle, then SSSOM mapping sets."""
    return ontology_sources() + sorted(data_dir().glob("*.ttl")) + sorted(data_dir().glob("*.sssom.tsv"))


def shape_files() -> list[Path]:
    """:returns: the SHACL shape files."""
    return sorted(shapes_dir().glob("*.ttl"))
