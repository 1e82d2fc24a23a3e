"""Query answers as data, and their serialisations (table, W3C JSON, W3C CSV).

Local (pyoxigraph) and remote (SPARQL endpoint) answers become the same
:class:`Results` (or, read lazily, :class:`RowStream`), so they print identically.
IRIs in a table are CURIEs from :func:`spinekg.namespaces.compress`.

>>> rows = Results(("muscle",), ((ox.NamedNode("https://w3id.org/spinekg/id/psoas-major"),),))
>>> print(render(rows, ResultFormat.TABLE), end="")
muscle
--------------
kg:psoas-major
(1 row)
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TextIO

import pyoxigraph as ox

from . import jsonld
from .errors import InputError, UnknownNameError
from .namespaces import XSD_STRING, compress, prefix_map, shipped_context
from .terminal import printable

__all__ = [
    "WRITER_FUNCTIONS",
    "Answer",
    "ResultFormat",
    "Results",
    "RowStream",
    "Term",
    "get_writer_function",
    "render",
    "rows_from_json",
    "stream_csv",
    "stream_json",
    "stream_table",
    "term_from_json",
    "term_json",
    "write_answer",
]

#: An RDF term as a query answer holds it.
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = tuple[Term | None, ...]


class ResultFormat(StrEnum):
    """Output formats for SELECT results."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True)
class Results:
    """The rows of a SELECT query: variable names and one tuple of terms per row."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> Results:
        """:returns: results materialised from pyoxigraph solutions."""
        variables = tuple(v.value for v in solutions.variables)
        rows = tuple(tuple(s[v] for v in variables) for s in solutions)
        return cls(variables, rows)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Term | None]:
        """:returns: the values of one variable, row by row."""
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def values(self, name: str) -> set[str]:
        """:returns: the distinct string values (IRI or lexical form) of one variable."""
        return {t.value for t in self.column(name) if t is not None}

    def as_dicts(self) -> list[dict[str, str]]:
        """:returns: rows as dictionaries of plain strings (unbound variables left out)."""
        return [{v: t.value for v, t in zip(self.variables, row, strict=False) if t is not None} for row in self.rows]


@dataclass(frozen=True)
class RowStream:
    """The rows of a SELECT query, read one by one (JSON and CSV output never hold them all)."""

    variables: tuple[str, ...]
    rows: Iterator[Row]

    def materialise(self) -> Results:
        """:returns: every row, read now."""
        return Results(self.variables, tuple(self.rows))


#: What a SPARQL query answers: rows (SELECT), a boolean (ASK), or triples (CONSTRUCT, DESCRIBE).
Answer = Results | RowStream | bool | list[ox.Triple]


def term_json(term: Term) -> dict[str, str]:
    """:returns: a term in the W3C SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def term_from_json(data: Mapping[str, str]) -> Term:
    """:returns: the term for one W3C JSON binding.
    :raises ValueError: when the binding is malformed."""
    kind, value = data.get("type"), data.get("value")
    if not isinstance(value, str):
        raise ValueError(f"binding without a string value: {data!r}")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in data:
            return ox.Literal(value, language=data["xml:lang"])
        if "datatype" in data:
            return ox.Literal(value, datatype=ox.NamedNode(data["datatype"]))
        return ox.Literal(value)
    raise ValueError(f"unknown binding type {kind!r}")


def stream_json(variables: Sequence[str], rows: Iterable[Sequence[Term | None]], out: TextIO) -> None:
    """Write W3C SPARQL 1.1 Query Results JSON row by row, never holding all rows in memory."""
    out.write('{"head": {"vars": ' + json.dumps(list(variables)) + '}, "results": {"bindings": [')
    for n, row in enumerate(rows):
        binding = {v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
        out.write(("," if n else "") + "\n " + json.dumps(binding, ensure_ascii=False))
    out.write("\n]}}\n")


def stream_csv(variables: Sequence[str], rows: Iterable[Sequence[Term | None]], out: TextIO) -> None:
    """Write W3C SPARQL 1.1 Query Results CSV row by row (IRIs and lexical forms only)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value) for t in row])


def stream_table(variables: Sequence[str], rows: Iterable[Sequence[Term | None]], out: TextIO) -> None:
    """Write an aligned text table with IRIs as CURIEs; every row is read before the first line is written."""
    cells = [list(variables)] + [[_cell(t) for t in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(variables))]
    for n, row in enumerate(cells):
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    count = len(cells) - 1
    out.write(f"({count} row{'s' if count != 1 else ''})\n")


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compress(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return printable(term.value.replace("\n", " "))


Writer = Callable[[Sequence[str], Iterable[Sequence[Term | None]], TextIO], None]
#: Output formats of SELECT results -> their writers (as sssom-py's ``WRITER_FUNCTIONS``).
WRITER_FUNCTIONS: dict[ResultFormat, Writer] = {
    ResultFormat.TABLE: stream_table,
    ResultFormat.JSON: stream_json,
    ResultFormat.CSV: stream_csv,
}


def get_writer_function(fmt: ResultFormat | str) -> Writer:
    """:returns: the writer of SELECT results in ``fmt``.
    :raises UnknownNameError: for a format with no writer."""
    try:
        return WRITER_FUNCTIONS[ResultFormat(fmt)]
    except ValueError:
        raise UnknownNameError(f"no result format named {fmt!r}", [f.value for f in ResultFormat]) from None


def render(results: Results, fmt: ResultFormat | str) -> str:
    """:returns: the results serialised in ``fmt``."""
    buffer = io.StringIO()
    get_writer_function(fmt)(results.variables, results.rows, buffer)
    return buffer.getvalue()


def write_answer(answer: Answer, fmt: ResultFormat | str, out: TextIO) -> None:
    """Write any query answer in ``fmt``, never silently in another format.

    - SELECT rows: a table, W3C SPARQL 1.1 Query Results JSON, or W3C CSV.
    - ASK: ``true``/``false`` (table), or W3C JSON (``{"head": {}, "boolean": true}``).
    - CONSTRUCT/DESCRIBE triples: Turtle with the shipped prefixes (table), or compact JSON-LD (json).

    :raises InputError: for CSV of an ASK or CONSTRUCT answer (the W3C CSV format holds rows only).
    """
    fmt = ResultFormat(fmt)
    if isinstance(answer, Results | RowStream):
        get_writer_function(fmt)(answer.variables, answer.rows, out)
        return
    if fmt is ResultFormat.CSV:
        raise InputError("CSV holds the rows of a SELECT query; use --format json or table for ASK, CONSTRUCT and DESCRIBE")
    if isinstance(answer, bool):
        out.write(
            json.dumps({"head": {}, "boolean": answer}) + "\n" if fmt is ResultFormat.JSON else ("true" if answer else "false") + "\n"
        )
    elif fmt is ResultFormat.JSON:
        buffer = io.BytesIO()
        jsonld.write(answer, shipped_context(), buffer)
        out.write(buffer.getvalue().decode("utf-8"))
    else:
        out.write((ox.serialize(answer, format=ox.RdfFormat.TURTLE, prefixes=prefix_map()) or b"").decode("utf-8"))


def rows_from_json(document: Mapping[str, object]) -> Results:
    """:returns: results parsed from a W3C SPARQL JSON document.
    :raises ValueError: when the document is not a SELECT result."""
    head, body = document.get("head"), document.get("results")
    if not isinstance(head, dict) or not isinstance(body, dict):
        raise ValueError("not a SPARQL SELECT result document (head/results missing)")
    variables = tuple(head.get("vars", []))
    rows: list[tuple[Term | None, ...]] = []
    for binding in body.get("bindings", []):
        rows.append(tuple(term_from_json(binding[v]) if v in binding else None for v in variables))
    return Results(variables, tuple(rows))


def distinct_sorted(rows: Iterable[tuple[Term | None, ...]]) -> list[tuple[str, ...]]:
    """:returns: rows as comparable string tuples, sorted (for parity checks)."""
    return sorted({tuple("" if t is None else str(t) for t in row) for row in rows})
