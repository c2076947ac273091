"""Sign in to an OAuth2 / OpenID Connect provider and keep a fresh access token.

    client = OAuthClient(provider, save_refresh_token=keyring_saver, refresh_token=stored)
    client.sign_in_with_browser()             # system browser + loopback redirect, PKCE S256
    # or: device = client.start_device_sign_in(); show device.user_code and
    #     device.verification_uri; client.finish_device_sign_in(device)
    token = client.access_token()             # refreshed shortly before it expires
    imap_login(imap, user, token)             # desktop.sources.oauth.sasl

Blocking, thread-safe: IMAP workers call it from their threads; one lock serialises refreshes,
because refresh tokens rotate and a second refresh with the old one would be refused (and
makes some providers revoke the whole grant). The asyncio side uses
:class:`desktop.sources.oauth.aio.AsyncOAuthClient`.

Secrets: the refresh token goes only to ``save_refresh_token`` (the caller's keyring entry) and
lives in this object; the access token only here. Neither is ever logged (both are registered
with ``desktop.config.logs`` so Tidings' handlers redact them from any library's lines), and
nothing is saved when a sign-in fails.
"""

from __future__ import annotations

import logging
import secrets
import ssl
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from desktop.config.logs import register_secret
from desktop.core.i18n import lazy
from desktop.sources.net import CaFileError, ProxyConfigError, client_context, network
from desktop.sources.oauth._authlib import DEVICE_CODE_GRANT_TYPE, AuthlibOAuthError, OAuth2Client
from desktop.sources.oauth.discovery import ProviderMetadata, discover
from desktop.sources.oauth.errors import (
    OAuthProblem,
    OAuthSetupError,
    ProviderUnavailable,
    SignInRequired,
    from_http_error,
    from_oauth_error,
)
from desktop.sources.oauth.loopback import LoopbackListener
from desktop.sources.oauth.providers import VERIFICATION_ADDRESS, OAuthProvider, check_url

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0
#: refresh this long before the access token expires (clock skew, a slow IMAP login)
REFRESH_MARGIN = 120.0
#: RFC 8628 §3.5: the default polling interval and the step of each ``slow_down``
DEVICE_INTERVAL = 5.0
SLOW_DOWN_STEP = 5.0

SaveRefreshToken = Callable[[str], None]


@dataclass(frozen=True)
class DeviceSignIn:
    """What to show the user for a device sign-in (RFC 8628 §3.2)."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float
    device_code: str = field(repr=False)
    started_at: float = field(repr=False, default=0.0)


@dataclass
class _Tokens:
    access_token: str = field(repr=False)
    expires_at: float | None


class OAuthClient:
    def __init__(
        self,
        provider: OAuthProvider,
        *,
        save_refresh_token: SaveRefreshToken,
        refresh_token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        ca_file: str | None = None,
        refresh_margin: float = REFRESH_MARGIN,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``clock``, ``sleep`` and ``transport`` exist for tests; ``ca_file`` adds a company CA."""
        self.provider = provider
        self._save = save_refresh_token
        self._refresh_token = refresh_token or None
        self._timeout = timeout
        self._ca_file = ca_file
        self._margin = refresh_margin
        self._clock = clock
        self._sleep = sleep
        self._transport = transport
        self._tokens: _Tokens | None = None
        self._metadata: ProviderMetadata | None = None
        self._ssl: ssl.SSLContext | None = None
        self._lock = threading.RLock()
        # Tidings' log handlers redact registered secrets, whatever logs them (httpx with -v,
        # qasync's executor); the client's own lines never include them.
        for secret in (refresh_token, provider.client_secret):
            if secret:
                register_secret(secret)

    def __repr__(self) -> str:
        return f"<OAuthClient {self.provider.name} signed_in={self.signed_in}>"

    # -- state ----------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        """True while there is a refresh token or an unexpired access token."""
        with self._lock:
            return self._refresh_token is not None or self._fresh(margin=0.0)

    def forget(self) -> None:
        """Drop both tokens from memory (the caller deletes the keyring entry)."""
        with self._lock:
            self._tokens = None
            self._refresh_token = None

    def sign_out(self) -> bool:
        """Revoke the refresh token at the provider (RFC 7009), then forget both tokens.

        The local sign-out always happens; returns whether the provider confirmed the
        revocation (False: no revocation endpoint, nothing to revoke, or unreachable)."""
        with self._lock:
            refresh = self._refresh_token
            self.forget()
        if refresh is None:
            return False
        try:
            endpoint = self.metadata().revocation_endpoint
            if endpoint is None:
                return False
            with self._http() as http, self._talking_to(endpoint):
                response = http.revoke_token(endpoint, token=refresh, token_type_hint="refresh_token")
            return bool(response.status_code == 200)
        except OAuthProblem as exc:
            log.warning(
                "%s: the sign-in was forgotten here, but not revoked: %s", self.provider.name, exc.message
            )
            return False

    def _fresh(self, margin: float) -> bool:
        tokens = self._tokens
        if tokens is None:
            return False
        return tokens.expires_at is None or self._clock() < tokens.expires_at - margin

    # -- HTTP -----------------------------------------------------------------------

    def _tls(self) -> ssl.SSLContext:
        # The system's trust store (as for IMAP), not httpx's certifi bundle: a company CA
        # installed on the machine must work here too. Plus the account's CA file, if any.
        if self._ssl is None:
            try:
                self._ssl = client_context(self._ca_file or None)
            except CaFileError as exc:
                raise OAuthSetupError(str(exc), reason="ca_file") from None
        return self._ssl

    def _options(self) -> dict[str, Any]:
        transport = self._transport
        if transport is None:
            # Through the [network] proxy, resolved per request (a PAC file may send the
            # provider and the token endpoint two ways); httpx's own environment reading off.
            try:
                transport = network.http_transport(self._tls())
            except ProxyConfigError as exc:
                raise OAuthSetupError(str(exc), reason="proxy") from None
        return {
            "timeout": self._timeout,
            "verify": self._tls(),
            "transport": transport,
            "trust_env": False,
            "follow_redirects": False,
        }

    def _plain(self) -> httpx.Client:
        """For requests without a token (discovery, device authorization)."""
        return httpx.Client(**self._options())

    def _http(self) -> OAuth2Client:
        """Authlib's client: authorization URL, code exchange, refresh."""
        return OAuth2Client(
            client_id=self.provider.client_id,
            client_secret=self.provider.client_secret,
            token_endpoint_auth_method="client_secret_post" if self.provider.client_secret else "none",
            code_challenge_method="S256",
            **self._options(),
        )

    @contextmanager
    def _talking_to(self, url: str) -> Iterator[None]:
        """Turn every failure of one provider request into a classified :class:`OAuthProblem`."""
        name = self.provider.display_name
        try:
            yield
        except OAuthProblem:
            raise
        except AuthlibOAuthError as exc:
            raise from_oauth_error(name, str(exc.error), exc.description) from None
        except httpx.HTTPError as exc:
            raise from_http_error(name, url, exc) from None
        except ValueError:
            # Authlib: a token endpoint answer that is not a JSON object (a proxy's error page).
            raise ProviderUnavailable(
                lazy.translate(
                    "Status",
                    "{0} answered with something that is not a token; Tidings will try again shortly.",
                ).format(name),
                reason="not_json",
            ) from None

    def metadata(self) -> ProviderMetadata:
        """The provider's endpoints (discovered once per client)."""
        with self._lock:
            if self._metadata is None:
                with self._plain() as http:
                    self._metadata = discover(self.provider, http)
            return self._metadata

    def _extra(self) -> dict[str, str]:
        return {"resource": self.provider.resource} if self.provider.resource else {}

    # -- browser sign-in (authorization code + PKCE, RFC 8252 loopback redirect) -----------

    def sign_in_with_browser(
        self,
        *,
        timeout: float = 300.0,
        open_browser: Callable[[str], bool] = webbrowser.open,
        login_hint: str | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        """Open the system browser (``BROWSER`` picks it) and wait for the redirect.

        Raises :class:`SignInRequired` (wrong state, declined, ``timeout`` s without an
        answer, cancelled), :class:`ProviderUnavailable` or :class:`OAuthSetupError`."""
        meta = self.metadata()
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters: within RFC 7636's 43..128
        with (
            LoopbackListener(
                state, self.provider.display_name, expected_iss=meta.issuer if meta.iss_parameter else None
            ) as listener,
            self._http() as http,
        ):
            params: dict[str, str] = {**self.provider.auth_params, **self._extra()}
            if login_hint:
                params["login_hint"] = login_hint
            url, _ = http.create_authorization_url(
                meta.authorization_endpoint,
                state=state,
                code_verifier=verifier,
                redirect_uri=listener.redirect_uri,
                scope=" ".join(self.provider.scopes),
                **params,
            )
            if self.provider.other_resources:  # repeated parameters, which Authlib's kwargs cannot be
                url += "&" + urlencode([("resource", r) for r in self.provider.other_resources])
            if not open_browser(url):
                raise SignInRequired(
                    lazy.translate(
                        "Status",
                        "No web browser could be opened for the sign-in. Set the BROWSER variable, or sign in with a code on another device (tidings account login --device).",
                    ),
                    reason="no_browser",
                )
            callback = listener.wait(timeout, cancel)
            with self._talking_to(meta.token_endpoint):
                token = http.fetch_token(
                    meta.token_endpoint,
                    grant_type="authorization_code",
                    code=callback.code,
                    code_verifier=verifier,
                    redirect_uri=listener.redirect_uri,
                    **self._extra(),
                )
        self._accept(token, "browser sign-in")

    # -- device sign-in (RFC 8628) ------------------------------------------------------

    def start_device_sign_in(self) -> DeviceSignIn:
        """Ask for a user code; show ``user_code`` and ``verification_uri`` to the user."""
        meta = self.metadata()
        endpoint = meta.device_authorization_endpoint
        name = self.provider.display_name
        if endpoint is None:
            raise OAuthSetupError(
                lazy.translate(
                    "Status",
                    "{0} does not offer sign-in with a code on another device; sign in with the browser.",
                ).format(name),
                reason="no_device_flow",
            )
        data: dict[str, str | list[str]] = {
            "client_id": self.provider.client_id,
            "scope": " ".join(self.provider.scopes),
            **self._extra(),
        }
        if self.provider.other_resources:
            data["resource"] = [
                *([self.provider.resource] if self.provider.resource else []),
                *self.provider.other_resources,
            ]
        if self.provider.client_secret:
            data["client_secret"] = self.provider.client_secret
        with self._plain() as http, self._talking_to(endpoint):
            response = http.post(endpoint, data=data, headers={"Accept": "application/json"})
            body = _json_object(response)
            if "error" in body:
                raise from_oauth_error(name, str(body["error"]), _str(body.get("error_description")))
            response.raise_for_status()
        try:
            verification_uri = str(body.get("verification_uri") or body["verification_url"])  # Google's name
            device = DeviceSignIn(
                user_code=str(body["user_code"]),
                verification_uri=check_url(verification_uri, VERIFICATION_ADDRESS),
                verification_uri_complete=_str(body.get("verification_uri_complete")),
                expires_in=float(body.get("expires_in") or 600),
                interval=float(body.get("interval") or DEVICE_INTERVAL),
                device_code=str(body["device_code"]),
                started_at=self._clock(),
            )
        except (KeyError, TypeError, ValueError):
            raise OAuthSetupError(
                lazy.translate("Status", "{0}'s answer to the device sign-in is incomplete.").format(name),
                reason="bad_device",
            ) from None
        if device.verification_uri_complete is not None:
            check_url(device.verification_uri_complete, VERIFICATION_ADDRESS)
        return device

    def finish_device_sign_in(self, device: DeviceSignIn, *, cancel: threading.Event | None = None) -> None:
        """Poll until the user has signed in on the other device (or it expired or was declined)."""
        meta = self.metadata()
        interval = max(device.interval, 1.0)
        deadline = device.started_at + device.expires_in
        last_outage: ProviderUnavailable | None = None
        while True:
            if cancel is not None:
                if cancel.wait(interval):
                    raise SignInRequired(
                        lazy.translate("Status", "The sign-in was cancelled; nothing was saved."),
                        reason="cancelled",
                    )
            else:
                self._sleep(interval)
            if self._clock() >= deadline:
                if last_outage is not None:
                    raise last_outage
                raise from_oauth_error(self.provider.display_name, "expired_token")
            try:
                with self._http() as http, self._talking_to(meta.token_endpoint):
                    token = http.fetch_token(
                        meta.token_endpoint,
                        grant_type=DEVICE_CODE_GRANT_TYPE,
                        device_code=device.device_code,
                    )
            except ProviderUnavailable as exc:
                last_outage = exc  # a blip while the user types the code: keep polling
                continue
            except OAuthProblem as exc:
                if exc.reason == "authorization_pending":
                    continue
                if exc.reason == "slow_down":
                    interval += SLOW_DOWN_STEP
                    continue
                raise
            self._accept(token, "device sign-in")
            return

    # -- tokens ---------------------------------------------------------------------

    def access_token(self, *, force_refresh: bool = False) -> str:
        """A valid access token, refreshed first if it expires within the margin.

        ``force_refresh``: the server refused the current one (:class:`TokenRejected`)."""
        with self._lock:
            if force_refresh or not self._fresh(self._margin):
                self._refresh()
            assert self._tokens is not None
            return self._tokens.access_token

    def _refresh(self) -> None:
        self._refresh_grant(" ".join(self.provider.scopes), self._extra(), "refresh")

    def _refresh_grant(self, scope: str, params: dict[str, str], how: str, *, keep: bool = True) -> str:
        """A refresh grant for ``scope`` (and ``params``), its answer taken by :meth:`_accept`."""
        if self._refresh_token is None:
            raise SignInRequired(
                lazy.translate("Status", "Tidings has no lasting sign-in for {0}: sign in again.").format(
                    self.provider.display_name
                ),
                reason="no_refresh_token",
            )
        meta = self.metadata()
        with self._http() as http, self._talking_to(meta.token_endpoint):
            token = http.refresh_token(
                meta.token_endpoint, refresh_token=self._refresh_token, scope=scope, **params
            )
        return self._accept(token, how, keep=keep)

    def access_token_for(self, *, resource: str | None, scopes: Sequence[str]) -> str:
        """A fresh access token for another audience of this sign-in (the gateway's beside
        mail's): a refresh grant naming that ``resource`` (one the sign-in asked for, see
        ``OAuthProvider.other_resources``) or those ``scopes``. Not kept: callers ask when they
        need one. The refresh token rotates as in :meth:`access_token`, under the same lock."""
        with self._lock:
            return self._refresh_grant(
                " ".join(scopes),
                {"resource": resource} if resource else {},
                f"refresh for {resource or ' '.join(scopes)}",
                keep=False,
            )

    def _accept(self, token: Any, how: str, *, keep: bool = True) -> str:
        """Take a token response: a new refresh token to the saver, and the access token (kept
        here unless ``keep`` is false: a token for another audience), which is returned."""
        access = token.get("access_token") if isinstance(token, dict) else None
        if not isinstance(access, str) or not access:
            raise ProviderUnavailable(
                lazy.translate("Status", "{0} answered without an access token.").format(
                    self.provider.display_name
                ),
                reason="no_access_token",
            )
        expires_at: float | None = None
        try:
            expires_at = self._clock() + float(token["expires_in"])
        except (KeyError, TypeError, ValueError):
            expires_at = None
        refresh = token.get("refresh_token")
        rotated = isinstance(refresh, str) and bool(refresh) and refresh != self._refresh_token
        register_secret(access)
        if rotated:
            assert isinstance(refresh, str)
            register_secret(refresh)
        with self._lock:
            if rotated:
                assert isinstance(refresh, str)  # narrowed above; mypy forgets across the lock
                # Saved before it is used: a crash now must not leave only the consumed token stored.
                self._save(refresh)
                self._refresh_token = refresh
            if keep:
                self._tokens = _Tokens(access_token=access, expires_at=expires_at)
        lifetime = (
            f"{round(expires_at - self._clock())} s" if expires_at is not None else "no stated lifetime"
        )
        log.info(
            "%s: %s gave an access token (%s)%s",
            self.provider.name,
            how,
            lifetime,
            "; new refresh token saved" if rotated else "",
        )
        if self._refresh_token is None:
            log.warning(
                "%s gave no refresh token: the sign-in lasts only until the access token expires",
                self.provider.display_name,
            )
        return access


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        response.raise_for_status()
        raise ProviderUnavailable(
            lazy.translate("Status", "The provider answered with something that is not JSON."),
            reason="not_json",
        ) from None
    if not isinstance(body, dict):
        raise ProviderUnavailable(
            lazy.translate("Status", "The provider answered with something that is not JSON."),
            reason="not_json",
        )
    return body


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
