"""Replies, reply-alls and forwards: plain text, the original quoted, threading headers right.

A :class:`Draft` is what the compose window edits; :func:`render` turns it into
the bytes that are stored in the outbox and sent, once. The Message-ID is made
when the draft is created, so a draft saved and reopened, or a send retried
after a crash, keeps it: that is how Sent is searched before a resend.

Everything a user or a remote sender controls is checked here and refused with
a :class:`ComposeError` that says what is wrong (a line break in a header, an
unusable address, text that cannot be encoded), never a traceback.
"""

from __future__ import annotations

import dataclasses
import email.utils
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email import errors, policy
from email.header import Header
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.message import EmailMessage, Message

from desktop.core.i18n import lazy, localized
from desktop.sources.imap import parse
from desktop.sources.smtp.outgoing import MESSAGE_ID_RE, Outgoing

# 7bit output: UTF-8 text goes out quoted-printable (mostly Latin) or base64 (mostly CJK),
# whichever is shorter, so the bytes pass any server and APPEND unchanged, without 8BITMIME.
# refold_source="none": the address fields set folded already (_set_addresses) stay as set.
_POLICY = policy.SMTP.clone(cte_type="7bit", refold_source="none")
MAX_BODY_CHARS = 5_000_000  # more is not a typed reply; servers cap whole mails at 10-50 MB
MAX_SUBJECT_CHARS = 1000
MAX_RECIPIENTS = 500
MAX_REFERENCES = 20  # the thread's root plus the newest ones (RFC 5537 §3.4.4 trims the same way)
MAX_QUOTED_CHARS = 2_000_000

# The compose window passes these through its own tr(), so the quote line follows the UI language.
ATTRIBUTION = "On {date}, {sender} wrote:"
ATTRIBUTION_UNDATED = "{sender} wrote:"
FORWARD_HEADER = "---------- Forwarded message ----------"

# Prefixes mail clients put in front of a subject, in the languages they are met in at
# work: Re (RFC 5322 §3.6.5), Aw (German), Sv (Nordic), Antw (Dutch), 回复/答复/回覆 (Chinese);
# Fwd/Fw, Wg (German), Tr (French), 转发/轉寄/转寄/轉發. "Re[2]:", "Re^2:" and full-width colons too.
_COUNT = r"(?:\s*\[\d+\]|\^\d+)?"
_REPLY_PREFIX_RE = re.compile(
    rf"^(?:\s*(?:re|aw|sv|antw|回复|答复|回覆|答覆){_COUNT}\s*[:：]\s*)+", re.IGNORECASE
)
_FORWARD_PREFIX_RE = re.compile(
    rf"^(?:\s*(?:fwd?|wg|tr|转发|轉寄|转寄|轉發){_COUNT}\s*[:：]\s*)+", re.IGNORECASE
)
_MSGID_TOKEN_RE = re.compile(r"<[^<>\s]{1,250}>")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Everything str.splitlines() breaks on, which the email package would read as a new header line.
_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_HEADERS = HeaderRegistry()


class ComposeError(ValueError):
    """The message cannot be built as asked; ``str()`` says why, in words for the user and in
    their language (the compose window shows it as it is)."""

    def __init__(self, message: str) -> None:
        super().__init__(localized(message))


@dataclasses.dataclass(frozen=True, slots=True)
class Mailbox:
    """A display name and an address, as typed or as found in a header (already decoded)."""

    name: str
    address: str

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclasses.dataclass(frozen=True, slots=True)
class Identity:
    """Who sends: the account's name and address; ``aliases`` are also the user's own."""

    name: str
    address: str
    aliases: tuple[str, ...] = ()

    def owns(self, address: str) -> bool:
        wanted = address.strip().lower()
        return any(wanted == a.strip().lower() for a in (self.address, *self.aliases))

    @property
    def mailbox(self) -> Mailbox:
        return Mailbox(self.name, self.address)


@dataclasses.dataclass(frozen=True, slots=True)
class Original:
    """What a reply or forward needs of the mail it answers. Text is decoded ``str``."""

    subject: str = ""
    sender: tuple[Mailbox, ...] = ()  # From
    reply_to: tuple[Mailbox, ...] = ()
    to: tuple[Mailbox, ...] = ()
    cc: tuple[Mailbox, ...] = ()
    date: datetime | None = None
    message_id: str = ""
    references: tuple[str, ...] = ()
    in_reply_to: tuple[str, ...] = ()
    text: str = ""

    @classmethod
    def from_bytes(cls, raw: bytes) -> Original:
        """A whole raw mail (as fetched with BODY.PEEK[]); tolerant of broken MIME and charsets."""
        msg = parse.parse_bytes(raw)
        try:
            plain, markup = parse.text_of(msg)
        except Exception:  # broken MIME: quote nothing rather than fail the reply
            plain, markup = "", ""
        text = plain if plain.strip() or not markup else parse.html_to_text(markup).strip()
        return cls._from_message(msg, text)

    @classmethod
    def from_headers(cls, header: bytes, text: str) -> Original:
        """Raw header bytes (BODY.PEEK[HEADER]) plus the body text the detail pane already has."""
        return cls._from_message(parse.parse_bytes(header.rstrip(b"\r\n") + b"\r\n\r\n"), text)

    @classmethod
    def _from_message(cls, msg: Message, text: str) -> Original:
        def raw(name: str) -> str | None:
            return parse.raw_header(msg, name)

        return cls(
            subject=parse.decode_header_text(raw("Subject")),
            sender=parse_mailboxes(raw("From")),
            reply_to=parse_mailboxes(raw("Reply-To")),
            to=parse_mailboxes(raw("To")),
            cc=parse_mailboxes(raw("Cc")),
            date=_sent_at(raw("Date")),
            message_id=next(iter(message_ids(raw("Message-ID"))), ""),
            references=message_ids(raw("References")),
            in_reply_to=message_ids(raw("In-Reply-To")),
            text=text,
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Draft:
    """What the compose window edits. ``message_id`` is fixed for the draft's whole life."""

    identity: Identity
    message_id: str
    to: tuple[Mailbox, ...] = ()
    cc: tuple[Mailbox, ...] = ()
    bcc: tuple[Mailbox, ...] = ()
    subject: str = ""
    body: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()


# -- headers read from received mail ---------------------------------------------------------


def _sent_at(value: str | None) -> datetime | None:
    """The Date header, or None: a quote line must not claim a time the mail does not carry."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(parse.decode_header_text(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_mailboxes(value: str | None) -> tuple[Mailbox, ...]:
    """Addresses of a received header; entries a reply could not be sent to are left out."""
    if not value:
        return ()
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:
        return ()
    out: list[Mailbox] = []
    for name, addr in pairs:
        address = parse.clean_line(parse.decode_header_text(addr))
        try:
            _envelope_address(address, "address")
        except ComposeError:
            continue
        out.append(Mailbox(parse.decode_header_text(name).strip('"').strip(), address))
    return tuple(out)


def message_ids(value: str | None) -> tuple[str, ...]:
    """The ``<id>`` tokens of Message-ID, In-Reply-To or References, in order; junk dropped."""
    if not value:
        return ()
    return tuple(t for t in _MSGID_TOKEN_RE.findall(value) if t.isascii() and t.isprintable())


# -- subjects and threading ------------------------------------------------------------------


def reply_subject(subject: str) -> str:
    """ "Re: x" for "x", "Re: x", "RE: Re: x", "Aw: x", "回复：x"; "Re: Fwd: x" for "Fwd: x"."""
    rest = _REPLY_PREFIX_RE.sub("", subject.strip(), count=1)
    return f"Re: {rest}".rstrip()


def forward_subject(subject: str) -> str:
    """ "Fwd: x" for "x", "Fwd: x", "FW: x", "转发: x"; "Fwd: Re: x" for "Re: x"."""
    rest = _FORWARD_PREFIX_RE.sub("", subject.strip(), count=1)
    return f"Fwd: {rest}".rstrip()


def thread_references(original: Original) -> tuple[str, ...]:
    """RFC 5322 §3.6.4: the parent's References (or its single In-Reply-To) plus its Message-ID.

    A very long chain keeps its first id (the thread's root, which clients thread by)
    and the newest ones, so the header stays a sane size however long the thread runs.
    """
    if original.references:
        chain = list(original.references)
    elif len(original.in_reply_to) == 1:
        chain = list(original.in_reply_to)
    else:
        chain = []
    if original.message_id:
        chain.append(original.message_id)
    unique: list[str] = []
    for i in chain:
        if i not in unique:
            unique.append(i)
    if len(unique) > MAX_REFERENCES:
        unique = [unique[0], *unique[-(MAX_REFERENCES - 1) :]]
    return tuple(unique)


def new_message_id(identity: Identity) -> str:
    """A globally unique Message-ID in the domain of the sender's address."""
    return email.utils.make_msgid(domain=_ascii_domain(identity.address, "your account's address"))


# -- building drafts ------------------------------------------------------------------------


def reply(
    original: Original, identity: Identity, attribution: str = ATTRIBUTION, undated: str = ATTRIBUTION_UNDATED
) -> Draft:
    """Reply to the sender (Reply-To if set); to one's own sent mail, reply to its recipients."""
    if original.sender and all(identity.owns(m.address) for m in original.sender):
        to = _unique(original.to, identity) or original.sender
    else:
        to = _unique(original.reply_to or original.sender, identity) or original.reply_to or original.sender
    return _answer(original, identity, to, (), attribution, undated)


def reply_all(
    original: Original, identity: Identity, attribution: str = ATTRIBUTION, undated: str = ATTRIBUTION_UNDATED
) -> Draft:
    """Reply to the sender and every recipient, without the user's own addresses or repeats."""
    own_mail = bool(original.sender) and all(identity.owns(m.address) for m in original.sender)
    first = original.to if own_mail else (original.reply_to or original.sender)
    rest = () if own_mail else original.to
    to = _unique((*first, *rest), identity)
    cc = _unique(original.cc, identity, exclude=to)
    if not to and not cc:
        # Everything was addressed to the user alone: answer the sender as Reply would.
        to = original.reply_to or original.sender
    return _answer(original, identity, to, cc, attribution, undated)


def forward(original: Original, identity: Identity, header: str = FORWARD_HEADER) -> Draft:
    """Forward inline; recipients left for the user. References keep it in the user's thread."""
    lines = [header, f"From: {_people(original.sender)}"]
    if original.date is not None:
        lines.append(f"Date: {_show_date(original.date)}")
    lines.append(f"Subject: {_one_line(original.subject)}")
    if original.to:
        lines.append(f"To: {_people(original.to)}")
    if original.cc:
        lines.append(f"Cc: {_people(original.cc)}")
    body = "\n\n" + "\n".join(lines) + "\n\n" + _clean_original(original.text)
    return Draft(
        identity=identity,
        message_id=new_message_id(identity),
        subject=forward_subject(_one_line(original.subject)),
        body=body,
        references=thread_references(original),
    )


def quote(text: str) -> str:
    """Each line prefixed with "> " (">" before an already quoted or empty line)."""
    lines = _clean_original(text).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(">" + line if not line or line.startswith(">") else "> " + line for line in lines)


def _answer(
    original: Original,
    identity: Identity,
    to: Sequence[Mailbox],
    cc: Sequence[Mailbox],
    attribution: str,
    undated: str,
) -> Draft:
    who = _people(original.sender[:1]) or "(unknown sender)"
    when = _show_date(original.date) if original.date is not None else ""
    try:
        line = (attribution if when else undated).format(date=when, sender=who)
    except (KeyError, IndexError, ValueError):  # a broken translation must not stop a reply
        line = (ATTRIBUTION if when else ATTRIBUTION_UNDATED).format(date=when, sender=who)
    quoted = quote(original.text)
    return Draft(
        identity=identity,
        message_id=new_message_id(identity),
        to=tuple(_clean_box(m) for m in to),
        cc=tuple(_clean_box(m) for m in cc),
        subject=reply_subject(_one_line(original.subject)),
        body=f"\n\n{line}\n{quoted}\n" if quoted else f"\n\n{line}\n",
        in_reply_to=original.message_id,
        references=thread_references(original),
    )


def _unique(
    boxes: Iterable[Mailbox], identity: Identity, exclude: Iterable[Mailbox] = ()
) -> tuple[Mailbox, ...]:
    seen = {m.address.lower() for m in exclude}
    out: list[Mailbox] = []
    for m in boxes:
        key = m.address.lower()
        if key in seen or identity.owns(m.address):
            continue
        seen.add(key)
        out.append(m)
    return tuple(out)


def _clean_box(box: Mailbox) -> Mailbox:
    """A name from someone else's header, made one line (its address is checked at render)."""
    return Mailbox(_one_line(box.name), box.address)


def _people(boxes: Sequence[Mailbox]) -> str:
    return ", ".join(_one_line(str(m)) for m in boxes)


def _one_line(text: str) -> str:
    """A value from someone else's header, safe for a header or a line of the body."""
    return parse.clean_line(_clean_original(text))


def _show_date(when: datetime) -> str:
    """Local time, no weekday or month names: the same in every language and locale."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _clean_original(text: str) -> str:
    """Someone else's text, made safe to send: one kind of line end, no NULs or stray controls."""
    cut = len(text) > MAX_QUOTED_CHARS
    text = text[:MAX_QUOTED_CHARS].encode("utf-8", "replace").decode("utf-8")  # lone surrogates → ?
    text = _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text + "\n[…]" if cut else text  # a very long original is quoted in part, visibly


# -- user input and rendering ----------------------------------------------------------------


def parse_recipients(text: str, field: str = "To") -> tuple[Mailbox, ...]:
    """What the user typed in To/Cc/Bcc ("Ann <ann@example.com>, bob@example.org")."""
    _check_line(field, text)
    if not text.strip():
        return ()
    unusable = ComposeError(
        lazy.translate("Compose", "{0}: {1} is not a list of email addresses.").format(
            _field(field), repr(text.strip())
        )
    )
    try:
        header = _HEADERS("To", text)  # parsed as an address list whatever the field is called
        addresses = header.addresses if isinstance(header, AddressHeader) else ()
    except Exception as exc:  # 3.11's parser crashes on some input ("<" IndexError, ":;0" AttributeError)
        raise unusable from exc
    if not addresses or any(isinstance(d, errors.InvalidHeaderDefect) for d in header.defects):
        raise unusable
    out: list[Mailbox] = []
    for a in addresses:
        box = Mailbox(a.display_name.strip(), a.addr_spec.strip())
        _envelope_address(box.address, field)
        out.append(box)
    return tuple(out)


def render(draft: Draft, date: datetime | None = None) -> Outgoing:
    """The bytes to store in the outbox and send, with their envelope. Raises ComposeError."""
    identity = draft.identity
    recipients = (*draft.to, *draft.cc, *draft.bcc)
    if not recipients:
        raise ComposeError(lazy.translate("Compose", "Add at least one recipient."))
    if len(recipients) > MAX_RECIPIENTS:
        raise ComposeError(
            lazy.translate("Compose", "{0} recipients are too many: at most {1} per message.").format(
                len(recipients), MAX_RECIPIENTS
            )
        )
    if not MESSAGE_ID_RE.fullmatch(draft.message_id):
        raise ComposeError(
            lazy.translate("Compose", "The draft's Message-ID is damaged; start a new message.")
        )
    _check_line("subject", draft.subject)
    if len(draft.subject) > MAX_SUBJECT_CHARS:
        raise ComposeError(
            lazy.translate("Compose", "The subject is {0} characters long: at most {1}.").format(
                len(draft.subject), MAX_SUBJECT_CHARS
            )
        )
    _check_text("message text", draft.body)
    if len(draft.body) > MAX_BODY_CHARS:
        raise ComposeError(
            lazy.translate(
                "Compose",
                "The message text is {0} million characters long: at most {1} million. "
                "Send a long text as an attachment instead.",
            ).format(f"{len(draft.body) / 1e6:.1f}", f"{MAX_BODY_CHARS / 1e6:.0f}")
        )
    msg = EmailMessage(policy=_POLICY)
    _set_addresses(msg, "From", [_address_header(identity.mailbox, "From")])
    if draft.to:
        _set_addresses(msg, "To", [_address_header(m, "To") for m in draft.to])
    if draft.cc:
        _set_addresses(msg, "Cc", [_address_header(m, "Cc") for m in draft.cc])
    for m in draft.bcc:  # checked, never written: Bcc stays in the envelope only
        _address_header(m, "Bcc")
    msg["Subject"] = draft.subject
    msg["Date"] = email.utils.format_datetime(date or datetime.now().astimezone())
    msg["Message-ID"] = draft.message_id
    if _is_msgid(draft.in_reply_to):
        msg["In-Reply-To"] = draft.in_reply_to
    refs = [r for r in draft.references if _is_msgid(r)]
    if refs:
        msg["References"] = " ".join(refs)
    body = draft.body.replace("\r\n", "\n").replace("\r", "\n")
    msg.set_content(body if body.endswith("\n") else body + "\n", charset="utf-8")
    try:
        data = msg.as_bytes(policy=_POLICY)
    except (UnicodeError, ValueError, TypeError) as exc:  # the checks above should make this unreachable
        raise ComposeError(
            lazy.translate("Compose", "The message cannot be encoded: {0}").format(exc)
        ) from exc
    seen: set[str] = set()
    envelope = []
    for m in recipients:
        address = _envelope_address(m.address, "recipient")
        if address.lower() not in seen:
            seen.add(address.lower())
            envelope.append(address)
    return Outgoing(
        message_id=draft.message_id,
        data=data,
        mail_from=_envelope_address(identity.address, "From"),
        recipients=tuple(envelope),
    )


_UNUSABLE = lazy.translate("Compose", "{0}: {1} is not a usable email address.")
_BAD_DOMAIN = lazy.translate("Compose", "{0}: the domain of {1} is not a valid name.")
#: The fields the checks name, as the sentences above show them; To, Cc, Bcc and From as the
#: compose window labels them ("抄送" in Chinese), not as header names.
_FIELDS = {
    "To": lazy.translate("Compose", "To"),
    "Cc": lazy.translate("Compose", "Cc"),
    "Bcc": lazy.translate("Compose", "Bcc"),
    "From": lazy.translate("Compose", "From"),
    "subject": lazy.translate("Compose", "The subject"),
    "message text": lazy.translate("Compose", "The message text"),
    "recipient": lazy.translate("Compose", "A recipient"),
    "To name": lazy.translate("Compose", "A To name"),
    "Cc name": lazy.translate("Compose", "A Cc name"),
    "Bcc name": lazy.translate("Compose", "A Bcc name"),
    "From name": lazy.translate("Compose", "The From name"),
    "To address": lazy.translate("Compose", "A To address"),
    "Cc address": lazy.translate("Compose", "A Cc address"),
    "Bcc address": lazy.translate("Compose", "A Bcc address"),
    "From address": lazy.translate("Compose", "The From address"),
    "recipient address": lazy.translate("Compose", "A recipient address"),
}


def _field(name: str) -> str:
    return _FIELDS.get(name, name)


def _is_msgid(value: str) -> bool:
    return bool(_MSGID_TOKEN_RE.fullmatch(value)) and value.isascii() and value.isprintable()


def _check_line(field: str, value: str) -> None:
    """A header value: one line (no injected headers), valid Unicode, no NUL."""
    if any(c in _LINE_BREAKS for c in value):
        raise ComposeError(
            lazy.translate("Compose", "{0} contains a line break; a header must be one line.").format(
                _field(field)
            )
        )
    _check_text(field, value)


def _check_text(field: str, value: str) -> None:
    if "\0" in value:
        raise ComposeError(
            lazy.translate("Compose", "{0} contains a NUL character, which mail cannot carry.").format(
                _field(field)
            )
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ComposeError(
            lazy.translate(
                "Compose", "{0} contains an invalid character (a lone surrogate at position {1})."
            ).format(_field(field), exc.start)
        ) from exc


def _address_header(box: Mailbox, field: str) -> Address:
    _check_line(f"{field} name", box.name)
    address = _envelope_address(box.address, field)
    local, domain = address.rsplit("@", 1)
    try:
        return Address(display_name=box.name, username=local, domain=domain)
    except (ValueError, IndexError, TypeError) as exc:
        raise ComposeError(
            lazy.translate("Compose", "{0}: {1} is not a usable email address ({2}).").format(
                _field(field), repr(box.address), exc
            )
        ) from exc


def _set_addresses(msg: EmailMessage, field: str, addresses: Sequence[Address]) -> None:
    """Set an address field. Python's header folder (3.11-3.13, CPython gh-144156) drops the
    space between two non-ASCII words of a display name when a fold falls there: their
    encoded-words come out adjacent, and RFC 2047 readers join adjacent encoded-words. So a
    non-ASCII name is encoded by the legacy ``Header``, which keeps every space inside the
    encoded text, one address per line; ASCII names are left to the policy."""
    if all(a.display_name.isascii() for a in addresses):
        msg[field] = addresses
        return
    entries = []
    for index, a in enumerate(addresses):
        if a.display_name.isascii():
            entries.append(str(a))  # quoted where it needs to be
            continue
        name = Header(a.display_name, "utf-8", header_name=field if index == 0 else None, continuation_ws=" ")
        entries.append(f"{name.encode(linesep=chr(10))}\n <{a.addr_spec}>")
    msg.set_raw(field, ",\n ".join(entries))


def _envelope_address(address: str, field: str) -> str:
    """The ASCII form an SMTP server takes: an IDN domain punycoded; refused if impossible."""
    _check_line(f"{field} address", address)
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c in address for c in ' <>(),;:"[]\\\t'):
        raise ComposeError(
            lazy.translate("Compose", "{0}: {1} is not an email address.").format(
                _field(field), repr(address)
            )
        )
    if not local.isascii():
        raise ComposeError(
            lazy.translate(
                "Compose",
                "{0}: {1} has non-ASCII characters before the @, which this server connection "
                "cannot send (SMTPUTF8).",
            ).format(_field(field), repr(address))
        )
    ascii_domain = _ascii_domain(address, field)
    try:
        parsed = Address(addr_spec=f"{local}@{ascii_domain}")
    except (ValueError, IndexError, TypeError) as exc:
        raise ComposeError(_UNUSABLE.format(_field(field), repr(address))) from exc
    if parsed.username != local:
        raise ComposeError(_UNUSABLE.format(_field(field), repr(address)))
    return f"{local}@{ascii_domain}"


def _ascii_domain(address: str, field: str) -> str:
    domain = address.rpartition("@")[2].strip().rstrip(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError as exc:
        raise ComposeError(_BAD_DOMAIN.format(_field(field), repr(address))) from exc
    if (
        not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,251}[A-Za-z0-9])?", ascii_domain)
        or ".." in ascii_domain
    ):
        raise ComposeError(_BAD_DOMAIN.format(_field(field), repr(address)))
    return ascii_domain
