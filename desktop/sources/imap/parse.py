"""Mail headers and text → inbox listing fields. Best effort: nothing here raises on bad mail.

Real mail is full of lies: undeclared 8-bit headers, wrong charset labels,
broken encoded-words, truncated base64. Every decoder falls back to a guess
and finally to replacement characters rather than failing the whole sync.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import dataclasses
import email.header
import email.quoprimime
import email.utils
import quopri
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage, Message
from email.parser import BytesParser

from desktop.core.text import one_line

PREVIEW_CHARS = 200
MAX_DEPTH = 64  # MIME nesting we follow; deeper parts are ignored, never recursed into
FUTURE_SLACK = timedelta(days=1)

# Labels seen in the wild → the Python codec that actually decodes such mail.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_2",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
# Labels that often hide UTF-8 (or other 8-bit text) in practice.
_WEAK_LABELS = {"ascii", "cp1252", "unknown-8bit", "x-unknown", "unknown", "default", ""}
_NOT_ASCII_BASED = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-7"}
_BLOCK_RE = re.compile(
    r"</?(p|div|br|tr|td|th|li|ul|ol|h[1-6]|table|blockquote|pre|hr|img|section|article)\b", re.IGNORECASE
)


def _codec(charset: str | None) -> str:
    name = (charset or "").strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    if not name:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "unknown"


def _guess(data: bytes) -> str:
    """Decode bytes whose charset is unknown or wrong."""
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8")
    if b"\x1b$B" in data or b"\x1b$@" in data or b"\x1b(J" in data:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("iso2022_jp_2")
    high = sum(1 for b in data if b >= 0x80)
    # CJK text is mostly high bytes; Latin-1 text has a few accented letters among ASCII.
    if data and high * 2 >= len(data.strip()):
        for codec in ("gb18030", "big5hkscs", "cp932"):
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode(codec)
    return data.decode("cp1252", errors="replace")


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes → text, trusting the declared charset only as far as it actually decodes."""
    codec = _codec(charset)
    if codec not in _NOT_ASCII_BASED and not data.isascii():
        # Mislabelled UTF-8 is the commonest lie, and GB18030 "decodes" anything: UTF-8 first.
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8")
    if codec in _WEAK_LABELS or codec == "unknown":
        if codec == "ascii" and data.isascii():
            return data.decode("ascii")
        return _guess(data)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8")
    return data.decode(codec, errors="replace")


def b64decode_loosely(data: str | bytes) -> bytes:
    """Base64 that may be cut short (partial fetch), unpadded or sprinkled with junk."""
    if isinstance(data, str):
        data = data.encode("ascii", "ignore")
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    clean = clean[: len(clean) - 1] if len(clean) % 4 == 1 else clean
    try:
        return base64.b64decode(clean + b"=" * (-len(clean) % 4))
    except (binascii.Error, ValueError):
        return b""


def clean_line(text: str) -> str:
    """One line of display text: no control characters, no bidi overrides, single spaces."""
    return one_line(text)


def decode_header_text(value: str | bytes | None) -> str:
    """A raw header value (possibly undeclared 8-bit, possibly RFC 2047) → display text."""
    if value is None:
        return ""
    if isinstance(value, str):
        raw = value.encode("ascii", "surrogateescape") if _has_surrogates(value) else None
        text = value if raw is None else _guess(raw)
    else:
        text = _guess(value)
    text = re.sub(r"\r?\n[ \t]*", " ", text)  # unfold
    if "=?" not in text:
        return clean_line(text)
    try:
        parts = email.header.decode_header(text)
    except Exception:
        return clean_line(_decode_words_loosely(text))
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset) if charset else _guess(chunk))
        else:
            out.append(chunk)
    return clean_line("".join(out))


_WORD_RE = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _decode_words_loosely(text: str) -> str:
    """Encoded-words that the stdlib rejected (bad base64, bad padding): decode each by hand."""

    def one(m: re.Match[str]) -> str:
        charset, enc, payload = m.group(1).split("*", 1)[0], m.group(2).lower(), m.group(3)
        try:
            if enc == "b":
                data = b64decode_loosely(payload)
            else:
                data = email.quoprimime.header_decode(payload).encode("latin-1", "replace")
        except (binascii.Error, ValueError):
            return m.group(0)
        return decode_bytes(data, charset)

    # Whitespace between adjacent encoded-words is not part of the text (RFC 2047 §6.2).
    text = re.sub(r"(\?=)\s+(=\?)", r"\1\2", text)
    return _WORD_RE.sub(one, text)


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def raw_header(msg: Message, name: str) -> str | None:
    """The header as it was sent, before the policy's own (strict) decoding."""
    lname = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == lname:
            return str(value)
    return None


def format_address_list(value: str | None, limit: int = 20) -> str:
    if not value:
        return ""
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:
        return decode_header_text(value)
    out = []
    for name, addr in pairs[:limit]:
        shown = format_address(name, addr)
        if shown:
            out.append(shown)
    return ", ".join(out) if out else decode_header_text(value)


def format_address(name: str, addr: str) -> str:
    name = decode_header_text(name).strip('"').strip()
    addr = clean_line(decode_header_text(addr))
    if name and addr and name.lower() != addr.lower():
        return f"{name} <{addr}>"
    return addr or name


def sender_of(msg: Message) -> str:
    value = raw_header(msg, "From") or raw_header(msg, "Sender") or raw_header(msg, "Reply-To")
    if not value:
        return "(unknown sender)"
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:
        pairs = []
    for name, addr in pairs:
        shown = format_address(name, addr)
        if shown:
            return shown
    return decode_header_text(value) or "(unknown sender)"


def parse_date(value: str | None, internal: datetime | None = None, now: datetime | None = None) -> datetime:
    """The Date header, unless it is missing, unparseable or claims to be from the future."""
    fallback = internal or now or datetime.now(UTC)
    if fallback.tzinfo is None:
        fallback = fallback.replace(tzinfo=UTC)
    if not value:
        return fallback
    try:
        parsed = email.utils.parsedate_to_datetime(decode_header_text(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return fallback
    if parsed is None:
        return fallback
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    ceiling = max(fallback, now or datetime.now(UTC)) if internal is None else fallback
    if parsed > ceiling + FUTURE_SLACK or parsed.year < 1971:
        return fallback
    return parsed


def is_urgent(msg: Message) -> bool:
    prio = (raw_header(msg, "X-Priority") or "").strip()
    importance = (raw_header(msg, "Importance") or "").strip().lower()
    priority = (raw_header(msg, "Priority") or "").strip().lower()
    return prio[:1] in ("1", "2") or importance == "high" or priority == "urgent"


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment (for previews): tags, scripts and styles dropped."""
    # nh3 (a 1.6 MB extension) and html (its HTML5 entity table, 0.35 MB) are imported on
    # the first HTML part, not at every start (issue 9).
    import html

    import nh3

    markup = _BLOCK_RE.sub(r" \g<0>", markup)  # "<p>a</p><p>b</p>" reads "a b", not "ab"
    try:
        stripped = nh3.clean(
            markup, tags=set(), clean_content_tags={"script", "style", "head", "title", "template"}
        )
    except Exception:
        stripped = re.sub(r"<[^>]*>", " ", markup)
    return html.unescape(stripped)


def make_preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """One line of at most ``limit`` characters, skipping quoted replies and signatures."""
    lines: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if s == "--":
            break  # signature separator
        if not s or s.startswith(">"):
            continue
        lines.append(s)
        if sum(len(x) for x in lines) > limit * 2:
            break
    return one_line(" ".join(lines), limit)


def _decode_payload(part: Message) -> bytes:
    """The part's bytes, tolerant of truncated base64 (partial fetches) and junk."""
    cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    payload = part.get_payload(decode=False)
    if isinstance(payload, list):
        return b""
    if not isinstance(payload, str):
        payload = str(payload or "")
    if cte == "base64":
        return b64decode_loosely(payload)
    try:
        decoded = part.get_payload(decode=True)
    except Exception:
        decoded = None
    if isinstance(decoded, bytes):
        return decoded
    return payload.encode("utf-8", "surrogateescape")


def part_text(part: Message) -> str:
    """Decoded text of a leaf part (text/plain or text/html)."""
    try:
        charset = part.get_param("charset")
    except Exception:
        charset = None
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2] if len(charset) > 2 else None
    return decode_bytes(_decode_payload(part), str(charset) if charset else None)


def content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def filename_of(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name")
    except Exception:
        name = None
    if isinstance(name, tuple):
        name = email.utils.collapse_rfc2231_value(name)
    return decode_header_text(str(name)) if name else ""


def is_attachment(part: Message) -> bool:
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except Exception:
        disposition = ""
    if disposition == "attachment":
        return True
    ctype = content_type(part)
    if ctype.startswith("multipart/"):
        return False
    if filename_of(part) and disposition != "inline":
        return True
    return not ctype.startswith("text/") and disposition != "inline"


def leaves(msg: Message, max_depth: int = MAX_DEPTH) -> list[Message]:
    """Leaf parts in document order, without recursion (hostile nesting cannot blow the stack)."""
    out: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            if depth < max_depth:
                # A multipart's payload is its list of sub-messages.
                stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
        else:
            out.append(part)
    return out


def text_of(msg: Message) -> tuple[str, str]:
    """(first text/plain body, first text/html body) that are not attachments."""
    plain = markup = ""
    for part in leaves(msg):
        ctype = content_type(part)
        if is_attachment(part) and ctype not in ("text/plain", "text/html"):
            continue
        if (part.get_content_disposition() or "") == "attachment":
            continue
        if ctype == "text/plain" and not plain:
            plain = part_text(part)
        elif ctype == "text/html" and not markup:
            markup = part_text(part)
        if plain and markup:
            break
    return plain, markup


def parse_bytes(raw: bytes) -> EmailMessage:
    # email.policy (its header registry and parser: 0.55 MB) loads with the first body, a
    # reply or a draft; a new mail's listing reads its header with parse_header_bytes.
    from email import policy

    return BytesParser(policy=policy.default).parsebytes(raw)


def parse_header_bytes(raw: bytes) -> Message:
    """A mail's header block, for ``listing_from_message``: the standard library's
    compat32 parse, which keeps each header as it was sent. The listing reads only those
    (``raw_header``) and decodes them itself, so it is the same as with ``parse_bytes``
    (a property test checks), without loading email.policy at every start (issue 9)."""
    return BytesParser().parsebytes(raw)


@dataclasses.dataclass(slots=True)
class Listing:
    """What the inbox list needs of one mail."""

    sender: str
    title: str
    preview: str
    time: datetime
    message_id: str
    to: str
    urgent: bool
    has_attachments: bool


def listing_from_message(
    msg: Message, internal_date: datetime | None = None, preview_text: str | None = None
) -> Listing:
    subject = decode_header_text(raw_header(msg, "Subject"))
    if preview_text is None:
        try:
            plain, markup = text_of(msg)
            preview_text = plain if plain.strip() else html_to_text(markup)
        except Exception:
            preview_text = ""
    try:
        attachments = any(is_attachment(p) for p in leaves(msg))
    except Exception:
        attachments = False
    return Listing(
        sender=sender_of(msg),
        title=subject or "(no subject)",
        preview=make_preview(preview_text),
        time=parse_date(raw_header(msg, "Date"), internal_date),
        message_id=clean_line(raw_header(msg, "Message-ID") or "")[:998],
        to=format_address_list(raw_header(msg, "To")),
        urgent=is_urgent(msg),
        has_attachments=attachments,
    )


def parse_listing(raw: bytes, internal_date: datetime | None = None) -> Listing:
    """A whole (or truncated) raw mail → listing fields. Never raises."""
    try:
        return listing_from_message(parse_bytes(raw), internal_date)
    except Exception:
        return Listing(
            "(unknown sender)",
            "(unparseable message)",
            "",
            parse_date(None, internal_date),
            "",
            "",
            False,
            False,
        )


def preview_from_part(data: bytes, ctype: str, charset: str | None, cte: str) -> str:
    """Preview text from the first bytes of one MIME part (fetched alone with BODY.PEEK[n]<0.N>)."""
    cte = (cte or "7bit").lower()
    if cte == "base64":
        data = b64decode_loosely(data)
    elif cte == "quoted-printable":
        # a soft line break cut in half at the end of a partial fetch is harmless here
        data = quopri.decodestring(data)
    text = decode_bytes(data, charset)
    if ctype.lower() == "text/html":
        text = html_to_text(text)
    return make_preview(text)
