"""Command ``site``: write the static site, and serve it on 127.0.0.1."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..publisher import Publisher
from .common import add_graph_options, load_graph


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``site`` subcommand."""
    p = sub.add_parser("site", help="write a static site: the article with its facts, entity pages, the nerve tree, the queries")
    p.add_argument(
        "--output", "-o", type=Path, default=Path("site"), help="the site's folder (default: site); an earlier site there is replaced"
    )
    p.add_argument("--config", type=Path, metavar="PUBLISHER.toml", help="the publisher's page URL, publisher, authors, reviewer and dates")
    p.add_argument("--no-reason", dest="reason", action="store_false", help="do not run the reasoner (no inferred classes on the pages)")
    p.add_argument(
        "--no-sparql", dest="sparql", action="store_false", help="no SPARQL page, and query forms without browser runs (needs no npm ci)"
    )
    p.add_argument("--serve", action="store_true", help="then serve the site on 127.0.0.1 until Ctrl-C")
    p.add_argument("--port", type=int, default=8000, help="the port for --serve (default: 8000; 0 picks a free one)")
    add_graph_options(p)
    p.set_defaults(func=cmd_site)


def cmd_site(args: argparse.Namespace) -> int:
    """Write the site; with ``--serve``, serve it until interrupted."""
    from ..site import build_site, serve

    publisher = None if args.config is None else Publisher.read(args.config)
    with load_graph(args, write=args.reason) as kg:  # the reasoner's graph is written, as by export --inferred
        report = build_site(kg, args.output, publisher=publisher, infer=args.reason, sparql=args.sparql)
    print(f"wrote {report.pages} pages to {report.folder}{'' if report.reasoned else ' (no inferred classes)'}")
    if args.serve:
        server = serve(report.folder, args.port)
        port = server.server_address[1]
        print(f"serving http://127.0.0.1:{port}/index.html (Ctrl-C stops)", flush=True)
        with server:
            server.serve_forever()
    return 0
