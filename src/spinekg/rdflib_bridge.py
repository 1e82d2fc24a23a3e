"""Bridges between pyoxigraph and rdflib terms; rdflib is imported here only."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import InputError
from .namespaces import XSD_STRING

__all__ = ["term_to_rdflib", "to_rdflib"]


def term_to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """:returns: the rdflib term for a pyoxigraph term.
    :raises InputError: for an RDF-star quoted triple (rdflib, pyshacl and owlready2 read RDF 1.1 only)."""
    if isinstance(term, ox.Triple):
        raise InputError(f"the graph holds RDF-star quoted triples (<< {term} >>), which rdflib and pyshacl cannot read")
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_rdflib(triples: Iterable[ox.Triple], graph: Graph | None = None) -> Graph:
    """Copy triples into an rdflib graph.

    :param graph: graph to add to (default: a new one).
    """
    graph = Graph() if graph is None else graph
    for t in triples:
        graph.add((term_to_rdflib(t.subject), term_to_rdflib(t.predicate), term_to_rdflib(t.object)))
    return graph
