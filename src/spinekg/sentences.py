"""Sentences of the source article as W3C Web Annotation targets.

Each sentence becomes an ``oa:SpecificResource`` whose source is the article,
with a ``TextQuoteSelector`` (exact, prefix, suffix) and a
``TextPositionSelector`` (start, end: offsets in Unicode code points into the
shipped text, end exclusive). Facts point at sentences with
``prov:wasDerivedFrom`` inside their OWL axiom annotation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

#: Characters of context kept on each side of a quote (as Hypothesis does).
CONTEXT = 32

_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+\"?|$)")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text, with its position selector and quote context."""

    number: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def split_sentences(text: str, *, skip_first_line: bool = True) -> Iterator[Sentence]:
    """Split ``text`` into sentences with character offsets.

    :param text: the article text, exactly as shipped.
    :param skip_first_line: the first line is the title, not a sentence.
    :returns: sentences in reading order, numbered from 1.

    >>> [(s.number, s.start, s.exact) for s in split_sentences("Title\\nBacks ache. Rest helps!")]
    [(1, 6, 'Backs ache.'), (2, 18, 'Rest helps!')]
    """
    begin = text.find("\n") + 1 if skip_first_line else 0
    number = 0
    for match in _SENTENCE.finditer(text, begin):
        raw = match.group()
        exact = raw.strip()
        if not exact:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        end = start + len(exact)
        number += 1
        yield Sentence(
            number=number,
            start=start,
            end=end,
            exact=exact,
            prefix=text[max(0, start - CONTEXT) : start],
            suffix=text[end : end + CONTEXT],
        )
