"""What SHACL asks of one RDF term: its node kind, its datatype, its order against another term.

The rules are SHACL's (SPARQL's operators), written for the terms Oxigraph gives back:
a well-formed literal of a type Oxigraph knows comes back in its canonical form, and an
ill-formed one as written, so the lexical checks here tell the two apart.

>>> integer = ox.NamedNode(XSD + "integer")
>>> datatype_ok(ox.Literal("12", datatype=integer), integer), datatype_ok(ox.Literal("twelve", datatype=integer), integer)
(True, False)
>>> compare(ox.Literal("2", datatype=integer), ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal")))
-1
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .namespaces import RDF, XSD

__all__ = ["compare", "datatype_ok", "lang_matches", "node_kind_ok", "text"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal
SH = "http://www.w3.org/ns/shacl#"

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")
_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
_DATE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _ZONE)
_DATETIME = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _ZONE)
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _ZONE)
#: The integer types with their bounds (None: unbounded).
_INTEGERS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
INTEGER_TYPES = frozenset(XSD + name for name in _INTEGERS)
_LEXICAL = {XSD + "decimal": _DECIMAL, XSD + "float": _FLOAT, XSD + "double": _FLOAT}
_LEXICAL |= {XSD + "date": _DATE, XSD + "dateTime": _DATETIME, XSD + "time": _TIME}
_DATES = frozenset((XSD + "date", XSD + "dateTime"))
_KINDS = {
    SH + "IRI": (ox.NamedNode,),
    SH + "BlankNode": (ox.BlankNode,),
    SH + "Literal": (ox.Literal,),
    SH + "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode),
    SH + "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    SH + "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}
XSD_STRING = XSD + "string"
RDF_LANG_STRING = RDF + "langString"


def text(term: Term) -> str:
    """:returns: an IRI or a literal's lexical form as it is; a blank node as ``_:label``."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def node_kind_ok(term: Term, kind: str) -> bool:
    """:returns: whether ``term`` is of the SHACL node kind ``kind`` (an IRI such as ``sh:IRI``)."""
    return isinstance(term, _KINDS[kind])


def datatype_ok(term: Term, datatype: ox.NamedNode) -> bool:
    """:returns: whether ``term`` is a literal of ``datatype`` whose lexical form is valid for it."""
    if not isinstance(term, ox.Literal) or term.datatype != datatype:
        return False
    iri, lexical = datatype.value, term.value
    if iri in INTEGER_TYPES:
        low, high = _INTEGERS[iri[len(XSD) :]]
        if not _INTEGER.fullmatch(lexical):
            return False
        number = int(lexical)
        return (low is None or number >= low) and (high is None or number <= high)
    if iri == XSD + "boolean":
        return lexical in ("true", "false", "1", "0")
    if iri == RDF_LANG_STRING:
        return bool(term.language)
    pattern = _LEXICAL.get(iri)
    if pattern is None:
        return True  # a type without lexical rules here: any lexical form (as pyshacl)
    return pattern.fullmatch(lexical) is not None and (iri not in _DATES or _real_date(lexical))


def _real_date(lexical: str) -> bool:
    """Whether the date part of a date or date-time names a day of the calendar (years of four digits)."""
    if not re.match(r"[0-9]{4}-", lexical):
        return True
    try:
        date.fromisoformat(lexical[:10])
    except ValueError:
        return False
    return True


def lang_matches(term: Term, ranges: tuple[str, ...]) -> bool:
    """:returns: whether ``term`` has a language tag that one of the basic ranges matches (SPARQL ``langMatches``)."""
    tag = term.language.lower() if isinstance(term, ox.Literal) and term.language else ""
    if not tag:
        return False
    return any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)


def compare(left: Term, right: Term) -> int | None:
    """:returns: -1, 0 or 1 as SPARQL's ``<``, ``=`` and ``>`` order two literals, or None where they have no order.

    Numbers compare with numbers, plain strings with plain strings, booleans with booleans,
    date-times with date-times (both with a time zone or both without) and dates without a
    time zone with dates without one; anything else has no order here, so a range or
    ``sh:lessThan`` constraint fails on it.
    """
    a, b = _value(left), _value(right)
    if a is None or b is None or _family(a) != _family(b):
        return None
    if (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return None
    try:
        return (a > b) - (a < b)  # type: ignore[operator]
    except TypeError:  # a date-time with a time zone and one without
        return None


_Value = int | Decimal | float | str | bool | date | datetime


def _value(term: Term) -> _Value | None:
    """:returns: the value of a literal SPARQL can order, or None (an IRI, a language-tagged or ill-formed literal)."""
    if not isinstance(term, ox.Literal) or term.language:
        return None
    iri, lexical = term.datatype.value, term.value
    try:
        if iri in INTEGER_TYPES:
            return int(lexical) if _INTEGER.fullmatch(lexical) else None
        if iri == XSD + "decimal":
            return Decimal(lexical) if _DECIMAL.fullmatch(lexical) else None
        if iri in (XSD + "float", XSD + "double"):
            return float(lexical.replace("INF", "inf")) if _FLOAT.fullmatch(lexical) else None
        if iri == XSD + "boolean":
            return {"true": True, "1": True, "false": False, "0": False}.get(lexical)
        if iri == XSD_STRING:
            return lexical
        if iri == XSD + "dateTime" and _DATETIME.fullmatch(lexical):
            return datetime.fromisoformat(lexical.replace("Z", "+00:00"))
        if iri == XSD + "date" and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", lexical):
            return date.fromisoformat(lexical)
    except (ValueError, InvalidOperation):
        return None
    return None


def _family(value: _Value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | Decimal | float):
        return "number"
    return type(value).__name__
