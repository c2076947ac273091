"""What an address lookup finds, and how it fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desktop.core.i18n import lazy, localized

Security = Literal["tls", "starttls"]
Auth = Literal["password", "oauth2"]
Via = Literal["preset", "autoconfig", "srv"]


class DiscoveryError(Exception):
    """Nothing usable was found, or what was found cannot be trusted. ``message`` says so in
    a user's words; ``reason`` is a stable code for callers and tests."""

    def __init__(self, message: str, *, reason: str) -> None:
        # In the user's language: the Add-account dialog shows it as it is, nothing logs it.
        message = localized(message)
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    security: Security

    def __str__(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


@dataclass(frozen=True, slots=True)
class Finding:
    """Settings for one address, to be confirmed by the user before anything is sent."""

    address: str
    via: Via
    #: in words, e.g. "the settings example.com publishes (autoconfig)"
    how: str
    imap: Server
    smtp: Server | None
    username: str
    auth: Auth = "password"
    #: the OAuth provider preset ("microsoft", "google"), or "" (password, or a company
    #: provider the settings must name)
    oauth: str = ""
    #: the name the domain's own file gives its provider, shown in the dialog
    provider_name: str = ""


def domain_of(address: str) -> tuple[str, str]:
    """(local part, lower-case domain) of ``address``, or a DiscoveryError."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    if not at or not local or not domain or "." not in domain or any(c.isspace() for c in address):
        raise DiscoveryError(
            lazy.translate("Status", "{0} is not a mail address like name@example.com.").format(
                repr(address)
            ),
            reason="bad_address",
        )
    try:
        domain = domain.encode("idna").decode("ascii")  # a domain in any script, as DNS spells it
    except UnicodeError:
        raise DiscoveryError(
            lazy.translate("Status", "The domain of {0} is not a valid domain name.").format(repr(address)),
            reason="bad_address",
        ) from None
    return local, domain


def within(host: str, domain: str) -> bool:
    """``host`` is ``domain`` or one of its subdomains."""
    host = host.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def parent_domain(host: str) -> str:
    """The last two labels of ``host`` (mx1.hoster.net -> hoster.net). An approximation of
    the registrable domain, good enough to compare a server with the domain's MX hosts."""
    labels = host.lower().rstrip(".").split(".")
    return ".".join(labels[-2:])
