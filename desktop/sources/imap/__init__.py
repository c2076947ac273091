"""Mail over IMAP: push with IDLE, catch-up after gaps, flags both ways. No Qt in here."""

from __future__ import annotations

import imaplib
from typing import TYPE_CHECKING, Any

from desktop.config.settings import MailAccount
from desktop.core.i18n import lazy, localized, translate
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
    """For the settings dialog's "Test connection" button: (ok, a sentence for the user, in
    the user's language: the dialog shows it as it is). Blocking."""
    problems = account.problems()
    if problems:
        # The problems are clauses already in the user's language (desktop.config); the
        # separator between them is too ("；" in Chinese).
        separator = translate("Status", "; ", "between the problems of an incomplete account")
        return False, translate("Status", "The settings are incomplete: {0}.").format(
            separator.join(problems)
        )
    try:
        client = connect(account, password, timeout)
    except ImapProblem as exc:
        return False, localized(exc.message)
    try:
        details: list[str] = []
        for folder in account.folders:
            try:
                status = client.folder_status(folder, [b"MESSAGES", b"UNSEEN"])
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error:
                text = translate("Status", "Signed in, but the folder {0} does not exist on the server.")
                return False, text.format(repr(folder))
            details.append(
                translate("Status", "{0}: {1} mails, {2} unread").format(
                    folder, status.get(b"MESSAGES", 0), status.get(b"UNSEEN", 0)
                )
            )
        separator = translate("Status", "; ", "between the folders of a connection test")
        text = translate("Status", "Connected to {0} as {1}. {2}.")
        return True, text.format(account.host, account.username, separator.join(details))
    except Exception as exc:
        return False, localized(classify(exc, account).message)
    finally:
        close_quietly(client)


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported


def account_folders(account: MailAccount, timeout: float = 15.0) -> list[Folder]:
    """The account's selectable folders (for "Move to…"). Blocking; raises FetchError, whose
    words are in the user's language (the window shows them)."""
    from desktop.sources.imap.body import FetchError

    try:
        client = connect(account, account_secret(account), timeout)
    except Exception as exc:
        raise FetchError(classify(exc, account).message) from exc
    try:
        return list_folders(client)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise FetchError(
            lazy.translate("Status", "The folders could not be listed: {0}").format(exc)
        ) from exc
    finally:
        close_quietly(client)
