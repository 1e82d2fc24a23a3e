#+ summary: Add one chunk of triples to the staging graph of a push (SPARQL Update fallback)
#+ placeholders:
#+   graph: the staging graph IRI
#+   triples: the chunk as N-Triples, serialised by pyoxigraph (blank nodes skolemised)
INSERT DATA { GRAPH $graph {
$triples
} }
