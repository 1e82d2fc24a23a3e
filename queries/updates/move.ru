#+ summary: Replace the target graph with the fully loaded staging graph in one operation
#+ placeholders:
#+   staging: the staging graph IRI
#+   target: the published graph IRI
MOVE GRAPH $staging TO GRAPH $target
