"""Display text from untrusted sources (mail headers, chat, third-party systems)."""

from __future__ import annotations

import re

# Control characters, zero-width marks and bidi overrides: they can hide or reorder
# text in a list row or a bubble (a sender spoofed with U+202E, say).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE_RE = re.compile(r"\s+")


def one_line(text: str, limit: int | None = None) -> str:
    """Single-spaced, without control characters, at most ``limit`` characters (… marks a cut)."""
    line = _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", text)).strip()
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line
