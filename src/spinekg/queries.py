"""The catalogue of prepared SPARQL queries in ``queries/``.

Each ``NAME.rq`` starts with a grlc-style header, which keeps the file valid
SPARQL for any engine::

    #+ summary: Muscles innervated by a nerve, with labels
    #+ params:
    #+   nerve: {type: iri, description: the nerve}

A parameter is bound as an RDF term (pyoxigraph ``substitutions``), never by
editing the query text. Parameter ``type`` is ``iri`` (an entity: IRI, CURIE or
label) or ``string`` (a literal); ``kind: class`` makes a label resolve to
a class rather than an individual; ``optional: true`` leaves it unbound when not
given, so the query answers for every value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import InputError, QuerySyntaxError, SourceFileError, UnknownNameError
from .results import Results, Term

_HEADER = re.compile(r"^#\+\s?(.*)$")
_KEY = re.compile(r"^(\w+):\s*(.*)$")
_PARAM = re.compile(r"^\s+([A-Za-z_]\w*):\s*\{(.*)\}\s*$")
_FIELD = re.compile(r"\s*(\w+)\s*:\s*(\"[^\"]*\"|[^,]*)\s*(?:,|$)")


class ParamType(StrEnum):
    """What a parameter value denotes."""

    IRI = "iri"
    STRING = "string"


class ParamKind(StrEnum):
    """For ``iri`` parameters: whether a label should resolve to an individual or a class."""

    INDIVIDUAL = "individual"
    CLASS = "class"


@dataclass(frozen=True)
class Param:
    """One declared query parameter."""

    name: str
    type: ParamType
    optional: bool = False
    description: str = ""
    kind: ParamKind = ParamKind.INDIVIDUAL


@dataclass(frozen=True)
class PreparedQuery:
    """A query file: its public name, summary, parameters and SPARQL text."""

    name: str
    summary: str
    params: tuple[Param, ...]
    text: str
    path: Path
    tags: tuple[str, ...] = field(default=())

    def param(self, name: str) -> Param:
        """:returns: the declared parameter ``name``.
        :raises UnknownNameError: when the query has no such parameter."""
        for p in self.params:
            if p.name == name:
                return p
        names = [p.name for p in self.params] or ["(this query takes no parameters)"]
        raise UnknownNameError(f"query {self.name!r} has no parameter {name!r}", names)


def parse_header(path: Path, text: str) -> tuple[str, tuple[Param, ...], tuple[str, ...]]:
    """Read the ``#+`` header of a query file.

    :returns: summary, parameters, tags.
    :raises SourceFileError: when the header is missing or malformed.
    """
    summary, params, in_params = "", [], False
    tags: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = match.group(1)
        param = _PARAM.match(body)
        if in_params and param:
            params.append(_param(path, number, param.group(1), param.group(2)))
            continue
        key = _KEY.match(body)
        if not key:
            raise SourceFileError(path, f"malformed header line: {line!r}", number)
        in_params = key.group(1) == "params"
        if key.group(1) == "summary":
            summary = key.group(2).strip()
        elif key.group(1) == "tags":
            tags = tuple(t.strip() for t in key.group(2).strip("[] ").split(",") if t.strip())
        elif key.group(1) != "params":
            raise SourceFileError(path, f"unknown header key {key.group(1)!r}", number)
    if not summary:
        raise SourceFileError(path, "query header has no '#+ summary:' line")
    return summary, tuple(params), tags


def _param(path: Path, number: int, name: str, body: str) -> Param:
    fields = {k: v.strip().strip('"') for k, v in _FIELD.findall(body)}
    try:
        kind = ParamType(fields.get("type", ""))
    except ValueError:
        raise SourceFileError(path, f"parameter {name!r}: type must be one of {[t.value for t in ParamType]}", number) from None
    unknown = set(fields) - {"type", "optional", "description", "kind"}
    if unknown:
        raise SourceFileError(path, f"parameter {name!r}: unknown fields {sorted(unknown)}", number)
    try:
        entity_kind = ParamKind(fields.get("kind", ParamKind.INDIVIDUAL.value))
    except ValueError:
        raise SourceFileError(path, f"parameter {name!r}: kind must be one of {[k.value for k in ParamKind]}", number) from None
    return Param(name, kind, fields.get("optional", "false") == "true", fields.get("description", ""), entity_kind)


def read_query(path: Path) -> PreparedQuery:
    """:returns: the prepared query in ``path`` (file stem = name)."""
    text = path.read_text(encoding="utf-8")
    summary, params, tags = parse_header(path, text)
    return PreparedQuery(path.stem, summary, params, text, path, tags)


@cache
def _catalogue(directory: Path) -> dict[str, PreparedQuery]:
    return {p.stem: read_query(p) for p in sorted(directory.glob("*.rq"))}


def catalogue(directory: Path | None = None) -> dict[str, PreparedQuery]:
    """:returns: every prepared query by name (default: the packaged ones)."""
    return dict(_catalogue(directory or resources.queries_dir()))


def checks(directory: Path | None = None) -> dict[str, PreparedQuery]:
    """:returns: the quality checks (queries that must return no rows) by name."""
    return dict(_catalogue(directory or resources.checks_dir()))


@cache
def lookup_query() -> str:
    """:returns: the text of the internal label lookup query."""
    return read_query(resources.lookup_dir() / "entities-by-label.rq").text


def get(name: str, directory: Path | None = None) -> PreparedQuery:
    """:returns: the prepared query ``name``.
    :raises UnknownNameError: listing the closest names when there is none."""
    queries = catalogue(directory)
    if name in queries:
        return queries[name]
    import difflib

    close = difflib.get_close_matches(name, queries, n=5, cutoff=0.4)
    raise UnknownNameError(f"no prepared query named {name!r}", close or sorted(queries))


def check_params(query: PreparedQuery, bindings: Mapping[str, Term]) -> None:
    """:raises InputError: for an undeclared parameter or a missing required one."""
    for name in bindings:
        query.param(name)
    missing = [p.name for p in query.params if not p.optional and p.name not in bindings]
    if missing:
        raise InputError(f"query {query.name!r} needs parameter(s): {', '.join(missing)} (use --param NAME=VALUE)")


def run_select(store: ox.Store, text: str, bindings: Mapping[str, Term] | None = None) -> Results:
    """Run a SELECT query over the union of the store's graphs.

    :param bindings: parameter values as RDF terms (bound, never spliced into the text).
    :raises QuerySyntaxError: when the text does not parse or is not a SELECT query.
    """
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in (bindings or {}).items()
    }
    try:
        solutions = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    except SyntaxError as err:
        raise QuerySyntaxError(f"SPARQL syntax error: {err.msg or err}") from None
    except (ValueError, RuntimeError) as err:
        raise QuerySyntaxError(f"SPARQL evaluation error: {err}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QuerySyntaxError("expected a SELECT query")
    return Results.from_solutions(solutions)
