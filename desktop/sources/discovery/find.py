"""Find an account's servers from its address: presets, the autoconfig file, SRV records."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from desktop.sources.discovery import autoconfig, presets
from desktop.sources.discovery.dns import Dns
from desktop.sources.discovery.finding import (
    Auth,
    DiscoveryError,
    Finding,
    Server,
    domain_of,
    parent_domain,
    within,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Lookups:
    """Where the lookups go. The defaults are production; tests point them at local servers,
    and only there do they differ: the fetch, the parse and the DNS queries are the same code."""

    #: a DNS server to ask instead of the system's resolver
    nameserver: str | None = None
    nameserver_port: int = 53
    #: replaces ``https://<host>`` of the autoconfig addresses (the host stays in the path)
    autoconfig_base: str | None = None
    #: a CA file trusted besides the system's (a company's, or a test's private CA)
    ca_file: str | None = None
    #: the proxy setting for the HTTPS fetch ("system", "none", a URL); None: [network]'s
    proxy: str | None = None
    timeout: float = 10.0


def find_account(address: str, lookups: Lookups | None = None) -> Finding:
    """The settings for ``address``, or DiscoveryError saying what was wrong or missing."""
    lookups = lookups or Lookups()
    local, domain = domain_of(address)
    address = f"{local}@{domain}"
    preset = presets.by_domain(domain)
    if preset is not None:
        return presets.finding(preset, address, f"{preset.display_name} serves {domain}")
    dns = Dns(lookups.nameserver, lookups.nameserver_port, timeout=min(lookups.timeout, 5.0))
    mx = dns.mx(domain)
    preset = presets.by_mx(mx)
    if preset is not None:
        return presets.finding(
            preset, address, f"the mail of {domain} goes to {preset.display_name} ({mx[0]})"
        )
    for url in autoconfig.urls(domain, lookups.autoconfig_base):
        # Something that answers but cannot be trusted (plain HTTP, a bad certificate) stops
        # the search with its message rather than falling through to SRV: a hijacked
        # autoconfig address is worth knowing about.
        data = autoconfig.fetch(url, ca_file=lookups.ca_file, proxy=lookups.proxy, timeout=lookups.timeout)
        if data is None:
            continue
        return _from_autoconfig(autoconfig.parse(data, url, address), address, domain, mx)
    found = _from_srv(dns, address, domain, mx)
    if found is not None:
        return found
    raise DiscoveryError(
        f"Tidings found no settings for {domain}: no autoconfig file and no SRV records. "
        "Use “Configure manually” with the server names from your IT department.",
        reason="not_found",
    )


def _trusted(host: str, domain: str, mx: list[str]) -> bool:
    """May a server found for ``domain`` be ``host``? The domain itself or a subdomain, or
    the parent domain of the domain's MX hosts (a company whose mail a hoster runs: MX
    mx1.hoster.net, IMAP imap.hoster.net). Anything else could be a hijacked file pointing
    the password at someone else's server."""
    if within(host, domain):
        return True
    return any(within(host, parent_domain(m)) for m in mx)


def _other_domain(host: str, domain: str, where: str) -> DiscoveryError:
    return DiscoveryError(
        f"The settings {where} for {domain} name a server of another domain ({host}), "
        "which may not be your organisation's: Tidings does not use them. If your IT department "
        "confirms that server, enter it with “Configure manually”.",
        reason="other_domain",
    )


def _from_autoconfig(config: autoconfig.Config, address: str, domain: str, mx: list[str]) -> Finding:
    usable = [e for e in config.imap if e.security != "plain"]
    if not usable:
        if config.imap:
            raise DiscoveryError(
                f"The autoconfig file of {domain} offers IMAP only without encryption; "
                "Tidings does not send a password that way.",
                reason="plain_only",
            )
        raise DiscoveryError(f"The autoconfig file of {domain} names no IMAP server.", reason="no_imap")
    imap = usable[0]
    for entry in (imap, *config.smtp):
        preset = presets.by_server(entry.host)
        if not _trusted(entry.host, domain, mx) and preset is None:
            raise _other_domain(entry.host, domain, "published by the autoconfig file")
    preset = presets.by_server(imap.host)
    smtp = next((e for e in config.smtp if e.security != "plain"), None)
    auth: Auth = (
        "oauth2" if preset is not None or (imap.oauth2 and not _offers_password(config)) else "password"
    )
    return Finding(
        address=address,
        via="autoconfig",
        how=f"the settings {domain} publishes ({config.url})",
        imap=autoconfig.entry_server(imap),
        smtp=autoconfig.entry_server(smtp) if smtp is not None else None,
        username=imap.username,
        auth=auth,
        oauth=preset.oauth if preset is not None else "",
        provider_name=config.provider_name,
    )


def _offers_password(config: autoconfig.Config) -> bool:
    # An entry listing OAuth2 beside a password method is fine with a password.
    return any(not e.oauth2 for e in config.imap)


def _from_srv(dns: Dns, address: str, domain: str, mx: list[str]) -> Finding | None:
    imaps = dns.srv(f"_imaps._tcp.{domain}")
    imap = dns.srv(f"_imap._tcp.{domain}") if imaps is None else None
    chosen = imaps or imap
    if chosen is None:
        return None
    submission = dns.srv(f"_submission._tcp.{domain}")
    for target in (chosen, submission):
        if target is not None and not _trusted(target.host, domain, mx):
            raise _other_domain(target.host, domain, "in the DNS SRV records")
    return Finding(
        address=address,
        via="srv",
        how=f"the DNS SRV records of {domain}",
        imap=Server(chosen.host, chosen.port, "tls" if imaps is not None else "starttls"),
        smtp=Server(submission.host, submission.port, "starttls") if submission is not None else None,
        username=address,
    )
