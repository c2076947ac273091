"""Moving mail on the server: Archive, Delete (to Trash) and "Move to…".

Targets are SPECIAL-USE folders (RFC 6154) where the server marks them, else the
account's configured name, else the usual one. MOVE (RFC 6851) where the server has
it; else COPY, ``\\Deleted`` and UID EXPUNGE (RFC 4315) of exactly those messages, so
other messages someone flagged deleted are left alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import imaplib
from collections.abc import Sequence
from typing import Any

from imapclient import IMAPClient
from imapclient.imapclient import ARCHIVE, DRAFTS, JUNK, SENT, TRASH

from desktop.core.i18n import lazy

DELETED = b"\\Deleted"
#: what a "move" entry's "to" may name besides a folder, and the name used if nothing is marked
SPECIAL = {"\\Archive": (ARCHIVE, "Archive"), "\\Trash": (TRASH, "Trash")}
_ROLES = {ARCHIVE: "archive", TRASH: "trash", SENT: "sent", DRAFTS: "drafts", JUNK: "junk"}


class MoveError(Exception):
    """The move cannot be done; ``str()`` says why, for the item."""


@dataclasses.dataclass(frozen=True, slots=True)
class Folder:
    """A folder of the account as "Move to…" offers it."""

    name: str
    role: str = ""  # "archive", "trash", "sent", "drafts", "junk" (SPECIAL-USE) or ""


def list_folders(client: IMAPClient) -> list[Folder]:
    """Every selectable folder, INBOX first, then by name."""
    out: list[Folder] = []
    for flags, _delimiter, name in client.list_folders():
        if b"\\Noselect" in flags or b"\\NonExistent" in flags:
            continue
        role = next((r for f, r in _ROLES.items() if f in flags), "")
        out.append(Folder(str(name), role))
    out.sort(key=lambda f: (f.name.upper() != "INBOX", f.name.lower()))
    return out


def resolve(client: IMAPClient, to: str, fallback: str = "") -> str:
    """The folder ``to`` means: a SPECIAL-USE role ("\\Archive", "\\Trash") or a folder name.
    A role's fallback folder is created when missing; a named folder must exist."""
    special = SPECIAL.get(to)
    if special is None:
        if not client.folder_exists(to):
            raise MoveError(
                lazy.translate("Status", "The folder {0} does not exist on the server.").format(to)
            )
        return to
    flag, usual = special
    for flags, _delimiter, name in client.list_folders():
        if flag in flags:
            return str(name)
    name = fallback or usual
    if not client.folder_exists(name):
        client.create_folder(name)
        with contextlib.suppress(imaplib.IMAP4.error):
            client.subscribe_folder(name)
    return name


def move(client: IMAPClient, uids: Sequence[int], target: str, use_move: bool | None = None) -> None:
    """Move messages of the selected folder to ``target``. ``use_move`` forces a branch
    (tests); by default MOVE is used when the server offers it."""
    caps: Any = client.capabilities()
    if use_move is None:
        use_move = b"MOVE" in caps
    if use_move:
        client.move(list(uids), target)
        return
    client.copy(list(uids), target)
    delete(client, uids)


def delete(client: IMAPClient, uids: Sequence[int]) -> None:
    """Remove messages of the selected folder for good (a message already in Trash)."""
    client.add_flags(list(uids), [DELETED], silent=True)
    if b"UIDPLUS" in client.capabilities():
        client.expunge(list(uids))  # UID EXPUNGE: only these messages
    # Without UIDPLUS a plain EXPUNGE would also remove what others flagged deleted: the
    # flag alone hides the message in every client, and the server's own expunge removes it.
