"""Bounding work that Oxigraph cannot cancel: run it in a thread and stop waiting.

pyoxigraph releases the GIL while it evaluates a query, so the caller regains
control at the deadline; the evaluation itself cannot be interrupted and
finishes in the background. The command line therefore exits the process on a
timeout, which does stop it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .errors import QueryTimeoutError, without_tracebacks

__all__ = ["call_with_timeout"]

T = TypeVar("T")
POLL = 0.1


def call_with_timeout(work: Callable[[], T], seconds: float | None) -> T:
    """Run ``work()`` in a thread; give up waiting after ``seconds`` (None: no deadline, but Ctrl-C still stops waiting).

    :raises QueryTimeoutError: when the deadline passes first.
    :raises Exception: whatever ``work`` raised.
    """
    if seconds is not None and seconds <= 0:
        raise ValueError("timeout must be positive")
    outcome: dict[str, object] = {}

    def runner() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # handed to the caller's thread below
            outcome["error"] = without_tracebacks(err)

    thread = threading.Thread(target=runner, name="spinekg-query", daemon=True)
    thread.start()
    deadline = None if seconds is None else time.monotonic() + seconds
    while thread.is_alive():  # short waits, so Ctrl-C and SIGTERM reach this thread while Oxigraph works
        thread.join(POLL if deadline is None else max(0.0, min(POLL, deadline - time.monotonic())))
        if deadline is not None and time.monotonic() >= deadline and thread.is_alive():
            raise QueryTimeoutError(f"query stopped after {seconds:g} s (timeout)")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
