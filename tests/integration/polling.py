"""Waiting in a test for something another process or thread does (Dovecot's log, an app's
window), off any event loop. Light on purpose: no Qt, so a mail test does not load it."""

from __future__ import annotations

import time
from collections.abc import Callable


def until(condition: Callable[[], object], what: str, timeout: float = 30, interval: float = 0.05) -> None:
    """Poll ``condition`` until true; fail saying ``what`` was awaited. The timeout only
    guards against a hang."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
