"""The account's outgoing mail: one thread that drives each queued "send" entry through
``smtp.delivery`` (SMTP submission, then a copy in Sent over IMAP).

Each phase is handed to the pipeline as ``OutboxProgress`` and this thread waits until
the store has committed it before the next step: a crash at any point leaves a phase
that tells the next attempt what is safe (see ``smtp/delivery.py``). Entries go in the
order they were queued; one that has to wait (offline, a 4xx) holds the rest back, with
a growing backoff. A refusal (a recipient, the size) fails that message with the
server's words; a refused sign-in or wrong settings stop sending until the user acts
(``outbox_changed`` or ``reconnect_now``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from desktop.config.secrets import SecretError, get_secret, mail_key
from desktop.core.backoff import Backoff
from desktop.core.events import OutboxProgress
from desktop.core.i18n import lazy, localized
from desktop.sources.base import QueuedAction
from desktop.sources.smtp.delivery import Delivery, Outcome, Phase
from desktop.sources.smtp.outgoing import Outgoing
from desktop.sources.smtp.sent import SentFolder
from desktop.sources.smtp.submit import (
    Credentials,
    FailureKind,
    OAuthToken,
    Password,
    SendError,
    SmtpServer,
    submit,
)

if TYPE_CHECKING:
    from desktop.sources.imap.source import ImapSource

_NOT_YET = lazy.translate("Status", "Not sent yet: {0}")
_SENT_COPY_WAITS = lazy.translate("Status", "Sent; the copy for the Sent folder waits: {0}")
_NOT_SENT = lazy.translate("Status", "Not sent: {0}")
_RETRYING = lazy.translate("Status", "Not sent yet, Tidings tries again: {0}")


def _words(exc: BaseException) -> str:
    """A failure's sentence, still translatable when it was built as a ``Text``."""
    message = getattr(exc, "message", None)
    if isinstance(message, str):
        return message
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)


log = logging.getLogger(__name__)

RECORD_TIMEOUT = 30.0  # s for the store to commit a phase; longer means the app is going down


class RecordFailed(Exception):
    """A phase could not be stored: stop this attempt, the stored phase still holds."""


def outgoing_of(entry: QueuedAction) -> tuple[Outgoing, Phase]:
    """The message and phase a "send" entry stores; ValueError if the entry is damaged."""
    p = entry.payload
    try:
        message = Outgoing(
            message_id=str(p["message_id"]),
            data=base64.b64decode(str(p["data"]), validate=True),
            mail_from=str(p["mail_from"]),
            recipients=tuple(str(r) for r in p["recipients"]),
        )
        return message, Phase(str(p.get("phase") or Phase.QUEUED))
    except (KeyError, TypeError, binascii.Error) as exc:
        raise ValueError(f"the queued message is damaged ({exc})") from exc


class Sender:
    def __init__(self, source: ImapSource) -> None:
        self.src = source
        self.account = source.account
        self.wake = threading.Event()
        self.backoff = Backoff(source.backoff_first, source.backoff_cap)
        # The source's own login: one sign-in path (password or token) and one blocked state.
        self._sent = SentFolder(source.login, self.account.sent_folder)
        self._password: str | None = None
        self.thread = threading.Thread(target=self._run, name=f"smtp:{self.account.name}", daemon=True)

    def poke(self, reset: bool = False) -> None:
        """New mail queued, or the user fixed something: try now."""
        if reset:
            self.backoff.reset()
            self._password = None
        self.wake.set()

    # -- the loop -----------------------------------------------------------------------

    def _run(self) -> None:
        while not self.src.stopping.is_set():
            self.wake.clear()
            try:
                delay = self._deliver_pending()
            except Exception:
                log.exception("sending from %s failed", self.account.name)
                delay = self.backoff.next_delay()
            if self.src.stopping.is_set():
                break
            self.wake.wait(delay)

    def _deliver_pending(self) -> float | None:
        """Send what is queued, in order; the wait before the next try (None: until poked)."""
        for entry in self.src.store.pending(self.src.id):
            if entry.action != "send":
                continue
            if self.src.stopping.is_set():
                return None
            outcome = self._deliver(entry)
            if outcome is None or outcome.phase in (Phase.SENT, Phase.FAILED):
                continue
            if outcome.needs_user:
                return None
            return self.backoff.next_delay()
        self.backoff.reset()
        return None

    def _deliver(self, entry: QueuedAction) -> Outcome | None:
        try:
            message, phase = outgoing_of(entry)
        except ValueError as exc:
            self._note(
                entry,
                Phase.FAILED,
                lazy.translate("Status", "The queued message is damaged ({0}).").format(exc.__cause__ or exc),
            )
            return None
        credentials: Credentials
        if self.src.uses_oauth:
            # The account's sign-in (oauth.accounts), as for IMAP; XOAUTH2, which Microsoft
            # 365, Google and Dovecot all take for SMTP (Microsoft has no OAUTHBEARER there).
            credentials = OAuthToken(
                self.account.username,
                token=lambda: self.src.token(False),
                mechanism="XOAUTH2",
                refresh=lambda: self.src.token(True),
            )
        else:
            try:
                credentials = Password(self.account.username, self._secret())
            except SecretError as exc:
                self._note(entry, phase, _NOT_YET.format(_words(exc)))
                return Outcome(phase, SendError(FailureKind.AUTH, str(exc)))
        server = SmtpServer(
            self.account.effective_smtp_host,
            self.account.effective_smtp_port,
            "tls" if self.account.smtp_security == "tls" else "starttls",
            ca_file=self.account.ca_file,
            timeout=self.src.timeout,
        )
        delivery = Delivery(functools.partial(submit, server, credentials), self._sent)
        try:
            outcome = delivery.run(message, phase, functools.partial(self._record, entry))
        except RecordFailed as exc:
            log.warning("%s: %s", message.message_id, exc)
            return Outcome(phase, SendError(FailureKind.TRANSIENT, str(exc)))
        if outcome.error is not None:
            if isinstance(outcome.error, SendError) and outcome.error.kind is FailureKind.AUTH:
                self._password = None  # read it again: the user may have changed it
            words = _words(outcome.error)
            if outcome.phase is Phase.FAILED:
                self._note(entry, Phase.FAILED, words)
            elif outcome.phase is Phase.ACCEPTED:
                self._note(entry, outcome.phase, _SENT_COPY_WAITS.format(words))
            elif outcome.needs_user:
                self._note(entry, outcome.phase, _NOT_SENT.format(words))
            else:
                self._note(entry, outcome.phase, _RETRYING.format(words))
        if outcome.submitted:
            log.info("%s accepted by %s", message.message_id, server.host)
        return outcome

    # -- helpers ------------------------------------------------------------------------

    def _record(self, entry: QueuedAction, phase: Phase) -> None:
        """Store ``phase`` and wait for the commit: Delivery's next step depends on it."""
        if phase is Phase.FAILED:
            return  # the last step: stored once, with the server's reason (``_deliver``)
        written: Future[None] = Future()
        self.src.emit(OutboxProgress(self.src.id, entry.id, str(phase), written=written))
        try:
            written.result(timeout=RECORD_TIMEOUT)
        except FutureTimeout as exc:
            raise RecordFailed(f"the phase {phase} was not stored in time") from exc
        except Exception as exc:
            raise RecordFailed(f"the phase {phase} could not be stored: {exc}") from exc

    def _note(self, entry: QueuedAction, phase: Phase, message: str) -> None:
        """The phase with a reason for the item; nothing waits on this write. The reason is
        stored in the user's language: the item shows it as it is."""
        self.src.emit(OutboxProgress(self.src.id, entry.id, str(phase), localized(message)))

    def _secret(self) -> str:
        if self._password is None:
            self._password = get_secret(mail_key(self.account.name), self.account.password_command)
        return self._password
