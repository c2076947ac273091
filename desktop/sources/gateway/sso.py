"""The gateway session of a sign-in with the company's provider (``[gateway] sign_in = "sso"``).

    sign_in = GatewaySignIn(settings.gateway)
    token = await sign_in.session_token()      # for the websocket upgrade; exchanged or renewed
    await sign_in.keep_fresh()                 # beside a connection: renews before expiry

With ``[gateway] oauth = NAME`` the gateway signs in with that ``[oauth.NAME]`` provider
through the process's one holder of its sign-in (``oauth.accounts.sign_ins``), which mail
accounts of the provider share: one browser sign-in asks for mail's and the gateway's scopes
and audiences, and each gets its own token from the one refresh token. Otherwise the
gateway's own ``issuer``/``client_id`` are used.

The provider's refresh token is the lasting secret: it lives in the keyring under
``secrets.oauth_key(issuer, client_id)`` (``tidings gateway login`` puts it there), keyed by the
provider and not by the gateway, so mail signing in with the same provider and client shares
it; it is read again before each renewal, because whoever refreshed last holds the current
one. The gateway session token and the provider's access tokens stay in memory.

Every exchange or renewal (``POST /v1/sessions``, docs/protocol/README.md) first asks the
provider for a fresh access token for the gateway's audience, because the gateway accepts only
recently issued ones: a user disabled at the provider is refused there (``invalid_grant``) and
loses the gateway at the next renewal. Failures come out as the source's outcomes: *sign in
again* (SIGN_IN_AGAIN, as for mail: no retries, a Sign in button), an outage of the provider or
the gateway (OFFLINE, retried with backoff) and setup problems (ERROR).

After the gateway ends the session (revoked: 4401, or ``session_ended``) this object refuses to
mint a new one from the same refresh token: only a new sign-in (a different refresh token in
the keyring) continues, so a revocation means what the administrator meant.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from desktop.config.logs import register_secret
from desktop.config.secrets import SecretError, get_secret, oauth_key, set_secret
from desktop.config.settings import GatewaySettings
from desktop.core.events import ConnectionState
from desktop.core.i18n import lazy
from desktop.sources.gateway.connection import Outcome, SessionEnd, stream_url
from desktop.sources.net import CaFileError, ProxyAuthError, ProxyConfigError, network
from desktop.sources.oauth import OAuthClient, OAuthProblem, OAuthProvider, classify, custom
from desktop.sources.oauth.accounts import AccountSignIn, sign_ins

log = logging.getLogger(__name__)

#: renew this long before the session ends (at most a third of its lifetime)
RENEW_MARGIN = 300.0
#: while the provider or the gateway is down, try renewing again this often (at most)
RETRY_CAP = 30.0


@dataclass
class _Session:
    token: str = field(repr=False)
    session_id: str
    user: str
    expires_at: float
    renew_at: float


def gateway_provider(settings: GatewaySettings) -> OAuthProvider:
    """The company provider as the gateway sign-in sees it (raises OAuthSetupError if incomplete)."""
    return custom(
        "gateway",
        display_name="your company's sign-in",
        issuer=settings.issuer.strip(),
        client_id=settings.client_id,
        scopes=settings.scopes,
        resource=settings.audience.strip() or None,
    )


def sessions_url(gateway_url: str) -> str:
    """``wss://host[/prefix]`` → ``https://host[/prefix]/v1/sessions``."""
    base = stream_url(gateway_url, 0).split("/v1/stream", 1)[0]
    for old, new in (("wss://", "https://"), ("ws://", "http://")):
        if base.lower().startswith(old):
            return new + base[len(old) :] + "/v1/sessions"
    return base + "/v1/sessions"


def refresh_token_key(settings: GatewaySettings) -> str:
    return oauth_key(settings.issuer.strip(), settings.client_id.strip())


def make_oauth_client(
    settings: GatewaySettings,
    refresh_token: str | None,
    *,
    saved: Callable[[str], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> OAuthClient:
    """The provider's client; each new refresh token goes to the keyring before it is used
    (and then to ``saved``)."""
    key = refresh_token_key(settings)

    def save(token: str) -> None:
        set_secret(key, token)
        if saved is not None:
            saved(token)

    return OAuthClient(
        gateway_provider(settings),
        save_refresh_token=save,
        refresh_token=refresh_token,
        ca_file=settings.ca_file or None,
        transport=transport,
    )


#: The state beside it says "sign in again" already: the window shows only the reason.
_SIGN_IN_AGAIN_BECAUSE = lazy.translate("Status", "Sign in again: {0}")
ENDED_BY_GATEWAY = _SIGN_IN_AGAIN_BECAUSE.format(lazy.translate("Status", "the gateway ended this sign-in"))


def _sign_in_again(why: str) -> SessionEnd:
    return SessionEnd(Outcome(ConnectionState.SIGN_IN_AGAIN, _SIGN_IN_AGAIN_BECAUSE.format(why)))


def _outcome_of(problem: OAuthProblem) -> Outcome:
    kind = classify(problem)
    if kind == "sign_in_again":
        return Outcome(ConnectionState.SIGN_IN_AGAIN, _SIGN_IN_AGAIN_BECAUSE.format(problem.message))
    if kind == "outage":
        return Outcome(ConnectionState.OFFLINE, problem.message)
    return Outcome(ConnectionState.ERROR, problem.message)


class GatewaySignIn:
    def __init__(
        self,
        settings: GatewaySettings,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = 15.0,
        load_refresh_token: Callable[[], str] | None = None,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._timeout = timeout
        self._load = load_refresh_token or (lambda: get_secret(self._key(), what="gateway sign-in"))
        self._oauth: OAuthClient | None = None
        self._refresh_in_use: str | None = None  # the keyring's value, as _oauth holds it
        self._session: _Session | None = None
        # The refresh token in use when the gateway ended our session: not used again.
        self._ended_with: str | None = None
        self._lock = asyncio.Lock()

    # -- state ----------------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        return self._session.session_id if self._session is not None else None

    @property
    def user(self) -> str | None:
        """The gateway user of the current session."""
        return self._session.user if self._session is not None else None

    def expired(self) -> bool:
        """Our session has passed its end (a 4401 then means "renew", not "revoked")."""
        # A second's slack: the gateway's close may race our own reckoning of the end.
        return self._session is not None and self._clock() >= self._session.expires_at - 1.0

    def ended_by_gateway(self) -> None:
        """The gateway refused our live session (4401 before it expired): revoked. Only a new
        sign-in continues."""
        if self._oauth is not None:
            self._ended_with = self._refresh_in_use
        self._session = None
        self._oauth = None

    # -- the session token ------------------------------------------------------------

    async def session_token(self) -> str:
        """A session token that is not about to expire: the current one, or a renewed one."""
        async with self._lock:
            session = self._session
            if session is not None and self._clock() < session.renew_at:
                return session.token
            return (await self._exchange()).token

    async def keep_fresh(self) -> None:
        """Renew the session shortly before it ends, for as long as the connection lasts.

        Returns never; raises :class:`SessionEnd` when the user must sign in again or the setup
        is wrong. While the provider or the gateway is down it keeps trying; if the session
        ends meanwhile, the gateway closes the connection and the source reconnects."""
        delay_after_failure = 2.0
        while True:
            session = self._session
            wait = (session.renew_at - self._clock()) if session is not None else 0.0
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                async with self._lock:
                    if self._session is None or self._clock() >= self._session.renew_at:
                        await self._exchange()
                delay_after_failure = 2.0
            except SessionEnd as end:
                if end.outcome.state is not ConnectionState.OFFLINE:
                    raise
                log.warning("renewing the gateway session failed (%s); trying again", end.outcome.message)
                await asyncio.sleep(delay_after_failure)
                delay_after_failure = min(delay_after_failure * 2, RETRY_CAP)

    # -- the provider's token --------------------------------------------------------------

    def _shared(self) -> AccountSignIn | None:
        """With ``[gateway] oauth = NAME``: the process's one holder of that provider's sign-in,
        which mail accounts of the same provider use too (None: the gateway's own settings)."""
        if not self.settings.oauth.strip():
            return None
        try:
            return sign_ins.for_gateway()
        except OAuthProblem as exc:
            raise SessionEnd(_outcome_of(exc)) from exc

    def _key(self) -> str:
        shared = self._shared()
        return shared.key if shared is not None else refresh_token_key(self.settings)

    async def _provider_token(self) -> str:
        """A token the provider issued just now for the gateway's audience."""
        shared = self._shared()
        if shared is None:
            oauth = await self._client()
            return await asyncio.to_thread(lambda: oauth.access_token(force_refresh=True))
        self._refresh_in_use = await self._stored_sign_in()
        audience = self.settings.audience.strip() or None
        scopes = self.settings.scopes
        return await asyncio.to_thread(lambda: shared.access_token_for(resource=audience, scopes=scopes))

    async def _exchange(self) -> _Session:
        try:
            provider_token = await self._provider_token()
        except OAuthProblem as exc:
            outcome = _outcome_of(exc)
            if outcome.state is ConnectionState.SIGN_IN_AGAIN:
                # The provider refused this sign-in: not tried again until another is stored.
                self._ended_with = self._refresh_in_use
                self._session = None
                self._oauth = None
            raise SessionEnd(outcome) from exc
        current = self._session
        headers = {"Authorization": f"Bearer {current.token}"} if current is not None else {}
        url = sessions_url(self.settings.url)
        # The session's end is reckoned from before the request: never later than the gateway's.
        asked_at = self._clock()
        try:
            # Through the [network] proxy, with the system's trust store plus the CA file.
            async with network.async_http_client(
                ca_file=self.settings.ca_file or None, timeout=self._timeout, follow_redirects=False
            ) as http:
                response = await http.post(url, json={"provider_token": provider_token}, headers=headers)
        except CaFileError as exc:
            raise SessionEnd(Outcome(ConnectionState.ERROR, str(exc))) from exc
        except (ProxyConfigError, ProxyAuthError) as exc:
            raise SessionEnd(Outcome(ConnectionState.ERROR, str(exc))) from exc
        except httpx.HTTPError as exc:
            raise SessionEnd(
                Outcome(
                    ConnectionState.OFFLINE,
                    lazy.translate("Status", "Cannot reach the gateway to sign in ({0})").format(
                        type(exc).__name__
                    ),
                )
            ) from exc
        return self._accept(response, asked_at)

    def _accept(self, response: httpx.Response, asked_at: float) -> _Session:
        body: Any
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code in (200, 201) and isinstance(body, dict):
            return self._keep(body, asked_at)
        error = body.get("error") if isinstance(body, dict) else None
        code = str(error.get("code", "")) if isinstance(error, dict) else ""
        said = str(error.get("message", ""))[:300] if isinstance(error, dict) else ""
        said = "".join(ch if ch.isprintable() else " " for ch in said)
        status = response.status_code
        if code == "session_ended":
            self.ended_by_gateway()
            raise SessionEnd(Outcome(ConnectionState.SIGN_IN_AGAIN, ENDED_BY_GATEWAY))
        if code in ("invalid_token",):
            self._session = None
            raise _sign_in_again(
                lazy.translate("Status", "the gateway refused the sign-in ({0})").format(said)
            )
        if code in ("provider_unavailable", "token_expired", "stale_token") or status >= 500 or status == 429:
            raise SessionEnd(
                Outcome(
                    ConnectionState.OFFLINE,
                    lazy.translate("Status", "The gateway could not check the sign-in now ({0})").format(
                        code or status
                    ),
                )
            )
        # wrong_issuer, wrong_audience, unknown_user, sso_disabled, invalid: settings or accounts.
        raise SessionEnd(
            Outcome(
                ConnectionState.ERROR,
                lazy.translate("Status", "The gateway refused the sign-in: {0}").format(
                    said or f"HTTP {status}"
                ),
            )
        )

    def _keep(self, body: dict[str, Any], asked_at: float) -> _Session:
        try:
            token = str(body["session_token"])
            lifetime = float(body["expires_in"])
            session_id = str(body["session_id"])
            user = str(body["user"])
        except (KeyError, TypeError, ValueError):
            raise SessionEnd(
                Outcome(
                    ConnectionState.OFFLINE,
                    lazy.translate("Status", "The gateway answered the sign-in with something unexpected"),
                )
            ) from None
        register_secret(token)
        margin = min(RENEW_MARGIN, lifetime / 3)
        ends = asked_at + lifetime
        self._session = _Session(token, session_id, user, ends, ends - margin)
        log.info(
            "gateway session %s for %s %s, lasting %d s",
            session_id,
            user,
            "renewed" if body.get("renewed") else "started",
            round(lifetime),
        )
        return self._session

    async def _stored_sign_in(self) -> str:
        """The refresh token the keyring holds now, unless it is the one the gateway or the
        provider refused."""
        try:
            refresh = await asyncio.to_thread(self._load)
        except SecretError as exc:
            raise _sign_in_again(
                lazy.translate(
                    "Status", "Tidings is not signed in to the gateway ({0}); run tidings gateway login"
                ).format(exc)
            ) from exc
        if self._ended_with is not None and refresh == self._ended_with:
            raise SessionEnd(Outcome(ConnectionState.SIGN_IN_AGAIN, ENDED_BY_GATEWAY))
        self._ended_with = None
        return refresh

    async def _client(self) -> OAuthClient:
        """The provider's client, with the refresh token the keyring holds now.

        Read before every renewal, not only at start: refresh tokens rotate, and another
        holder of the same sign-in (``tidings gateway login`` in another process, or mail on
        the same provider in another process) may have stored a newer one; refreshing with the
        one it replaced would be refused, and providers that detect the replay end the grant."""
        refresh = await self._stored_sign_in()
        if self._oauth is not None and refresh == self._refresh_in_use:
            return self._oauth
        self._refresh_in_use = refresh
        try:
            self._oauth = make_oauth_client(self.settings, refresh, saved=self._rotated)
        except OAuthProblem as exc:
            raise SessionEnd(_outcome_of(exc)) from exc
        return self._oauth

    async def has_new_sign_in(self) -> bool:
        """After "sign in again": does the keyring hold a sign-in other than the refused one
        (``tidings gateway login``, here or in another process)? Nothing is sent anywhere."""
        try:
            stored = await asyncio.to_thread(self._load)
        except SecretError:
            return False
        return stored != self._ended_with

    def _rotated(self, refresh: str) -> None:
        self._refresh_in_use = refresh
