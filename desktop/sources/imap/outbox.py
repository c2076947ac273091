"""Deliver queued user actions (mark read / unread, move) of one folder to the server.

Every watched folder has its own worker, and an entry belongs to the folder in
its item id. Entries no folder can take (not a mail id of this account, a
folder no longer watched) are settled by the first folder's worker alone.

Outcomes are reported as events (``OutboxSettled``, and the reason of a
failure as ``payload["last_error"]`` on the item, as the gateway does); the
pipeline records them on the loop thread.

A "move" entry's item left the list when it was queued: done, it is removed; refused,
it comes back with the reason. Outgoing mail ("send") is the account's sender's job
(``sending.py``), not a folder's.
"""

from __future__ import annotations

import imaplib
from collections.abc import Sequence

from imapclient import IMAPClient

from desktop.core.events import ItemChange, ItemsChanged, ItemsRemoved, OutboxSettled, OutboxStatus
from desktop.core.i18n import lazy, localized
from desktop.sources.base import Emit, QueuedAction, StoreReader
from desktop.sources.imap.connection import server_text
from desktop.sources.imap.fetch import SEEN
from desktop.sources.imap.ids import parse_item_id
from desktop.sources.imap.moves import MoveError, delete, move, resolve

FLAG_ACTIONS = ("mark_read", "mark_unread")
MOVE_ACTIONS = ("move",)
SENDER_ACTIONS = ("send",)  # delivered by the account's sender thread


class FolderOutbox:
    def __init__(
        self,
        *,
        source_id: str,
        account: str,
        folder: str,
        first: bool,
        watched: Sequence[str],
        store: StoreReader,
        emit: Emit,
    ) -> None:
        self.source_id = source_id
        self.account = account
        self.folder = folder
        self.first = first  # the first folder's worker settles what no folder can take
        self.watched = tuple(watched)
        self.store = store
        self.emit = emit
        # Entries settled here whose settlement the store may not have recorded yet
        # (it is written on the loop thread): never sent twice.
        self._settled: set[str] = set()

    def deliver(self, client: IMAPClient, uidvalidity: int) -> None:
        """Send every pending entry of this folder; an abort leaves the rest pending."""
        entries = self.store.pending(self.source_id)
        self._settled &= {e.id for e in entries}  # what the store has recorded is no longer listed
        for entry in entries:
            if entry.id in self._settled or entry.action in SENDER_ACTIONS:
                continue
            refusal = self._refusal(entry, uidvalidity)
            if refusal is None:
                continue  # another folder's entry
            if refusal:
                self._failed(entry, refusal)
                continue
            self._send(client, entry)

    def _refusal(self, entry: QueuedAction, uidvalidity: int) -> str | None:
        """Why ``entry`` cannot be done here, "" if it can, None if it is another folder's."""
        parsed = parse_item_id(self.account, entry.item_id)
        if parsed is None:
            return "not a mail item of this account" if self.first else None
        folder, entry_validity, _ = parsed
        if folder != self.folder:
            if self.first and folder not in self.watched:
                return f"the folder {folder} is no longer watched"
            return None
        if entry.action not in FLAG_ACTIONS + MOVE_ACTIONS:
            return f"mail cannot do {entry.action!r}"
        if entry_validity != uidvalidity:
            return "the folder changed on the server"
        return ""

    def _send(self, client: IMAPClient, entry: QueuedAction) -> None:
        parsed = parse_item_id(self.account, entry.item_id)
        assert parsed is not None  # checked by _refusal
        uid = parsed[2]
        self.emit(OutboxSettled(self.source_id, entry.id, OutboxStatus.ATTEMPTED))
        try:
            if entry.action == "mark_read":
                client.add_flags([uid], [SEEN], silent=True)
            elif entry.action == "mark_unread":
                client.remove_flags([uid], [SEEN], silent=True)
            else:
                self._move(client, uid, entry)
        except imaplib.IMAP4.abort:
            raise  # connection lost: the entry stays pending for the next session
        except imaplib.IMAP4.error as exc:
            self._failed(entry, server_text(exc))
            return
        except MoveError as exc:
            self._failed(entry, exc.args[0] if exc.args else str(exc))
            return
        self._settled.add(entry.id)
        self.emit(OutboxSettled(self.source_id, entry.id, OutboxStatus.DONE))
        if entry.action in MOVE_ACTIONS:
            self.emit(ItemsRemoved(self.source_id, [entry.item_id]))
            return
        # Confirm the server's state here too: a flag sync that raced the local change is undone.
        change = ItemChange(entry.item_id, unread=entry.action == "mark_unread")
        item = self.store.get_item(entry.item_id)
        if item is not None and item.payload.get("last_error"):
            change = ItemChange(entry.item_id, unread=change.unread, payload_update={"last_error": None})
        self.emit(ItemsChanged(self.source_id, [change]))

    def _move(self, client: IMAPClient, uid: int, entry: QueuedAction) -> None:
        to = str(entry.payload.get("to") or "")
        if not to:
            raise MoveError(lazy.translate("Status", "No folder to move the message to."))
        target = resolve(client, to, str(entry.payload.get("fallback") or ""))
        if target != self.folder:
            move(client, [uid], target)
        elif to == "\\Trash":
            delete(client, [uid])  # deleting in Trash removes it for good
        # archiving what is already in Archive: nothing to do

    def _failed(self, entry: QueuedAction, reason: str) -> None:
        reason = localized(reason)  # stored on the item and shown as it is: the user's language
        self._settled.add(entry.id)
        self.emit(OutboxSettled(self.source_id, entry.id, OutboxStatus.FAILED, reason))
        if entry.item_id:
            # Shown on the item, as a refused gateway action is; a refused move brings it back.
            back = True if entry.action in MOVE_ACTIONS else None
            update = {"last_error": reason, **({"pending_move": None} if back else {})}
            self.emit(
                ItemsChanged(self.source_id, [ItemChange(entry.item_id, payload_update=update, listed=back)])
            )
