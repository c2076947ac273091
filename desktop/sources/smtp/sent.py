"""The Sent folder over IMAP: finding it, looking for a message in it, saving a copy once.

The caller hands in a function that opens a logged-in imapclient connection (the
IMAP source's own ``connect``), so this module needs no account settings and the
connection rules (TLS, timeouts, credentials) stay in one place.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import SENT

from desktop.core.i18n import Text, lazy
from desktop.sources.smtp.outgoing import MESSAGE_ID_RE, Outgoing

log = logging.getLogger(__name__)

FALLBACK_NAME = "Sent"
SEEN = b"\\Seen"


class SentFolderError(Exception):
    """Sent could not be reached or changed; ``str()`` says why. Worth retrying later."""


def find_sent_folder(client: Any, configured: str = "") -> str:
    """SPECIAL-USE ``\\Sent`` (RFC 6154); else the configured name; else a folder with a
    usual name (imapclient's list: "Sent Items", "Sent Messages", …); else "Sent".
    A configured or fallback folder that does not exist yet is created."""
    for flags, _delimiter, name in client.list_folders():
        if SENT in flags:
            return str(name)
    if configured:
        _ensure(client, configured)
        return configured
    found = client.find_special_folder(SENT)
    if found:
        return str(found)
    _ensure(client, FALLBACK_NAME)
    return FALLBACK_NAME


def _ensure(client: Any, name: str) -> None:
    if not client.folder_exists(name):
        client.create_folder(name)
        with contextlib.suppress(imaplib.IMAP4.error):
            client.subscribe_folder(name)


class SentFolder:
    """``connect()`` returns a logged-in IMAPClient; each call here opens one and closes it."""

    def __init__(self, connect: Callable[[], IMAPClient], configured: str = "") -> None:
        self._connect = connect
        self._configured = configured
        self._name: str | None = None  # found once, then kept: LIST is not free on big accounts

    def contains(self, message_id: str) -> bool:
        """Whether a message with this Message-ID is in Sent."""
        with self._session() as client:
            return bool(self._search(client, self._folder(client), message_id))

    def save(self, message: Outgoing) -> bool:
        """APPEND a copy marked \\Seen unless one is already there. True if it appended."""
        with self._session() as client:
            folder = self._folder(client)
            if self._search(client, folder, message.message_id):
                return False
            client.append(folder, message.data, flags=(SEEN,))
            return True

    @property
    def name(self) -> str | None:
        """The folder found by the last call, if any."""
        return self._name

    def _folder(self, client: Any) -> str:
        if self._name is None:
            self._name = find_sent_folder(client, self._configured)
        return self._name

    @staticmethod
    def _search(client: Any, folder: str, message_id: str) -> list[int]:
        if not MESSAGE_ID_RE.fullmatch(message_id):
            raise SentFolderError(f"not a Message-ID Tidings made: {message_id!r}")
        client.select_folder(folder, readonly=True)
        # HEADER search is a substring match; the whole "<...@...>" makes it exact in practice.
        return list(client.search(["HEADER", "Message-ID", message_id]))

    @contextlib.contextmanager
    def _session(self) -> Iterator[Any]:
        try:
            client = self._connect()
        except Exception as exc:
            raise SentFolderError(
                lazy.translate("Status", "Cannot reach the mail server to check Sent: {0}").format(
                    _words(exc)
                )
            ) from exc
        try:
            yield client
        except SentFolderError:
            raise
        except (imaplib.IMAP4.error, IMAPClientError, OSError, EOFError) as exc:
            self._name = None  # the folder may have been renamed or deleted meanwhile
            raise SentFolderError(
                lazy.translate("Status", "The Sent folder could not be used: {0}").format(_words(exc))
            ) from exc
        finally:
            with contextlib.suppress(Exception):
                client.logout()
            with contextlib.suppress(Exception):
                client.shutdown()


def _words(exc: BaseException) -> str:
    """An exception's message without a bytes repr; ImapProblem and friends carry ``message``."""
    message = getattr(exc, "message", None)
    if isinstance(message, Text):
        return message  # kept translatable
    text = message if isinstance(message, str) else str(exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text.strip() or type(exc).__name__
