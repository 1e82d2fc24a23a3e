"""The nerve tree as a picture: Graphviz ``dot`` lays out the graph's nerve edges as SVG.

Nodes are the graph's spinal nerves (one rank, in level order), rami, branches,
named nerves, plexuses and the muscles they supply; each node links to its page.
The layout is Graphviz's (Debian ``graphviz``), never hand-placed coordinates.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable

from ..errors import SpinekgError
from .model import SiteModel

__all__ = ["GraphvizMissingError", "dot_source", "render_svg"]

STYLES = {
    "branch": 'style="solid"',
    "arises from": 'style="dashed"',
    "innervates": 'style="bold", color="#8a3b12"',
    "segmental supply": 'style="dotted", color="#555555"',
}
LEVELS = ["T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2"]
ONTOLOGY = "https://w3id.org/spinekg/ontology/"
SPINAL_NERVE = ONTOLOGY + "SpinalNerve"
MUSCLES = ("SkeletalMuscle", "MuscleGroup", "Muscle")


class GraphvizMissingError(SpinekgError):
    """Graphviz's ``dot`` is not installed."""

    exit_code = 2


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shape(model: SiteModel, iri: str) -> str:
    if any(model.is_a(iri, ONTOLOGY + m) for m in MUSCLES):
        return 'shape="box", style="rounded,filled", fillcolor="#f6e7dc"'
    if model.is_a(iri, ONTOLOGY + "NervePlexus"):
        return 'shape="hexagon", style="filled", fillcolor="#e3ecf7"'
    if model.is_a(iri, SPINAL_NERVE):
        return 'shape="ellipse", style="filled,bold", fillcolor="#dce8d4"'
    return 'shape="ellipse", style="filled", fillcolor="#ffffff"'


def dot_source(model: SiteModel, href: Callable[[str], str | None]) -> str:
    """:returns: the DOT text of the nerve tree; ``href`` gives each node's link (relative to the nerve page)."""
    nodes = sorted({n for edge in model.nerve_edges for n in (edge[0], edge[2])})
    lines = [
        "digraph nerves {",
        '  graph [rankdir="LR", fontname="Helvetica", bgcolor="transparent"];',
        '  node [fontname="Helvetica", fontsize=11];',
    ]
    for iri in nodes:
        link = href(iri)
        attrs = [f"label={_quote(model.label(iri))}", _shape(model, iri), f"tooltip={_quote(model.label(iri))}"]
        if link:
            attrs.append(f"URL={_quote(link)}")
        lines.append(f"  {_quote(iri)} [{', '.join(attrs)}];")
    for source, relation, target in model.nerve_edges:
        lines.append(f"  {_quote(source)} -> {_quote(target)} [{STYLES[relation]}];")
    spinal = sorted((n for n in nodes if _level(model, n)), key=lambda n: LEVELS.index(_level(model, n) or "T12"))
    if spinal:  # an invisible root whose edges, in level order, keep the spinal nerves in order from T12 down
        lines.append('  levels [style=invis, label="", ordering=out];')
        lines += [f"  levels -> {_quote(n)} [style=invis];" for n in spinal]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _level(model: SiteModel, iri: str) -> str | None:
    entity = model.entities.get(iri)
    if entity is None or not model.is_a(iri, SPINAL_NERVE):
        return None
    return next((n for n in entity.notations if n in LEVELS), None)


def render_svg(dot: str) -> str:
    """:returns: the SVG element Graphviz draws for ``dot`` (no XML prolog, ready to inline in HTML).
    :raises GraphvizMissingError: without Graphviz."""
    binary = shutil.which("dot")
    if binary is None:
        raise GraphvizMissingError("the nerve tree needs Graphviz's 'dot' (Debian: apt-get install graphviz)")
    done = subprocess.run([binary, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise SpinekgError(f"Graphviz could not lay out the nerve tree: {done.stderr.decode(errors='replace')[-500:]}")
    svg = done.stdout.decode("utf-8")
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->|<title>.*?</title>", "", svg, flags=re.DOTALL)  # Graphviz titles name nodes by IRI
    return svg.replace("<svg ", '<svg role="group" aria-labelledby="nerve-tree-title" ', 1).replace(
        '<g id="graph0"', '<title id="nerve-tree-title">The nerve tree of the lower back</title><g id="graph0"', 1
    )
