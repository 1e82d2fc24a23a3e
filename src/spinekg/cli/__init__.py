"""The ``spinekg`` command line: a thin shell over the library.

Each command parses its arguments, calls one library function, prints, and
returns an exit code: 0 success, 1 validation failed (or inconsistent, or
unsatisfiable classes), 2 bad input (or no reasoner: Java missing),
3 remote endpoint failure.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

from ..errors import SpinekgError
from ..terminal import printable
from . import graph_cmds, link_cmds, mapping_cmds, query_cmds, reason_cmds, remote_cmds, site_cmds

#: Modules that add subcommands, in help order.
COMMAND_MODULES = (query_cmds, graph_cmds, reason_cmds, mapping_cmds, link_cmds, remote_cmds, site_cmds)


def build_parser() -> argparse.ArgumentParser:
    """:returns: the parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="spinekg",
        description="Query, validate, export and link the lower back muscle spasm knowledge graph.",
        epilog=(
            "Exit codes: 0 ok, 1 validation failed or ontology inconsistent, "
            "2 bad input or reasoner unavailable, 3 remote endpoint failure."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _version() -> str:
    from .. import __version__

    return str(__version__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of raising."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SpinekgError as err:
        print(f"spinekg: error: {printable(str(err), keep=chr(10))}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("spinekg: interrupted", file=sys.stderr)
        return 130
    except Stopped as stop:
        print(f"spinekg: stopped by {signal.Signals(stop.signum).name}", file=sys.stderr)
        return 128 + stop.signum
    except BrokenPipeError:
        return 0


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: raised in the main thread so every ``with`` block cleans up (temporary files)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def handle_signals() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` (SIGINT is already KeyboardInterrupt)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)


def run() -> None:
    """Console-script entry point."""
    handle_signals()
    sys.exit(main())
