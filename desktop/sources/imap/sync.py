"""Bring one folder up to date: first sync, catch-up after a gap, and flag sync.

Sync state per folder (keys in the store's sync_state of this source, see
:func:`desktop.sources.imap.ids.state_key`): ``uidvalidity``, ``last_uid``
(highest UID already handled) and ``modseq`` (CONDSTORE high-water mark of the
flags we know). It is always written in the same event (and so the same
transaction) as the items it accounts for. Re-fetching after a crash or a
lagging store is harmless: the store ignores item ids it already has, so
nothing is notified twice.
"""

from __future__ import annotations

import logging
from typing import Any

from imapclient import IMAPClient

from desktop.core.events import ItemChange, ItemsArrived, ItemsChanged, ItemsRemoved
from desktop.sources.base import Emit, StoreReader
from desktop.sources.imap.fetch import FETCH_BATCH, SEEN, Mailbox, batches, fetch_items
from desktop.sources.imap.ids import folder_prefix, state_key, uid_of

log = logging.getLogger(__name__)

UID_BATCH = 500  # UIDs per command: keeps command lines short


class FolderSync:
    """One session's view of one selected folder. Lives on the folder's worker thread."""

    def __init__(
        self,
        client: IMAPClient,
        *,
        source_id: str,
        account: str,
        folder: str,
        store: StoreReader,
        emit: Emit,
        condstore: bool,
        first_sync_limit: int,
        own_address: str = "",
    ) -> None:
        self.client = client
        self.source_id = source_id
        self.account = account
        self.folder = folder
        self.store = store
        self.emit = emit
        self.condstore = condstore
        self.first_sync_limit = first_sync_limit
        self.own_address = own_address
        self.uidvalidity = 0
        self.uidnext = 0
        self.highest = 0  # the server's HIGHESTMODSEQ when the folder was selected
        self.last_uid = 0
        self.modseq = 0
        self.known = False  # False: a new account or a reset folder, see first_sync()
        self._state: dict[str, str] = {}
        # Ids emitted in this session: the store may not have committed them yet.
        self.session_ids: set[str] = set()

    def key(self, name: str) -> str:
        return state_key(self.folder, name)

    @property
    def box(self) -> Mailbox:
        return Mailbox(self.source_id, self.account, self.folder, self.uidvalidity, self.own_address)

    @property
    def item_prefix(self) -> str:
        return f"{folder_prefix(self.account, self.folder)}{self.uidvalidity}:"

    # -- the steps of a session ---------------------------------------------------------

    def open(self, info: dict[bytes, Any]) -> None:
        """Take in SELECT's answer; a changed UIDVALIDITY forgets the folder's items."""
        self.uidvalidity = int(info.get(b"UIDVALIDITY", 0))
        self.uidnext = int(info.get(b"UIDNEXT", 0) or 0)
        self.highest = int(info.get(b"HIGHESTMODSEQ", 0) or 0) if self.condstore else 0
        self._state = self.store.sync_state(self.source_id)
        known_validity = int(self._state.get(self.key("uidvalidity"), 0) or 0)
        self.known = bool(known_validity)
        if known_validity and known_validity != self.uidvalidity:
            # The server renumbered the folder: old UIDs mean nothing any more.
            log.info("mail %s/%s: UIDVALIDITY changed, re-importing", self.account, self.folder)
            self.emit(ItemsRemoved(self.source_id, id_prefix=folder_prefix(self.account, self.folder)))
            self.known = False

    def catch_up(self) -> None:
        """After open(): everything that happened while we were away."""
        if not self.known:
            self.first_sync()
            return
        self.last_uid = int(self._state.get(self.key("last_uid"), 0) or 0)
        self.modseq = int(self._state.get(self.key("modseq"), 0) or 0) if self.condstore else 0
        self.fetch_new()
        self.sync_flags(check_expunged=True, highest=self.highest)

    def changed(self, expunged: bool) -> None:
        """IDLE reported a change: new mail, flags, or (``expunged``) removals."""
        self.fetch_new()
        self.sync_flags(check_expunged=expunged)

    # -- new mail -----------------------------------------------------------------------

    def first_sync(self) -> None:
        """New account or reset folder: list the newest unread mail quietly; never notify the past."""
        client = self.client
        last = self.uidnext - 1 if self.uidnext else max(client.search(["ALL"]) or [0])
        unseen = sorted(u for u in client.search(["UNSEEN"]) if u <= last)[-self.first_sync_limit :]
        items = fetch_items(client, self.box, unseen)
        self.last_uid, self.modseq = last, self.highest
        self.emit(
            ItemsArrived(
                self.source_id,
                items,
                quiet=True,
                sync_state={
                    self.key("uidvalidity"): str(self.uidvalidity),
                    self.key("last_uid"): str(last),
                    self.key("modseq"): str(self.highest),
                },
            )
        )
        self.session_ids.update(i.id for i in items)

    def fetch_new(self) -> None:
        # "n:*" always matches the highest UID, even below n: filter.
        found = self.client.search(["UID", f"{self.last_uid + 1}:*"])
        uids = sorted(u for u in found if u > self.last_uid)
        for chunk in batches(uids, FETCH_BATCH):
            items = fetch_items(self.client, self.box, chunk)
            read = [i for i in items if not i.unread]
            unread = [i for i in items if i.unread]
            if read:  # already read elsewhere (sent copies, filters): listed, not announced
                self.emit(ItemsArrived(self.source_id, read, quiet=True))
            top = max(chunk)
            self.emit(ItemsArrived(self.source_id, unread, sync_state={self.key("last_uid"): str(top)}))
            self.last_uid = top
            self.session_ids.update(i.id for i in items)

    # -- flags and expunges -------------------------------------------------------------

    def sync_flags(self, check_expunged: bool, highest: int = 0) -> None:
        """\\Seen set or cleared elsewhere → unread here; expunged there → removed here."""
        known = self._known_uids()
        # CONDSTORE with a known high-water mark: only what changed since; else every flag.
        incremental = self.condstore and self.modseq > 0
        unread, top = self._fetch_flags(known, incremental)
        if self.condstore and not incremental:
            top = max(top, highest)
        changes = self._flag_changes(known, unread)
        gone = self._expunged(known, set(unread), incremental) if check_expunged and known else []
        self._report(changes, gone, top)

    def _known_uids(self) -> dict[int, str]:
        """UID → item id of every item of this folder and UIDVALIDITY, stored or on its way."""
        ids = set(self.store.ids_with_prefix(self.item_prefix))
        ids |= {i for i in self.session_ids if i.startswith(self.item_prefix)}
        out: dict[int, str] = {}
        for value in ids:
            uid = uid_of(value)
            if uid is not None:
                out[uid] = value
        return out

    def _fetch_flags(self, known: dict[int, str], incremental: bool) -> tuple[dict[int, bool], int]:
        """UID → unread for the UIDs the server reports, and the highest MODSEQ seen."""
        modifiers = [f"CHANGEDSINCE {self.modseq}"] if incremental else None
        wanted = ["FLAGS", "MODSEQ"] if self.condstore else ["FLAGS"]
        unread: dict[int, bool] = {}
        top = self.modseq
        for chunk in batches(sorted(known), UID_BATCH):
            for uid, fields in self.client.fetch(chunk, wanted, modifiers=modifiers).items():
                unread[uid] = SEEN not in (fields.get(b"FLAGS") or ())
                modseq = fields.get(b"MODSEQ")
                if isinstance(modseq, tuple) and modseq:
                    top = max(top, int(modseq[0]))
        return unread, top

    def _flag_changes(self, known: dict[int, str], unread: dict[int, bool]) -> list[ItemChange]:
        # A local change on its way to the server wins over what the server still says.
        pending = {e.item_id for e in self.store.pending(self.source_id)}
        return [
            ItemChange(known[uid], unread=value)
            for uid, value in unread.items()
            if uid in known and known[uid] not in pending
        ]

    def _expunged(self, known: dict[int, str], present: set[int], incremental: bool) -> list[str]:
        if incremental:
            # CHANGEDSINCE left out the unchanged mails: ask which UIDs still exist.
            present = set()
            for chunk in batches(sorted(known), UID_BATCH):
                present.update(self.client.search(["UID", ",".join(map(str, chunk))]))
        return [item for uid, item in known.items() if uid not in present]

    def _report(self, changes: list[ItemChange], gone: list[str], top: int) -> None:
        state = {self.key("modseq"): str(top)} if self.condstore and top != self.modseq else {}
        if changes or state:
            self.emit(ItemsChanged(self.source_id, changes, sync_state=state))
        if gone:
            self.emit(ItemsRemoved(self.source_id, item_ids=gone))
            self.session_ids.difference_update(gone)
        self.modseq = top
