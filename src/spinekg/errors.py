"""The exception tree: every failure spinekg raises derives from SpinekgError.

Each class also subclasses the fitting built-in so callers can catch
``ValueError``/``LookupError``/``OSError`` without knowing spinekg. ``exit_code``
is what the command line returns for it (see the README).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousNameError",
    "InconsistentOntologyError",
    "InputError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "ReasonerTimeoutError",
    "ReasonerUnavailableError",
    "RemoteError",
    "ShapesError",
    "SourceFileError",
    "SpinekgError",
    "StoreError",
    "UnknownNameError",
    "without_tracebacks",
]


class SpinekgError(Exception):
    """Root of all spinekg errors."""

    exit_code = 2


class InputError(SpinekgError, ValueError):
    """Bad input from the user: a parameter, a query text, an option."""


class SourceFileError(SpinekgError, OSError):
    """A file could not be read or parsed; nothing was loaded from it."""

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class UnknownNameError(InputError, LookupError):
    """A name (query, parameter, entity) matched nothing; ``candidates`` may help."""

    def __init__(self, message: str, candidates: Sequence[str] = ()) -> None:
        self.candidates = tuple(candidates)
        text = message
        if self.candidates:
            text += "\n  did you mean:\n" + "\n".join(f"    {c}" for c in self.candidates)
        super().__init__(text)


class AmbiguousNameError(InputError, LookupError):
    """A label or synonym matched more than one entity."""

    def __init__(self, message: str, candidates: Sequence[str]) -> None:
        self.candidates = tuple(candidates)
        super().__init__(message + "\n  candidates:\n" + "\n".join(f"    {c}" for c in candidates))


class QuerySyntaxError(InputError):
    """A SPARQL text did not parse or could not be evaluated."""


class QueryTimeoutError(InputError, TimeoutError):
    """A query ran past its time limit."""


class ShapesError(InputError):
    """A SHACL shapes file is malformed or uses a construct the validator rejects."""


class StoreError(SpinekgError, OSError):
    """An on-disk store cannot be used: busy past the wait, not a store, unreadable, or damaged."""


class ReasonerUnavailableError(SpinekgError, RuntimeError):
    """The OWL reasoner cannot run here (for example: no Java on PATH)."""


class ReasonerTimeoutError(SpinekgError, TimeoutError):
    """The OWL reasoner ran past its time limit; its JVM was killed."""


class InconsistentOntologyError(SpinekgError):
    """The reasoner found the ontology and data inconsistent."""

    exit_code = 1


class RemoteError(SpinekgError, OSError):
    """A remote SPARQL endpoint failed: unreachable, an HTTP error, a bad response."""

    exit_code = 3


def without_tracebacks(error: BaseException) -> BaseException:
    """:returns: ``error`` with its traceback, and those of the errors it chains to, dropped.

    The frames a traceback keeps hold their locals: pyoxigraph results, which must be dropped
    by the thread that made them, or an on-disk store, which must close before its lock goes.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return error
