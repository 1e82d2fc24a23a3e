"""Compact JSON-LD with the shipped ``@context``, written straight from the store.

rdflib's JSON-LD serialiser needs the whole graph copied into rdflib and then
compacts it in pure Python; at a million triples that took minutes. This writer
groups the union graph's triples by subject and compacts each value with a
small, conservative subset of the JSON-LD 1.1 compaction rules:

- a term of the context is used only where expansion gives back exactly the
  same triple (``@type: @id``/``@vocab`` for IRIs, a datatype for literals of
  that datatype, a ``@language`` container for language-tagged strings, an
  uncoerced term for anything);
- every other predicate is written as a compact IRI (``prefix:local``) with a
  value object. Compact IRIs come from a :class:`~spinekg.namespaces.PrefixMap`, the
  rule of every other output (the longest namespace wins), over the context's
  prefixes whose IRI ends in ``/`` or ``#``: JSON-LD 1.1 (its rule for compact IRIs)
  treats no other simple term as a prefix, so ``UBERON_`` IRIs are written
  ``obo:UBERON_...`` here and ``UBERON:...`` everywhere else.

The output expands to the same graph (tests check the round trip with rdflib).
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

import pyoxigraph as ox

from .errors import InputError
from .namespaces import OWL, RDF_TYPE, XSD_STRING, PrefixMap
from .serialize import relabel_quads

__all__ = ["Compactor", "TermDefinition", "write", "write_dataset"]

Value = str | dict[str, str]


@dataclass(frozen=True)
class TermDefinition:
    """One expanded term of the context: its name, property IRI, coercion and container."""

    name: str
    iri: str
    coerce: str | None = None
    language_map: bool = False

    def compact(self, obj: ox.NamedNode | ox.BlankNode | ox.Literal, writer: Compactor) -> Value | None:
        """:returns: the value as this term writes it, or None when this term cannot carry it losslessly."""
        if self.language_map:
            return obj.value if isinstance(obj, ox.Literal) and obj.language else None
        if self.coerce in ("@id", "@vocab"):
            return writer.iri(obj.value) if isinstance(obj, ox.NamedNode) else None
        if self.coerce is not None:
            typed = isinstance(obj, ox.Literal) and not obj.language and obj.datatype.value == self.coerce
            return obj.value if typed else None
        return writer.value(obj)


class Compactor:
    """Compacts IRIs and values against one ``@context``."""

    def __init__(self, context: dict[str, Any]) -> None:
        prefixes = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))}
        self._curies = PrefixMap(prefixes)
        self._iris: dict[str, str] = {}
        self.terms: dict[str, list[TermDefinition]] = {}
        for name, body in context.items():
            if isinstance(body, dict) and "@id" in body:
                term = TermDefinition(
                    name, self.expand(body["@id"], prefixes), _coercion(body, prefixes), body.get("@container") == "@language"
                )
                self.terms.setdefault(term.iri, []).append(term)

    @staticmethod
    def expand(value: str, prefixes: dict[str, str]) -> str:
        """:returns: ``value`` with a known prefix expanded."""
        prefix, sep, local = value.partition(":")
        return prefixes[prefix] + local if sep and prefix in prefixes else value

    def iri(self, iri: str) -> str:
        """:returns: the compact form of an IRI (cached); the IRI itself when no prefix fits."""
        found = self._iris.get(iri)
        if found is None:
            curie = self._curies.compress(iri)
            found = self._iris[iri] = curie if curie and not curie.partition(":")[2].startswith("//") else iri
        return found

    def value(self, obj: ox.NamedNode | ox.BlankNode | ox.Literal) -> Value:
        """:returns: a value in the form that needs no term definition."""
        if isinstance(obj, ox.NamedNode):
            return {"@id": self.iri(obj.value)}
        if isinstance(obj, ox.BlankNode):
            return {"@id": f"_:{obj.value}"}
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        if obj.datatype.value == XSD_STRING:
            return obj.value
        return {"@value": obj.value, "@type": self.iri(obj.datatype.value)}

    def node_id(self, node: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
        """:returns: the ``@id`` of a subject."""
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}"
        if isinstance(node, ox.NamedNode):
            return self.iri(node.value)
        raise InputError("the graph holds RDF-star quoted triples, which JSON-LD 1.1 cannot write; export Turtle or N-Triples")

    def add(self, node: dict[str, Any], predicate: str, obj: Any) -> None:
        """Add one property value to a node object (a second value turns the entry into a list).
        :raises InputError: for an RDF-star quoted triple, which JSON-LD 1.1 cannot write."""
        if isinstance(obj, ox.Triple):
            self.node_id(obj)
        if predicate == RDF_TYPE.value and isinstance(obj, ox.NamedNode):
            _put(node, "@type", self.iri(obj.value))
            return
        for term in self.terms.get(predicate, ()):
            compact = term.compact(obj, self)
            if compact is not None:
                if term.language_map:
                    _put(node.setdefault(term.name, {}), obj.language, compact)
                else:
                    _put(node, term.name, compact)
                return
        _put(node, self.iri(predicate), self.value(obj))


def _put(container: dict[str, Any], key: str, value: Any) -> None:
    old = container.get(key)
    if old is None:
        container[key] = value
    elif isinstance(old, list):
        old.append(value)
    else:
        container[key] = [old, value]


def _coercion(body: dict[str, str], prefixes: dict[str, str]) -> str | None:
    kind = body.get("@type")
    return None if kind is None else kind if kind.startswith("@") else Compactor.expand(kind, prefixes)


def _nodes(triples: Iterable[ox.Triple], compactor: Compactor) -> Iterable[dict[str, Any]]:
    """:returns: one node object per subject.

    The cyclic garbage collector is paused while the nodes are built: they are
    millions of small containers without cycles, and its passes over them took
    a third of the time.
    """
    nodes: dict[Any, dict[str, Any]] = {}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for triple in triples:
            node = nodes.get(triple.subject)
            if node is None:
                node = nodes[triple.subject] = {"@id": compactor.node_id(triple.subject)}
            compactor.add(node, triple.predicate.value, triple.object)
    finally:
        if enabled:
            gc.enable()
    return nodes.values()


def _ordered(nodes: Iterable[dict[str, Any]], compactor: Compactor) -> list[dict[str, Any]]:
    """:returns: the nodes in one order that depends on the graph alone: the ontology first, then by ``@id``;
    every list of values sorted too (keys are sorted when the node is written)."""
    ontology = compactor.iri(OWL + "Ontology")
    for node in nodes:
        for value in (*node.values(), *(v for m in node.values() if isinstance(m, dict) and "@id" not in m for v in m.values())):
            if isinstance(value, list):
                value.sort(key=_sort_key)
    return sorted(nodes, key=lambda n: (ontology not in _as_list(n.get("@type")), n["@id"]))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _lines(nodes: list[dict[str, Any]]) -> bytes:
    return ",\n".join(json.dumps(node, ensure_ascii=False, sort_keys=True) for node in nodes).encode()


def _head(context: dict[str, Any]) -> bytes:
    return b'{\n"@context": ' + json.dumps(context, indent=1, ensure_ascii=False).encode() + b',\n"@graph": [\n'


def write(triples: Iterable[ox.Triple], context: dict[str, Any], out: BinaryIO) -> None:
    """Write ``triples`` as one compact JSON-LD document: the context embedded, one node object per line,
    in the order of :func:`_ordered` (blank node labels are the caller's: see :func:`spinekg.serialize.relabel`)."""
    compactor = Compactor(context)
    out.write(_head(context) + _lines(_ordered(_nodes(triples, compactor), compactor)) + b"\n]\n}\n")


def write_dataset(quads: Iterable[ox.Quad], context: dict[str, Any], out: BinaryIO) -> None:
    """Write ``quads`` as one compact JSON-LD document that keeps the named graphs: each is a graph object
    (``{"@id": graph, "@graph": [...]}``), in IRI order, and the default graph's nodes follow at the top level.
    Blank nodes are relabelled once over the whole dataset (:func:`spinekg.serialize.relabel_quads`)."""
    compactor = Compactor(context)
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Triple]] = defaultdict(list)
    for quad in relabel_quads(quads):
        graphs[quad.graph_name].append(quad.triple)
    parts = []
    for name in sorted((g for g in graphs if not isinstance(g, ox.DefaultGraph)), key=lambda g: g.value):
        head = json.dumps({"@id": compactor.node_id(name)}, ensure_ascii=False)[:-1] + ', "@graph": [\n'
        parts.append(head.encode() + _lines(_ordered(_nodes(graphs[name], compactor), compactor)) + b"\n]}")
    default = graphs.get(ox.DefaultGraph(), [])
    if default:
        parts.append(_lines(_ordered(_nodes(default, compactor), compactor)))
    out.write(_head(context) + b",\n".join(parts) + b"\n]\n}\n")
