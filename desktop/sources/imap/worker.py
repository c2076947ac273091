"""One folder's worker thread: connect, sync, then IDLE until something changes; reconnect on failure.

The loop, in order: log in (one login at a time per account, see
``ImapSource.login``) → SELECT → deliver queued actions → catch up → ONLINE →
IDLE. IDLE ends when the server reports a change (then catch up again), when
an action is queued, after ``probe_interval`` of silence or ``idle_refresh``
(DONE and a NOOP, each with a bounded wait, prove the link is alive: a frozen
link shows OFFLINE within about a minute), or when stop/reconnect wakes the
thread. Changes the server announced while we were busy are caught up before
IDLE is entered again (see idle.py). Any failure is classified
(``connection.classify``): OFFLINE retries with backoff; AUTH_FAILED and
ERROR block the whole account until ``reconnect_now()``.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from imapclient import IMAPClient

from desktop.core.backoff import Backoff
from desktop.core.events import ConnectionState
from desktop.core.i18n import lazy
from desktop.core.item import sender_address
from desktop.sources.imap.connection import ImapProblem, classify, close_quietly, server_text
from desktop.sources.imap.idle import has_buffered_input, take_announcements
from desktop.sources.imap.outbox import FolderOutbox
from desktop.sources.imap.sync import FolderSync
from desktop.sources.imap.waker import Waker

if TYPE_CHECKING:
    from desktop.sources.imap.source import ImapSource

log = logging.getLogger(__name__)
T = TypeVar("T")

REFUSED_RETRY_S = 3.0  # longest wait after "connection refused", whatever the backoff
PROBE_TIMEOUT = 15.0  # s for the server to answer DONE or NOOP: its silence means a dead link
EMPTY_READS_CLOSED = 3  # a readable socket that yields nothing this often is a closed one
CHANGES = (b"EXISTS", b"RECENT", b"FETCH", b"EXPUNGE", b"VANISHED")
REMOVALS = (b"EXPUNGE", b"VANISHED")


class Stop(Exception):
    """Leave the session: stop() or reconnect_now() was called."""


class Blocked(Exception):
    """Another folder's login already failed for good; wait for reconnect_now()."""


class FolderWorker:
    def __init__(self, source: ImapSource, folder: str, index: int) -> None:
        self.src = source
        self.folder = folder
        self.account = source.account
        self.waker = Waker()
        self.reconnect = threading.Event()
        self.outbox_queued = threading.Event()
        self.client: IMAPClient | None = None  # read by ImapSource.stop() to cut a stuck read
        # Reset by a session that stayed up a while, and by reconnect_now.
        self.backoff = Backoff(source.backoff_first, source.backoff_cap)
        self.outbox = FolderOutbox(
            source_id=source.id,
            account=self.account.name,
            folder=folder,
            first=index == 0,
            watched=source.folders,
            store=source.store,
            emit=source.emit,
        )
        self.thread = threading.Thread(
            target=self._run, name=f"imap:{self.account.name}:{folder}", daemon=True
        )

    def _leaving(self) -> bool:
        return self.src.stopping.is_set() or self.reconnect.is_set()

    # -- the connection loop ------------------------------------------------------------

    def _run(self) -> None:
        src = self.src
        while not src.stopping.is_set():
            if src.blocked:
                self.waker.wait(None)
                continue
            if self.reconnect.is_set():
                self.reconnect.clear()
                self.backoff.reset()  # the network is back or the password fixed: start over
            src.set_state(self.folder, ConnectionState.CONNECTING)
            problem = self._connection()
            if src.stopping.is_set() or problem is None:
                continue
            if problem.state in (
                ConnectionState.AUTH_FAILED,
                ConnectionState.SIGN_IN_AGAIN,
                ConnectionState.ERROR,
            ):
                log.warning("mail account %s: %s", self.account.name, problem.message)
                src.block(problem)
                src.set_state(self.folder, problem.state, problem.message)
                continue
            src.set_state(self.folder, ConnectionState.OFFLINE, problem.message)
            self._backoff(problem)

    def _connection(self) -> ImapProblem | None:
        """One connection from login to its end: the problem that ended it, None if we left."""
        client: IMAPClient | None = None
        try:
            client = self.src.login()
            self.client = client
            self._session(client)
        except (Stop, Blocked):
            return None
        except ImapProblem as exc:
            return exc
        except Exception as exc:
            log.debug("IMAP %s/%s failed", self.account.name, self.folder, exc_info=True)
            return classify(exc, self.account)
        finally:
            self.client = None
            self.backoff.down()
            close_quietly(client)
        return None

    def _backoff(self, problem: ImapProblem) -> None:
        delay = self.backoff.next_delay()
        if problem.refused:
            # Nothing listens: a retry costs the server nothing, and a restarted server is
            # back within seconds; waiting out a grown delay would delay its mail (issue 7.14).
            delay = min(delay, REFUSED_RETRY_S)
        deadline = time.monotonic() + delay
        while not self._leaving():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.waker.wait(left)

    def _session(self, client: IMAPClient) -> None:
        condstore = self._enable_condstore(client)
        try:
            info = client.select_folder(self.folder)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            raise ImapProblem(
                ConnectionState.OFFLINE,
                lazy.translate("Status", "The folder {0} cannot be opened: {1}").format(
                    self.folder, server_text(exc)
                ),
            ) from exc
        # Signed in and the folder open: the server works, so a link lost from here on (during
        # the catch-up too, which takes longest) keeps the next wait short (core/backoff.py).
        self.backoff.up()
        sync = FolderSync(
            client,
            source_id=self.src.id,
            account=self.account.name,
            folder=self.folder,
            store=self.src.store,
            emit=self.src.emit,
            condstore=condstore,
            first_sync_limit=self.src.first_sync_limit,
            own_address=sender_address(self.account.sender_address),
        )
        sync.open(info)
        take_announcements(client)  # SELECT's EXISTS: the catch-up below covers it
        # Local changes made while offline go to the server before we read flags back.
        self.outbox.deliver(client, sync.uidvalidity)
        sync.catch_up()
        self.src.set_state(self.folder, ConnectionState.ONLINE)
        self._idle_loop(client, sync)

    @staticmethod
    def _enable_condstore(client: IMAPClient) -> bool:
        if b"CONDSTORE" not in client.capabilities():
            return False
        try:
            client.enable("CONDSTORE")
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error:
            return False
        return True

    # -- IDLE ---------------------------------------------------------------------------

    def _idle_loop(self, client: IMAPClient, sync: FolderSync) -> None:
        while True:
            if self._leaving():
                raise Stop
            if self.outbox_queued.is_set():
                self.outbox_queued.clear()
                self.outbox.deliver(client, sync.uidvalidity)
            # Mail that arrived while we fetched was announced in those answers, and will
            # not be announced again in IDLE: catch up until the server has nothing new.
            changed, expunged = take_announcements(client)
            if changed:
                sync.changed(expunged)
                continue
            changed, expunged = self._idle(client)
            if self._leaving():
                raise Stop
            if changed:
                sync.changed(expunged)
            elif not self.outbox_queued.is_set():
                self._bounded(client.noop)  # also proves the connection is alive

    def _idle(self, client: IMAPClient) -> tuple[bool, bool]:
        """One IDLE command: wait for a change, a wake-up, the refresh time or a probe.

        Returns (changed, expunged) from everything the server said during it.
        """
        client.idle()
        started = heard = time.monotonic()
        empty_reads = 0
        changed = expunged = False
        # "+ idling" and what followed it may have been read in one go: idle_done reads it.
        while not (self._leaving() or self.outbox_queued.is_set() or has_buffered_input(client)):
            now = time.monotonic()
            left = min(self.src.idle_refresh - (now - started), self.src.probe_interval - (now - heard))
            if left <= 0:
                break
            _, readable = self.waker.wait(left, client.socket())
            if not readable:
                continue
            responses = client.idle_check(timeout=0)
            if not responses:
                empty_reads += 1
                if empty_reads >= EMPTY_READS_CLOSED:
                    raise ImapProblem(ConnectionState.OFFLINE, f"{self.account.host} closed the connection.")
                continue
            empty_reads = 0
            heard = time.monotonic()
            changed, expunged = self._note(responses, changed, expunged)
            if changed:
                break
        _, more = self._bounded(client.idle_done)
        take_announcements(client)  # imaplib also filed what idle_done returned: noted here
        return self._note(more, changed, expunged)

    def _bounded(self, command: Callable[[], T]) -> T:
        """Run DONE or NOOP with a short read timeout: no answer means the link is dead."""
        sock = self.client.socket() if self.client is not None else None
        if sock is not None:
            sock.settimeout(min(self.src.timeout, PROBE_TIMEOUT))
        try:
            return command()
        except TimeoutError as exc:
            raise ImapProblem(
                ConnectionState.OFFLINE, f"{self.account.host} stopped answering: the connection is dead."
            ) from exc
        finally:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.settimeout(self.src.timeout)

    def _note(self, responses: Iterable[Any], changed: bool, expunged: bool) -> tuple[bool, bool]:
        for resp in responses:
            if not isinstance(resp, tuple) or not resp:
                continue
            if resp[0] == b"BYE":
                raise ImapProblem(ConnectionState.OFFLINE, f"{self.account.host} closed the connection.")
            kind = resp[1] if len(resp) > 1 else b""
            changed = changed or kind in CHANGES
            expunged = expunged or kind in REMOVALS
        return changed, expunged
