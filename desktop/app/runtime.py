"""Everything below the UI, shared by the tray app and `tidings watch`."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from pathlib import Path

from desktop.app.actions import Actions
from desktop.app.pipeline import Pipeline
from desktop.app.snooze import SnoozeTimer
from desktop.config import secrets
from desktop.config.settings import MailAccount, Settings
from desktop.sources.base import Source
from desktop.sources.net import network
from desktop.store import Store

log = logging.getLogger(__name__)

DB_NAME = "inbox.sqlite3"


def use_sign_ins(settings: Settings) -> None:
    """Give the OAuth2 sign-ins these settings' ``[oauth.NAME]`` providers, when an account or
    the gateway signs in that way: the OAuth client (httpx, Authlib, cryptography: ~25 MB) is
    imported only then."""
    if settings.gateway.sso or any(a.auth == "oauth2" for a in settings.mail):
        from desktop.sources.oauth.accounts import sign_ins

        sign_ins.use(settings)


def make_mail_source(account: MailAccount, store: Store) -> Source:
    from desktop.sources.imap import ImapSource

    if account.auth == "oauth2":
        from desktop.sources.oauth.accounts import sign_ins

        # Resolved at each login, so a missing client id is the account's status, not a crash.
        return ImapSource(account, store, sign_in=functools.partial(sign_ins.for_account, account))
    return ImapSource(account, store)


def make_gateway_source(settings: Settings, store: Store) -> Source:
    from desktop.sources.gateway import GatewaySource

    return GatewaySource(settings.gateway, store)


def _load_keyring() -> None:
    """Import keyring and choose its backend now, on this thread. Left to the first login,
    a worker does it while the tray app imports Qt, and the two take turns at the GIL: the
    login then waits for Qt after all (issue 9: 450 -> 340 ms to the first login). A backend
    that fails here fails again at the login, which reports it."""
    import keyring

    with contextlib.suppress(Exception):
        keyring.get_keyring()


class Runtime:
    def __init__(self, settings: Settings, data_dir: Path, store: Store | None = None) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.store = store or Store(data_dir / DB_NAME)
        self.pipeline = Pipeline(self.store)
        self.sources: dict[str, Source] = {}
        self.actions = Actions(self.pipeline, lambda: self.sources)
        self.snoozes = SnoozeTimer(self.actions)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connections_ready = False

    def start_mail(self) -> None:
        """Start the mail accounts that sign in with a password, before any event loop
        exists: the tray app logs in while Qt is still being imported (issue 9). Their
        events wait in the pipeline until :meth:`start`. OAuth2 accounts start there: a
        token refresh needs the OAuth client, and its import would delay the others."""
        self._start_connections()
        early = [a for a in self.settings.mail if a.auth != "oauth2"]
        if any(not a.password_command for a in early) and not secrets.keyring_from_child():
            _load_keyring()
        for account in early:
            self._add(make_mail_source(account, self.store))

    def _start_connections(self) -> None:
        if self._connections_ready:
            return
        self._connections_ready = True
        network.configure(self.settings.network)  # before any source opens a connection
        # A "Mark all read" whose undo window a crash or quit cut short: the user kept it.
        self.actions.release()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.pipeline.bind(loop)
        use_sign_ins(self.settings)  # the [oauth.NAME] providers of OAuth2 mail accounts
        self._start_connections()
        for account in self.settings.mail:
            if account.source_id not in self.sources:  # not started by start_mail()
                self._add(make_mail_source(account, self.store))
        if self.settings.gateway.enabled:
            self._add(make_gateway_source(self.settings, self.store))
        self.snoozes.start(loop)

    def _add(self, source: Source) -> None:
        self.sources[source.id] = source
        source.start(self.pipeline.emit)

    async def _remove(self, source_id: str) -> None:
        source = self.sources.pop(source_id, None)
        if source is not None:
            await source.stop()
        self.pipeline.statuses.pop(source_id, None)

    async def apply_settings(self, settings: Settings) -> None:
        """Restart what changed, start what was added, stop and forget what was removed."""
        use_sign_ins(settings)
        old = {a.source_id: a for a in self.settings.mail}
        new = {a.source_id: a for a in settings.mail}
        gateway_changed = settings.gateway != self.settings.gateway
        network_changed = settings.network != self.settings.network
        self.settings = settings
        if network_changed:
            # Every connection may take another way now: reopen the ones the loops below keep.
            network.configure(settings.network)
            for source_id, account in old.items():
                if new.get(source_id) == account:
                    await self._remove(source_id)
                    self._add(make_mail_source(account, self.store))
            gateway_changed = True
        for source_id, account in old.items():
            if source_id not in new:
                await self._remove(source_id)
                self.store.clear_source(source_id)
                with contextlib.suppress(secrets.SecretError):
                    secrets.delete_secret(secrets.mail_key(account.name))
            elif new[source_id] != account:
                await self._remove(source_id)
                self._add(make_mail_source(new[source_id], self.store))
        for source_id, account in new.items():
            if source_id not in old:
                self._add(make_mail_source(account, self.store))
        if gateway_changed:
            await self._remove("gateway")
            if settings.gateway.enabled:
                self._add(make_gateway_source(settings, self.store))

    def reconnect(self, source_id: str | None = None) -> None:
        """Resume from sleep, network change, or a fixed password: retry now."""
        if source_id is None:
            self.snoozes.check()  # after a sleep, snoozes that ended come back now
        for sid, source in self.sources.items():
            if source_id is None or sid == source_id:
                source.reconnect_now()

    async def stop(self) -> None:
        self.snoozes.stop()
        for source_id in list(self.sources):
            try:
                await asyncio.wait_for(self._remove(source_id), timeout=10)
            except (TimeoutError, Exception):
                log.exception("stopping %s failed", source_id)
        self.store.close()
