"""The label index: labels and synonyms to the entities they name, case-insensitively.

>>> from spinekg import KnowledgeGraph
>>> index = KnowledgeGraph.load().labels
>>> sorted(index.lookup("Psoas"))
['https://w3id.org/spinekg/id/psoas-major']
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import LABEL_PREDICATES, OWL_CLASS, RDF_TYPE
from .queries import ParamKind, lookup_query, run_select

if TYPE_CHECKING:
    from .labelstore import LabelFile

__all__ = ["LabelIndex"]


class LabelIndex:
    """Case-insensitive lookup from labels and synonyms to the entities they name.

    Labels are compared lower-cased (Python ``str.lower``, SPARQL ``LCASE``). The
    first few lookups each run one query inside Oxigraph
    (``queries/lookup/entities-by-label.rq``): a one-shot CLI call then does not
    pay for an index of every label (4.8 s at a million triples on disk). From
    the next lookup on, a long-lived process builds that index once and answers
    from memory (the query scans every label: 0.3 s at a million triples).

    An on-disk store keeps its index in a file (:mod:`spinekg.labelstore`); given one
    (``persisted``), every lookup reads that file and nothing scans the labels.
    """

    #: Lookups answered by a query before the in-memory index is built.
    QUERY_LOOKUPS = 2

    def __init__(self, store: ox.Store, persisted: LabelFile | None = None) -> None:
        self._store = store
        self._file = persisted
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
        if self._file is not None:
            return self._file.matches(text)
        self._lookups += 1
        if self._index is None and self._lookups <= self.QUERY_LOOKUPS:
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
        return sorted(f"{self.label(i) or '?'} <{i}>" for i in iris)

    def label(self, iri: str) -> str | None:
        """:returns: the ``rdfs:label`` of ``iri``, or None when it has none."""
        if self._file is not None:
            return self._file.label(iri)
        return self._full()[1].get(iri)

    def suggest(self, text: str, limit: int = 8) -> list[str]:
        """:returns: labels close to ``text``: substring matches first, then fuzzy ones."""
        needle = text.lower()
        labels = self._file.keys() if self._file is not None else list(self._full()[0])
        hits = [label for label in labels if needle and needle in label]
        hits += [label for label in difflib.get_close_matches(needle, labels, n=limit, cutoff=0.6) if label not in hits]
        return [line for label in hits[:limit] for line in self.describe(self._entities(label))][:limit]

    def _entities(self, key: str) -> set[str]:
        return self._file.iris(key) if self._file is not None else self._full()[0][key]

    def known(self, iri: str) -> bool:
        """:returns: whether the graph says anything about ``iri``."""
        node = ox.NamedNode(iri)
        return next(iter(self._store.quads_for_pattern(node, None, None)), None) is not None
