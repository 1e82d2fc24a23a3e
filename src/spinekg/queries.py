"""The catalogue of prepared SPARQL queries in ``queries/``.

Each ``NAME.rq`` starts with a grlc-style header, which keeps the file valid
SPARQL for any engine::

    #+ summary: Muscles innervated by a nerve, with labels
    #+ params:
    #+   nerve: {type: iri, description: the nerve}

A parameter is bound as an RDF term (pyoxigraph ``substitutions``), never by
editing the query text. This module holds the only SPARQL renderers: a ``VALUES``
block for a remote endpoint (:func:`bind_values`) and the SPARQL Update templates
of ``queries/updates`` (:func:`render_update`), both written from RDF terms. Parameter ``type`` is ``iri`` (an entity: IRI, CURIE or
label) or ``string`` (a literal); ``kind: class`` makes a label resolve to
a class rather than an individual; ``optional: true`` leaves it unbound when not
given, so the query answers for every value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import InputError, QuerySyntaxError, SourceFileError, UnknownNameError
from .results import Answer, Results, RowStream, Term

__all__ = [
    "Param",
    "ParamKind",
    "ParamType",
    "PreparedQuery",
    "bind_values",
    "catalogue",
    "checks",
    "get",
    "graph_size_query",
    "group_start",
    "keywords",
    "lookup_query",
    "query_errors",
    "read_query",
    "render_update",
    "require_params",
    "run",
    "run_select",
    "values_block",
]

_HEADER = re.compile(r"^#\+\s?(.*)$")
_KEY = re.compile(r"^(\w+):\s*(.*)$")
_PARAM = re.compile(r"^\s+([A-Za-z_]\w*):\s*\{(.*)\}\s*$")
_FIELD = re.compile(r"\s*(\w+)\s*:\s*(\"[^\"]*\"|[^,]*)\s*(?:,|$)")
#: Tokens that may hold a "{" without opening a group (IRIs, long and short strings, comments), and "{".
_GROUP_OPEN = re.compile(
    r"<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
    r"|#[^\n]*|\{",
    re.DOTALL,
)
_VARIABLE = re.compile(r"^[A-Za-z_]\w*$")
#: IRIs, strings and comments (skipped), and bare words: a keyword is a bare word outside them.
_TOKEN = re.compile(
    r"<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
    r"|#[^\n]*"
    r"|(?<![\w:?$])(?P<word>[A-Za-z]+)(?![\w:])",
    re.DOTALL,
)
_PLACEHOLDER = re.compile(r"\$([A-Za-z_]\w*)")


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
    example: str = ""


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
    unknown = set(fields) - {"type", "optional", "description", "kind", "example"}
    if unknown:
        raise SourceFileError(path, f"parameter {name!r}: unknown fields {sorted(unknown)}", number)
    try:
        entity_kind = ParamKind(fields.get("kind", ParamKind.INDIVIDUAL.value))
    except ValueError:
        raise SourceFileError(path, f"parameter {name!r}: kind must be one of {[k.value for k in ParamKind]}", number) from None
    optional = fields.get("optional", "false") == "true"
    return Param(name, kind, optional, fields.get("description", ""), entity_kind, fields.get("example", ""))


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


@cache
def graph_size_query() -> str:
    """:returns: the text of the internal query that counts the triples of a request's default graph."""
    return read_query(resources.lookup_dir() / "graph-size.rq").text


def get(name: str, directory: Path | None = None) -> PreparedQuery:
    """:returns: the prepared query ``name``.
    :raises UnknownNameError: listing the closest names when there is none."""
    queries = catalogue(directory)
    if name in queries:
        return queries[name]
    import difflib

    close = difflib.get_close_matches(name, queries, n=5, cutoff=0.4)
    raise UnknownNameError(f"no prepared query named {name!r}", close or sorted(queries))


def require_params(query: PreparedQuery, bindings: Mapping[str, Term]) -> None:
    """:raises InputError: for an undeclared parameter or a missing required one."""
    for name in bindings:
        query.param(name)
    missing = [p.name for p in query.params if not p.optional and p.name not in bindings]
    if missing:
        raise InputError(f"query {query.name!r} needs parameter(s): {', '.join(missing)} (use --param NAME=VALUE)")


def keywords(text: str) -> set[str]:
    """:returns: the SPARQL keywords of a query text (upper case), IRIs, strings and comments left out.

    >>> sorted(keywords('SELECT * FROM <g> WHERE { ?s ex:SERVICE "SERVICE" } # SERVICE'))
    ['FROM', 'SELECT', 'WHERE']
    """
    return {m.group("word").upper() for m in _TOKEN.finditer(text) if m.group("word")}


def run(store: ox.Store, text: str, bindings: Mapping[str, Term] | None = None, *, allow_service: bool = False) -> Answer:
    """Run any query once; SELECT rows come lazily.

    The default graph is the union of the store's graphs, unless the query names its own
    dataset (``FROM``, ``FROM NAMED``): then that is used, as SPARQL says.

    :param bindings: parameter values as RDF terms: substitutions, and for SELECT and ASK also a ``VALUES``
        block written from the terms (:func:`bind_values`); nothing a user typed is spliced into the text.
    :param allow_service: let ``SERVICE`` reach other servers over the network (refused otherwise).
    :raises QuerySyntaxError: when the text does not parse or fails while it runs (rows included).
    :raises InputError: for ``SERVICE`` without ``allow_service``.
    """
    words = keywords(text)
    if "SERVICE" in words and not allow_service:
        raise InputError("the query uses SERVICE, which reaches other servers over the network; allow it explicitly (--allow-service)")
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in (bindings or {}).items()
    }
    if bindings and not {"CONSTRUCT", "DESCRIBE"} & words:
        # Oxigraph plans a query before it applies substitutions, so a plan never starts from a bound
        # parameter; the same values in a VALUES block (as for a remote endpoint) let it start there:
        # several times faster on a large store, same answers.
        text = bind_values(text, bindings)
    with query_errors():
        answer = store.query(text, use_default_graph_as_union="FROM" not in words, substitutions=substitutions)
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        return RowStream(variables, _rows(answer, variables))
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    with query_errors():
        return list(answer)


def run_select(store: ox.Store, text: str, bindings: Mapping[str, Term] | None = None) -> Results:
    """Run a SELECT query over the union of the store's graphs and read every row.

    :raises QuerySyntaxError: when the text does not parse or is not a SELECT query.
    """
    answer = run(store, text, bindings)
    if not isinstance(answer, RowStream):
        raise QuerySyntaxError("expected a SELECT query")
    return answer.materialise()


def _rows(solutions: ox.QuerySolutions, variables: tuple[str, ...]) -> Iterator[tuple[Term | None, ...]]:
    with query_errors():
        for solution in solutions:
            yield tuple(solution[v] for v in variables)


@contextmanager
def query_errors() -> Iterator[None]:
    """Turn pyoxigraph's parse and evaluation errors into :class:`QuerySyntaxError`."""
    try:
        yield
    except SyntaxError as err:
        raise QuerySyntaxError(f"SPARQL syntax error: {err.msg or err}") from None
    except (ValueError, RuntimeError, OSError) as err:
        raise QuerySyntaxError(f"SPARQL evaluation error: {err}") from None


def values_block(bindings: Mapping[str, Term]) -> str:
    """:returns: a one-row ``VALUES`` block; each term written by its own N-Triples serialisation.

    ``str()`` of a pyoxigraph term is its N-Triples form (``<iri>``, ``"text"@en``,
    ``"4"^^<...#integer>``), which SPARQL reads back as the same term: nothing the
    user typed is spliced or escaped by hand.

    :raises InputError: for a name that is not a SPARQL variable name.
    """
    names = list(bindings)
    bad = [n for n in names if not _VARIABLE.match(n)]
    if bad:
        raise InputError(f"not SPARQL variable names: {bad}")
    variables = " ".join(f"?{n}" for n in names)
    return f"VALUES ({variables}) {{ ({' '.join(str(bindings[n]) for n in names)}) }}"


def bind_values(text: str, bindings: Mapping[str, Term]) -> str:
    """Bind parameters for a remote endpoint: a ``VALUES`` block as the first element of the main WHERE group.

    Why there, and not appended after the query (SPARQL's trailing ``ValuesClause``):
    a trailing block is joined after the WHERE group has been evaluated, so a parameter
    used only inside a FILTER (``search``'s ``?text``) would be unbound there; and
    Virtuoso 7.2 answers trailing ``VALUES`` wrongly (empty results with ``DISTINCT``,
    ``LIMIT`` applied before the join, error 500 when the variable is not projected).
    At the start of the group the block is joined first, as pyoxigraph's
    ``substitutions`` bind locally, and Oxigraph and Virtuoso both answer correctly.

    The main group opens at the first ``{`` outside IRIs, strings and comments: true of
    SELECT and ASK queries (the catalogue holds SELECT queries only).

    :param bindings: parameter values as RDF terms; none leaves the text unchanged.
    :raises QuerySyntaxError: when the text has no group.
    """
    if not bindings:
        return text
    start = group_start(text)
    return f"{text[:start]}\n  {values_block(bindings)}{text[start:]}"


def group_start(text: str) -> int:
    """:returns: the offset just after the ``{`` that opens the main group, where :func:`bind_values` puts
    its ``VALUES`` block (the site's browser pages bind there too, from the offset).

    :raises QuerySyntaxError: when the text has no group.

    >>> group_start('SELECT ?s WHERE { ?s <urn:x:{> "{" }')
    17
    """
    opening = next((m for m in _GROUP_OPEN.finditer(text) if m.group() == "{"), None)
    if opening is None:
        raise QuerySyntaxError("query has no WHERE group to bind parameters in")
    return opening.end()


def render_update(name: str, **values: ox.NamedNode | Sequence[ox.Triple]) -> str:
    """Fill the template ``queries/updates/NAME.ru``: each ``$placeholder`` becomes the
    N-Triples form of a named node, or N-Triples of a list of triples, written by pyoxigraph.

    >>> render_update("drop", graph=ox.NamedNode("https://example.org/g"))
    'DROP SILENT GRAPH <https://example.org/g>'

    :raises InputError: for a placeholder without a value.
    """
    text = (resources.updates_dir() / f"{name}.ru").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rendered = {key: _ntriples(value) for key, value in values.items()}

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in rendered:
            raise InputError(f"update template {name}: no value for ${match.group(1)}")
        return rendered[match.group(1)]

    return _PLACEHOLDER.sub(fill, body)


def _ntriples(value: ox.NamedNode | Sequence[ox.Triple]) -> str:
    if isinstance(value, ox.NamedNode):
        return str(value)
    return (ox.serialize(value, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
