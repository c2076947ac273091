"""Checking a token from the company's OpenID Connect provider (``serve --oidc-issuer``).

The exchange (``POST /v1/sessions``) takes a JWT the provider signed for the gateway's
audience: an RFC 9068 access token for the gateway's resource, or an ID token when the
audience is the desktop's client id (providers that cannot issue JWT access tokens for a third
party, Google among them). Either way the checks are the same: the issuer byte for byte, the
signature against the keys the issuer publishes (OIDC discovery -> ``jwks_uri``), ``aud``,
``exp``/``nbf``, and ``iat`` within ``max_age``: a renewal must bring a token the provider
issued moments ago, so a user the provider disabled cannot renew a session.

Discovery and the key set are fetched on first use, not at start (a gateway must start while
its provider is down), and the key set again when a token names a key it lacks (the provider
rotated its keys), at most every ``JWKS_MIN_REFRESH_S`` seconds. joserfc (Authlib's JOSE
library, typed) does the signature; only asymmetric algorithms are accepted, never ``none`` or
an HMAC whose key would be public.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

log = logging.getLogger(__name__)

ALGORITHMS: Final = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
MAX_TOKEN_CHARS: Final = 8192
JWKS_MIN_REFRESH_S: Final = 30.0
LEEWAY_S: Final = 60


class TokenRefused(Exception):
    """The token is not one this gateway accepts; ``code`` is the documented error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be fetched (retry later)."""


@dataclass(frozen=True, slots=True)
class Identity:
    user: str  # the value of the user claim
    subject: str  # ``sub``, kept with the session for the operator
    display_name: str  # ``name`` if the token has one, else the user


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_issuer_url(url: str) -> str:
    """https, or http on loopback only (tests, the demo); raises ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return url
    raise ValueError(f"{url!r}: an OpenID Connect issuer must be https:// (http:// only on loopback)")


class OidcVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        user_claim: str = "sub",
        max_age_s: float = 300.0,
        ca_file: str | None = None,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = check_issuer_url(issuer)
        self.audience = audience
        self.user_claim = user_claim
        self.max_age_s = max_age_s
        self._tls = ssl.create_default_context(cafile=ca_file or None)
        self._timeout = timeout_s
        self._clock = clock
        self._jwks_uri: str | None = None
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    # -- keys ---------------------------------------------------------------------

    async def _get_json(self, http: httpx.AsyncClient, url: str) -> dict[str, Any]:
        try:
            response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            doc = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"{url}: {type(exc).__name__}: {exc}") from None
        if not isinstance(doc, dict):
            raise ProviderUnavailable(f"{url}: not a JSON object")
        return doc

    async def _refresh_keys(self) -> None:
        async with httpx.AsyncClient(timeout=self._timeout, verify=self._tls, follow_redirects=False) as http:
            if self._jwks_uri is None:
                meta = await self._get_json(
                    http, self.issuer.rstrip("/") + "/.well-known/openid-configuration"
                )
                # OIDC Discovery §4.3: the document must name the issuer it was fetched for.
                if meta.get("issuer") != self.issuer:
                    raise ProviderUnavailable(
                        f"the discovery document names the issuer {meta.get('issuer')!r}, not {self.issuer!r}"
                    )
                uri = meta.get("jwks_uri")
                if not isinstance(uri, str):
                    raise ProviderUnavailable("the discovery document has no jwks_uri")
                try:
                    self._jwks_uri = check_issuer_url(uri)
                except ValueError as exc:
                    raise ProviderUnavailable(str(exc)) from None
            doc = await self._get_json(http, self._jwks_uri)
        try:
            keys = KeySet.import_key_set(doc)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise ProviderUnavailable(f"the provider's key set cannot be read: {exc}") from None
        self._keys = keys
        self._fetched_at = self._clock()
        log.info("read %d signing keys of %s", len(keys.keys), self.issuer)

    async def _keys_for(self, kid: str | None) -> KeySet:
        async with self._lock:
            stale = self._clock() - self._fetched_at >= JWKS_MIN_REFRESH_S
            if self._keys is None or (stale and not self._has(kid)):
                await self._refresh_keys()
            assert self._keys is not None
            return self._keys

    def _has(self, kid: str | None) -> bool:
        if self._keys is None:
            return False
        return kid is None or any(key.kid == kid for key in self._keys.keys)

    # -- the token ----------------------------------------------------------------

    async def verify(self, token: str) -> Identity:
        """The identity in ``token``; raises :class:`TokenRefused` or :class:`ProviderUnavailable`."""
        if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
            raise TokenRefused("invalid_token", "the provider token is not a JWT")
        try:
            compact = jws.extract_compact(token.encode("ascii"))
            header = compact.headers()
            unverified = json.loads(compact.payload)
        except (JoseError, ValueError, TypeError) as exc:
            raise TokenRefused(
                "invalid_token",
                "the provider token is not a JWT (an opaque access token cannot be checked here: "
                f"ask the provider for a JWT for the gateway's audience): {type(exc).__name__}",
            ) from None
        if not isinstance(unverified, dict):
            raise TokenRefused("invalid_token", "the provider token's claims are not a JSON object")
        # Refusing on an unverified claim is safe, and names the problem without a key lookup.
        iss = unverified.get("iss")
        if iss != self.issuer:
            shown = iss[:200] if isinstance(iss, str) else iss
            raise TokenRefused("wrong_issuer", f"the token was issued by {shown!r}, not {self.issuer!r}")
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise TokenRefused("invalid_token", f"the token's algorithm {str(alg)[:20]!r} is not accepted")
        kid = header.get("kid")
        keys = await self._keys_for(kid if isinstance(kid, str) else None)
        try:
            claims = jwt.decode(token, keys, algorithms=list(ALGORITHMS)).claims
        except JoseError as exc:
            raise TokenRefused(
                "invalid_token", f"the token's signature does not verify with the issuer's keys ({exc.error})"
            ) from None
        except ValueError:
            raise TokenRefused(
                "invalid_token", "the token is signed with a key the issuer does not publish"
            ) from None
        return self._identity(claims)

    def _identity(self, claims: dict[str, Any]) -> Identity:
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.audience not in audiences:
            raise TokenRefused(
                "wrong_audience",
                f"the token is for {str(aud)[:200]!r}, not for this gateway ({self.audience!r})",
            )
        now = self._clock()
        exp, iat, nbf = _number(claims.get("exp")), _number(claims.get("iat")), _number(claims.get("nbf"))
        if exp is None or iat is None:
            raise TokenRefused("invalid_token", "the token lacks exp or iat")
        if now > exp + LEEWAY_S:
            raise TokenRefused("token_expired", "the provider token has expired")
        if nbf is not None and now + LEEWAY_S < nbf:
            raise TokenRefused("invalid_token", "the provider token is not valid yet (check the clocks)")
        if now - iat > self.max_age_s + LEEWAY_S:
            raise TokenRefused(
                "stale_token",
                f"the provider token was issued {round(now - iat)} s ago; a session needs one issued "
                f"within {round(self.max_age_s)} s (refresh it at the provider first)",
            )
        user = claims.get(self.user_claim)
        if not isinstance(user, str) or not user:
            raise TokenRefused("unknown_user", f"the token has no {self.user_claim!r} claim naming the user")
        name = claims.get("name")
        sub = claims.get("sub")
        return Identity(
            user=user,
            subject=sub if isinstance(sub, str) else "",
            display_name=name if isinstance(name, str) and name.strip() else user,
        )


def _number(value: object) -> float | None:
    """A NumericDate claim as a float; None if absent or not a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
