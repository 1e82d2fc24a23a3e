"""Turn user strings into validated RDF terms for a prepared query's parameters.

An ``iri`` parameter accepts a full IRI (optionally in ``<>``), a CURIE with a
prefix from the shipped JSON-LD context (expanded strictly by
:func:`spinekg.namespaces.expand`), or an exact label or synonym, compared
case-insensitively. Anything that matches no entity, or more than one, is an
error that lists candidates.
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import AmbiguousNameError, InputError, UnknownNameError
from .labels import LabelIndex
from .namespaces import expand, is_iri
from .queries import Param, ParamType

__all__ = ["MAX_VALUE_LENGTH", "resolve"]

MAX_VALUE_LENGTH = 2000


def resolve(value: str, param: Param, index: LabelIndex) -> ox.NamedNode | ox.Literal:
    """Turn one user value into the RDF term for ``param``.

    :raises InputError: for a value that is empty, too long, or not a valid IRI or CURIE.
    :raises UnknownNameError: when no entity matches (with suggestions).
    :raises AmbiguousNameError: when several entities match.
    """
    if len(value) > MAX_VALUE_LENGTH:
        raise InputError(f"parameter {param.name!r}: value longer than {MAX_VALUE_LENGTH} characters")
    if not value.strip():
        raise InputError(f"parameter {param.name!r}: value is empty")
    if not value.isprintable() and any(0xD800 <= ord(c) <= 0xDFFF for c in value):  # bytes that were not UTF-8
        raise InputError(f"parameter {param.name!r}: value is not valid UTF-8 text")
    if param.type is ParamType.STRING:
        return ox.Literal(value)
    text = value.strip()
    iri = _explicit_iri(text, param)
    if iri is not None:
        if not index.known(iri.value):
            raise UnknownNameError(
                f"parameter {param.name!r}: the graph has nothing about <{iri.value}>", index.suggest(text.rsplit("/", 1)[-1])
            )
        return iri
    return _by_label(text, param, index)


def _explicit_iri(text: str, param: Param) -> ox.NamedNode | None:
    """:returns: the IRI a value spells out (``<iri>``, an absolute IRI or a known CURIE), else None.
    :raises InputError: when it spells one out badly."""
    bracketed = text.startswith("<") and text.endswith(">")
    candidate = text[1:-1] if bracketed else text
    iri = candidate if is_iri(candidate) else None if bracketed else expand(candidate)
    if bracketed and iri is None:
        raise InputError(f"parameter {param.name!r}: {text!r} is not a valid absolute IRI")
    if iri is None:
        return None
    try:
        if not is_iri(iri):
            raise ValueError(iri)
        return ox.NamedNode(iri)
    except ValueError:
        raise InputError(f"parameter {param.name!r}: {text!r} does not expand to a valid IRI") from None


def _by_label(text: str, param: Param, index: LabelIndex) -> ox.NamedNode:
    matches = index.lookup(text, param.kind)
    if not matches:
        raise UnknownNameError(f"parameter {param.name!r}: no entity is labelled {text!r}", index.suggest(text))
    if len(matches) > 1:
        raise AmbiguousNameError(f"parameter {param.name!r}: {text!r} names several entities; give an IRI", index.describe(matches))
    return ox.NamedNode(matches.pop())
