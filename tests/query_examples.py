"""Example parameter values for every prepared query, shared by the local and remote parity tests.

Queries with an optional parameter are run both without it and with it. A test fails
when a query in the catalogue has no entry here, so new queries get one.
"""

from __future__ import annotations

EXAMPLES: dict[str, list[dict[str, str]]] = {
    "causes": [{}, {"condition": "lower back muscle spasm"}],
    "co-spasm-muscles": [{}, {"muscle": "multifidus"}, {"muscle": "iliacus"}],
    "course": [{}, {"condition": "lower back muscle spasm"}],
    "involved-muscles": [{}, {"condition": "lower back muscle spasm"}],
    "evidence": [{"entity": "cough"}, {"entity": "quadratus lumborum"}],
    "linked-terms": [{"entity": "low back pain"}, {"entity": "muscle spasm"}],
    "muscle-classes": [{}, {"muscle": "psoas major"}],
    "muscles-by-nerve": [
        {"nerve": "lumbar plexus"},
        {"nerve": "L4"},
        {"nerve": "ventral rami"},
        {"nerve": "medial branch of the L3 dorsal ramus"},
    ],
    "nerves-of-muscle": [{"muscle": "gluteus maximus"}, {"muscle": "psoas major"}, {"muscle": "erector spinae"}],
    "risk-factors": [{}, {"condition": "lower back muscle spasm"}],
    "schemaorg-codes": [{"entity": "low back pain"}, {"entity": "femoral nerve"}],
    "schemaorg-facts": [{"entity": "lower back muscle spasm"}, {"entity": "muscles of the back"}],
    "schemaorg-page": [{}],
    "search": [{"text": "spasm"}, {"text": "SLIPPED"}],
    "spine-elements": [{}, {"class": "skeletal muscle"}],
    "symptoms": [{}, {"condition": "lower back muscle spasm"}],
    "treatments": [{}, {"treatment": "kg:massage"}, {"condition": "lower back muscle spasm"}],
    "types": [{"entity": "multifidus"}, {"entity": "slipped disc"}],
    "triggers": [{}, {"condition": "lower back muscle spasm"}],
}


def cases() -> list[tuple[str, dict[str, str]]]:
    """:returns: (query name, parameters) for every example."""
    return [(name, params) for name in sorted(EXAMPLES) for params in EXAMPLES[name]]


def case_id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return name + "".join(f"[{k}={v}]" for k, v in params.items())


#: Why spinekg refuses a parameter value (spinekg.params.resolve); every refusal names one of them.
REFUSALS = (
    "no entity is labelled",
    "names several entities",
    "is not a valid absolute IRI",
    "does not expand to a valid IRI",
    "the graph has nothing about",
    "value longer than",
    "value is empty",
)
