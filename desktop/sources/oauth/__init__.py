"""OAuth2 / OpenID Connect sign-in for mail (IMAP, SMTP) and the gateway. No Qt, no store.

Built on Authlib 1.9.6 (pinned): it covers the authorization request with PKCE S256, the code
exchange, refresh with rotation and client authentication for any OpenID Connect provider,
Microsoft and Google included, and it is actively maintained. MSAL was not needed: it serves
only Microsoft's endpoints, and Authlib signs in to Microsoft 365 with the same standard code
and device grants. Discovery, the loopback listener (RFC 8252), device polling (RFC 8628) and
the SASL responses are small and written here because Authlib's client has no helpers for them.

- :mod:`.providers`: the ``microsoft`` and ``google`` presets and company providers
- :mod:`.client`: :class:`OAuthClient` (blocking, thread-safe); :mod:`.aio` wraps it for asyncio
- :mod:`.errors`: ``classify()`` separates "sign in again" from an outage (retry) and setup
- :mod:`.sasl`: XOAUTH2 / OAUTHBEARER initial responses and ``imap_login()``
"""

from typing import TYPE_CHECKING, Any

from desktop.sources.oauth.errors import (
    OAuthProblem,
    OAuthSetupError,
    ProviderUnavailable,
    SignInRequired,
    TokenRejected,
    classify,
)
from desktop.sources.oauth.providers import OAuthProvider, custom, google, microsoft
from desktop.sources.oauth.sasl import imap_login, oauthbearer_initial_response, xoauth2_initial_response

if TYPE_CHECKING:
    from desktop.sources.oauth.client import DeviceSignIn, OAuthClient


def __getattr__(name: str) -> Any:
    """The client (httpx, Authlib, cryptography: ~25 MB) is imported on first use: the IMAP
    source imports this package for the SASL login and the failure classes alone."""
    if name in ("DeviceSignIn", "OAuthClient"):
        from desktop.sources.oauth import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DeviceSignIn",
    "OAuthClient",
    "OAuthProblem",
    "OAuthProvider",
    "OAuthSetupError",
    "ProviderUnavailable",
    "SignInRequired",
    "TokenRejected",
    "classify",
    "custom",
    "google",
    "imap_login",
    "microsoft",
    "oauthbearer_initial_response",
    "xoauth2_initial_response",
]
