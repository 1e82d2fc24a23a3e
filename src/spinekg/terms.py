"""Turn user strings into validated RDF terms.

An ``iri`` parameter accepts a full IRI (optionally in ``<>``), a CURIE with a
prefix from the shipped JSON-LD context (expanded strictly with ``curies``),
or an exact label or synonym, compared case-insensitively. Anything that
matches no entity, or more than one, is an error that lists candidates.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox

from . import resources
from .errors import AmbiguousNameError, InputError, UnknownNameError
from .queries import Param, ParamKind, ParamType

#: Predicates whose values name an entity.
LABEL_PREDICATES = tuple(
    ox.NamedNode(iri)
    for iri in (
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
        "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym",
        "http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym",
    )
)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
MAX_VALUE_LENGTH = 2000
# RFC 3987 IRI: a scheme, then no whitespace, controls, or the characters <>"{}|^`\
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x1f\x7f]+$")
_CURIE = re.compile(r"^([A-Za-z_][\w.-]*):([^\s/][^\s]*)?$")


@cache
def prefix_map() -> dict[str, str]:
    """:returns: prefix -> namespace IRI, from the shipped JSON-LD context."""
    context = json.loads(resources.context_path().read_text(encoding="utf-8"))["@context"]
    return {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#", "_"))}


def is_iri(value: str) -> bool:
    """:returns: whether ``value`` is an absolute IRI spinekg accepts."""
    return (bool(_IRI.match(value)) and "://" in value) or (value.startswith("urn:") and bool(_IRI.match(value)))


def expand_curie(value: str) -> str | None:
    """:returns: the IRI for a CURIE with a known prefix, else None."""
    match = _CURIE.match(value)
    if not match or match.group(1) not in prefix_map():
        return None
    from curies import Converter

    converter = Converter.from_prefix_map(prefix_map())
    return converter.expand(value, strict=True)


class LabelIndex:
    """Case-insensitive lookup from labels and synonyms to the entities they name.

    Labels are compared lower-cased (Python ``str.lower``, SPARQL ``LCASE``). The
    first few lookups each run one query inside Oxigraph
    (``queries/lookup/entities-by-label.rq``): a one-shot CLI call then does not
    pay for an index of every label (4.8 s at a million triples on disk). From
    the next lookup on, a long-lived process builds that index once and answers
    from memory (the query scans every label: 0.3 s at a million triples).
    """

    #: Lookups answered by a query before the in-memory index is built.
    QUERY_LOOKUPS = 2

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._lookups = 0
        self._index: tuple[dict[str, set[str]], dict[str, str], set[str]] | None = None

    def _full(self) -> tuple[dict[str, set[str]], dict[str, str], set[str]]:
        if self._index is None:
            by_label: dict[str, set[str]] = defaultdict(set)
            label_of: dict[str, str] = {}
            for predicate in LABEL_PREDICATES:
                for quad in self._store.quads_for_pattern(None, predicate, None):
                    if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                        by_label[quad.object.value.lower()].add(quad.subject.value)
                        if predicate == LABEL_PREDICATES[0]:
                            label_of.setdefault(quad.subject.value, quad.object.value)
            classes = {
                q.subject.value for q in self._store.quads_for_pattern(None, RDF_TYPE, OWL_CLASS) if isinstance(q.subject, ox.NamedNode)
            }
            self._index = (by_label, label_of, classes)
        return self._index

    def _matches(self, text: str) -> dict[str, bool]:
        """:returns: IRI -> whether it is an OWL class, for every entity labelled ``text`` (any case)."""
        self._lookups += 1
        if self._index is None and self._lookups <= self.QUERY_LOOKUPS:
            from .queries import lookup_query, run_select

            rows = run_select(self._store, lookup_query(), {"text": ox.Literal(text)}).rows
            return {row[1].value: row[2] is not None and row[2].value == "true" for row in rows if row[1] is not None}
        by_label, _, classes = self._full()
        return {iri: iri in classes for iri in by_label.get(text.lower(), ())}

    def lookup(self, text: str, kind: ParamKind | None = None) -> set[str]:
        """:returns: IRIs of entities with this exact label or synonym (any case).

        :param kind: when both classes and individuals match, keep only this kind.
        """
        found = self._matches(text)
        if kind is not None and len(found) > 1:
            preferred = {i for i, is_class in found.items() if is_class == (kind is ParamKind.CLASS)}
            return preferred or set(found)
        return set(found)

    def describe(self, iris: Iterable[str]) -> list[str]:
        """:returns: "label <iri>" lines, sorted."""
        label_of = self._full()[1]
        return sorted(f"{label_of.get(i, '?')} <{i}>" for i in iris)

    def label(self, iri: str) -> str | None:
        """:returns: the ``rdfs:label`` of ``iri``, or None when it has none."""
        return self._full()[1].get(iri)

    def suggest(self, text: str, limit: int = 8) -> list[str]:
        """:returns: labels close to ``text``: substring matches first, then fuzzy ones."""
        needle, by_label = text.lower(), self._full()[0]
        labels = list(by_label)
        hits = [label for label in labels if needle and needle in label]
        hits += [label for label in difflib.get_close_matches(needle, labels, n=limit, cutoff=0.6) if label not in hits]
        return [line for label in hits[:limit] for line in self.describe(by_label[label])][:limit]

    def known(self, iri: str) -> bool:
        """:returns: whether the graph says anything about ``iri``."""
        node = ox.NamedNode(iri)
        return next(iter(self._store.quads_for_pattern(node, None, None)), None) is not None


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
    iri = candidate if is_iri(candidate) else None if bracketed else expand_curie(candidate)
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
