"""Walking an IMAP BODYSTRUCTURE: which part holds the text, which parts are attachments.

Knowing the structure lets us fetch a few KB of the text part for the preview
(and only the text parts on open) without ever downloading an attachment.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Sequence
from typing import Any

from desktop.sources.imap.parse import decode_bytes, decode_header_text

MAX_DEPTH = 64


@dataclasses.dataclass(frozen=True, slots=True)
class Part:
    spec: str  # IMAP part specifier: "1", "2.1", ...
    ctype: str  # "text/plain"
    charset: str
    encoding: str  # content-transfer-encoding, lower case
    size: int
    disposition: str  # "attachment", "inline" or ""
    filename: str

    @property
    def is_attachment(self) -> bool:
        if self.disposition == "attachment":
            return True
        if self.ctype in ("text/plain", "text/html") and not self.filename:
            return False
        if self.filename and self.disposition != "inline":
            return True
        return not self.ctype.startswith("text/") and self.disposition != "inline"


def _s(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _params(value: Any) -> dict[str, str]:
    """(b"charset", b"utf-8", b"name", b"x") → {"charset": "utf-8", "name": "x"}, RFC 2231 decoded."""
    out: dict[str, str] = {}
    if not isinstance(value, (tuple, list)):
        return out
    items = list(value)
    for i in range(0, len(items) - 1, 2):
        key = _s(items[i]).lower()
        raw = items[i + 1]
        text = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else _s(raw)
        if key.endswith("*"):
            key = key[:-1]
            # RFC 2231: charset'language'percent-encoded
            charset, _, encoded = (
                [*text.split("'", 2), "", ""][:3] if text.count("'") >= 2 else ("", "", text)
            )
            text = decode_bytes(urllib.parse.unquote_to_bytes(encoded), charset or "utf-8")
        out[key] = text
    return out


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _leaf(node: Sequence[Any], spec: str) -> Part:
    maintype, subtype = _s(node[0]).lower(), _s(node[1]).lower()
    params = _params(node[2] if len(node) > 2 else None)
    # Extension fields start after the basic ones: text has a line count, message/rfc822 has three more.
    if maintype == "text":
        ext = 8
    elif maintype == "message" and subtype in ("rfc822", "global"):
        ext = 10
    else:
        ext = 7
    disposition, dparams = "", {}
    if len(node) > ext + 1 and isinstance(node[ext + 1], (tuple, list)) and node[ext + 1]:
        disposition = _s(node[ext + 1][0]).lower()
        dparams = _params(node[ext + 1][1] if len(node[ext + 1]) > 1 else None)
    name = dparams.get("filename") or params.get("name") or ""
    return Part(
        spec=spec,
        ctype=f"{maintype}/{subtype}",
        charset=params.get("charset", ""),
        encoding=_s(node[5] if len(node) > 5 else "").lower(),
        size=_int(node[6] if len(node) > 6 else 0),
        disposition=disposition,
        filename=decode_header_text(name) if name else "",
    )


def parts(bodystructure: Any) -> list[Part]:
    """Leaf parts in document order. Non-recursive and depth-capped against hostile nesting."""
    out: list[Part] = []
    if not isinstance(bodystructure, (tuple, list)) or not bodystructure:
        return out
    stack: list[tuple[Any, str, int]] = [(bodystructure, "", 0)]
    while stack:
        node, spec, depth = stack.pop()
        if isinstance(node, (tuple, list)) and node and isinstance(node[0], list):
            if depth >= MAX_DEPTH:
                continue
            children = node[0]
            prefix = f"{spec}." if spec else ""
            stack.extend(
                (child, f"{prefix}{n}", depth + 1) for n, child in reversed(list(enumerate(children, 1)))
            )
        elif isinstance(node, (tuple, list)) and len(node) >= 2:
            try:
                out.append(_leaf(node, spec or "1"))
            except Exception:
                continue
    return out


def text_part(all_parts: Sequence[Part]) -> Part | None:
    """The part a preview is made from: the first inline text/plain, else the first text/html."""
    plain = next((p for p in all_parts if p.ctype == "text/plain" and not p.is_attachment), None)
    return plain or next((p for p in all_parts if p.ctype == "text/html" and not p.is_attachment), None)


def html_part(all_parts: Sequence[Part]) -> Part | None:
    return next((p for p in all_parts if p.ctype == "text/html" and not p.is_attachment), None)


def plain_part(all_parts: Sequence[Part]) -> Part | None:
    return next((p for p in all_parts if p.ctype == "text/plain" and not p.is_attachment), None)


def attachments(all_parts: Sequence[Part]) -> list[Part]:
    return [p for p in all_parts if p.is_attachment]
