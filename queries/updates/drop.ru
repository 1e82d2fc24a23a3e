#+ summary: Remove a graph if it exists (the staging graph after a failed push)
#+ placeholders:
#+   graph: the graph IRI
DROP SILENT GRAPH $graph
