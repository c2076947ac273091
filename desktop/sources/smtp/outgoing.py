"""One message ready to send: its bytes, rendered once, and its envelope."""

from __future__ import annotations

import dataclasses
import re

# What compose.new_message_id() produces and what Sent is searched for: no spaces, no
# quotes, no brackets inside, so it is safe as an IMAP SEARCH argument.
MESSAGE_ID_RE = re.compile(r"<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]{1,250}@[A-Za-z0-9.\-]{1,250}>")


@dataclasses.dataclass(frozen=True, slots=True)
class Outgoing:
    """What the outbox stores before the first attempt and hands back on every retry.

    The bytes are never rendered again: a retry after a crash sends exactly what
    the first attempt sent, with the same Message-ID, so it can be recognised.
    """

    message_id: str
    data: bytes
    mail_from: str
    recipients: tuple[str, ...]

    def __post_init__(self) -> None:
        if not MESSAGE_ID_RE.fullmatch(self.message_id):
            raise ValueError(f"not a Message-ID this sender can look for: {self.message_id!r}")
        if not self.recipients:
            raise ValueError("a message needs at least one recipient")
        for address in (self.mail_from, *self.recipients):
            if not address.isascii() or any(c in address for c in "\r\n\0<> "):
                raise ValueError(f"not an envelope address: {address!r}")
