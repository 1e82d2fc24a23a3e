"""Shared plumbing of the site's browser tests: Debian's Chromium through chromedriver, the site's
server in a thread, and axe-core and console checks.

A test module calls :func:`require` at import: without the tools it is skipped, unless
``SPINEKG_REQUIRE_BROWSER=1`` (as in CI), which makes that an error.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from spinekg.site import serve

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
#: Chromium's flags here: headless as root, and no background connections (this machine's network is closed).
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require(*extra: tuple[str, object]) -> None:
    """Skip the calling module (or, with SPINEKG_REQUIRE_BROWSER=1, fail) when a tool is missing."""
    checks = (
        ("Chromium (Debian chromium)", CHROMIUM),
        ("chromedriver (Debian chromium-driver)", CHROMEDRIVER),
        ("axe-core (npm ci)", AXE.is_file()),
        ("Graphviz's dot", shutil.which("dot")),
        *extra,
    )
    missing = [what for what, present in checks if not present]
    if missing:
        if os.environ.get("SPINEKG_REQUIRE_BROWSER") == "1":
            raise RuntimeError(f"SPINEKG_REQUIRE_BROWSER=1 but this is missing: {'; '.join(missing)}")
        pytest.skip(f"the browser tests need {', '.join(missing)}", allow_module_level=True)


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """:returns: the site's base URL on 127.0.0.1, served as ``spinekg site --serve`` serves it."""
    httpd = serve(folder, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def chromium(user_data: Path, window: str = "1280,900") -> Iterator[Any]:
    """:returns: a headless Chromium (a selenium WebDriver) that keeps the console log."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in [*HEADLESS, f"--window-size={window}", f"--user-data-dir={user_data}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def console_problems(driver: Any) -> list[str]:
    """:returns: the errors and warnings the console logged since the last call."""
    return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def axe_violations(driver: Any) -> list[str]:
    """:returns: axe-core's serious and critical violations on the page as it is now, one line per node."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {preload: false, resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {' '.join(n['target']) if isinstance(n, dict) else ''}"
        for v in violations
        if v["impact"] in ("serious", "critical")
        for n in (v["nodes"] or [None])
    ]
