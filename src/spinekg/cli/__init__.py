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
from importlib import import_module
from types import ModuleType

from ..errors import SpinekgError
from ..terminal import printable

#: The module that adds each command, in help order. A command line that names a command imports only
#: that command's module (as pip's ``commands_dict``): a query does not pay for the validator, the
#: reasoner or the HTTP stack. Any other command line (``--help``, ``--version``, no or an unknown
#: command) builds the whole parser, so it lists everything.
COMMANDS = {
    "queries": "query_cmds",
    "query": "query_cmds",
    "sparql": "query_cmds",
    "validate": "graph_cmds",
    "export": "graph_cmds",
    "build": "graph_cmds",
    "reason": "reason_cmds",
    "mappings": "mapping_cmds",
    "check-mappings": "mapping_cmds",
    "link": "link_cmds",
    "push": "remote_cmds",
    "site": "site_cmds",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """:returns: the parser with every subcommand registered, or (``command``) only the commands of its module.

    :param command: a name in :data:`COMMANDS`: the only command the parser must know.
    """
    parser = argparse.ArgumentParser(
        prog="spinekg",
        description="Query, validate, export and link the lower back muscle spasm knowledge graph.",
        epilog=(
            "Exit codes: 0 ok, 1 validation failed or ontology inconsistent, "
            "2 bad input or reasoner unavailable, 3 remote endpoint failure."
        ),
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules(command):
        module.register(sub)
    return parser


def command_modules(command: str | None = None) -> list[ModuleType]:
    """:returns: the modules that add subcommands, in help order (imported here), or only ``command``'s."""
    names = dict.fromkeys(COMMANDS.values()) if command is None else [COMMANDS[command]]
    return [import_module(f"{__name__}.{name}") for name in names]


class _Version(argparse.Action):
    """``--version``: the version is read from the installed metadata only when asked for (~15 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from .. import __version__

    return str(__version__)


def _named_command(argv: Sequence[str]) -> str | None:
    """:returns: the command a command line names first (``spinekg query ...``), else None (build the whole parser)."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of raising."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_named_command(argv)).parse_args(argv)
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
