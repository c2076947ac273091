"""OAuth2 for mail accounts (``auth = "oauth2"``): the provider an account names, and the
sign-in that gives its IMAP (and SMTP) logins their access tokens.

    sign_in = sign_ins.for_account(account, settings)   # OAuthSetupError: what is missing
    token = sign_in.access_token()                       # SignInRequired / ProviderUnavailable
    sign_in.sign_in_with_browser()                       # tidings account login, "Sign in"

The refresh token lives in the keyring under ``secrets.oauth_key(issuer, client_id)``: keyed
by the provider and the organisation's registration, not by the account, so mail and the
gateway (``[gateway] sign_in = "sso"``) signing in with the same provider and client share one
sign-in. In one process they also share one :class:`AccountSignIn` (:class:`SignIns`), because
refresh tokens rotate: two holders of one token would refuse each other's. Across processes
(``tidings account login`` while the tray app runs) the keyring is the meeting point: a
refused refresh first looks there for a newer token. With ``password_command`` the refresh
token comes from that command instead, and a rotated one is kept only in memory.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Sequence

from desktop.config.secrets import SecretError, get_secret, oauth_key, set_secret
from desktop.config.settings import MailAccount, Settings
from desktop.core.i18n import lazy
from desktop.sources.oauth.client import DeviceSignIn, OAuthClient
from desktop.sources.oauth.errors import OAuthSetupError, SignInRequired
from desktop.sources.oauth.providers import OAuthProvider, custom, google, microsoft

log = logging.getLogger(__name__)

ASK_IT = "ask your IT department for it"


def provider_for(account: MailAccount, settings: Settings) -> OAuthProvider:
    """The provider ``account.oauth`` names, with the organisation's registration.

    Raises :class:`OAuthSetupError` saying what is missing (no provider, no client id)."""
    name = account.oauth.strip()
    if not name:
        raise OAuthSetupError(
            lazy.translate(
                "Status",
                'The mail account {0} signs in with OAuth2 but names no provider: set oauth = "microsoft", "google" or the name of your company\'s [oauth.NAME] table.',
            ).format(repr(account.name)),
            reason="unknown_provider",
        )
    return provider_named(name, settings, f"The mail account {account.name!r}")


def provider_named(name: str, settings: Settings, who: str) -> OAuthProvider:
    """The provider ``[oauth.NAME]`` (or a preset) declares; ``who`` names the one asking.

    When the gateway signs in with the same provider (``[gateway] oauth = NAME``), the
    sign-in also asks for the gateway's scopes and audience, so one browser sign-in serves
    mail and the gateway, whichever asked for it."""
    provider = _declared_provider(name.strip(), settings, who)
    gateway = settings.gateway
    if not (gateway.sso and gateway.oauth.strip() == name.strip()):
        return provider
    scopes = tuple(dict.fromkeys((*provider.scopes, *gateway.scopes)))
    audience = gateway.audience.strip()
    others = (audience,) if audience and audience != provider.resource else ()
    return dataclasses.replace(provider, scopes=scopes, other_resources=others)


def _declared_provider(name: str, settings: Settings, who: str) -> OAuthProvider:
    table = settings.oauth.get(name)
    if name in ("microsoft", "google"):
        client_id = table.client_id if table is not None else ""
        if not client_id.strip():
            shown = "Microsoft 365" if name == "microsoft" else "Google"
            raise OAuthSetupError(
                lazy.translate(
                    "Status",
                    "Tidings needs your organisation's app registration to sign in with {0}: {1} (the client id) and put it in [oauth.{2}] client_id.",
                ).format(shown, ASK_IT, name),
                reason="no_client_id",
            )
        if name == "microsoft":
            return microsoft(client_id, tenant=table.tenant if table is not None else "")
        return google(client_id, table.client_secret if table is not None else None)
    if table is None:
        raise OAuthSetupError(
            lazy.translate(
                "Status",
                "{0} names the sign-in provider {1}, but no [oauth.{2}] table declares it (issuer, client_id, scopes): {3}.",
            ).format(who, repr(name), name, ASK_IT),
            reason="unknown_provider",
        )
    if not table.client_id.strip():
        raise OAuthSetupError(
            lazy.translate(
                "Status",
                "Tidings needs your organisation's app registration to sign in with {0}: {1} (the client id) and put it in [oauth.{2}] client_id.",
            ).format(name, ASK_IT, name),
            reason="no_client_id",
        )
    return custom(
        name,
        issuer=table.issuer.strip(),
        client_id=table.client_id,
        scopes=table.scopes or ["openid", "offline_access"],
        resource=table.resource.strip() or None,
    )


class AccountSignIn:
    """The lasting sign-in at one provider (and registration), for the accounts that use it.

    Thread-safe: IMAP workers ask for tokens from their threads."""

    def __init__(
        self,
        provider: OAuthProvider,
        *,
        command: str = "",
        ca_file: str | None = None,
        make_client: Callable[..., OAuthClient] = OAuthClient,
    ) -> None:
        self.provider = provider
        self.key = oauth_key(provider.issuer, provider.client_id)
        self._command = command
        self._ca_file = ca_file
        self._make_client = make_client
        self._lock = threading.RLock()
        self._client: OAuthClient | None = None
        self._used: str | None = None  # the stored refresh token the client started from
        self._refused: str | None = None  # the one the provider refused ("sign in again")

    def _save(self, refresh_token: str) -> None:
        if self._command:
            return  # it came from a command: nowhere to write it back
        set_secret(self.key, refresh_token)
        with self._lock:
            self._used = refresh_token

    def _stored(self) -> str | None:
        """The stored refresh token, None if there is none yet. A failing command means
        "sign in again" (its output is the sign-in); no keyring at all is a SecretError."""
        if self._command:
            try:
                return get_secret(self.key, self._command, what="sign-in")
            except SecretError as exc:
                raise SignInRequired(
                    lazy.translate("Status", "The sign-in command failed: {0}").format(exc), reason="command"
                ) from None
        try:
            return get_secret(self.key, what="sign-in")
        except SecretError as exc:
            if str(exc).startswith("no "):  # nothing stored: not signed in yet
                return None
            raise

    def client(self) -> OAuthClient:
        with self._lock:
            if self._client is None:
                stored = self._stored()
                self._used = stored
                self._client = self._make_client(
                    self.provider, save_refresh_token=self._save, refresh_token=stored, ca_file=self._ca_file
                )
            return self._client

    def access_token(self, *, force_refresh: bool = False) -> str:
        """A fresh access token. :class:`SignInRequired` means "Sign in again"."""
        return self._once_more_if_stored(
            lambda client, again: client.access_token(force_refresh=force_refresh or again)
        )

    def access_token_for(self, *, resource: str | None, scopes: Sequence[str]) -> str:
        """A fresh access token for another audience of this sign-in (the gateway's), through
        the one client that holds the refresh token in this process."""
        return self._once_more_if_stored(
            lambda client, _again: client.access_token_for(resource=resource, scopes=scopes)
        )

    def _once_more_if_stored(self, ask: Callable[[OAuthClient, bool], str]) -> str:
        """``ask(client, again)``; on "sign in again", once more (``again`` true) if another
        process (tidings account login, the gateway sign-in) has stored a newer sign-in than
        the one this client started from."""
        with self._lock:
            try:
                return ask(self.client(), False)
            except SignInRequired:
                stored = self._stored()
                if stored is None or stored == self._used:
                    self._refused = stored
                    raise
                log.info("%s: using the sign-in stored since", self.provider.name)
                self._client = None
                return ask(self.client(), True)

    def has_new_sign_in(self) -> bool:
        """After "sign in again": is another sign-in stored than the refused one (here, or
        by another process)? Cheap: a keyring read, nothing is sent to the provider."""
        try:
            stored = self._stored()
        except (SecretError, SignInRequired):
            return False
        with self._lock:
            return stored is not None and stored != self._refused

    def _fresh_client(self) -> OAuthClient:
        # An interactive sign-in starts from nothing; only its success replaces the stored one.
        return self._make_client(self.provider, save_refresh_token=self._save, ca_file=self._ca_file)

    def sign_in_with_browser(
        self, *, timeout: float = 300.0, login_hint: str | None = None, cancel: threading.Event | None = None
    ) -> None:
        client = self._fresh_client()
        client.sign_in_with_browser(timeout=timeout, login_hint=login_hint, cancel=cancel)
        self._adopt(client)

    def start_device_sign_in(self) -> tuple[OAuthClient, DeviceSignIn]:
        client = self._fresh_client()
        return client, client.start_device_sign_in()

    def finish_device_sign_in(
        self, client: OAuthClient, device: DeviceSignIn, *, cancel: threading.Event | None = None
    ) -> None:
        client.finish_device_sign_in(device, cancel=cancel)
        self._adopt(client)

    def _adopt(self, client: OAuthClient) -> None:
        if not client.signed_in:
            raise SignInRequired(
                lazy.translate(
                    "Status",
                    "{0} gave no lasting sign-in (no refresh token): ask IT to allow offline_access for Tidings.",
                ).format(self.provider.display_name),
                reason="no_refresh_token",
            )
        with self._lock:
            self._client = client


class SignIns:
    """One :class:`AccountSignIn` per provider and registration in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[tuple[str, str, str], AccountSignIn] = {}
        self._settings: Settings | None = None

    def clear(self) -> None:
        """Forget every sign-in held in memory (tests; the keyring keeps what it has)."""
        with self._lock:
            self._by_key.clear()

    def use(self, settings: Settings) -> None:
        """The settings whose ``[oauth.NAME]`` tables accounts are resolved with (the runtime
        calls this at start and whenever the settings change)."""
        with self._lock:
            self._settings = settings

    def for_account(self, account: MailAccount, settings: Settings | None = None) -> AccountSignIn:
        settings = settings or self._settings
        if settings is None:
            raise OAuthSetupError(
                lazy.translate("Status", "No settings to find the sign-in provider in."),
                reason="unknown_provider",
            )
        provider = provider_for(account, settings)
        return self._holder(provider, account.password_command, account.ca_file or None)

    def for_gateway(self, settings: Settings | None = None) -> AccountSignIn:
        """The sign-in ``[gateway] oauth = NAME`` names: the same holder mail accounts of that
        provider use, so a refresh token is never held (and replayed) twice in one process."""
        settings = settings or self._settings
        if settings is None:
            raise OAuthSetupError(
                lazy.translate("Status", "No settings to find the sign-in provider in."),
                reason="unknown_provider",
            )
        provider = provider_named(settings.gateway.oauth, settings, "The gateway sign-in ([gateway] oauth)")
        return self._holder(provider, "", settings.gateway.ca_file or None)

    def _holder(self, provider: OAuthProvider, command: str, ca_file: str | None) -> AccountSignIn:
        key = (provider.issuer, provider.client_id, " ".join(provider.scopes))
        with self._lock:
            found = self._by_key.get(key)
            if found is None:
                found = AccountSignIn(provider, command=command, ca_file=ca_file)
                self._by_key[key] = found
            return found


sign_ins = SignIns()
