"""``spinekg site``: a static site generated from the graph, that opens from a folder or a server.

The pages (:mod:`.render`, templates in ``templates/``) read the graph through the
queries in ``queries/site`` (:mod:`.model`); the nerve tree is laid out by Graphviz
(:mod:`.nerves`). Everything a page needs ships in the site: no page makes a network
request. A site is written next to its folder and then put in place, so a failed
build leaves the old site as it was.

The SPARQL page and the query forms run in the browser over the site's own data
(``data/spinekg.nq``) with Oxigraph's WebAssembly build and the YASGUI editor, copied
at build time from the project's ``node_modules`` (``npm ci``) into ``assets/vendor/``.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import jsonld, queries, resources, schemaorg
from ..errors import InputError, ReasonerUnavailableError, SpinekgError
from ..export import ExportFormat
from ..export import write as write_export
from ..graph import KnowledgeGraph
from ..namespaces import prefix_map, shipped_context
from ..publisher import Publisher
from ..reason import reason
from ..serialize import relabel, write_turtle
from .model import read_model
from .nerves import dot_source, render_svg
from .paths import entity_path, relative
from .render import Site, search_index, write_pages

__all__ = ["MARKER", "VENDOR_FILES", "NodeModulesMissingError", "SiteReport", "build_site", "find_node_modules", "serve"]

#: The file that marks a folder as a spinekg site: only such a folder (or an empty one) is replaced.
MARKER = ".spinekg-site"
ASSETS = Path(__file__).parent / "assets"
MIME = {
    ".wasm": "application/wasm",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".nq": "application/n-quads",
    ".js": "text/javascript",
}
#: The npm packages' files the browser pages load, by npm package: copied to ``assets/vendor/<package>/``.
VENDOR_FILES = {
    "oxigraph": ("web.js", "web_bg.wasm", "package.json", "README.md"),
    "@zazuko/yasgui": ("build/yasgui.min.js", "build/yasgui.min.css", "package.json"),
}
#: Where an editable install's project folder is (its ``package.json`` and ``node_modules``).
PROJECT_ROOT = Path(__file__).resolve().parents[3]
#: The site's data as the browser pages load it: every named graph the site shows, as N-Quads.
DATA_FILE = "data/spinekg.nq"


class NodeModulesMissingError(SpinekgError, FileNotFoundError):
    """The npm packages the SPARQL page ships are not installed."""

    exit_code = 2


@dataclass(frozen=True)
class SiteReport:
    """What a build wrote."""

    folder: Path
    pages: int
    reasoned: bool


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise InputError(f"{out} exists and is not a spinekg site; give an empty or new folder (nothing was written)")


def _reason(kg: KnowledgeGraph) -> bool:
    try:
        report = reason(kg)
    except ReasonerUnavailableError as err:
        print(f"spinekg site: no inferred classes ({err})", file=sys.stderr)
        return False
    return report.consistent


def _entity_files(kg: KnowledgeGraph, folder: Path, entities: list[str]) -> None:
    describe = queries.get("describe", resources.site_queries_dir())
    for iri in entities:
        path = entity_path(iri)
        if path is None:
            continue
        answer = kg.answer(describe.text, {"entity": ox.NamedNode(iri)})
        triples = answer if isinstance(answer, list) else []
        stem = folder / path.removesuffix(".html")
        turtle, document = io.BytesIO(), io.BytesIO()
        write_turtle(triples, turtle, prefix_map())
        jsonld.write(relabel(triples), shipped_context(), document)
        stem.with_suffix(".ttl").write_bytes(turtle.getvalue())
        stem.with_suffix(".jsonld").write_bytes(document.getvalue())


def find_node_modules() -> Path:
    """:returns: the ``node_modules`` folder to copy the browser packages from: ``$SPINEKG_NODE_MODULES``, else the
    project's own (the repository root of an editable install, beside ``package.json``), else the current folder's.

    :raises NodeModulesMissingError: when none of them holds the packages.
    """
    candidates = [Path(os.environ["SPINEKG_NODE_MODULES"])] if os.environ.get("SPINEKG_NODE_MODULES") else []
    candidates += [PROJECT_ROOT / "node_modules"] if (PROJECT_ROOT / "package.json").is_file() else []
    candidates.append(Path.cwd() / "node_modules")
    for folder in candidates:
        if all((folder / package / name).is_file() for package, names in VENDOR_FILES.items() for name in names):
            return folder
    tried = ", ".join(str(c) for c in candidates)
    raise NodeModulesMissingError(
        f"the SPARQL page needs the npm packages oxigraph and @zazuko/yasgui, not found in {tried}: run `npm ci` in the project "
        "folder (or set SPINEKG_NODE_MODULES), or build without the page (--no-sparql)"
    )


def _vendor(node_modules: Path, folder: Path) -> None:
    """Copy the browser packages' files into ``assets/vendor/`` (their ``package.json`` states each licence)."""
    for package, names in VENDOR_FILES.items():
        for name in names:
            target = folder / "assets" / "vendor" / package / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(node_modules / package / name, target)


def _data(kg: KnowledgeGraph, folder: Path, reasoned: bool, browser: dict[str, object]) -> None:
    """Write the graph the pages show (asserted, and inferred when reasoned) as N-Quads, and what the browser pages
    need to run the prepared queries as JSON."""
    target = folder / DATA_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        write_export(kg, ExportFormat.NQUADS, out, include_inferred=reasoned)
    document = json.dumps(browser, ensure_ascii=False, indent=1, sort_keys=True)
    (folder / "data" / "queries.json").write_text(document + "\n", encoding="utf-8")


def _write(kg: KnowledgeGraph, folder: Path, publisher: Publisher | None, node_modules: Path | None) -> int:
    model = read_model(kg)
    site = Site(kg, model, schemaorg.jsonld_bytes(kg, publisher).decode("utf-8"), sparql=node_modules is not None)
    svg = render_svg(dot_source(model, lambda iri: relative("nerves.html", p) if (p := site.href("", iri)) else None))
    n = write_pages(folder, site.pages(svg))
    shutil.copytree(ASSETS, folder / "assets")
    if node_modules is not None:
        _vendor(node_modules, folder)
        _data(kg, folder, model.reasoned, site.browser_data())
    (folder / "search-index.js").write_text(search_index(model), encoding="utf-8")
    _entity_files(kg, folder, sorted(model.entities))
    (folder / MARKER).write_text("written by spinekg site; the folder is replaced by the next build\n", encoding="utf-8")
    return n


def build_site(
    kg: KnowledgeGraph, out: Path | str, *, publisher: Publisher | None = None, infer: bool = True, sparql: bool = True
) -> SiteReport:
    """Write the site for ``kg`` into ``out`` (replacing an earlier site there, all or nothing).

    :param infer: run HermiT first, so entity pages show inferred classes (skipped with a warning without Java).
    :param sparql: write the SPARQL page and let the query forms run in the browser (needs the npm packages).
    :raises InputError: when ``out`` is a file, or a folder with other content.
    :raises GraphvizMissingError: without Graphviz's ``dot``.
    :raises NodeModulesMissingError: with ``sparql`` but without the npm packages (``npm ci``).
    """
    out = Path(out)
    _check_target(out)
    node_modules = find_node_modules() if sparql else None
    reasoned = _reason(kg) if infer else False
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}-", dir=out.parent) as work:
        folder = Path(work) / "site"
        folder.mkdir()
        pages = _write(kg, folder, publisher, node_modules)
        old = Path(work) / "old"
        if out.exists():
            out.rename(old)
        try:
            folder.rename(out)
        except OSError:
            if old.exists():
                old.rename(out)  # the earlier site stays as it was
            raise
    return SiteReport(out, pages, reasoned)


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closes a connection mid-reply is no error of the site's; anything else is reported."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def serve(folder: Path | str, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """:returns: a server for the site in ``folder`` on 127.0.0.1 (``port`` 0 picks a free one); call
    ``serve_forever()`` on it."""
    handler = functools.partial(_Handler, directory=str(folder))
    return _Server(("127.0.0.1", port), handler)
