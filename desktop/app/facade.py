"""What the UI may use of everything below it: one object, so no widget holds the store,
the pipeline or a source.

``AppFacade`` wraps the ``Runtime``: read-only questions about the inbox (``inbox``),
the user's actions, connection statuses, a mail body on demand and the settings
dialog's connection test. Its methods never return store or source objects, only
``desktop.core`` types and the small value types below. No Qt.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from desktop.app.actions import ActionError, MarkedRead
from desktop.app.pipeline import Listener
from desktop.app.runtime import Runtime
from desktop.config.settings import MailAccount, Settings
from desktop.core.events import SourceStatus
from desktop.core.i18n import translate
from desktop.core.item import Item
from desktop.store import Store, StoreError, Tally

if TYPE_CHECKING:
    from desktop.app.composing import ComposeDraft, Composer, Texts

__all__ = [
    "ActionError",
    "AppFacade",
    "ComposeDraft",
    "Delivery",
    "InboxQuery",
    "MailBody",
    "MarkedRead",
    "StoreError",  # the database cannot be opened or written: the tray app says so at start
    "Tally",  # a search count that may stop early: the list shows "N+"
    "Texts",
    "test_account",
]


def __getattr__(name: str) -> Any:
    """``ComposeDraft`` and ``Texts`` for the compose window, imported on first use."""
    if name in ("ComposeDraft", "Texts"):
        from desktop.app import composing

        return getattr(composing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclasses.dataclass(frozen=True, slots=True)
class Delivery:
    """Where a queued action (a reply, a decision) stands: "pending", "done" or "failed"."""

    status: str
    error: str = ""


@dataclasses.dataclass(slots=True)
class MailBody:
    """What the detail pane shows of one message. ``html`` is already sanitized."""

    html: str = ""
    text: str = ""
    attachments: list[tuple[str, int]] = dataclasses.field(default_factory=list)  # (file name, bytes)
    cc: str = ""
    to: str = ""
    remote_content_blocked: bool = False  # the sanitizer dropped remote images: say so


class InboxQuery:
    """Read-only questions the list and the detail views ask; answers are ``Item`` values.

    ``page``, ``position`` and ``count`` share the store's filter, so the row a
    notification click lands on is the row the list shows.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        # Counts run in a thread on a connection of their own (WAL lets it read beside the
        # writer), so a count that walks many matches never holds up the list.
        self._counter: Store | None = None
        self._counter_lock = threading.Lock()

    def page(
        self,
        after: tuple[float, str] | None = None,
        limit: int = 200,
        query: str = "",
        unread_only: bool = False,
    ) -> list[Item]:
        """Newest first; ``after`` is the (timestamp, id) of the last row already shown."""
        return self._store.page(after=after, limit=limit, query=query, unread_only=unread_only)

    def count(self, query: str = "", unread_only: bool = False, cap: int | None = None) -> int:
        """Rows the filter lists; with ``cap`` counting stops there (shown as "1,000+")."""
        return self._store.count(query, unread_only, cap)

    def count_later(
        self, done: Callable[[Tally], None], query: str = "", unread_only: bool = False, cap: int = 1000
    ) -> None:
        """The list's count (``Store.tally``: at most ``cap`` rows, or what a few ms found)
        in a worker thread; ``done(tally)`` is called in that thread, or not at all if the
        store failed (the count is a hint; the list has its rows already)."""

        def work() -> None:
            try:
                with self._counter_lock:  # one count at a time, on one extra connection
                    if self._counter is None:
                        memory = self._store.path == ":memory:"  # nothing to share: use the store
                        self._counter = self._store if memory else Store(self._store.path, False)
                    tally = self._counter.tally(query, unread_only, cap)
            except StoreError:
                return
            done(tally)

        threading.Thread(target=work, name="tidings-count", daemon=True).start()

    def position(self, item_id: str, query: str = "", unread_only: bool = False) -> int | None:
        return self._store.position(item_id, query, unread_only)

    def get(self, item_id: str) -> Item | None:
        return self._store.get_item(item_id)

    def get_many(self, item_ids: Sequence[str]) -> list[Item]:
        """The items that still exist, in the order asked (a burst a notification named)."""
        return self._store.get_items(list(dict.fromkeys(item_ids)))

    def thread(self, thread_key: str, limit: int = 50) -> list[Item]:
        """A conversation's messages, oldest first; ``limit=1`` gives the listed (newest) one."""
        return self._store.thread(thread_key, limit=limit)

    def unread_count(self) -> int:
        return self._store.unread_count()

    def delivery(self, entry_id: str) -> Delivery | None:
        entry = self._store.outbox_entry(entry_id)
        return None if entry is None else Delivery(entry.status, entry.last_error or "")


class AppFacade:
    """The tray app's view of the runtime."""

    FOLDERS_FRESH_S = 300.0  # "Move to…" lists the account's folders from this cache

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self.inbox = InboxQuery(runtime.store)
        self._made_composer: Composer | None = None
        self._folders: dict[str, tuple[float, list[str]]] = {}
        self._folders_lock = threading.Lock()

    @property
    def _composer(self) -> Composer:
        # Made on first use: composing brings SMTP's modules, which a start without
        # unsent drafts does not need (issue 9: memory, and time before the first login).
        if self._made_composer is None:
            from desktop.app.composing import Composer

            runtime = self._runtime
            self._made_composer = Composer(
                runtime.pipeline, lambda: runtime.settings, lambda: runtime.sources
            )
        return self._made_composer

    # -- lifecycle (the tray app's wiring) ---------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings in force (replaced, not mutated, by ``apply_settings``)."""
        return self._runtime.settings

    def add_listener(self, listener: Listener) -> None:
        self._runtime.pipeline.add_listener(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._runtime.pipeline.remove_listener(listener)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._runtime.start(loop)

    async def stop(self) -> None:
        await self._runtime.stop()

    async def apply_settings(self, settings: Settings) -> None:
        await self._runtime.apply_settings(settings)

    def reconnect(self, source_id: str | None = None) -> None:
        """Retry now: one source, or every source (resume, network back, "Retry now")."""
        self._runtime.reconnect(source_id)

    # -- connections ------------------------------------------------------------------------

    def statuses(self) -> dict[str, SourceStatus]:
        """The last status each source reported (a source that has not spoken yet is absent)."""
        return dict(self._runtime.pipeline.statuses)

    def source_names(self) -> dict[str, str]:
        """Every running source's id and display name, in start order."""
        return {sid: str(getattr(s, "display_name", "") or "") for sid, s in self._runtime.sources.items()}

    def gateway_user(self) -> str:
        """The signed-in gateway user id (hello.user), to show our own chat messages as "You"."""
        user = getattr(self._runtime.sources.get("gateway"), "user", "")
        return user if isinstance(user, str) else ""

    # -- actions: raise ActionError with a message for the user ------------------------------

    def mark_read(self, item_id: str, read: bool = True) -> None:
        with _store_errors_as_action_errors():
            self._runtime.actions.mark_read(item_id, read=read)

    def reply(self, item_id: str, text: str) -> str:
        """Queue a chat reply; the outbox entry id (see ``inbox.delivery``)."""
        with _store_errors_as_action_errors():
            return self._runtime.actions.reply(item_id, text)

    def decide(self, item_id: str, approve: bool, comment: str = "") -> str:
        with _store_errors_as_action_errors():
            return self._runtime.actions.decide(item_id, approve, comment)

    def complete(self, item_id: str) -> str:
        """Complete a task (through the outbox); the entry id (see ``inbox.delivery``)."""
        with _store_errors_as_action_errors():
            return self._runtime.actions.complete(item_id)

    def mark_view_read(self, query: str = "", unread_only: bool = False, source: str = "") -> MarkedRead:
        """Mark all read in the view; nothing is delivered until ``release`` (or ``undo``)."""
        with _store_errors_as_action_errors():
            return self._runtime.actions.mark_view_read(query, unread_only, source)

    def release(self, marked: MarkedRead) -> None:
        with _store_errors_as_action_errors():
            self._runtime.actions.release(marked)

    def undo(self, marked: MarkedRead) -> None:
        with _store_errors_as_action_errors():
            self._runtime.actions.undo(marked)

    def snooze(self, item_ids: list[str], until: float) -> list[str]:
        """Snooze items until ``until`` (epoch seconds); the ids that left the list."""
        with _store_errors_as_action_errors():
            taken = self._runtime.actions.snooze(item_ids, until)
        self._runtime.snoozes.check()  # the timer may now have an earlier time to wait for
        return taken

    # -- mail: archive, delete, move; compose and send ------------------------------------------

    def archive(self, item_ids: list[str]) -> list[str]:
        """Move mail to the account's Archive; the ids that left the list (other kinds stay)."""
        return self._move_per_account(item_ids, "\\Archive", lambda a: a.archive_folder)

    def delete(self, item_ids: list[str]) -> list[str]:
        """Move mail to Trash (from Trash: delete it for good); the ids that left the list."""
        return self._move_per_account(item_ids, "\\Trash", lambda a: a.trash_folder)

    def move(self, item_ids: list[str], folder: str) -> list[str]:
        """Move mail to a folder of its account (one of ``folders()``)."""
        return self._move_per_account(item_ids, folder, lambda _a: "")

    def _move_per_account(
        self, item_ids: list[str], to: str, fallback: Callable[[MailAccount], str]
    ) -> list[str]:
        groups: dict[str, list[str]] = {}
        for item in self._runtime.store.get_items(list(dict.fromkeys(item_ids))):
            groups.setdefault(
                str(item.payload.get("account") or item.source.removeprefix("mail:")), []
            ).append(item.id)
        taken: list[str] = []
        with _store_errors_as_action_errors():
            for name, ids in groups.items():
                account = self.settings.account(name)
                taken += self._runtime.actions.move(ids, to, fallback(account) if account else "")
        return taken

    def folders(self, account_name: str, refresh: bool = False) -> list[str]:
        """The account's folders for "Move to…" (LIST, cached for a few minutes). Blocking."""
        with self._folders_lock:
            cached = self._folders.get(account_name)
        if cached is not None and not refresh and time.monotonic() - cached[0] < self.FOLDERS_FRESH_S:
            return list(cached[1])
        from desktop.sources.imap import account_folders

        account = self.settings.account(account_name)
        if account is None:
            raise LookupError(
                translate("Detail", "The account {0} is no longer set up.").format(account_name)
            )
        names = [f.name for f in account_folders(account)]
        with self._folders_lock:
            self._folders[account_name] = (time.monotonic(), names)
        return names

    def saved_draft(self, item_id: str, mode: str) -> ComposeDraft | None:
        """The unsent reply (or forward) of this mail the user was writing, if any."""
        return self._composer.saved(item_id, mode)

    def saved_drafts(self) -> list[ComposeDraft]:
        """Every unsent draft, newest first (offered at start)."""
        if not self._runtime.store.drafts():  # the usual start: no composer needed
            return []
        return self._composer.all_saved()

    def save_draft(self, draft: ComposeDraft) -> None:
        with _store_errors_as_action_errors():
            self._composer.save(draft)

    def discard_draft(self, key: str) -> None:
        with _store_errors_as_action_errors():
            self._composer.discard(key)

    def start_draft(self, item: Item, mode: str, texts: Texts | None = None) -> ComposeDraft:
        """A new reply / reply all / forward of ``item``: fetches the original. Blocking."""
        from desktop.app.composing import Texts
        from desktop.sources.smtp import Original

        message = self._fetch_message(item)
        header = getattr(message, "header", b"") or b""
        original = Original.from_headers(header, str(getattr(message, "text", "") or ""))
        return self._composer.start(item.id, mode, original, texts or Texts())

    def send_mail(self, draft: ComposeDraft) -> str:
        """Queue the draft for sending (once); the outbox entry id (see ``inbox.delivery``)."""
        with _store_errors_as_action_errors():
            return self._composer.send(draft)

    # -- mail bodies and connection tests (blocking: call from a worker thread) ----------------

    def fetch_body(self, item: Item) -> MailBody:
        """The body of a mail item, fetched from its server now (it reads the password itself)."""
        from desktop.app.composing import is_outgoing

        if is_outgoing(item):
            p = item.payload
            return MailBody(
                text=str(p.get("text") or ""), to=str(p.get("to") or ""), cc=str(p.get("cc") or "")
            )
        return mail_body(self._fetch_message(item))

    def _fetch_message(self, item: Item) -> Any:
        from desktop.sources.imap import fetch_message

        name = str(item.payload.get("account") or item.source.removeprefix("mail:"))
        account = self.settings.account(name)
        if account is None:
            raise LookupError(translate("Detail", "The account {0} is no longer set up.").format(name))
        return fetch_message(
            account,
            str(item.payload.get("folder", "INBOX")),
            int(item.payload.get("uidvalidity", 0)),
            int(item.payload.get("uid", 0)),
        )

    def test_account(self, account: MailAccount, password: str) -> tuple[bool, str]:
        return test_account(account, password)


def mail_body(message: Any) -> MailBody:
    """The IMAP source's MessageBody as the UI's MailBody (by attribute: no import of its class)."""
    attachments = [
        (str(getattr(a, "name", "") or translate("Detail", "(unnamed)")), int(getattr(a, "size", 0) or 0))
        for a in getattr(message, "attachments", ()) or ()
    ]
    return MailBody(
        html=str(getattr(message, "html", "") or ""),
        text=str(getattr(message, "text", "") or ""),
        attachments=attachments,
        cc=str(getattr(message, "cc", "") or ""),
        to=str(getattr(message, "to", "") or ""),
        remote_content_blocked=bool(getattr(message, "remote_content_blocked", False)),
    )


def test_account(account: MailAccount, password: str) -> tuple[bool, str]:
    """The settings dialog's "Test connection": (ok, a sentence for the user). Blocking."""
    from desktop.sources.imap import test_connection

    return test_connection(account, password)


test_account.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported

#: (account, password) -> (ok, message), run on a worker thread.
AccountTester = Callable[[MailAccount, str], tuple[bool, str]]


@contextmanager
def _store_errors_as_action_errors() -> Iterator[None]:
    # A full disk or a locked database while acting is the user's problem to see, said
    # once in the store's words; the UI catches one exception type.
    try:
        yield
    except StoreError as exc:
        raise ActionError(str(exc)) from exc
