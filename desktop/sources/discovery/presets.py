"""Microsoft 365 / Outlook.com and Google, recognised by the address's domain or its MX hosts.

Their IMAP servers accept only OAuth2 (Microsoft) or prefer it (Google), so a finding here
always signs in with the provider's preset (``[oauth.microsoft]`` / ``[oauth.google]`` hold
the organisation's client id)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.sources.discovery.finding import Finding, Server


@dataclass(frozen=True, slots=True)
class Preset:
    oauth: str
    display_name: str
    imap: Server
    smtp: Server
    domains: frozenset[str]
    #: MX host suffixes of domains whose mail this provider hosts
    mx_suffixes: tuple[str, ...]


MICROSOFT = Preset(
    oauth="microsoft",
    display_name="Microsoft 365",
    imap=Server("outlook.office365.com", 993, "tls"),
    smtp=Server("smtp.office365.com", 587, "starttls"),
    domains=frozenset({"outlook.com", "hotmail.com", "live.com", "msn.com"}),
    # company domains: <tenant>.mail.protection.outlook.com; Outlook.com's own: *.olc.protection...
    mx_suffixes=(".mail.protection.outlook.com", ".protection.outlook.com"),
)
GOOGLE = Preset(
    oauth="google",
    display_name="Google",
    imap=Server("imap.gmail.com", 993, "tls"),
    smtp=Server("smtp.gmail.com", 587, "starttls"),
    domains=frozenset({"gmail.com", "googlemail.com"}),
    # aspmx.l.google.com, alt1.aspmx.l.google.com, smtp.google.com, *.googlemail.com
    mx_suffixes=(".google.com", ".googlemail.com"),
)
PRESETS = (MICROSOFT, GOOGLE)


def by_domain(domain: str) -> Preset | None:
    return next((p for p in PRESETS if domain in p.domains), None)


def by_mx(mx_hosts: Iterable[str]) -> Preset | None:
    for host in mx_hosts:
        host = host.lower().rstrip(".")
        for preset in PRESETS:
            if any(host.endswith(suffix) for suffix in preset.mx_suffixes):
                return preset
    return None


def by_server(host: str) -> Preset | None:
    """The preset whose IMAP server this is (an autoconfig file naming outlook.office365.com)."""
    host = host.lower().rstrip(".")
    return next((p for p in PRESETS if p.imap.host == host), None)


def finding(preset: Preset, address: str, how: str) -> Finding:
    return Finding(
        address=address,
        via="preset",
        how=how,
        imap=preset.imap,
        smtp=preset.smtp,
        username=address,
        auth="oauth2",
        oauth=preset.oauth,
        provider_name=preset.display_name,
    )
