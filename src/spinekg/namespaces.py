"""The IRIs spinekg names, and the one prefix map and CURIE converter every output uses.

The prefixes come from the shipped JSON-LD context (``ontology/context.jsonld``):
each of its terms whose value is a namespace IRI (ending in ``/``, ``#`` or ``_``).
Every CURIE spinekg writes comes from :func:`curie_map`, one :class:`PrefixMap` over
them, and every CURIE it reads is expanded by :func:`expand`, so no output can mix
``obo:UBERON_0001267`` and ``UBERON:0001267``: the longest namespace wins.

:func:`converter` is the same map as a ``curies.Converter``. Importing curies costs
~170 ms (pydantic), twice a whole cold ``spinekg query``, so the paths every query
takes use :class:`PrefixMap`, which follows ``curies.Converter``'s rules;
``tests/test_namespaces.py`` proves the two agree on every IRI of the graph and of
every prepared query's answer.

>>> compress("http://purl.obolibrary.org/obo/UBERON_0001267")
'UBERON:0001267'
>>> expand("kg:femoral-nerve")
'https://w3id.org/spinekg/id/femoral-nerve'
>>> compress("http://example.org/thing")
'<http://example.org/thing>'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from . import resources

if TYPE_CHECKING:
    from curies import Converter

__all__ = [
    "GRAPH_BASE",
    "INFERRED_GRAPH",
    "LABEL_PREDICATES",
    "OWL",
    "OWL_CLASS",
    "PUBLISHED_GRAPH",
    "RDFS_LABEL",
    "RDF_TYPE",
    "XSD_STRING",
    "PrefixMap",
    "compress",
    "converter",
    "curie_map",
    "expand",
    "is_iri",
    "prefix_map",
    "shipped_context",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OBO_IN_OWL = "http://www.geneontology.org/formats/oboInOwl#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"

RDF_TYPE = ox.NamedNode(RDF + "type")
RDFS_LABEL = ox.NamedNode(RDFS + "label")
OWL_CLASS = ox.NamedNode(OWL + "Class")
#: Predicates whose values name an entity; the first is the display label.
LABEL_PREDICATES = (
    RDFS_LABEL,
    ox.NamedNode(SKOS + "prefLabel"),
    ox.NamedNode(SKOS + "altLabel"),
    ox.NamedNode(OBO_IN_OWL + "hasExactSynonym"),
    ox.NamedNode(OBO_IN_OWL + "hasRelatedSynonym"),
)

#: Named graphs: one per source file (``graph/<name>``), linked vocabularies, the reasoner's.
GRAPH_BASE = "https://w3id.org/spinekg/graph/"
LINKED_BASE = GRAPH_BASE + "linked/"
INFERRED_GRAPH = ox.NamedNode(GRAPH_BASE + "inferred")
#: The named graph ``spinekg push`` writes on a remote server, and remote queries read.
PUBLISHED_GRAPH = GRAPH_BASE + "published"
#: Where a SPARQL Update push stages its chunks before one MOVE.
STAGING_BASE = GRAPH_BASE + "staging/"
#: Skolem IRIs for blank nodes pushed by SPARQL Update (RDF 1.1 Concepts §3.5).
GENID_BASE = "https://w3id.org/spinekg/.well-known/genid/"

# RFC 3987 IRI: a scheme, then no whitespace, controls, or the characters <>"{}|^`\
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x1f\x7f]+$")
_CURIE = re.compile(r"^([A-Za-z_][\w.-]*):([^\s/][^\s]*)?$")


def is_iri(value: str) -> bool:
    """:returns: whether ``value`` is an absolute IRI spinekg accepts (``scheme://...`` or ``urn:...``).

    >>> is_iri("https://w3id.org/spinekg/id/cough"), is_iri("kg:cough"), is_iri("http://a b")
    (True, False, False)
    """
    return bool(_IRI.match(value)) and ("://" in value or value.startswith("urn:"))


@cache
def _context() -> dict[str, Any]:
    return dict(json.loads(resources.context_path().read_text(encoding="utf-8"))["@context"])


def shipped_context() -> dict[str, Any]:
    """:returns: the ``@context`` of the shipped JSON-LD context file (a copy)."""
    return dict(_context())


@cache
def prefix_map() -> dict[str, str]:
    """:returns: prefix -> namespace IRI, from the shipped JSON-LD context (read without importing curies)."""
    context = _context()
    return {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@") and is_iri(v) and v.endswith(("/", "#", "_"))}


class PrefixMap:
    """Compress IRIs to CURIEs and expand them back, with ``curies.Converter``'s rules: the longest namespace wins.

    >>> PrefixMap({"obo": "http://purl.obolibrary.org/obo/", "UBERON": "http://purl.obolibrary.org/obo/UBERON_"}).compress(
    ...     "http://purl.obolibrary.org/obo/UBERON_0001267"
    ... )
    'UBERON:0001267'
    """

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self._by_namespace: dict[str, str] = {}
        for prefix, namespace in self.prefixes.items():
            self._by_namespace.setdefault(namespace, prefix)
        longest_first = sorted(self._by_namespace, key=lambda ns: -len(ns))
        # one match in C instead of a test per namespace: the alternatives are tried longest first, and one
        # that leaves no local part gives way to the next
        self._namespace = re.compile("(?:" + "|".join(map(re.escape, longest_first)) + ")(?=.)", re.DOTALL) if longest_first else None

    def compress(self, iri: str) -> str | None:
        """:returns: ``prefix:local`` for the longest namespace ``iri`` starts with (local part not empty), else None."""
        found = self._namespace.match(iri) if self._namespace else None
        return None if found is None else f"{self._by_namespace[found.group()]}:{iri[found.end() :]}"

    def expand(self, curie: str) -> str | None:
        """:returns: the IRI of ``prefix:local`` for a known prefix, else None."""
        prefix, sep, local = curie.partition(":")
        namespace = self.prefixes.get(prefix) if sep else None
        return None if namespace is None else namespace + local


@cache
def curie_map() -> PrefixMap:
    """:returns: the one prefix map of every CURIE spinekg writes and reads (built on first use: no file is read at import)."""
    return PrefixMap(prefix_map())


@cache
def converter() -> Converter:
    """:returns: the shipped prefixes as a ``curies.Converter`` (imports curies and pydantic: ~170 ms)."""
    from curies import Converter

    return Converter.from_prefix_map(prefix_map())


def compress(iri: str) -> str:
    """:returns: the CURIE of ``iri`` (the longest matching namespace), or ``<iri>`` when no prefix fits."""
    return curie_map().compress(iri) or f"<{iri}>"


def expand(curie: str) -> str | None:
    """:returns: the IRI of a CURIE with a shipped prefix, else None."""
    if not _CURIE.match(curie):
        return None
    return curie_map().expand(curie)
