"""Mail over IMAP: push with IDLE, catch-up after gaps, flags both ways. No Qt in here."""

from __future__ import annotations

import imaplib
from typing import TYPE_CHECKING, Any

from desktop.config.settings import MailAccount
from desktop.sources.imap.connection import ImapProblem, account_secret, classify, close_quietly, connect
from desktop.sources.imap.moves import Folder, list_folders
from desktop.sources.imap.source import ImapSource

if TYPE_CHECKING:
    from desktop.sources.imap.body import Attachment, FetchError, MessageBody, fetch_message, sanitize_html

_BODY_NAMES = ("Attachment", "FetchError", "MessageBody", "fetch_message", "sanitize_html")


def __getattr__(name: str) -> Any:
    """The mail body view's module (and nh3, the HTML sanitizer) is imported on first use: a
    start that only watches for mail never opens a body (issue 9)."""
    if name in _BODY_NAMES:
        from desktop.sources.imap import body

        return getattr(body, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Attachment",
    "FetchError",
    "Folder",
    "ImapSource",
    "MessageBody",
    "account_folders",
    "fetch_message",
    "sanitize_html",
    "test_connection",
]


def test_connection(account: MailAccount, password: str, timeout: float = 15.0) -> tuple[bool, str]:
    """For the settings dialog's "Test connection" button: (ok, a sentence for the user). Blocking."""
    problems = account.problems()
    if problems:
        return False, "The settings are incomplete: " + "; ".join(problems) + "."
    try:
        client = connect(account, password, timeout)
    except ImapProblem as exc:
        return False, exc.message
    try:
        details: list[str] = []
        for folder in account.folders:
            try:
                status = client.folder_status(folder, [b"MESSAGES", b"UNSEEN"])
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error:
                return False, f"Signed in, but the folder {folder!r} does not exist on the server."
            details.append(f"{folder}: {status.get(b'MESSAGES', 0)} mails, {status.get(b'UNSEEN', 0)} unread")
        return True, f"Connected to {account.host} as {account.username}. " + "; ".join(details) + "."
    except Exception as exc:
        return False, classify(exc, account).message
    finally:
        close_quietly(client)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported


def account_folders(account: MailAccount, timeout: float = 15.0) -> list[Folder]:
    """The account's selectable folders (for "Move to…"). Blocking; raises FetchError."""
    from desktop.sources.imap.body import FetchError

    try:
        client = connect(account, account_secret(account), timeout)
    except Exception as exc:
        raise FetchError(classify(exc, account).message) from exc
    try:
        return list_folders(client)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise FetchError(f"The folders could not be listed: {exc}") from exc
    finally:
        close_quietly(client)
