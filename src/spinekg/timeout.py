"""Bounding work that Oxigraph cannot cancel: run it in a thread and stop waiting.

pyoxigraph releases the GIL while it evaluates a query, so the caller regains
control at the deadline; the evaluation itself cannot be interrupted and
finishes in the background. The command line therefore exits the process on a
timeout, which does stop it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from .errors import QueryTimeoutError

__all__ = ["call_with_timeout"]

T = TypeVar("T")


def call_with_timeout(work: Callable[[], T], seconds: float | None) -> T:
    """Run ``work()``; give up waiting after ``seconds`` (None: wait forever).

    :raises QueryTimeoutError: when the deadline passes first.
    :raises Exception: whatever ``work`` raised.
    """
    if seconds is None:
        return work()
    if seconds <= 0:
        raise ValueError("timeout must be positive")
    outcome: dict[str, object] = {}

    def runner() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # handed to the caller's thread below
            outcome["error"] = err

    thread = threading.Thread(target=runner, name="spinekg-query", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise QueryTimeoutError(f"query stopped after {seconds:g} s (timeout)")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
