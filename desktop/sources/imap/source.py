"""ImapSource: one worker thread per watched folder, each owning one IMAP connection in IDLE.

One connection per folder is the simplest way to get push for every folder:
IMAP IDLE only reports changes of the selected mailbox.

Sync state per folder (keys in the store's sync_state of this source):
``<folder>.uidvalidity``, ``<folder>.last_uid`` (highest UID already handled),
``<folder>.modseq`` (CONDSTORE high-water mark of the flags we know). It is
always written in the same event (and so the same transaction) as the items
it accounts for. Re-fetching after a crash or a lagging store is harmless:
the store ignores item ids it already has, so nothing is notified twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import logging
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import ProtocolError

from desktop.config.secrets import SecretError, get_secret, mail_key
from desktop.config.settings import MailAccount
from desktop.core.backoff import full_jitter
from desktop.core.events import (
    ConnectionState,
    ItemChange,
    ItemsArrived,
    ItemsChanged,
    ItemsRemoved,
    SourceEvent,
    SourceStatus,
)
from desktop.core.item import Action, Item, Kind, Urgency
from desktop.sources.base import Emit
from desktop.sources.imap import structure
from desktop.sources.imap.connection import (
    ImapProblem,
    abort,
    classify,
    close_quietly,
    connect,
)
from desktop.sources.imap.parse import listing_from_message, parse_bytes, preview_from_part
from desktop.store import Store

log = logging.getLogger(__name__)

SEEN = b"\\Seen"
PREVIEW_BYTES = 4096  # enough encoded text for a 200-character preview, even in base64
FETCH_BATCH = 100
UID_BATCH = 500  # UIDs per command: keeps command lines short
MAIL_ACTIONS = (Action.MARK_READ, Action.OPEN_EXTERNAL, Action.OPEN)
# Worst first: the account shows the most serious problem of any of its folders.
_SEVERITY = (
    ConnectionState.AUTH_FAILED,
    ConnectionState.ERROR,
    ConnectionState.OFFLINE,
    ConnectionState.CONNECTING,
    ConnectionState.ONLINE,
)


def _batches(values: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def item_id(account: str, folder: str, uidvalidity: int, uid: int) -> str:
    return f"mail:{account}:{folder}:{uidvalidity}:{uid}"


def parse_item_id(account: str, value: str) -> tuple[str, int, int] | None:
    """``mail:<account>:<folder>:<uidvalidity>:<uid>`` → (folder, uidvalidity, uid)."""
    prefix = f"mail:{account}:"
    if not value.startswith(prefix):
        return None
    try:
        folder, uidvalidity, uid = value[len(prefix) :].rsplit(":", 2)
        return folder, int(uidvalidity), int(uid)
    except ValueError:
        return None


class _Stop(Exception):
    """Leave the session: stop() or reconnect_now() was called."""


class _Blocked(Exception):
    """Another folder's login already failed for good; wait for reconnect_now()."""


class _Waker:
    """A socketpair so another thread can interrupt a select() at once."""

    def __init__(self) -> None:
        self._r, self._w = socket.socketpair()
        self._r.setblocking(False)
        self._w.setblocking(False)

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            self._w.send(b"x")

    def wait(self, timeout: float | None, sock: socket.socket | None = None) -> tuple[bool, bool]:
        """Block until woken, ``sock`` is readable or ``timeout``: returns (woken, readable)."""
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False, True
        watch: list[socket.socket] = [self._r] if sock is None else [self._r, sock]
        try:
            ready, _, _ = select.select(watch, [], [], timeout)
        except (OSError, ValueError):
            return False, sock is not None  # a closed socket: let the read fail properly
        woken = self._r in ready
        if woken:
            with contextlib.suppress(OSError):
                while self._r.recv(512):
                    pass
        return woken, sock is not None and sock in ready

    def close(self) -> None:
        self._r.close()
        self._w.close()


class ImapSource:
    """A mail account as a Source (desktop/sources/base.py). Never imports Qt."""

    def __init__(
        self,
        account: MailAccount,
        store: Store,
        *,
        backoff_first: float = 1.0,
        backoff_cap: float = 60.0,
        idle_refresh: float = 600.0,
        timeout: float = 30.0,
        first_sync_limit: int = 200,
    ) -> None:
        self.account = account
        self.store = store
        self.id = account.source_id
        self.display_name = account.name
        self.backoff_first = backoff_first
        self.backoff_cap = backoff_cap
        # RFC 2177: servers may drop IDLE after 30 minutes; NAT boxes often sooner.
        self.idle_refresh = min(idle_refresh, 29 * 60.0)
        self.timeout = timeout
        self.first_sync_limit = first_sync_limit
        self.folders = list(dict.fromkeys(f.strip() for f in account.folders if f.strip())) or ["INBOX"]
        self._emit: Emit | None = None
        self._workers: list[_FolderWorker] = []
        self._stopping = threading.Event()
        self._login_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._blocked: ImapProblem | None = None
        self._password: str | None = None
        self._states: dict[str, tuple[ConnectionState, str]] = {}
        self._last_status: SourceStatus | None = None

    # -- Source protocol --------------------------------------------------------------

    def start(self, emit: Emit) -> None:
        if self._workers:
            return
        self._emit = emit
        self._stopping.clear()
        for index, folder in enumerate(self.folders):
            self._states[folder] = (ConnectionState.CONNECTING, "")
            self._workers.append(_FolderWorker(self, folder, index))
        self._publish()
        for worker in self._workers:
            worker.thread.start()

    async def stop(self) -> None:
        self._stopping.set()
        for worker in self._workers:
            worker.waker.wake()
        await asyncio.to_thread(self._join)

    def _join(self) -> None:
        for worker in self._workers:
            worker.thread.join(2.0)
            if worker.thread.is_alive():
                abort(worker.client)  # stuck in a blocking read: cut the socket
                worker.thread.join(self.timeout + 5)
            if worker.thread.is_alive():
                log.warning("IMAP worker %s did not stop", worker.thread.name)
            else:
                worker.waker.close()
        self._workers = []

    def reconnect_now(self) -> None:
        with self._login_lock:
            self._blocked = None
            self._password = None  # the user may just have changed it
        for worker in self._workers:
            worker.reconnect.set()
            worker.waker.wake()

    def outbox_changed(self) -> None:
        for worker in self._workers:
            worker.outbox.set()
            worker.waker.wake()

    # -- shared by the folder workers ----------------------------------------------------

    def emit(self, event: SourceEvent) -> None:
        if self._emit is not None:
            self._emit(event)

    def login(self) -> IMAPClient:
        # One login at a time per account: after a rejected password, no other
        # folder tries again, so the server sees a single failed attempt.
        with self._login_lock:
            if self._blocked is not None:
                raise _Blocked
            try:
                password = self._password or get_secret(
                    mail_key(self.account.name), self.account.password_command
                )
            except SecretError as exc:
                raise classify(exc, self.account) from None
            client = connect(self.account, password, self.timeout)
            self._password = password
            return client

    def block(self, problem: ImapProblem) -> None:
        with self._login_lock:
            self._blocked = problem
            self._password = None

    @property
    def blocked(self) -> bool:
        return self._blocked is not None

    def set_state(self, folder: str, state: ConnectionState, message: str = "") -> None:
        with self._state_lock:
            self._states[folder] = (state, message)
        self._publish()

    def _publish(self) -> None:
        with self._state_lock:
            states = list(self._states.values())
            status: SourceStatus | None = None
            for level in _SEVERITY:
                matching = [msg for st, msg in states if st is level]
                if matching:
                    status = SourceStatus(self.id, level, next((m for m in matching if m), ""))
                    break
            if status is None or status == self._last_status:
                return
            self._last_status = status
        self.emit(status)


class _FolderWorker:
    def __init__(self, source: ImapSource, folder: str, index: int) -> None:
        self.src = source
        self.folder = folder
        self.index = index
        self.account = source.account
        self.waker = _Waker()
        self.reconnect = threading.Event()
        self.outbox = threading.Event()
        self.client: IMAPClient | None = None
        self.attempt = 0
        # per session
        self.uidvalidity = 0
        self.last_uid = 0
        self.modseq = 0
        self.condstore = False
        # Ids emitted in this session: the store may not have committed them yet.
        self.session_ids: set[str] = set()
        self.thread = threading.Thread(
            target=self._run, name=f"imap:{self.account.name}:{folder}", daemon=True
        )

    # keys and ids
    def key(self, name: str) -> str:
        return f"{self.folder}.{name}"

    @property
    def folder_prefix(self) -> str:
        return f"mail:{self.account.name}:{self.folder}:"

    @property
    def item_prefix(self) -> str:
        return f"{self.folder_prefix}{self.uidvalidity}:"

    def _leaving(self) -> bool:
        return self.src._stopping.is_set() or self.reconnect.is_set()

    # -- the connection loop ------------------------------------------------------------

    def _run(self) -> None:
        src = self.src
        while not src._stopping.is_set():
            if src.blocked:
                self.waker.wait(None)
                continue
            self.reconnect.clear()
            src.set_state(self.folder, ConnectionState.CONNECTING)
            problem: ImapProblem | None = None
            client: IMAPClient | None = None
            try:
                client = src.login()
                self.client = client
                self._session(client)
            except (_Stop, _Blocked):
                pass
            except ImapProblem as exc:
                problem = exc
            except Exception as exc:
                problem = classify(exc, self.account)
                log.debug("IMAP %s/%s failed", self.account.name, self.folder, exc_info=True)
            finally:
                self.client = None
                close_quietly(client)
            if src._stopping.is_set() or problem is None:
                continue
            if problem.state in (ConnectionState.AUTH_FAILED, ConnectionState.ERROR):
                log.warning("mail account %s: %s", self.account.name, problem.message)
                src.block(problem)
                src.set_state(self.folder, problem.state, problem.message)
                continue
            src.set_state(self.folder, ConnectionState.OFFLINE, problem.message)
            self._backoff()

    def _backoff(self) -> None:
        delay = full_jitter(self.attempt, self.src.backoff_first, self.src.backoff_cap)
        self.attempt = min(self.attempt + 1, 30)
        deadline = time.monotonic() + delay
        while not self._leaving():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.waker.wait(left)

    def _session(self, client: IMAPClient) -> None:
        self.condstore = b"CONDSTORE" in client.capabilities()
        if self.condstore:
            try:
                client.enable("CONDSTORE")
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error:
                self.condstore = False
        try:
            info = client.select_folder(self.folder)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            raise ImapProblem(
                ConnectionState.OFFLINE, f"The folder {self.folder} cannot be opened: {_server_text(exc)}"
            ) from exc
        self.session_ids = set()
        self._full_sync(client, info)
        self.src.set_state(self.folder, ConnectionState.ONLINE)
        self.attempt = 0
        self._idle_loop(client)

    # -- sync ---------------------------------------------------------------------------

    def _full_sync(self, client: IMAPClient, info: dict[bytes, Any]) -> None:
        src = self.src
        uidvalidity = int(info.get(b"UIDVALIDITY", 0))
        uidnext = int(info.get(b"UIDNEXT", 0) or 0)
        highest = int(info.get(b"HIGHESTMODSEQ", 0) or 0) if self.condstore else 0
        state = src.store.sync_state(src.id)
        known_validity = int(state.get(self.key("uidvalidity"), 0) or 0)
        self.uidvalidity = uidvalidity
        if known_validity and known_validity != uidvalidity:
            # The server renumbered the folder: old UIDs mean nothing any more.
            log.info("mail %s/%s: UIDVALIDITY changed, re-importing", self.account.name, self.folder)
            src.emit(ItemsRemoved(src.id, id_prefix=self.folder_prefix))
            known_validity = 0
        # Local changes made while offline go to the server before we read flags back.
        self._run_outbox(client)
        if not known_validity:
            self._first_sync(client, uidnext, highest)
            return
        self.last_uid = int(state.get(self.key("last_uid"), 0) or 0)
        self.modseq = int(state.get(self.key("modseq"), 0) or 0) if self.condstore else 0
        self._fetch_new(client)
        self._sync_flags(client, check_expunged=True, highest=highest)

    def _first_sync(self, client: IMAPClient, uidnext: int, highest: int) -> None:
        """New account or reset folder: list the newest unread mail quietly; never notify the past."""
        last = uidnext - 1 if uidnext else max(client.search(["ALL"]) or [0])
        unseen = sorted(u for u in client.search(["UNSEEN"]) if u <= last)[-self.src.first_sync_limit :]
        items = self._fetch_items(client, unseen)
        self.last_uid, self.modseq = last, highest
        self.src.emit(
            ItemsArrived(
                self.src.id,
                items,
                quiet=True,
                sync_state={
                    self.key("uidvalidity"): str(self.uidvalidity),
                    self.key("last_uid"): str(last),
                    self.key("modseq"): str(highest),
                },
            )
        )
        self.session_ids.update(i.id for i in items)

    def _fetch_new(self, client: IMAPClient) -> None:
        # "n:*" always matches the highest UID, even below n: filter.
        uids = sorted(u for u in client.search(["UID", f"{self.last_uid + 1}:*"]) if u > self.last_uid)
        for chunk in _batches(uids, FETCH_BATCH):
            items = self._fetch_items(client, chunk)
            read = [i for i in items if not i.unread]
            unread = [i for i in items if i.unread]
            if read:  # already read elsewhere (sent copies, filters): listed, not announced
                self.src.emit(ItemsArrived(self.src.id, read, quiet=True))
            top = max(chunk)
            self.src.emit(ItemsArrived(self.src.id, unread, sync_state={self.key("last_uid"): str(top)}))
            self.last_uid = top
            self.session_ids.update(i.id for i in items)

    def _fetch_items(self, client: IMAPClient, uids: Sequence[int]) -> list[Item]:
        items: list[Item] = []
        for chunk in _batches(list(uids), FETCH_BATCH):
            wanted = ["FLAGS", "INTERNALDATE", "BODYSTRUCTURE", "BODY.PEEK[HEADER]"]
            try:
                data = client.fetch(chunk, wanted)
            except ProtocolError:
                # A structure imapclient cannot parse: list the mail without a preview.
                data = client.fetch(chunk, ["FLAGS", "INTERNALDATE", "BODY.PEEK[HEADER]"])
            previews = self._previews(client, data)
            for uid in chunk:
                if uid in data:
                    items.append(self._item(uid, data[uid], previews.get(uid, "")))
        return items

    def _previews(self, client: IMAPClient, data: dict[int, dict[bytes, Any]]) -> dict[int, str]:
        """Fetch the first few KB of each mail's text part: never an attachment, never \\Seen."""
        groups: dict[str, list[tuple[int, structure.Part]]] = {}
        for uid, fields in data.items():
            part = structure.text_part(structure.parts(fields.get(b"BODYSTRUCTURE")))
            if part is not None:
                groups.setdefault(part.spec, []).append((uid, part))
        out: dict[int, str] = {}
        for spec, members in groups.items():
            try:
                resp = client.fetch([uid for uid, _ in members], [f"BODY.PEEK[{spec}]<0.{PREVIEW_BYTES}>"])
            except ProtocolError:
                continue
            key = f"BODY[{spec}]<0>".encode()
            for uid, part in members:
                raw = resp.get(uid, {}).get(key)
                if isinstance(raw, bytes):
                    out[uid] = preview_from_part(raw, part.ctype, part.charset, part.encoding)
        return out

    def _item(self, uid: int, fields: dict[bytes, Any], preview: str) -> Item:
        header = fields.get(b"BODY[HEADER]") or b""
        internal = fields.get(b"INTERNALDATE")
        internal = internal if isinstance(internal, datetime) else None
        listing = listing_from_message(parse_bytes(header), internal, preview_text=preview)
        parts = structure.parts(fields.get(b"BODYSTRUCTURE"))
        flags = fields.get(b"FLAGS") or ()
        return Item(
            id=item_id(self.account.name, self.folder, self.uidvalidity, uid),
            source=self.src.id,
            kind=Kind.MAIL,
            sender=listing.sender,
            title=listing.title,
            preview=listing.preview,
            time=listing.time,
            unread=SEEN not in flags,
            actions=MAIL_ACTIONS,
            urgency=Urgency.URGENT if listing.urgent else Urgency.NORMAL,
            payload={
                "account": self.account.name,
                "folder": self.folder,
                "uidvalidity": self.uidvalidity,
                "uid": uid,
                "message_id": listing.message_id,
                "to": listing.to,
                "has_attachments": bool(structure.attachments(parts)) or listing.has_attachments,
            },
        )

    def _known_uids(self) -> dict[int, str]:
        ids = set(self.src.store.ids_with_prefix(self.item_prefix)) | {
            i for i in self.session_ids if i.startswith(self.item_prefix)
        }
        out: dict[int, str] = {}
        for value in ids:
            with contextlib.suppress(ValueError):
                out[int(value.rsplit(":", 1)[1])] = value
        return out

    def _sync_flags(self, client: IMAPClient, check_expunged: bool, highest: int = 0) -> None:
        """\\Seen set or cleared elsewhere → unread here; expunged there → removed here."""
        src = self.src
        known = self._known_uids()
        pending = {e.item_id for e in src.store.pending(src.id)}
        incremental = self.condstore and self.modseq > 0
        modifiers = [f"CHANGEDSINCE {self.modseq}"] if incremental else None
        wanted = ["FLAGS", "MODSEQ"] if self.condstore else ["FLAGS"]
        changes: list[ItemChange] = []
        present: set[int] = set()
        top = self.modseq
        for chunk in _batches(sorted(known), UID_BATCH):
            for uid, fields in client.fetch(chunk, wanted, modifiers=modifiers).items():
                present.add(uid)
                modseq = fields.get(b"MODSEQ")
                if isinstance(modseq, tuple) and modseq:
                    top = max(top, int(modseq[0]))
                if uid not in known or known[uid] in pending:
                    continue  # a local change on its way to the server wins
                changes.append(ItemChange(known[uid], unread=SEEN not in (fields.get(b"FLAGS") or ())))
        if self.condstore and not incremental:
            top = max(top, highest)
        gone: list[str] = []
        if check_expunged and known:
            if not incremental:
                gone = [known[u] for u in known if u not in present]
            else:
                existing: set[int] = set()
                for chunk in _batches(sorted(known), UID_BATCH):
                    existing.update(client.search(["UID", ",".join(map(str, chunk))]))
                gone = [known[u] for u in known if u not in existing]
        state = {self.key("modseq"): str(top)} if self.condstore and top != self.modseq else {}
        if changes or state:
            src.emit(ItemsChanged(src.id, changes, sync_state=state))
        if gone:
            src.emit(ItemsRemoved(src.id, item_ids=gone))
            self.session_ids.difference_update(gone)
        self.modseq = top

    # -- IDLE ---------------------------------------------------------------------------

    def _idle_loop(self, client: IMAPClient) -> None:
        while True:
            if self._leaving():
                raise _Stop
            if self.outbox.is_set():
                self.outbox.clear()
                self._run_outbox(client)
            client.idle()
            started = time.monotonic()
            empty_reads = 0
            changed = expunged = False
            while not (self._leaving() or self.outbox.is_set()):
                left = self.src.idle_refresh - (time.monotonic() - started)
                if left <= 0:
                    break
                _, readable = self.waker.wait(left, client.socket())
                if not readable:
                    continue
                responses = client.idle_check(timeout=0)
                if not responses:
                    # A readable socket that yields nothing, again and again, is a closed one.
                    empty_reads += 1
                    if empty_reads >= 3:
                        raise ImapProblem(
                            ConnectionState.OFFLINE, f"{self.account.host} closed the connection."
                        )
                    continue
                empty_reads = 0
                changed, expunged = self._note(responses, changed, expunged)
                if changed:
                    break
            _, more = client.idle_done()
            changed, expunged = self._note(more, changed, expunged)
            if self._leaving():
                raise _Stop
            if changed:
                self._fetch_new(client)
                self._sync_flags(client, check_expunged=expunged)
            elif not self.outbox.is_set():
                client.noop()  # IDLE refresh: also proves the connection is alive

    def _note(self, responses: Iterable[Any], changed: bool, expunged: bool) -> tuple[bool, bool]:
        for resp in responses:
            if not isinstance(resp, tuple) or not resp:
                continue
            if resp[0] == b"BYE":
                raise ImapProblem(ConnectionState.OFFLINE, f"{self.account.host} closed the connection.")
            kind = resp[1] if len(resp) > 1 else b""
            if kind in (b"EXISTS", b"RECENT", b"FETCH", b"EXPUNGE", b"VANISHED"):
                changed = True
            if kind in (b"EXPUNGE", b"VANISHED"):
                expunged = True
        return changed, expunged

    # -- outbox -------------------------------------------------------------------------

    def _run_outbox(self, client: IMAPClient) -> None:
        src = self.src
        for entry in src.store.pending(src.id):
            parsed = parse_item_id(self.account.name, entry.item_id)
            if parsed is None:
                if self.index == 0:
                    src.store.outbox_done(entry.id, "failed", "not a mail item of this account")
                continue
            folder, uidvalidity, uid = parsed
            if folder != self.folder:
                if self.index == 0 and folder not in src.folders:
                    src.store.outbox_done(entry.id, "failed", f"the folder {folder} is no longer watched")
                continue
            if entry.action not in ("mark_read", "mark_unread"):
                src.store.outbox_done(entry.id, "failed", f"mail cannot do {entry.action!r}")
                continue
            if uidvalidity != self.uidvalidity:
                src.store.outbox_done(entry.id, "failed", "the folder changed on the server")
                continue
            src.store.outbox_attempted(entry.id)
            try:
                if entry.action == "mark_read":
                    client.add_flags([uid], [SEEN], silent=True)
                else:
                    client.remove_flags([uid], [SEEN], silent=True)
            except imaplib.IMAP4.abort:
                raise  # connection lost: the entry stays pending for the next session
            except imaplib.IMAP4.error as exc:
                src.store.outbox_done(entry.id, "failed", _server_text(exc))
                continue
            src.store.outbox_done(entry.id)
            # Confirm the server's state here too: a flag sync that raced the local change is undone.
            src.emit(ItemsChanged(src.id, [ItemChange(entry.item_id, unread=entry.action == "mark_unread")]))


def _server_text(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.strip() or "the server refused"
