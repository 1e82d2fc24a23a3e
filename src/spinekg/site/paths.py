"""Where each thing lives in the site, and links between pages that work from the file system.

Every link is relative (``../entity/cough.html``), so the site opens from a folder as
well as from a server; an entity of the graph (``kg:cough``) has ``entity/cough.html``,
an ontology term ``ontology/Trigger.html``, a code ``code/icd10cm/M62.830.html``.
"""

from __future__ import annotations

import urllib.parse

from .model import KG_BASE, ONTOLOGY_BASE, Code

__all__ = ["VOCABULARY_PAGES", "code_path", "entity_path", "relative", "text_fragment", "vocabulary_page"]

#: A vocabulary's own page for a code (``$1``): bioregistry's default URI format for the prefix (a test checks them).
VOCABULARY_PAGES = {
    "ICD10CM": "https://www.icd10data.com/search?s=$1",
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui=$1",
    "HP": "http://purl.obolibrary.org/obo/HP_$1",
    "SNOMEDCT": "http://purl.bioontology.org/ontology/SNOMEDCT/$1",
    "UMLS": "https://uts.nlm.nih.gov/uts/umls/concept/$1",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_$1",
    "FMA": "http://purl.org/sig/ont/fma/$1",
    "DOID": "http://purl.obolibrary.org/obo/DOID_$1",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_$1",
    "MAXO": "http://purl.obolibrary.org/obo/MAXO_$1",
}


def _segment(text: str) -> str:
    """A path segment that is safe as a file name and in a URL (``/`` and ``%`` escaped too)."""
    return urllib.parse.quote(text, safe="")


def entity_path(iri: str) -> str | None:
    """:returns: the page of an entity or ontology term, relative to the site root; None for anything else."""
    for base, folder in ((KG_BASE, "entity"), (ONTOLOGY_BASE, "ontology")):
        if iri.startswith(base) and len(iri) > len(base):
            return f"{folder}/{_segment(iri[len(base) :])}.html"
    return None


def code_path(code: Code) -> str:
    """:returns: the page of a code, relative to the site root."""
    return f"code/{_segment(code.prefix.lower())}/{_segment(code.local)}.html"


def vocabulary_page(code: Code) -> str | None:
    """:returns: the code's page in its own vocabulary, when spinekg knows where that is."""
    template = VOCABULARY_PAGES.get(code.prefix)
    return template.replace("$1", urllib.parse.quote(code.local, safe="")) if template else None


def relative(page: str, target: str) -> str:
    """:returns: a link from ``page`` to ``target`` (both relative to the site root).

    >>> relative("entity/cough.html", "code/hp/0003394.html")
    '../code/hp/0003394.html'
    """
    depth = page.count("/")
    return "../" * depth + target


def _encode(text: str) -> str:
    """Percent-encoding for a text directive: ``-``, ``,`` and ``&`` are syntax there, so they are encoded too."""
    return urllib.parse.quote(text, safe="").replace("-", "%2D")


def text_fragment(quote: str, words: int = 6) -> str:
    """:returns: a URL Text Fragment (``:~:text=``) that selects ``quote``: the whole quote when short,
    else its first and last words (``textStart,textEnd``).

    >>> text_fragment("Muscle spasms are prolonged contractions.")
    ':~:text=Muscle%20spasms%20are%20prolonged%20contractions.'
    """
    parts = quote.split()
    if len(parts) <= 2 * words:
        return ":~:text=" + _encode(" ".join(parts))
    return f":~:text={_encode(' '.join(parts[:words]))},{_encode(' '.join(parts[-words:]))}"
