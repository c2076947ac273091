"""Find an account's servers from its address: presets, the autoconfig file, SRV records."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from desktop.core.i18n import Text, lazy, translate
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
        how = translate("Status", "{0} serves {1}").format(preset.display_name, domain)
        return presets.finding(preset, address, how)
    dns = Dns(lookups.nameserver, lookups.nameserver_port, timeout=min(lookups.timeout, 5.0))
    mx = dns.mx(domain)
    preset = presets.by_mx(mx)
    if preset is not None:
        how = translate("Status", "the mail of {0} goes to {1} ({2})").format(
            domain, preset.display_name, mx[0]
        )
        return presets.finding(preset, address, how)
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
        lazy.translate(
            "Status",
            "Tidings found no settings for {0}: no autoconfig file and no SRV records. "
            "Use “Configure manually” with the server names from your IT department.",
        ).format(domain),
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


# {0} the domain, {1} the other domain's server.
_OTHER_DOMAIN_AUTOCONFIG = lazy.translate(
    "Status",
    "The settings published by the autoconfig file for {0} name a server of another domain ({1}), "
    "which may not be your organisation's: Tidings does not use them. If your IT department "
    "confirms that server, enter it with “Configure manually”.",
)
_OTHER_DOMAIN_SRV = lazy.translate(
    "Status",
    "The settings in the DNS SRV records for {0} name a server of another domain ({1}), "
    "which may not be your organisation's: Tidings does not use them. If your IT department "
    "confirms that server, enter it with “Configure manually”.",
)


def _other_domain(host: str, domain: str, where: Text) -> DiscoveryError:
    return DiscoveryError(
        where.format(domain, host),
        reason="other_domain",
    )


def _from_autoconfig(config: autoconfig.Config, address: str, domain: str, mx: list[str]) -> Finding:
    usable = [e for e in config.imap if e.security != "plain"]
    if not usable:
        if config.imap:
            raise DiscoveryError(
                lazy.translate(
                    "Status",
                    "The autoconfig file of {0} offers IMAP only without encryption; "
                    "Tidings does not send a password that way.",
                ).format(domain),
                reason="plain_only",
            )
        raise DiscoveryError(
            lazy.translate("Status", "The autoconfig file of {0} names no IMAP server.").format(domain),
            reason="no_imap",
        )
    imap = usable[0]
    for entry in (imap, *config.smtp):
        preset = presets.by_server(entry.host)
        if not _trusted(entry.host, domain, mx) and preset is None:
            raise _other_domain(entry.host, domain, _OTHER_DOMAIN_AUTOCONFIG)
    preset = presets.by_server(imap.host)
    smtp = next((e for e in config.smtp if e.security != "plain"), None)
    auth: Auth = (
        "oauth2" if preset is not None or (imap.oauth2 and not _offers_password(config)) else "password"
    )
    return Finding(
        address=address,
        via="autoconfig",
        how=translate("Status", "the settings {0} publishes ({1})").format(domain, config.url),
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
            raise _other_domain(target.host, domain, _OTHER_DOMAIN_SRV)
    return Finding(
        address=address,
        via="srv",
        how=translate("Status", "the DNS SRV records of {0}").format(domain),
        imap=Server(chosen.host, chosen.port, "tls" if imaps is not None else "starttls"),
        smtp=Server(submission.host, submission.port, "starttls") if submission is not None else None,
        username=address,
    )
