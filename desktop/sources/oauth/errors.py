"""What went wrong with a sign-in, sorted by what the caller must do about it.

Three kinds, because each needs a different reaction:

- ``sign_in_again``: the provider refused the sign-in or its refresh token (``invalid_grant``,
  revoked or expired, consent denied, an interactive sign-in that failed). Retrying cannot
  help; the account shows "Sign in again" until the user does.
- ``outage``: the provider (or the network to it) is down, slow or answering 5xx. The caller
  retries with backoff; nothing is wrong with the account.
- ``setup``: the registration or settings are wrong (no client id, unknown client, a plain
  http:// issuer that is not loopback, an untrusted certificate). Neither retrying nor signing
  in again helps until someone changes the settings.
"""

from __future__ import annotations

import ssl
import sys
from typing import TYPE_CHECKING, ClassVar, Literal

from desktop.sources.net import ProxyAuthError, find_proxy_error
from desktop.sources.tls import describe_certificate_problem

if TYPE_CHECKING:
    import httpx

Kind = Literal["sign_in_again", "outage", "setup"]


class OAuthProblem(Exception):
    """A failure in words a user understands; ``reason`` is a stable code for callers and tests."""

    kind: ClassVar[Kind]

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class SignInRequired(OAuthProblem):
    kind = "sign_in_again"


class TokenRejected(SignInRequired):
    """A server (IMAP, SMTP) refused the access token. Refresh once and retry; if the fresh
    token is refused too, the account needs a new sign-in."""


class ProviderUnavailable(OAuthProblem):
    kind = "outage"


class OAuthSetupError(OAuthProblem):
    kind = "setup"


# OAuth error codes (RFC 6749 §5.2, RFC 8628 §3.5, OIDC Core §3.1.2.6) by what they mean here.
_SIGN_IN_AGAIN = {
    "invalid_grant": "The sign-in has expired or was revoked",
    "access_denied": "The sign-in was declined",
    "expired_token": "The sign-in code expired before it was used",
    "invalid_token": "The sign-in is no longer valid",
    "login_required": "The provider asks you to sign in again",
    "consent_required": "The provider asks you to allow access again",
    "interaction_required": "The provider asks you to sign in again",
    "account_selection_required": "The provider asks you to choose an account",
}
_OUTAGE = {
    "server_error": "The sign-in service had an internal error",
    "temporarily_unavailable": "The sign-in service is temporarily unavailable",
}


def _quote(description: str | None) -> str:
    """The provider's own description, short and printable (it is untrusted text)."""
    if not description:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in description).strip()
    if len(text) > 200:
        text = text[:199] + "…"
    return f' (the provider said: "{text}")' if text else ""


def from_oauth_error(provider: str, error: str, description: str | None = None) -> OAuthProblem:
    """An OAuth ``error`` code from ``provider`` (its display name) as a classified problem."""
    said = _quote(description)
    if error in _SIGN_IN_AGAIN:
        return SignInRequired(f"{_SIGN_IN_AGAIN[error]}: sign in to {provider} again{said}.", reason=error)
    if error in _OUTAGE:
        return ProviderUnavailable(f"{_OUTAGE[error]}; Tidings will try again shortly{said}.", reason=error)
    if error in {"invalid_client", "unauthorized_client"}:
        message = (
            f"{provider} does not accept Tidings' client id{said}. The registration or the "
            "client id in the settings is wrong; ask your administrator."
        )
    elif error in {"invalid_scope", "invalid_target"}:
        message = f"{provider} refused the permissions Tidings asked for{said}. Check the provider's scopes in the settings."
    else:
        message = f"{provider} refused the request with the error {error!r}{said}."
    return OAuthSetupError(message, reason=error)


def _certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def from_http_error(provider: str, url: str, exc: httpx.HTTPError) -> OAuthProblem:
    """A transport failure or an unexpected HTTP status while talking to ``provider``."""
    import httpx  # imported here: the IMAP and gateway sources need only the classes above

    host = httpx.URL(url).host if url else "the sign-in service"
    proxy_error = find_proxy_error(exc)
    if isinstance(proxy_error, ProxyAuthError):  # retrying cannot help: the proxy password must change
        return OAuthSetupError(proxy_error.message, reason="proxy_auth")
    if proxy_error is not None:
        return ProviderUnavailable(f"{proxy_error.message} Tidings will try again shortly.", reason="proxy")
    cert = _certificate_error(exc)
    if cert is not None:
        text = describe_certificate_problem(cert, host, "the provider's CA file")
        return OAuthSetupError(text, reason="certificate")
    if isinstance(exc, httpx.TimeoutException):
        return ProviderUnavailable(f"{provider} ({host}) did not answer in time.", reason="timeout")
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        if status >= 500 or status in {408, 429}:
            return ProviderUnavailable(
                f"{provider} ({host}) answered HTTP {status}; Tidings will try again shortly.",
                reason=f"http_{status}",
            )
        return OAuthSetupError(
            f"{provider} answered HTTP {status} at {url}: check the provider's address in the settings.",
            reason=f"http_{status}",
        )
    return ProviderUnavailable(
        f"Cannot reach {provider} ({host}): {type(exc).__name__}. Tidings will try again shortly.",
        reason="unreachable",
    )


def classify(exc: BaseException) -> Kind:
    """``sign_in_again``, ``outage`` or ``setup`` for any exception a sign-in may raise.

    Only ``outage`` is worth retrying with backoff."""
    if isinstance(exc, OAuthProblem):
        return exc.kind
    loaded = sys.modules.get("httpx")  # no httpx error can exist before httpx is imported
    if loaded is not None and isinstance(exc, loaded.HTTPError):
        return from_http_error("the sign-in service", "", exc).kind
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return "outage"
    error = getattr(exc, "error", None)  # Authlib's OAuthError carries the OAuth error code
    if isinstance(error, str):
        return from_oauth_error("the sign-in service", error).kind
    return "setup"
