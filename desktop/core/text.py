"""Display text from untrusted sources (mail headers, chat, third-party systems)."""

from __future__ import annotations

import re
from typing import Any

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


# What a JSON escape such as "\udc80" leaves when it is not half of a pair: no UTF-8 has it,
# so SQLite, D-Bus and Qt would each fail on it in their own way.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE_RE = re.compile(r"\\u[dD][89a-fA-F]")


def may_hold_surrogates(json_text: str | bytes) -> bool:
    """Cheap check on a JSON text before it is decoded: could it decode to a lone surrogate?"""
    text = json_text.decode("utf-8", "replace") if isinstance(json_text, bytes) else json_text
    return _SURROGATE_ESCAPE_RE.search(text) is not None or _SURROGATE_RE.search(text) is not None


def replace_lone_surrogates(value: Any) -> Any:
    """``value`` (decoded JSON: dicts, lists, strings...) with every lone surrogate in its
    strings, keys included, replaced by U+FFFD, as the gateway sends events stored before it
    refused them. Decoded JSON holds no valid pair as two code points, so any left is lone."""
    if isinstance(value, str):
        return _SURROGATE_RE.sub("\ufffd", value)
    if isinstance(value, list):
        return [replace_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {replace_lone_surrogates(k): replace_lone_surrogates(v) for k, v in value.items()}
    return value
