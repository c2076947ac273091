"""What IDLE must not miss: announcements that came with other answers, and bytes already read.

A server announces new mail once (RFC 3501 7.3.1: EXISTS), in whichever response it
sends next. Two places hide such an announcement from a select() on the socket:

- the answer to one of our own commands (a SEARCH or FETCH while catching up):
  imaplib files it in ``untagged_responses`` and nobody looks, and the server does not
  repeat it in the next IDLE; the folder then stalls until the next mail arrives;
- imaplib's read buffer: "+ idling" and an EXISTS that followed at once are read
  together, so the socket has nothing left to be readable for.

imapclient exposes neither, hence the two small reads of its imaplib object here.
"""

from __future__ import annotations

import ssl

from imapclient import IMAPClient

# imaplib's keys for the untagged responses that mean "the folder changed"
_CHANGES = ("EXISTS", "RECENT", "FETCH", "EXPUNGE", "VANISHED")
_REMOVALS = ("EXPUNGE", "VANISHED")


def take_announcements(client: IMAPClient) -> tuple[bool, bool]:
    """(changed, expunged) from change announcements that arrived with earlier answers.

    Takes them out, so each is acted on once (and the lists do not grow all session).
    """
    pending = client._imap.untagged_responses
    changed = expunged = False
    for name in _CHANGES:
        if pending.pop(name, None):
            changed = True
            expunged = expunged or name in _REMOVALS
    return changed, expunged


def has_buffered_input(client: IMAPClient) -> bool:
    """True if bytes already received wait in imaplib's (or TLS's) buffer: select() cannot see them."""
    sock = client.socket()
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    reader = getattr(client._imap, "file", None)
    if reader is None or not hasattr(reader, "peek"):
        return False
    old = sock.gettimeout()
    sock.settimeout(0.0)  # peek() reads only when its buffer is empty: never block for it
    try:
        return bool(reader.peek(1))
    except (OSError, ValueError):
        # Nothing there yet (BlockingIOError, SSLWantReadError), or a broken or closed
        # connection: select() reports that, and the IDLE read path deals with it.
        return False
    finally:
        sock.settimeout(old)
