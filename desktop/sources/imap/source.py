"""ImapSource: a mail account as a Source, one worker thread per watched folder.

One connection per folder is the simplest way to get push for every folder:
IMAP IDLE only reports changes of the selected mailbox. The modules beside
this one hold the parts: ``worker`` (the connection loop and IDLE), ``sync``
(first sync, catch-up, flags), ``outbox`` (queued actions), ``fetch`` (list
items), ``ids`` and ``waker``. This module holds what the folders of an
account share: one login at a time, the blocked state after a failed login,
and one status for the account.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from imapclient import IMAPClient

from desktop.config.secrets import SecretError, get_secret, mail_key
from desktop.config.settings import MailAccount
from desktop.core.events import ConnectionState, SourceEvent, SourceStatus
from desktop.sources.base import Emit, StoreReader
from desktop.sources.imap.connection import ImapProblem, abort, classify, connect
from desktop.sources.imap.ids import item_id, parse_item_id
from desktop.sources.imap.worker import Blocked, FolderWorker

if TYPE_CHECKING:
    from desktop.sources.imap.sending import Sender
    from desktop.sources.oauth.accounts import AccountSignIn

__all__ = ["ImapSource", "item_id", "parse_item_id"]

log = logging.getLogger(__name__)

#: how often a source waiting for "Sign in again" looks for a sign-in stored by another process
SIGN_IN_POLL_S = 2.0

# Worst first: the account shows the most serious problem of any of its folders.
_SEVERITY = (
    ConnectionState.SIGN_IN_AGAIN,
    ConnectionState.AUTH_FAILED,
    ConnectionState.ERROR,
    ConnectionState.OFFLINE,
    ConnectionState.CONNECTING,
    ConnectionState.ONLINE,
)


class ImapSource:
    """A mail account as a Source (desktop/sources/base.py). Never imports Qt."""

    def __init__(
        self,
        account: MailAccount,
        store: StoreReader,
        *,
        backoff_first: float = 1.0,
        backoff_cap: float = 60.0,
        idle_refresh: float = 600.0,
        probe_interval: float = 30.0,
        timeout: float = 30.0,
        first_sync_limit: int = 200,
        sign_in: Callable[[], AccountSignIn] | None = None,
    ) -> None:
        """``sign_in``: for an OAuth2 account, gives its sign-in (may raise OAuthSetupError)."""
        self.account = account
        self.store = store
        self.id = account.source_id
        self.display_name = account.name
        self.backoff_first = backoff_first
        self.backoff_cap = backoff_cap
        # RFC 2177: servers may drop IDLE after 30 minutes; NAT boxes often sooner.
        self.idle_refresh = min(idle_refresh, 29 * 60.0)
        # Silence in IDLE for this long → leave it to check the server still answers. TCP
        # keepalive alone misses a link frozen behind a proxy or NAT box that still ACKs.
        self.probe_interval = probe_interval
        self.timeout = timeout
        self.first_sync_limit = first_sync_limit
        self._sign_in = sign_in
        self.folders = list(dict.fromkeys(f.strip() for f in account.folders if f.strip())) or ["INBOX"]
        self.stopping = threading.Event()
        self._emit: Emit | None = None
        self._workers: list[FolderWorker] = []
        self._sender: Sender | None = None  # outgoing mail: its own thread, so IDLE never waits on SMTP
        self._sender_lock = threading.Lock()
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
        self.stopping.clear()
        for index, folder in enumerate(self.folders):
            self._states[folder] = (ConnectionState.CONNECTING, "")
            self._workers.append(FolderWorker(self, folder, index))
        self._publish()
        for worker in self._workers:
            worker.thread.start()
        self._start_sender_if_sending()

    def _start_sender_if_sending(self) -> None:
        """The sender thread, once this account has mail to send (now, or left by the last
        run): until then no thread waits and SMTP's modules stay unimported (issue 9)."""
        with self._sender_lock:
            if self._sender is not None or self.stopping.is_set():
                return
            if not any(entry.action == "send" for entry in self.store.pending(self.id)):
                return
            from desktop.sources.imap.sending import Sender  # smtp imports imap.parse: not at import time

            self._sender = Sender(self)
            self._sender.thread.start()

    async def stop(self) -> None:
        self.stopping.set()
        for worker in self._workers:
            worker.waker.wake()
        if self._sender is not None:
            self._sender.poke()
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
        sender, self._sender = self._sender, None
        if sender is not None:
            # A submission in progress ends within the SMTP timeout; its phase is stored.
            sender.thread.join(2.0)
            if sender.thread.is_alive():
                log.info("the sender of %s is still finishing a submission", self.account.name)

    def reconnect_now(self) -> None:
        with self._login_lock:
            self._blocked = None
            self._password = None  # the user may just have changed it
        for worker in self._workers:
            worker.reconnect.set()
            worker.waker.wake()
        if self._sender is not None:
            self._sender.poke(reset=True)

    def outbox_changed(self) -> None:
        for worker in self._workers:
            worker.outbox_queued.set()
            worker.waker.wake()
        if self._sender is not None:
            self._sender.poke()
        else:
            self._start_sender_if_sending()

    # -- shared by the folder workers ----------------------------------------------------

    def emit(self, event: SourceEvent) -> None:
        if self._emit is not None:
            self._emit(event)

    def login(self) -> IMAPClient:
        # One login at a time per account: after a rejected password, no other
        # folder tries again, so the server sees a single failed attempt.
        with self._login_lock:
            if self._blocked is not None:
                raise Blocked
            if self._sign_in is not None:
                return connect(self.account, self.token, self.timeout)
            try:
                password = self._password or get_secret(
                    mail_key(self.account.name), self.account.password_command
                )
            except SecretError as exc:
                raise classify(exc, self.account) from None
            client = connect(self.account, password, self.timeout)
            self._password = password
            return client

    @property
    def uses_oauth(self) -> bool:
        """An OAuth2 account: IMAP and SMTP sign in with :meth:`token`."""
        return self._sign_in is not None

    def token(self, force_refresh: bool) -> str:
        """The account's access token (OAuth2 accounts only); raises the OAuth problems."""
        assert self._sign_in is not None
        return self._sign_in().access_token(force_refresh=force_refresh)

    def block(self, problem: ImapProblem) -> None:
        with self._login_lock:
            self._blocked = problem
            self._password = None
        if problem.state is ConnectionState.SIGN_IN_AGAIN and self._sign_in is not None:
            # No retries at the server; only a look at the keyring, where a sign-in made
            # elsewhere (tidings account login, another window) appears.
            threading.Thread(
                target=self._await_sign_in, name=f"imap:{self.account.name}:sign-in", daemon=True
            ).start()

    def _await_sign_in(self) -> None:
        assert self._sign_in is not None
        sign_in = self._sign_in()
        while not self.stopping.wait(SIGN_IN_POLL_S):
            if self._blocked is None:
                return  # reconnect_now() came first
            if sign_in.has_new_sign_in():
                log.info("mail account %s: a new sign-in was stored; connecting", self.account.name)
                self.reconnect_now()
                return

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
