"""Who Tidings signs in with: the built-in presets and a company's own OpenID Connect provider.

The client id is always the organisation's own registration of Tidings (Microsoft Entra ID,
Google Cloud, the company's provider); Tidings ships none, so a preset without one is a clear
setup error rather than a failed sign-in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from desktop.core.i18n import lazy
from desktop.sources.oauth.errors import OAuthSetupError

MICROSOFT_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
)
GOOGLE_SCOPES = ("https://mail.google.com/",)
# Microsoft's multi-tenant endpoints answer discovery with a templated issuer.
_MICROSOFT_SHARED_TENANTS = {"common", "organizations", "consumers"}


@dataclass(frozen=True)
class OAuthProvider:
    """One identity provider as a client sees it."""

    #: "microsoft", "google", or the name of a company provider in the settings
    name: str
    #: what messages call it ("Microsoft 365", "Google", the company's name)
    display_name: str
    #: OIDC discovery starts here; https, or http on loopback only
    issuer: str
    client_id: str
    scopes: tuple[str, ...]
    #: Google's desktop-app registrations come with a secret that is not secret (RFC 8252 §8.5)
    client_secret: str | None = field(default=None, repr=False)
    #: RFC 8707 resource indicator, sent with the sign-in and token requests when set
    resource: str | None = None
    #: further audiences the same sign-in is asked for (RFC 8707 allows several resources in
    #: the authorization request), whose tokens ``OAuthClient.access_token_for`` gets: the
    #: gateway's beside mail's, so one browser sign-in serves both
    other_resources: tuple[str, ...] = ()
    #: extra authorization request parameters (prompt, access_type)
    auth_params: Mapping[str, str] = field(default_factory=dict)
    #: False only where the provider's discovery issuer is a template (Microsoft "common")
    exact_issuer: bool = True
    imap_host: str | None = None
    imap_port: int = 993
    smtp_host: str | None = None
    smtp_port: int = 587


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


#: What :func:`check_url`'s errors name: translated with the sentence they are put in.
ISSUER_OF = lazy.translate("Status", "issuer of {0}")
VERIFICATION_ADDRESS = lazy.translate("Status", "verification address")


def check_url(url: str, what: str) -> str:
    """``url`` if it is https, or http on loopback (tests, the demo); otherwise a setup error.
    ``what`` names the address in it: a translatable label (:data:`ISSUER_OF`...)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or not host:
        raise OAuthSetupError(
            lazy.translate("Status", "The {0} {1} is not a web address.").format(what, repr(url)),
            reason="bad_url",
        )
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and is_loopback_host(host):
        return url
    if parts.scheme == "http":
        raise OAuthSetupError(
            lazy.translate(
                "Status",
                "The {0} {1} uses plain http://, which anyone on the network could read or change. Use its https:// address.",
            ).format(what, url),
            reason="insecure_url",
        )
    raise OAuthSetupError(
        lazy.translate("Status", "The {0} {1} is not an https:// address.").format(what, repr(url)),
        reason="bad_url",
    )


def _require_client_id(client_id: str | None, display_name: str, where: str) -> str:
    client_id = (client_id or "").strip()
    if not client_id:
        raise OAuthSetupError(
            lazy.translate(
                "Status",
                "Signing in with {0} needs your organisation's client id: {1} Ask your administrator for it and put it in the provider's client_id setting.",
            ).format(display_name, where),
            reason="no_client_id",
        )
    return client_id


def microsoft(client_id: str | None, tenant: str = "common") -> OAuthProvider:
    """Microsoft 365 and Outlook.com. ``tenant``: the directory id or domain, or "common"."""
    tenant = (tenant or "common").strip()
    return OAuthProvider(
        name="microsoft",
        display_name="Microsoft 365",
        issuer=f"https://login.microsoftonline.com/{tenant}/v2.0",
        client_id=_require_client_id(
            client_id,
            "Microsoft 365",
            lazy.translate(
                "Status", "the application (client) id of Tidings' app registration in Microsoft Entra ID."
            ),
        ),
        scopes=MICROSOFT_SCOPES,
        exact_issuer=tenant.lower() not in _MICROSOFT_SHARED_TENANTS,
        imap_host="outlook.office365.com",
        smtp_host="smtp.office365.com",
    )


def google(client_id: str | None, client_secret: str | None = None) -> OAuthProvider:
    """Google Workspace and Gmail. Google issues refresh tokens only with these parameters."""
    return OAuthProvider(
        name="google",
        display_name="Google",
        issuer="https://accounts.google.com",
        client_id=_require_client_id(
            client_id,
            "Google",
            lazy.translate("Status", "the OAuth client id of Tidings' desktop-app client in Google Cloud."),
        ),
        client_secret=client_secret or None,
        scopes=GOOGLE_SCOPES,
        auth_params={"access_type": "offline", "prompt": "consent"},
        imap_host="imap.gmail.com",
        smtp_host="smtp.gmail.com",
    )


def custom(
    name: str,
    *,
    issuer: str,
    client_id: str | None,
    scopes: Sequence[str],
    display_name: str | None = None,
    resource: str | None = None,
) -> OAuthProvider:
    """A company's own OpenID Connect provider, declared in the settings."""
    shown = display_name or name
    if not issuer:
        raise OAuthSetupError(
            lazy.translate(
                "Status",
                "The sign-in provider {0} has no issuer: set the address of the company's OpenID Connect provider.",
            ).format(repr(shown)),
            reason="no_issuer",
        )
    check_url(issuer, ISSUER_OF.format(shown))
    scopes = tuple(s for s in scopes if s)
    # OIDC Core §11: a refresh token (offline_access) needs the user's explicit consent.
    params = {"prompt": "consent"} if "offline_access" in scopes else {}
    return OAuthProvider(
        name=name,
        display_name=shown,
        issuer=issuer,
        client_id=_require_client_id(
            client_id, shown, lazy.translate("Status", "the id your provider gave Tidings' registration.")
        ),
        scopes=scopes,
        resource=resource,
        auth_params=params,
    )
