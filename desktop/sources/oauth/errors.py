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

from desktop.core.i18n import lazy
from desktop.sources.net import ProxyAuthError, find_proxy_error
from desktop.sources.tls import PROVIDER_CA_FILE, describe_certificate_problem

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
    "invalid_grant": lazy.translate("Status", "The sign-in has expired or was revoked"),
    "access_denied": lazy.translate("Status", "The sign-in was declined"),
    "expired_token": lazy.translate("Status", "The sign-in code expired before it was used"),
    "invalid_token": lazy.translate("Status", "The sign-in is no longer valid"),
    "login_required": lazy.translate("Status", "The provider asks you to sign in again"),
    "consent_required": lazy.translate("Status", "The provider asks you to allow access again"),
    "interaction_required": lazy.translate("Status", "The provider asks you to sign in again"),
    "account_selection_required": lazy.translate("Status", "The provider asks you to choose an account"),
}
_OUTAGE = {
    "server_error": lazy.translate("Status", "The sign-in service had an internal error"),
    "temporarily_unavailable": lazy.translate("Status", "The sign-in service is temporarily unavailable"),
}
#: the reason, the provider, what the provider said (``_quote``)
_AGAIN = lazy.translate("Status", "{0}: sign in to {1} again{2}.")
_RETRYING = lazy.translate("Status", "{0}; Tidings will try again shortly{1}.")
_SAID = lazy.translate("Status", ' (the provider said: "{0}")')
_SIGN_IN_SERVICE = lazy.translate("Status", "the sign-in service")


def _quote(description: str | None) -> str:
    """The provider's own description, short and printable (it is untrusted text)."""
    if not description:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in description).strip()
    if len(text) > 200:
        text = text[:199] + "…"
    return _SAID.format(text) if text else ""


def from_oauth_error(provider: str, error: str, description: str | None = None) -> OAuthProblem:
    """An OAuth ``error`` code from ``provider`` (its display name) as a classified problem."""
    said = _quote(description)
    if error in _SIGN_IN_AGAIN:
        return SignInRequired(_AGAIN.format(_SIGN_IN_AGAIN[error], provider, said), reason=error)
    if error in _OUTAGE:
        return ProviderUnavailable(_RETRYING.format(_OUTAGE[error], said), reason=error)
    if error in {"invalid_client", "unauthorized_client"}:
        message = lazy.translate(
            "Status",
            "{0} does not accept Tidings' client id{1}. The registration or the "
            "client id in the settings is wrong; ask your administrator.",
        ).format(provider, said)
    elif error in {"invalid_scope", "invalid_target"}:
        message = lazy.translate(
            "Status",
            "{0} refused the permissions Tidings asked for{1}. Check the provider's scopes in the settings.",
        ).format(provider, said)
    else:
        message = lazy.translate("Status", "{0} refused the request with the error {1}{2}.").format(
            provider, repr(error), said
        )
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

    host = httpx.URL(url).host if url else _SIGN_IN_SERVICE
    proxy_error = find_proxy_error(exc)
    if isinstance(proxy_error, ProxyAuthError):  # retrying cannot help: the proxy password must change
        return OAuthSetupError(proxy_error.message, reason="proxy_auth")
    if proxy_error is not None:
        return ProviderUnavailable(
            lazy.translate("Status", "{0} Tidings will try again shortly.").format(proxy_error.message),
            reason="proxy",
        )
    cert = _certificate_error(exc)
    if cert is not None:
        text = describe_certificate_problem(cert, host, PROVIDER_CA_FILE)
        return OAuthSetupError(text, reason="certificate")
    if isinstance(exc, httpx.TimeoutException):
        return ProviderUnavailable(
            lazy.translate("Status", "{0} ({1}) did not answer in time.").format(provider, host),
            reason="timeout",
        )
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        if status >= 500 or status in {408, 429}:
            return ProviderUnavailable(
                lazy.translate(
                    "Status", "{0} ({1}) answered HTTP {2}; Tidings will try again shortly."
                ).format(provider, host, status),
                reason=f"http_{status}",
            )
        return OAuthSetupError(
            lazy.translate(
                "Status", "{0} answered HTTP {1} at {2}: check the provider's address in the settings."
            ).format(provider, status, url),
            reason=f"http_{status}",
        )
    return ProviderUnavailable(
        lazy.translate("Status", "Cannot reach {0} ({1}): {2}. Tidings will try again shortly.").format(
            provider, host, type(exc).__name__
        ),
        reason="unreachable",
    )


def classify(exc: BaseException) -> Kind:
    """``sign_in_again``, ``outage`` or ``setup`` for any exception a sign-in may raise.

    Only ``outage`` is worth retrying with backoff."""
    if isinstance(exc, OAuthProblem):
        return exc.kind
    loaded = sys.modules.get("httpx")  # no httpx error can exist before httpx is imported
    if loaded is not None and isinstance(exc, loaded.HTTPError):
        return from_http_error(_SIGN_IN_SERVICE, "", exc).kind
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return "outage"
    error = getattr(exc, "error", None)  # Authlib's OAuthError carries the OAuth error code
    if isinstance(error, str):
        return from_oauth_error(_SIGN_IN_SERVICE, error).kind
    return "setup"
