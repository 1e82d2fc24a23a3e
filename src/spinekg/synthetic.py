"""A synthetic graph shaped like spinekg's own data, at any size, as one Turtle file (for scale tests and benchmarks).

Each generated article brings a source document, sentences with quote and
position selectors, a condition, muscles, and facts whose OWL axiom
annotations point (``prov:wasDerivedFrom``) at the sentences. Shared pools of
named nerves (with branches), symptoms, triggers and treatments grow with the number
of articles, so a parameterised query returns about the same number of rows at
every size. A vocabulary of classes with labels, synonyms, ``rdfs:subClassOf``
and SKOS mappings makes up about a fifth of the triples.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["VERSION", "cached", "generate", "nerve_iri", "nerve_label"]

#: Bump when the shape of the output changes, so cached files are regenerated.
VERSION = 3
TRIPLES_PER_ARTICLE = 200
SENTENCES = 6
MUSCLES = 3
VOCAB_PER_ARTICLE = 6

PREFIXES = """\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://w3id.org/spinekg/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skg: <https://w3id.org/spinekg/ontology/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


@dataclass(frozen=True)
class Plan:
    """How many of each thing a graph of about ``triples`` triples holds."""

    triples: int

    @property
    def articles(self) -> int:
        """:returns: the number of generated articles."""
        return max(2, self.triples // TRIPLES_PER_ARTICLE)

    @property
    def nerves(self) -> int:
        """:returns: the number of nerves (each with two branches)."""
        return max(2, self.articles // 4)

    @property
    def pool(self) -> int:
        """:returns: the number of symptoms, of triggers and of treatments."""
        return max(2, self.articles // 2)


def nerve_label(n: int) -> str:
    """:returns: the label of generated nerve ``n`` (what a user would type)."""
    return f"generated nerve {n}"


def nerve_iri(n: int) -> str:
    """:returns: the IRI of generated nerve ``n``."""
    return f"https://w3id.org/spinekg/id/gen-nerve-{n}"


def _individual(iri: str, cls: str, label: str, alt: str | None = None) -> str:
    alt_line = f' ;\n    skos:altLabel "{alt}"@en' if alt else ""
    return f'{iri} a owl:NamedIndividual , {cls} ;\n    rdfs:label "{label}"@en{alt_line} .\n'


def _fact(s: str, p: str, o: str, sentence: str, hedge: str | None) -> str:
    hedge_line = f' ;\n    skg:hedge "{hedge}"@en' if hedge else ""
    return (
        f"{s} {p} {o} .\n[] a owl:Axiom ;\n    owl:annotatedSource {s} ;\n    owl:annotatedProperty {p} ;\n"
        f"    owl:annotatedTarget {o} ;\n    prov:wasDerivedFrom {sentence} ;\n    skg:fromArticle true{hedge_line} .\n"
    )


def _doc(a: int) -> str:
    return f"<https://w3id.org/spinekg/article/gen-{a}>"


def _sentence(a: int, s: int) -> str:
    return f"<https://w3id.org/spinekg/article/gen-{a}/s{s:02d}>"


def article_sources(a: int) -> Iterator[str]:
    """Yield the Turtle of article ``a``'s source document, sentences and selectors."""
    digest = hashlib.sha256(f"article {a}".encode()).hexdigest()
    yield (
        f'{_doc(a)} a owl:NamedIndividual , skg:SourceDocument ;\n    rdfs:label "generated article {a}"@en ;\n'
        f'    dcterms:title "Generated article {a}"@en ;\n    skg:sha256 "{digest}" .\n'
    )
    for s in range(SENTENCES):
        iri, base = _sentence(a, s), f"https://w3id.org/spinekg/article/gen-{a}/s{s:02d}"
        start = s * 120
        yield (
            f'{iri} a owl:NamedIndividual , skg:ArticleSentence ;\n    rdfs:label "sentence {s + 1} of generated article {a}"@en ;\n'
            f"    oa:hasSelector <{base}-quote> , <{base}-position> ;\n    oa:hasSource {_doc(a)} .\n"
            f'<{base}-quote> a oa:TextQuoteSelector ;\n    oa:exact "Sentence {s + 1} of article {a} says that a muscle can spasm." ;\n'
            f'    oa:prefix "text before {s}" ;\n    oa:suffix "text after {s}" .\n'
            f"<{base}-position> a oa:TextPositionSelector ;\n    oa:start {start} ;\n    oa:end {start + 100} .\n"
        )


def article_facts(a: int, plan: Plan, rng: random.Random) -> Iterator[str]:
    """Yield the Turtle of article ``a``'s condition, muscles and their facts with provenance."""
    condition = f"kg:gen-condition-{a}"
    yield _individual(condition, "skg:MuscleSpasm", f"generated condition {a}", f"condition {a} spasm")
    facts = [
        ("skg:hasSymptom", f"kg:gen-symptom-{rng.randrange(plan.pool)}"),
        ("skg:triggeredBy", f"kg:gen-trigger-{rng.randrange(plan.pool)}"),
        ("skg:possibleTreatment", f"kg:gen-treatment-{rng.randrange(plan.pool)}"),
    ]
    for m in range(MUSCLES):
        muscle = f"kg:gen-muscle-{a}-{m}"
        yield _individual(muscle, "skg:SkeletalMuscle", f"generated muscle {a}-{m}", f"muscle {a}-{m}")
        branch = rng.randrange(plan.nerves)
        target = f"kg:gen-nerve-{branch}" if m == 0 else f"kg:gen-nerve-{branch}-branch-{m % 2}"
        yield _fact(muscle, "skg:innervatedBy", target, _sentence(a, m), None)
    for n, (prop, obj) in enumerate(facts):
        yield _fact(condition, prop, obj, _sentence(a, SENTENCES - 1 - n), "often" if n % 2 else None)


def pools(plan: Plan) -> Iterator[str]:
    """Yield the shared nerves (with branches that are part of them), symptoms, triggers and treatments."""
    for n in range(plan.nerves):
        nerve = f"kg:gen-nerve-{n}"
        yield _individual(nerve, "skg:NamedNerve", nerve_label(n), f"nerve {n}")
        for b in range(2):
            branch = f"kg:gen-nerve-{n}-branch-{b}"
            yield _individual(branch, "skg:NamedNerve", f"generated nerve {n} branch {b}")
            yield _fact(branch, "skg:branchOf", nerve, _sentence(n % plan.articles, 0), None)
    for kind, cls in (("symptom", "skg:SignOrSymptom"), ("trigger", "skg:Trigger"), ("treatment", "skg:Treatment")):
        for i in range(plan.pool):
            yield _individual(f"kg:gen-{kind}-{i}", cls, f"generated {kind} {i}", f"{kind} {i}")


def distinct(plan: Plan) -> Iterator[str]:
    """Yield the owl:AllDifferent of every generated muscle and nerve, so a reasoner can count them (OWL has no unique names)."""
    yield "[] a owl:AllDifferent ;\n    owl:distinctMembers (\n"
    for a in range(plan.articles):
        yield "".join(f"        kg:gen-muscle-{a}-{m}\n" for m in range(MUSCLES))
    for n in range(plan.nerves):
        yield f"        kg:gen-nerve-{n} kg:gen-nerve-{n}-branch-0 kg:gen-nerve-{n}-branch-1\n"
    yield "    ) .\n"


def vocabulary(plan: Plan, rng: random.Random) -> Iterator[str]:
    """Yield vocabulary classes with labels, synonyms, a parent class and SKOS mappings."""
    for i in range(plan.articles * VOCAB_PER_ARTICLE):
        parent = f"obo:SKGV_{rng.randrange(i):07d}" if i > 10 else "skg:AnatomicalEntity"
        yield (
            f'obo:SKGV_{i:07d} a owl:Class ;\n    rdfs:label "vocabulary term {i}"@en ;\n'
            f'    oboInOwl:hasExactSynonym "term {i}"@en , "vocabulary concept {i}"@en ;\n'
            f'    obo:IAO_0000115 "A generated anatomical term number {i}."@en ;\n    rdfs:subClassOf {parent} ;\n'
            f"    skos:exactMatch obo:UBERON_{9000000 + i} ;\n    skos:closeMatch <http://id.nlm.nih.gov/mesh/D{i:06d}> .\n"
        )


def generate(triples: int, target: Path, seed: int = 6) -> Path:
    """Write a graph of about ``triples`` triples to ``target`` (Turtle).

    :returns: ``target``.
    """
    plan, rng = Plan(triples), random.Random(seed)
    with target.open("w", encoding="utf-8") as out:
        out.write(PREFIXES)
        out.writelines(pools(plan))
        for a in range(plan.articles):
            out.writelines(article_sources(a))
            out.writelines(article_facts(a, plan, rng))
        out.writelines(distinct(plan))
        out.writelines(vocabulary(plan, rng))
    return target


def cached(triples: int, directory: Path) -> Path:
    """:returns: the generated file for ``triples`` in ``directory``, written if missing."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"gen-v{VERSION}-{triples}.ttl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        generate(triples, tmp).replace(path)
    return path
