"""User names and passwords as IMAP and SMTP carry them in SASL (RFC 4616: UTF-8)."""

from __future__ import annotations

from desktop.core.i18n import lazy

#: A sign-in failure: {0} is the mail server. Nothing was sent to it.
UNSENDABLE = lazy.translate(
    "Status",
    "The user name or password holds a character that cannot be sent to {0} "
    "(a NUL character or broken Unicode text): enter them again.",
)


def sasl_utf8(text: str) -> bytes | None:
    """A user name or password as SASL carries it: UTF-8, or None for text that cannot go as
    it is. A NUL would split PLAIN's fields; a lone surrogate has no UTF-8, and its
    UnicodeEncodeError holds the whole password (its repr would reach an "unexpected
    failure" log line), so it must not escape from here."""
    if "\0" in text:
        return None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None
