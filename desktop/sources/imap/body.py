"""The full mail, fetched when the user opens it: headers, text, sanitized HTML, attachment list.

Rendering must never make a network request (tracking pixels, read receipts):
every URL that a renderer would load by itself (img src/srcset, background,
CSS url(), link, ...) is removed. Links the user clicks (a href) are kept.
"""

from __future__ import annotations

import dataclasses
import imaplib
import re
from datetime import datetime
from email.message import Message
from typing import TypedDict

import nh3

from desktop.config.settings import MailAccount
from desktop.core.i18n import lazy, localized
from desktop.sources.imap import parse, structure
from desktop.sources.imap.connection import ImapProblem, account_secret, classify, close_quietly, connect

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a longer text part is cut: nobody reads 2 MB in a detail pane

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup",
    "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"style", "title", "align", "dir", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color", "face", "size"},
    "table": {"width", "border", "cellpadding", "cellspacing", "bgcolor"},
    "td": {"width", "colspan", "rowspan", "valign", "bgcolor"},
    "th": {"width", "colspan", "rowspan", "valign", "bgcolor"},
    "tr": {"valign", "bgcolor"},
    "col": {"span", "width"},
    "ol": {"start", "type"},
}
# CSS properties that cannot carry a URL.
_STYLE_PROPERTIES = {
    "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight",
    "text-align", "text-decoration", "text-indent", "line-height", "letter-spacing", "white-space",
    "margin", "margin-top", "margin-bottom", "margin-left", "margin-right", "padding", "padding-top",
    "padding-bottom", "padding-left", "padding-right", "border", "border-color", "border-style",
    "border-width", "border-collapse", "width", "height", "max-width", "vertical-align", "display",
}  # fmt: skip
_CLICKABLE = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
_EMBEDDED = re.compile(r"^(cid:|data:image/(png|gif|jpeg|webp);)", re.IGNORECASE)


@dataclasses.dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    size: int  # bytes as stored on the server (encoded size when listed from IMAP)
    content_type: str
    part: str = ""  # IMAP part specifier, for a later download


@dataclasses.dataclass(frozen=True, slots=True)
class MessageBody:
    subject: str
    sender: str
    to: str
    cc: str
    date: datetime | None
    message_id: str
    text: str
    html: str  # sanitized: safe to render, no remote content
    attachments: tuple[Attachment, ...] = ()
    remote_content_blocked: bool = False
    header: bytes = b""  # the raw header block, for a reply's threading headers and quote line


class _Blocker:
    """nh3 attribute filter that also remembers whether it dropped remote content."""

    def __init__(self) -> None:
        self.blocked = False

    def __call__(self, tag: str, attr: str, value: str) -> str | None:
        v = value.strip()
        if attr == "href":
            return v if _CLICKABLE.match(v) else None
        if attr in ("src", "srcset", "background", "poster", "lowsrc", "dynsrc"):
            if attr == "src" and _EMBEDDED.match(v):
                return v
            self.blocked = True
            return None
        if attr == "style":
            # Belt and braces on top of the property allow-list: no url(), no escapes, no imports.
            lowered = v.lower()
            if any(s in lowered for s in ("url", "\\", "expression", "@import", "image")):
                self.blocked = True
                return None
        return value


def sanitize_html(markup: str) -> tuple[str, bool]:
    """(safe HTML, whether remote content was removed)."""
    blocker = _Blocker()
    try:
        cleaned = nh3.clean(
            markup,
            tags=_TAGS,
            clean_content_tags={"script", "style", "title", "head", "template", "iframe", "object"},
            attributes=_ATTRIBUTES,
            attribute_filter=blocker,
            url_schemes={"http", "https", "mailto", "cid", "data"},
            filter_style_properties=_STYLE_PROPERTIES,
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    except Exception:
        # Never fall back to the raw markup: plain text is the safe failure.
        return f"<pre>{nh3.clean_text(parse.html_to_text(markup))}</pre>", True
    return cleaned, blocker.blocked


class _Headers(TypedDict):
    """The header fields of a MessageBody, by its field names."""

    subject: str
    sender: str
    to: str
    cc: str
    date: datetime | None
    message_id: str


def _headers(msg: Message) -> _Headers:
    return {
        "subject": parse.decode_header_text(parse.raw_header(msg, "Subject")) or "(no subject)",
        "sender": parse.sender_of(msg),
        "to": parse.format_address_list(parse.raw_header(msg, "To")),
        "cc": parse.format_address_list(parse.raw_header(msg, "Cc")),
        "date": _date(parse.raw_header(msg, "Date")),
        "message_id": parse.clean_line(parse.raw_header(msg, "Message-ID") or ""),
    }


def _date(value: str | None) -> datetime | None:
    return parse.parse_date(value) if value else None


def body_from_bytes(raw: bytes) -> MessageBody:
    """A whole raw mail → MessageBody. Never raises."""
    headers: _Headers
    try:
        msg = parse.parse_bytes(raw)
        plain, markup = parse.text_of(msg)
        found = [
            Attachment(
                parse.filename_of(p) or "(unnamed)", len(parse._decode_payload(p)), parse.content_type(p)
            )
            for p in parse.leaves(msg)
            if parse.is_attachment(p)
        ]
        headers = _headers(msg)
    except Exception:
        plain, markup, found = raw.decode("utf-8", "replace"), "", []
        headers = {
            "subject": "(unparseable message)",
            "sender": "",
            "to": "",
            "cc": "",
            "date": None,
            "message_id": "",
        }
    html, blocked = sanitize_html(markup) if markup else ("", False)
    if not plain and markup:
        plain = parse.html_to_text(markup).strip()
    return MessageBody(
        text=plain, html=html, attachments=tuple(found), remote_content_blocked=blocked, **headers
    )


class FetchError(Exception):
    """The mail cannot be shown; the message says why in words, in the user's language (the
    detail pane and "Move to…" show it as it is)."""

    def __init__(self, message: str) -> None:
        super().__init__(localized(message))


def fetch_message(
    account: MailAccount,
    folder: str,
    uidvalidity: int,
    uid: int,
    password: str | None = None,
    timeout: float = 30.0,
) -> MessageBody:
    """Fetch one mail for the detail pane. Blocking: call it from a worker thread.

    Only headers and text parts are downloaded; attachments are listed from
    BODYSTRUCTURE. The mail is opened read-only with BODY.PEEK, so this never
    sets \\Seen (marking read is the outbox's job). Raises :class:`FetchError`.
    """
    try:
        secret = password if password is not None else account_secret(account)
        client = connect(account, secret, timeout)
    except Exception as exc:
        raise FetchError(classify(exc, account).message) from exc
    try:
        info = client.select_folder(folder, readonly=True)
        if int(info.get(b"UIDVALIDITY", 0)) != uidvalidity:
            raise FetchError(
                lazy.translate("Status", "This mail is no longer on the server: the folder changed.")
            )
        data = client.fetch([uid], ["BODYSTRUCTURE", "BODY.PEEK[HEADER]"]).get(uid)
        if not data:
            raise FetchError(lazy.translate("Status", "This mail is no longer on the server."))
        parts = structure.parts(data.get(b"BODYSTRUCTURE"))
        msg = parse.parse_bytes(data.get(b"BODY[HEADER]") or b"")
        plain_part, html_part = structure.plain_part(parts), structure.html_part(parts)
        wanted = [p for p in (plain_part, html_part) if p is not None]
        texts: dict[str, str] = {}
        if wanted:
            resp = client.fetch([uid], [f"BODY.PEEK[{p.spec}]<0.{MAX_TEXT_BYTES}>" for p in wanted]).get(
                uid, {}
            )
            for p in wanted:
                raw = resp.get(f"BODY[{p.spec}]<0>".encode()) or b""
                texts[p.spec] = _decode_part(raw, p)
    except FetchError:
        raise
    except imaplib.IMAP4.abort as exc:
        raise FetchError(classify(exc, account).message) from exc
    except imaplib.IMAP4.error as exc:
        raise FetchError(
            lazy.translate("Status", "The server could not open this mail: {0}").format(exc)
        ) from exc
    except ImapProblem as exc:
        raise FetchError(exc.message) from exc
    except OSError as exc:
        raise FetchError(classify(exc, account).message) from exc
    finally:
        close_quietly(client)
    plain = texts.get(plain_part.spec, "") if plain_part else ""
    markup = texts.get(html_part.spec, "") if html_part else ""
    html, blocked = sanitize_html(markup) if markup else ("", False)
    if not plain and markup:
        plain = parse.html_to_text(markup).strip()
    found = tuple(
        Attachment(p.filename or "(unnamed)", p.size, p.ctype, p.spec) for p in structure.attachments(parts)
    )
    return MessageBody(
        text=plain,
        html=html,
        attachments=found,
        remote_content_blocked=blocked,
        header=bytes(data.get(b"BODY[HEADER]") or b""),
        **_headers(msg),
    )


def _decode_part(raw: bytes, part: structure.Part) -> str:
    """Decode one part fetched alone, by building a tiny MIME entity the email package understands."""
    head = (
        f'Content-Type: {part.ctype}; charset="{part.charset or "us-ascii"}"\r\n'
        f"Content-Transfer-Encoding: {part.encoding or '7bit'}\r\n\r\n"
    ).encode()
    return parse.part_text(parse.parse_bytes(head + raw))
