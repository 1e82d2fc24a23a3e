"""Deterministic serialisation: the same graph gives the same bytes on every run.

Oxigraph gives blank nodes random labels when it parses, and its writers keep
them and follow the store's order, so two identical builds differed in half
their N-Triples lines. This module writes every export in one order that
depends on the graph alone:

- **blank node labels** come from the graph's structure (:func:`blank_labels`):
  a digest of what a node says (its properties, bottom up) and of where it
  hangs (the subjects that point at it, top down). The work is linear in the
  triples that mention blank nodes, with no exponential case: RDF Dataset
  Canonicalization (RDFC-1.0) is exponential on symmetric blank-node graphs
  (nine blank nodes, each linked to all others, took Oxigraph 37 s), which a
  hostile file could use to hang an export. Nodes this digest cannot tell
  apart get a counter; they differ between runs only when they are in cycles
  of blank nodes that look alike, which no shipped file has.
- **N-Triples and N-Quads** (:func:`sorted_lines`): one line per statement, sorted.
- **Turtle** (:func:`write_turtle`): the ontology header first, then one block
  per subject (named subjects in IRI order), ``a`` first and the predicates in
  IRI order; a blank node used once is written in place (``[ ... ]``) and an
  RDF list as ``( ... )``.

>>> import io
>>> a, p, lst = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.BlankNode()
>>> rest = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#rest")
>>> first = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
>>> nil = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil")
>>> out = io.BytesIO()
>>> write_turtle([ox.Triple(a, p, lst), ox.Triple(lst, first, ox.Literal("x")), ox.Triple(lst, rest, nil)], out, {"ex": "http://example.org/"})
>>> print(out.getvalue().decode())
@prefix ex: <http://example.org/> .
<BLANKLINE>
ex:a
    ex:p ( "x" ) .
<BLANKLINE>
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import BinaryIO

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDF_TYPE, XSD, XSD_STRING, PrefixMap

__all__ = ["blank_labels", "relabel", "relabel_quads", "sorted_lines", "write_turtle"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
RDF_FIRST, RDF_REST, RDF_NIL = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
OWL_ONTOLOGY = ox.NamedNode(OWL + "Ontology")
RDF_LANG_STRING = RDF + "langString"
#: A prefixed name's local part that needs no escape in Turtle (ASCII subset of PN_LOCAL, no trailing dot).
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
#: Datatypes Turtle writes without quotes, and the lexical forms it reads back as that datatype.
_BARE = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}
_PREFIX = re.compile(r"(?:[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def _mentions_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _kahn(nodes: Iterable[ox.BlankNode], waits_on: Mapping[ox.BlankNode, list[ox.BlankNode]]) -> list[ox.BlankNode]:
    """:returns: ``nodes`` ordered so that every node comes after the nodes it waits on; nodes in cycles last."""
    pending = {n: len(waits_on.get(n, ())) for n in nodes}
    unblocks: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    for node, others in waits_on.items():
        for other in others:
            unblocks[other].append(node)
    ready = deque(n for n, count in pending.items() if count == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for later in unblocks[node]:
            pending[later] -= 1
            if pending[later] == 0:
                ready.append(later)
    done = set(order)
    return order + [n for n in pending if n not in done]


def blank_labels(triples: Sequence[ox.Triple]) -> dict[ox.BlankNode, str]:
    """:returns: a stable label for every blank node in ``triples`` (those that mention none may be left out).

    A node's label digests its outgoing statements (blank objects by their own
    digest, computed first) and its incoming ones (blank subjects by their label,
    computed first); a cycle is cut where it closes.
    """
    outgoing: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    incoming: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            outgoing[t.subject].append(t)
        if isinstance(t.object, ox.BlankNode):
            incoming[t.object].append(t)
    nodes = list(dict.fromkeys([*outgoing, *incoming]))
    content: dict[ox.BlankNode, str] = {}
    for node in _kahn(nodes, {n: [t.object for t in ts if isinstance(t.object, ox.BlankNode)] for n, ts in outgoing.items()}):
        content[node] = _digest(*sorted(f"{t.predicate} {_known(t.object, content)}" for t in outgoing[node]))
    labels: dict[ox.BlankNode, str] = {}
    for node in _kahn(nodes, {n: [t.subject for t in ts if isinstance(t.subject, ox.BlankNode)] for n, ts in incoming.items()}):
        labels[node] = _digest(content[node], *sorted(f"{_known(t.subject, labels)} {t.predicate}" for t in incoming[node]))
    return _untie(labels)


def _known(term: Term, digests: Mapping[ox.BlankNode, str]) -> str:
    """:returns: a term as a digest sees it: a blank node by its digest so far (``_`` where a cycle is cut)."""
    return digests.get(term, "_") if isinstance(term, ox.BlankNode) else str(term)


def _untie(labels: dict[ox.BlankNode, str]) -> dict[ox.BlankNode, str]:
    """Number the nodes that share a digest (``b<digest>``, ``b<digest>x1``, ...)."""
    seen: dict[str, int] = defaultdict(int)
    result = {}
    for node, digest in sorted(labels.items(), key=lambda item: (item[1], item[0].value)):
        n = seen[digest]
        seen[digest] += 1
        result[node] = f"b{digest}" + (f"x{n}" if n else "")
    return result


def relabel(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """:returns: the triples with their blank nodes relabelled by :func:`blank_labels` (the others pass through as they come)."""
    blank = []
    for triple in triples:
        if _mentions_blank(triple):
            blank.append(triple)
        else:
            yield triple
    labels = {node: ox.BlankNode(label) for node, label in blank_labels(blank).items()}
    for t in blank:
        yield ox.Triple(labels.get(t.subject, t.subject), t.predicate, labels.get(t.object, t.object))  # type: ignore[arg-type]


def relabel_quads(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """:returns: the quads with their blank nodes relabelled by :func:`blank_labels` over every graph at once."""
    blank = []
    for quad in quads:
        if _mentions_blank(quad.triple):
            blank.append(quad)
        else:
            yield quad
    labels = {node: ox.BlankNode(label) for node, label in blank_labels([q.triple for q in blank]).items()}
    for q in blank:
        yield ox.Quad(labels.get(q.subject, q.subject), q.predicate, labels.get(q.object, q.object), q.graph_name)  # type: ignore[arg-type]


def sorted_lines(lines: Iterable[bytes], fmt: ox.RdfFormat) -> list[bytes]:
    """:returns: N-Triples or N-Quads ``lines`` (each ending in a newline) without duplicates, sorted, the
    lines with blank nodes parsed again and relabelled once over all of them (:func:`blank_labels`)."""
    plain: set[bytes] = set()
    blank: list[bytes] = []
    for line in lines:
        if b"_:" in line:  # maybe a blank node (or only the text of a literal: relabelling keeps those as they are)
            blank.append(line)
        else:
            plain.add(line)
    if blank:
        quads = list(ox.parse(b"".join(blank), fmt))
        labels = blank_labels(quads)  # a Quad has the subject, predicate and object it reads
        if len(quads) == len(blank):
            plain.update(_relabelled(line, quad, labels) for line, quad in zip(blank, quads, strict=True))
        else:  # not one statement per line: write every line again from its statement
            plain.update(f"{q} .\n".encode() for q in relabel_quads(quads))
    return sorted(plain)


def _relabelled(line: bytes, quad: ox.Quad, labels: Mapping[ox.BlankNode, str]) -> bytes:
    """:returns: ``line`` (the statement ``quad`` as Oxigraph wrote it) with its blank nodes' labels replaced in the
    text, which is much cheaper than writing the statement again; any other shape is written again."""
    subject, obj = quad.subject, quad.object
    if isinstance(subject, ox.BlankNode):
        old = f"_:{subject.value} ".encode()
        if not line.startswith(old) or isinstance(quad.graph_name, ox.BlankNode):
            return _written(quad, labels)
        line = f"_:{labels[subject]} ".encode() + line[len(old) :]
    if isinstance(obj, ox.BlankNode):
        old = f" _:{obj.value} ".encode()
        at = line.rfind(old)
        if at < 0 or isinstance(quad.graph_name, ox.BlankNode):
            return _written(quad, labels)
        line = line[:at] + f" _:{labels[obj]} ".encode() + line[at + len(old) :]
    return line


def _written(quad: ox.Quad, labels: Mapping[ox.BlankNode, str]) -> bytes:
    def term(node: Term) -> Term:
        return ox.BlankNode(labels[node]) if isinstance(node, ox.BlankNode) and node in labels else node

    return f"{ox.Quad(term(quad.subject), quad.predicate, term(quad.object), quad.graph_name)} .\n".encode()  # type: ignore[arg-type]


class _TurtleWriter:
    """Renders one graph as Turtle; see the module's docstring for the layout."""

    def __init__(self, triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> None:
        self.prefixes = {p: ns for p, ns in prefixes.items() if _PREFIX.fullmatch(p)}
        self._curies = PrefixMap(self.prefixes)
        self._names: dict[str, str] = {}
        self.about: dict[Term, list[ox.Triple]] = defaultdict(list)
        uses: dict[ox.BlankNode, int] = defaultdict(int)
        for t in relabel(dict.fromkeys(triples)):
            self.about[t.subject].append(t)
            if isinstance(t.object, ox.BlankNode):
                uses[t.object] += 1
        self.inline = {b for b, n in uses.items() if n == 1}
        self.roots = {s for s in self.about if isinstance(s, ox.BlankNode) and s not in uses}
        self._reach_every_inline_node()
        self.lists = self._lists()

    def _reach_every_inline_node(self) -> None:
        """A blank node written in place must hang below a subject written as a block; label those that do not
        (a cycle of blank nodes each used once)."""
        reached: set[ox.BlankNode] = set()
        todo = [s for s in self.about if s not in self.inline]
        while todo or len(reached) < len(self.inline):
            if not todo:  # an unreached cycle: write one of its nodes as a block of its own
                start = min((b for b in self.inline if b not in reached), key=lambda b: b.value)
                self.inline.discard(start)
                todo.append(start)
            for t in self.about.get(todo.pop(), ()):
                if t.object in self.inline and t.object not in reached:
                    reached.add(t.object)  # type: ignore[arg-type]
                    todo.append(t.object)

    def _lists(self) -> set[ox.BlankNode]:
        """:returns: the nodes of well-formed lists that can be written as ``( ... )``: each is written in place
        and says exactly ``rdf:first`` and ``rdf:rest``, and the chain ends in ``rdf:nil``."""
        known: dict[Term, bool] = {RDF_NIL: True}
        for start in self.about:
            chain: dict[Term, None] = {}
            node: Term = start
            while node not in known and node not in chain and self._list_shaped(node):
                chain[node] = None
                node = next(t.object for t in self.about[node] if t.predicate == RDF_REST)
            ok = known.get(node, False) and node not in chain
            known.update(dict.fromkeys(chain, ok))
            known.setdefault(node, False)
        return {n for n, ok in known.items() if ok and isinstance(n, ox.BlankNode)}

    def _list_shaped(self, node: Term) -> bool:
        props = self.about.get(node, ())
        return node in self.inline and len(props) == 2 and {t.predicate for t in props} == {RDF_FIRST, RDF_REST}

    def name(self, iri: ox.NamedNode) -> str:
        found = self._names.get(iri.value)
        if found is None:
            curie = self._curies.compress(iri.value)
            found = self._names[iri.value] = curie if curie and _LOCAL.fullmatch(curie.partition(":")[2]) else str(iri)
        return found

    def term(self, obj: Term, depth: int) -> str:
        if isinstance(obj, ox.NamedNode):
            return self.name(obj)
        if isinstance(obj, ox.Literal):
            quoted = str(ox.Literal(obj.value))
            if obj.datatype.value in _BARE and _BARE[obj.datatype.value].fullmatch(obj.value):
                return obj.value
            if obj.language:
                return f"{quoted}@{obj.language}"
            return quoted if obj.datatype.value in (XSD_STRING, RDF_LANG_STRING) else f"{quoted}^^{self.name(obj.datatype)}"
        if isinstance(obj, ox.BlankNode):
            if obj in self.lists:
                return "( " + " ".join(self.term(item, depth) for item in self._items(obj)) + " )"
            if obj in self.inline:
                body = self.properties(obj, depth + 1)
                return f"[\n{body}\n{'    ' * depth}]" if body else "[]"
            return f"_:{obj.value}"
        return f"<< {self.term(obj.subject, depth)} {self.name(obj.predicate)} {self.term(obj.object, depth)} >>"

    def _items(self, node: ox.BlankNode) -> Iterator[Term]:
        while node != RDF_NIL:
            props = {t.predicate: t.object for t in self.about[node]}
            yield props[RDF_FIRST]
            node = props[RDF_REST]  # type: ignore[assignment]

    def properties(self, subject: Term, depth: int) -> str:
        """:returns: the predicate-object list of ``subject``, one predicate per line, indented to ``depth``."""
        by_predicate: dict[ox.NamedNode, list[str]] = defaultdict(list)
        for t in self.about.get(subject, ()):
            by_predicate[t.predicate].append(self.term(t.object, depth))
        order = sorted(by_predicate, key=lambda p: (p != RDF_TYPE, p.value))
        indent = "    " * depth
        return " ;\n".join(f"{indent}{'a' if p == RDF_TYPE else self.name(p)} {' , '.join(sorted(by_predicate[p]))}" for p in order)

    def blocks(self) -> Iterator[str]:
        """:returns: the statements, one block per subject: the ontology first, named subjects in IRI order, then
        blank nodes that nothing points at (``[ ... ] .``, in the order of their text), then labelled ones."""
        rendered = []
        for s in self.about:
            if s in self.inline:
                continue
            body = self.properties(s, 1)
            if s in self.roots:
                text = f"[\n{body}\n] .\n"
                rendered.append(((2, text), text))
            else:
                header = any(t.predicate == RDF_TYPE and t.object == OWL_ONTOLOGY for t in self.about[s])
                head = self.term(s, 0)
                rank = 0 if header else 1 if isinstance(s, ox.NamedNode) else 3
                rendered.append(((rank, s.value if isinstance(s, ox.NamedNode) else head), f"{head}\n{body} .\n"))
        for _, text in sorted(rendered):
            yield text


def write_turtle(triples: Iterable[ox.Triple], out: BinaryIO, prefixes: Mapping[str, str]) -> None:
    """Write ``triples`` (duplicates dropped) as Turtle in the layout of the module's docstring."""
    writer = _TurtleWriter(triples, prefixes)
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(writer.prefixes.items()))
    out.write((header + "\n").encode("utf-8"))
    for block in writer.blocks():
        out.write(block.encode("utf-8") + b"\n")
