"""Stable blank node labels, computed on the N-Triples text Oxigraph writes.

Oxigraph writes a graph as N-Triples in Rust faster than Python can make one
object of each statement, and it gives blank nodes random labels when it
parses. So every export starts from that text: the lines without blank nodes
stay as they are (:func:`split_blank`, a few passes in C), and only the
statements that mention a blank node are taken apart, as ``(subject,
"predicate object")`` pairs, to be labelled (:func:`stable_labels`) and written
again (:func:`relabelled`).

A line is one N-Triples statement as Oxigraph writes it, ``subject predicate
object .`` with single spaces: the subject is an IRI or a blank node, and no
literal holds a raw newline (N-Triples escapes it), so a line ends at the first
newline, and a blank object is the last token before `` .``, with no quote or
bracket in it.

**The labels.** A node's label digests what it says (its outgoing statements,
blank objects by their own digest, computed first) and where it hangs (its
incoming statements, blank subjects by their label, computed first); a cycle is
cut where it closes. The work is linear in the statements, with no exponential
case: RDF Dataset Canonicalization (RDFC-1.0) is exponential on symmetric
blank-node graphs (nine blank nodes, each linked to all others, took Oxigraph
37 s), which a hostile file could use to hang an export. Nodes the digests
cannot tell apart are numbered; they can differ between runs only in cycles of
blank nodes that look alike, which no shipped file has. Blank nodes inside an
RDF 1.2 triple term keep Oxigraph's label.

>>> text = b'\\n_:x1 <http://example.org/p> "a" .\\n<http://example.org/s> <http://example.org/q> _:x1 .\\n'
>>> def exported(text):
...     plain, pairs = split_blank(text)
...     return plain, relabelled(pairs, stable_labels(pairs))
>>> exported(text)[1]
[b'<http://example.org/s> <http://example.org/q> _:b1616a836c7d8ee49e4678d9a .', b'_:b1616a836c7d8ee49e4678d9a <http://example.org/p> "a" .']
>>> exported(text) == exported(text.replace(b"x1", b"c0ffee"))
True
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

__all__ = ["BLANK", "Pair", "blank_object", "blank_pairs", "pairs_of", "paused_gc", "relabelled", "split_blank", "stable_labels"]

BLANK = b"_:"
#: A statement that mentions a blank node: its subject and the rest of its line ("predicate object", no " .").
Pair = tuple[bytes, bytes]
#: A line whose subject is a blank node (the text starts with a newline, so every line follows one).
_BLANK_SUBJECT = re.compile(rb"\n(_:[^ \n]+) ([^\n]*) \.(?=\n)")
#: The end of a line whose object is a blank node.
_BLANK_OBJECT = re.compile(rb' _:[^ \n"<>]+ \.\n')


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: an export makes millions of small objects without cycles, and its
    passes over them took a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def blank_object(rest: bytes) -> int:
    """:returns: where the blank object of ``predicate object`` starts (its ``_:``), or -1 when the object is
    not a blank node."""
    at = rest.rfind(b" _:") + 1
    if at == 0:
        return -1
    label = rest[at:]
    return at if b" " not in label and b'"' not in label and b">" not in label else -1


def split_blank(text: bytes) -> tuple[list[memoryview], list[Pair]]:
    """Split N-Triples ``text`` that starts with a newline (an empty line before the first).

    :returns: the lines that mention no blank node as subject or object, in their order, as pieces of one
        text (each piece a run of whole lines with their newlines), and the statements that do, as pairs in
        their order (blank subjects first).
    """
    parts = _BLANK_SUBJECT.split(text)
    plain = memoryview(b"".join(parts[0::3]))
    pairs = list(zip(parts[1::3], parts[2::3], strict=True))
    kept, at = [], 1
    for match in _BLANK_OBJECT.finditer(plain):  # the subjects left are IRIs
        start = plain.obj.rfind(b"\n", 0, match.start())  # type: ignore[attr-defined]
        subject, rest = bytes(plain[start + 1 : match.end() - 3]).split(b" ", 1)
        pairs.append((subject, rest))
        kept.append(plain[at : start + 1])
        at = match.end()
    kept.append(plain[at:])
    return [piece for piece in kept if piece], pairs


def blank_pairs(text: bytes) -> list[Pair]:
    """:returns: the statements of N-Triples ``text`` (starting with a newline) that mention a blank node as
    subject or object, as pairs (blank subjects first), leaving the text as it is."""
    pairs: list[Pair] = _BLANK_SUBJECT.findall(text)
    for match in _BLANK_OBJECT.finditer(text):
        start = text.rfind(b"\n", 0, match.start()) + 1
        if text[start : start + 2] != BLANK:
            subject, rest = text[start : match.end() - 3].split(b" ", 1)
            pairs.append((subject, rest))
    return pairs


def pairs_of(lines: Iterable[bytes]) -> list[Pair]:
    """:returns: the pairs of the ``lines`` (without newlines) that mention a blank node as subject or object."""
    pairs = []
    for line in lines:
        subject, rest = line[:-2].split(b" ", 1)
        if subject[:2] == BLANK or blank_object(rest) >= 0:
            pairs.append((subject, rest))
    return pairs


def _digest(parts: Iterable[bytes]) -> bytes:
    return hashlib.blake2b(b"\x1f".join(parts), digest_size=12).hexdigest().encode()


def _kahn(nodes: Iterable[bytes], waits_on: Mapping[bytes, list[bytes]]) -> list[bytes]:
    """:returns: ``nodes`` ordered so that every node comes after the nodes it waits on; nodes in cycles last."""
    pending = {n: len(waits_on.get(n, ())) for n in nodes}
    unblocks: dict[bytes, list[bytes]] = defaultdict(list)
    for node, others in waits_on.items():
        for other in others:
            unblocks[other].append(node)
    ready = deque(n for n, count in pending.items() if count == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for later in unblocks.get(node, ()):
            pending[later] -= 1
            if pending[later] == 0:
                ready.append(later)
    if len(order) < len(pending):
        done = set(order)
        order += [n for n in pending if n not in done]
    return order


def stable_labels(pairs: Iterable[Pair]) -> dict[bytes, bytes]:
    """:returns: a stable label (``_:b<digest>``, numbered ``x1``, ``x2``, ... where digests tie) for every blank
    node that is the subject or the object of one of the statements."""
    outgoing: dict[bytes, list[bytes]] = defaultdict(list)  # node -> "predicate object" of its statements
    linked: dict[bytes, list[tuple[bytes, bytes]]] = defaultdict(list)  # node -> (predicate, blank object)
    incoming: dict[bytes, list[tuple[bytes, bytes]]] = defaultdict(list)  # node -> (subject, predicate)
    for subject, rest in pairs:
        at = blank_object(rest)
        if at < 0:
            outgoing[subject].append(rest)
            continue
        obj, predicate = rest[at:], rest[: at - 1]
        incoming[obj].append((subject, predicate))
        if subject[:2] == BLANK:
            linked[subject].append((predicate, obj))
            outgoing.setdefault(subject, [])
    nodes = list(dict.fromkeys([*outgoing, *incoming]))
    content = {n: _digest(sorted(outgoing.get(n, ()))) for n in nodes if n not in linked}
    waits = {n: [o for _, o in links if o in linked] for n, links in linked.items()}
    for node in _kahn([n for n in nodes if n in linked], waits):  # what a node says, after the nodes it names
        content[node] = _digest(sorted([*outgoing[node], *(p + b" " + content.get(o, b"_") for p, o in linked[node])]))
    labels: dict[bytes, bytes] = {}
    hung = {n for n, edges in incoming.items() if any(s[:2] == BLANK for s, _ in edges)}  # below a blank node
    waits = {n: [s for s, _ in incoming[n] if s in hung] for n in hung}
    for node in [n for n in nodes if n not in hung] + _kahn([n for n in nodes if n in hung], waits):
        edges = incoming.get(node)
        parts = sorted((labels.get(s, b"_") if s[:2] == BLANK else s) + b" " + p for s, p in edges) if edges else ()
        labels[node] = _digest([content[node], *parts])
    return _untie(labels)


def _untie(labels: dict[bytes, bytes]) -> dict[bytes, bytes]:
    """Number the nodes that share a digest (``_:b<digest>``, ``_:b<digest>x1``, ...)."""
    by_digest: dict[bytes, list[bytes]] = defaultdict(list)
    for node, digest in labels.items():
        by_digest[digest].append(node)
    result = {}
    for digest, nodes in by_digest.items():
        if len(nodes) == 1:
            result[nodes[0]] = BLANK + b"b" + digest
        else:
            for n, node in enumerate(sorted(nodes)):
                result[node] = BLANK + b"b" + digest + (b"x%d" % n if n else b"")
    return result


def relabelled(pairs: Iterable[Pair], labels: Mapping[bytes, bytes], *, sort: bool = True) -> list[bytes]:
    """:returns: the statements as N-Triples lines (without newlines), their blank subjects and objects relabelled
    (a label ``labels`` lacks is kept), sorted unless ``sort`` is false (then in their order)."""
    lines = []
    for subject, rest in pairs:
        at = blank_object(rest)
        if at >= 0:
            obj = rest[at:]
            rest = rest[:at] + labels.get(obj, obj)
        lines.append(labels.get(subject, subject) + b" " + rest + b" .")
    if sort:
        lines.sort()
    return lines
