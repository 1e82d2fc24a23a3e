"""The article page's text: the original words, every sentence that backs a fact marked, hedges shown.

The text is cut at the offsets the graph records for each sentence (Unicode code
points, end exclusive, as ``oa:TextPositionSelector`` says); a sentence whose
recorded quote is not the text at its offsets is refused, so a page never marks
the wrong words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..errors import InputError
from .model import Fact

__all__ = ["Passage", "mark_text"]


@dataclass(frozen=True)
class Passage:
    """A paragraph of the article, as HTML with its fact sentences marked."""

    html: Markup
    is_title: bool = False


def _hedged(text: str, hedges: list[str]) -> Markup:
    """:returns: ``text`` escaped, each hedge word in it wrapped in ``<em class="hedge">``."""
    words = sorted({h for h in hedges if h.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [
            escape(text[last : match.start()]),
            Markup('<em class="hedge" title="hedge: the article says {}">{}</em>').format(match.group(0), match.group(0)),
        ]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def mark_text(text: str, by_sentence: dict[str, list[Fact]]) -> list[Passage]:
    """:returns: the article's paragraphs, each fact-backing sentence a link to the facts it supports.

    :raises InputError: when a sentence's quote is not the text at its offsets.
    """
    spans = []
    for sentence, facts in by_sentence.items():
        first = facts[0]
        assert first.start is not None and first.end is not None
        if first.quote is not None and text[first.start : first.end] != first.quote:
            raise InputError(f"sentence {sentence}: its quote is not the article text at {first.start}-{first.end}")
        if "\n\n" in text[first.start : first.end]:
            raise InputError(f"sentence {sentence} runs over a paragraph break at {first.start}-{first.end}")
        spans.append((first.start, first.end, sentence, [h for f in facts for h in f.hedges]))
    spans.sort()
    pieces: list[Markup] = []
    last = 0
    for start, end, sentence, hedges in spans:
        if start < last:
            continue  # overlapping sentences cannot be marked twice; the first keeps its mark
        pieces.append(escape(text[last:start]))
        count = len(by_sentence[sentence])
        title = f"{count} fact{'s' if count != 1 else ''} from this sentence"
        pieces.append(
            Markup('<a class="fact" id="{}" href="#facts-{}" data-sentence="{}" title="{}">{}</a>').format(
                sentence, sentence, sentence, title, _hedged(text[start:end], hedges)
            )
        )
        last = end
    pieces.append(escape(text[last:]))
    html = Markup("").join(pieces)
    paragraphs = [p for p in re.split(r"\n\s*\n", str(html)) if p.strip()]
    return [Passage(Markup(p.strip()), is_title=(n == 0 and "\n" not in p and len(p) < 120)) for n, p in enumerate(paragraphs)]
