"""Running a Java OWL reasoner through owlready2: finding Java, the JVM in a process group of its own,
a timeout that kills it, and readable errors when Java cannot run it.

owlready2 is imported inside the functions that need it (it is heavy, and only ``reason`` needs it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from enum import StrEnum
from pathlib import Path
from typing import Any

from .errors import InconsistentOntologyError, ReasonerTimeoutError, ReasonerUnavailableError

__all__ = ["INCONSISTENT_HINT", "JAVA_HINT", "PELLET_HINT", "Reasoner", "reasoner_name", "require_java", "run_reasoner"]

JAVA_HINT = (
    "the OWL reasoner needs Java 17 or later on PATH (no 'java' found). "
    "Install it, e.g. 'apt-get install openjdk-17-jre-headless' (Debian/Ubuntu), "
    "'dnf install java-17-openjdk-headless' (Fedora) or 'brew install openjdk@17' (macOS); "
    "the other commands work without it"
)
INCONSISTENT_HINT = (
    "the ontology and data are inconsistent: {reasoner} finds no interpretation that satisfies every axiom, "
    "so nothing can be inferred. Usual causes: an individual in two disjoint classes (owl:disjointWith), "
    "a value that contradicts a restriction or a domain/range, or owl:sameAs between owl:AllDifferent members. "
    "Run 'spinekg validate', or open the files in Protégé and use 'Explain inconsistency'"
)
PELLET_HINT = (
    "Pellet cannot run on this Java: the Pellet jar bundled with owlready2 {version} was compiled for a newer Java "
    "(UnsupportedClassVersionError; owlready2 0.49 shipped one that works on Java 17). Use '--reasoner hermit'"
)


class Reasoner(StrEnum):
    """The Java reasoners owlready2 ships; the value is the CLI name."""

    HERMIT = "hermit"
    PELLET = "pellet"


def require_java() -> str:
    """:returns: the path of the ``java`` executable.
    :raises ReasonerUnavailableError: when there is none on PATH."""
    java = shutil.which("java")
    if java is None:
        raise ReasonerUnavailableError(JAVA_HINT)
    return java


def run_reasoner(world: Any, reasoner: Reasoner, java: str, timeout: float | None = None) -> None:
    """Run the reasoner; owlready2 stores what it infers in its inference ontology.

    The JVM starts in a process group of its own, so a timeout kills it whole.

    :raises InconsistentOntologyError: for an inconsistent ontology (owlready2's error has no message).
    :raises ReasonerUnavailableError: when Java cannot run the reasoner.
    :raises ReasonerTimeoutError: when it runs past ``timeout`` seconds (its JVM is then killed).
    """
    import owlready2
    import owlready2.reasoning

    owlready2.JAVA_EXE = java
    owlready2.reasoning._subprocess_kargs["start_new_session"] = True  # owlready2 passes these to subprocess
    before = _children()
    outcome: list[BaseException | None] = []
    worker = threading.Thread(target=lambda: outcome.append(_sync(world, reasoner, java)), daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        for pid in _children() - before:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        worker.join(30)
        raise ReasonerTimeoutError(f"{reasoner_name(reasoner)} ran past {timeout:g} s and was stopped (its JVM killed)")
    if outcome and outcome[0] is not None:
        raise outcome[0]


def _children() -> set[int]:
    """:returns: the process ids of this process's children (from /proc; empty where there is none)."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = entry.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid():
                found.add(int(entry.parent.name))
    return found


def _sync(world: Any, reasoner: Reasoner, java: str) -> BaseException | None:
    """Run owlready2's reasoner call. :returns: the error to raise, or None."""
    try:
        _call(world, reasoner, java)
    except BaseException as err:  # handed to the caller's thread
        return err
    return None


def _call(world: Any, reasoner: Reasoner, java: str) -> None:
    import owlready2

    sync = owlready2.sync_reasoner_hermit if reasoner is Reasoner.HERMIT else owlready2.sync_reasoner_pellet
    try:
        sync(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        raise InconsistentOntologyError(INCONSISTENT_HINT.format(reasoner=reasoner_name(reasoner))) from None
    except owlready2.OwlReadyJavaError as err:
        raise ReasonerUnavailableError(_java_failure(reasoner, str(err))) from None
    except OSError as err:
        raise ReasonerUnavailableError(f"cannot start {java}: {err}") from None


def reasoner_name(reasoner: Reasoner) -> str:
    """:returns: the reasoner's own name, for messages (``HermiT``, ``Pellet``)."""
    return "HermiT" if reasoner is Reasoner.HERMIT else "Pellet"


def _java_failure(reasoner: Reasoner, message: str) -> str:
    """:returns: a readable reason why Java could not run the reasoner."""
    if "UnsupportedClassVersionError" in message and reasoner is Reasoner.PELLET:
        import owlready2

        return PELLET_HINT.format(version=owlready2.VERSION)
    lines = [line for line in message.splitlines() if line.strip() and not line.lstrip().startswith("at ")]
    return f"{reasoner_name(reasoner)} failed in Java: " + " / ".join(lines[:4])
