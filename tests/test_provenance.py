"""Every article quote matches the shipped text, and every claim sentence is the source of a fact."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from spinekg import resources
from spinekg.sentences import split_sentences

OA = "http://www.w3.org/ns/oa#"
ARTICLE = ox.NamedNode("https://w3id.org/spinekg/article/lower-back-muscle-spasm")


def _sentences(kg):
    out = {}
    for quad in kg.oxigraph.quads_for_pattern(None, ox.NamedNode(OA + "hasSource"), ARTICLE):
        selectors = {}
        for sel in kg.oxigraph.quads_for_pattern(quad.subject, ox.NamedNode(OA + "hasSelector"), None):
            for q in kg.oxigraph.quads_for_pattern(sel.object, None, None):
                selectors[q.predicate.value.removeprefix(OA)] = q.object.value
        out[quad.subject.value] = selectors
    return out


def test_article_is_identified_by_its_sha256(kg):
    digest = hashlib.sha256(resources.article_path().read_bytes()).hexdigest()
    stored = next(kg.oxigraph.quads_for_pattern(ARTICLE, ox.NamedNode("https://w3id.org/spinekg/ontology/sha256"), None))
    assert stored.object.value == digest


def test_every_quote_matches_the_text_at_its_offsets(kg, article_text):
    sentences = _sentences(kg)
    assert len(sentences) == 24
    for iri, sel in sentences.items():
        start, end = int(sel["start"]), int(sel["end"])
        assert article_text[start:end] == sel["exact"], iri
        assert article_text[max(0, start - len(sel["prefix"])) : start] == sel["prefix"], iri
        assert article_text[end : end + len(sel["suffix"])] == sel["suffix"], iri


def test_shipped_sentences_match_the_splitter(kg, article_text):
    shipped = sorted((int(s["start"]), s["exact"]) for s in _sentences(kg).values())
    assert shipped == [(s.start, s.exact) for s in split_sentences(article_text)]


def test_every_sentence_is_the_source_of_a_fact_or_a_promise(kg):
    derived = {q.object.value for q in kg.oxigraph.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), None)}
    promised = {
        q.object.value for q in kg.oxigraph.quads_for_pattern(None, ox.NamedNode("https://w3id.org/spinekg/ontology/fulfilsPromise"), None)
    }
    unused = sorted(set(_sentences(kg)) - derived - promised)
    assert unused == []


@pytest.mark.parametrize("hedge", ["usually", "may", "often", "in most cases", "in some cases", "the majority of cases"])
def test_hedges_of_the_article_are_kept(kg, hedge):
    hedges = {q.object.value for q in kg.oxigraph.quads_for_pattern(None, ox.NamedNode("https://w3id.org/spinekg/ontology/hedge"), None)}
    assert hedge in hedges


def test_facts_not_from_the_article_cite_a_source_with_a_quote(kg):
    skg = "https://w3id.org/spinekg/ontology/"
    added = [
        q.subject
        for q in kg.oxigraph.quads_for_pattern(
            None, ox.NamedNode(skg + "fromArticle"), ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
        )
    ]
    assert len(added) > 20
    unquoted = [a for a in added if not list(kg.oxigraph.quads_for_pattern(a, ox.NamedNode(skg + "sourceQuote"), None))]
    assert unquoted == []
