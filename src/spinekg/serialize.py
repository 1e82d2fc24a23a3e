"""Deterministic serialisation: the same graph gives the same bytes on every run.

Oxigraph gives blank nodes random labels when it parses, and its writers keep
them, so two identical builds differed in half their N-Triples lines. Every
export here gets stable labels from the graph's structure (:mod:`spinekg.ntriples`,
linear time, no exponential case) and is written in one order:

- **N-Triples and N-Quads** (:mod:`spinekg.export`): the statements without blank
  nodes in the order Oxigraph keeps them (the order they were loaded in, for the
  in-memory store; the order of its keys, for an on-disk one), then those with
  blank nodes, sorted.
- **Turtle** (:func:`write_turtle_lines`): the ontology header first, then one block
  per subject (named subjects in IRI order), ``a`` first and the predicates in
  IRI order; a blank node used once is written in place (``[ ... ]``) and an
  RDF list as ``( ... )``.

The Turtle writer reads N-Triples lines, the form Oxigraph writes fastest:
names are compacted once per IRI, and an N-Triples literal is already a Turtle
literal. :func:`write_turtle`, :func:`blank_labels` and :func:`relabel` do the
same for pyoxigraph terms.

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

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import BinaryIO

import pyoxigraph as ox

from .namespaces import OWL, RDF, RDF_TYPE, XSD, PrefixMap
from .ntriples import pairs_of, paused_gc, stable_labels

__all__ = ["blank_labels", "relabel", "relabel_quads", "write_turtle", "write_turtle_lines"]

_FIRST, _REST, _NIL = (f"<{RDF}{name}>".encode() for name in ("first", "rest", "nil"))
_TYPE = f"<{RDF_TYPE.value}>".encode()
_ONTOLOGY = f"<{OWL}Ontology>".encode()
#: A prefixed name's local part that needs no escape in Turtle (ASCII subset of PN_LOCAL, no trailing dot).
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
#: Datatypes Turtle writes without quotes, and the lexical forms it reads back as that datatype.
_BARE = {
    f"<{XSD}integer>".encode(): re.compile(rb"[+-]?[0-9]+"),
    f"<{XSD}decimal>".encode(): re.compile(rb"[+-]?[0-9]*\.[0-9]+"),
    f"<{XSD}boolean>".encode(): re.compile(rb"true|false"),
}
_PREFIX = re.compile(r"(?:[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")


def _lines(triples: Iterable[ox.Triple | ox.Quad]) -> list[bytes]:
    return [f"{t.subject} {t.predicate} {t.object} .".encode() for t in triples]


def blank_labels(triples: Sequence[ox.Triple]) -> dict[ox.BlankNode, str]:
    """:returns: a stable label for every blank node in ``triples`` that is a subject or an object
    (:func:`spinekg.ntriples.stable_labels`)."""
    labels = stable_labels(pairs_of(_lines(triples)))
    return {ox.BlankNode(old[2:].decode()): new[2:].decode() for old, new in labels.items()}


def relabel(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """:returns: the triples with their blank nodes relabelled by :func:`blank_labels` (the others pass through as they come)."""
    blank = []
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
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
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            blank.append(quad)
        else:
            yield quad
    labels = {node: ox.BlankNode(label) for node, label in blank_labels([q.triple for q in blank]).items()}
    for q in blank:
        yield ox.Quad(labels.get(q.subject, q.subject), q.predicate, labels.get(q.object, q.object), q.graph_name)  # type: ignore[arg-type]


class _TurtleWriter:
    """Renders one graph, given as N-Triples lines, as Turtle; see the module's docstring for the layout."""

    def __init__(self, lines: Iterable[bytes], prefixes: Mapping[str, str], labels: Mapping[bytes, bytes]) -> None:
        self.prefixes = {p: ns for p, ns in prefixes.items() if _PREFIX.fullmatch(p)}
        self._curies = PrefixMap(self.prefixes)
        self._names: dict[bytes, bytes] = {}
        self.about: dict[bytes, list[tuple[bytes, bytes]]] = {}
        self.header: set[bytes] = set()  # subjects that are an owl:Ontology
        uses: dict[bytes, int] = defaultdict(int)
        parent: dict[bytes, bytes] = {}  # a blank node -> a subject that names it
        starts: list[bytes] = []  # blank subjects with an rdf:first: maybe lists
        about, last, subject, statements = self.about, None, b"", []
        for line in lines:
            if not line:
                continue
            s, p, o = line.split(b" ", 2)
            o = o[:-2]
            if s != last:  # Oxigraph writes a subject's statements mostly together
                last, subject = s, labels.get(s, s) if s[0] == 95 else s
                found = about.get(subject)
                statements = about[subject] = [] if found is None else found
            if o[0] == 95:  # '_': a blank node
                o = labels.get(o, o)
                uses[o] += 1
                parent[o] = subject
            elif p == _TYPE and o == _ONTOLOGY:
                self.header.add(subject)
            statements.append((p, o))
            if p == _FIRST:
                starts.append(subject)
        self.inline = {b for b, n in uses.items() if n == 1}
        self.roots = {s for s in about if s[0] == 95 and s not in uses}
        self._reach_every_inline_node(parent)
        self.lists = self._lists(starts)

    def _reach_every_inline_node(self, parent: Mapping[bytes, bytes]) -> None:
        """A blank node written in place must hang below a subject written as a block; label those that do not
        (a cycle of blank nodes each used once): walk up from each node written in place."""
        reached: set[bytes] = set()
        for node in sorted(self.inline):
            path: list[bytes] = []
            while node in self.inline and node not in reached and node not in path:
                path.append(node)
                node = parent[node]
            if node in path:  # an unreached cycle: write one of its nodes as a block of its own
                self.inline.discard(min(path[path.index(node) :]))
            reached.update(path)

    def _lists(self, starts: Iterable[bytes]) -> set[bytes]:
        """:returns: the nodes of well-formed lists that can be written as ``( ... )``: each is written in place
        and says exactly ``rdf:first`` and ``rdf:rest``, and the chain ends in ``rdf:nil``."""
        known: dict[bytes, bool] = {_NIL: True}
        for start in starts:
            chain: dict[bytes, None] = {}
            node = start
            while node not in known and node not in chain and self._list_shaped(node):
                chain[node] = None
                node = next(o for p, o in self.about[node] if p == _REST)
            ok = known.get(node, False) and node not in chain
            known.update(dict.fromkeys(chain, ok))
            known.setdefault(node, False)
        return {n for n, ok in known.items() if ok and n[0] == 95}

    def _list_shaped(self, node: bytes) -> bool:
        props = self.about.get(node, ())
        return node in self.inline and len(props) == 2 and {p for p, _ in props} == {_FIRST, _REST}

    def name(self, iri: bytes) -> bytes:
        """:returns: an N-Triples IRI as Turtle writes it: a prefixed name where one fits, else as it is."""
        found = self._names.get(iri)
        if found is None:
            curie = self._curies.compress(iri[1:-1].decode())
            found = self._names[iri] = curie.encode() if curie and _LOCAL.fullmatch(curie.partition(":")[2]) else iri
        return found

    def term(self, obj: bytes, depth: int) -> bytes:
        first = obj[0]
        if first == 34:  # '"': a literal, written in N-Triples as Turtle writes it, but for its datatype's name
            quote = obj.rindex(b'"')
            if obj[quote + 1 : quote + 3] != b"^^":
                return obj
            datatype = obj[quote + 3 :]
            bare = _BARE.get(datatype)
            if bare is not None and bare.fullmatch(obj, 1, quote):
                return obj[1:quote]
            return obj[: quote + 3] + self.name(datatype)
        if first == 95:
            if obj in self.lists:
                return b"( " + b" ".join(self.term(item, depth) for item in self._items(obj)) + b" )"
            if obj in self.inline:
                body = self.properties(obj, depth + 1)
                return b"[\n" + body + b"\n" + b"    " * depth + b"]" if body else b"[]"
            return obj
        return obj if obj[1] == 60 else self.name(obj)  # an RDF 1.2 triple term is written as N-Triples writes it

    def _items(self, node: bytes) -> Iterator[bytes]:
        while node != _NIL:
            props = dict(self.about[node])
            yield props[_FIRST]
            node = props[_REST]

    def properties(self, subject: bytes, depth: int) -> bytes:
        """:returns: the predicate-object list of ``subject``, one predicate per line, indented to ``depth``."""
        by_predicate: dict[bytes, list[bytes]] = {}
        names, term = self._names, self.term
        for p, o in self.about.get(subject, ()):
            if o[0] == 60 and o[1] != 60:  # an IRI
                text = names.get(o) or self.name(o)
            elif o[0] == 34 and o[-1] != 62:  # a literal without a datatype: as N-Triples writes it
                text = o
            else:
                text = term(o, depth)
            found = by_predicate.get(p)
            if found is None:
                by_predicate[p] = [text]
            else:
                found.append(text)
        indent = b"    " * depth
        lines = []
        for p in sorted(by_predicate, key=self._order):
            objects = by_predicate[p]
            if len(objects) > 1:
                objects.sort()
            lines.append(indent + (b"a" if p == _TYPE else names.get(p) or self.name(p)) + b" " + b" , ".join(objects))
        return b" ;\n".join(lines)

    def _order(self, predicate: bytes) -> tuple[bool, bytes]:
        return predicate != _TYPE, predicate[1:-1]

    def blocks(self) -> Iterator[bytes]:
        """:returns: the statements, one block per subject: the ontology first, named subjects in IRI order, then
        blank nodes that nothing points at (``[ ... ] .``, in the order of their text), then labelled ones."""
        rendered = []
        for s in self.about:
            if s in self.inline:
                continue
            body = self.properties(s, 1)
            if s in self.roots:
                text = b"[\n" + body + b"\n] .\n"
                rendered.append(((2, text), text))
            else:
                header = s in self.header
                head = self.term(s, 0)
                rank = 0 if header else 1 if s[0] == 60 else 3
                rendered.append(((rank, s[1:-1] if s[0] == 60 else head), head + b"\n" + body + b" .\n"))
        rendered.sort()
        for _, text in rendered:
            yield text


def write_turtle_lines(
    lines: Iterable[bytes], out: BinaryIO, prefixes: Mapping[str, str], labels: Mapping[bytes, bytes] | None = None
) -> None:
    """Write the statements of N-Triples ``lines`` (each one statement without its newline, as Oxigraph writes
    them, with no duplicates; empty lines are skipped) as Turtle in the layout of the module's docstring, blank
    nodes relabelled by ``labels`` (``_:old`` -> ``_:new``, see :func:`spinekg.ntriples.stable_labels`)."""
    writer = _TurtleWriter(lines, prefixes, labels or {})
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(writer.prefixes.items()))
    out.write((header + "\n").encode("utf-8"))
    out.write(b"".join(block + b"\n" for block in writer.blocks()))


def write_turtle(triples: Iterable[ox.Triple], out: BinaryIO, prefixes: Mapping[str, str]) -> None:
    """Write ``triples`` (duplicates dropped, blank nodes relabelled) as :func:`write_turtle_lines` does."""
    with paused_gc():
        lines = list(dict.fromkeys(_lines(triples)))
        write_turtle_lines(lines, out, prefixes, stable_labels(pairs_of(lines)))
