"""The domain's autoconfig file (Thunderbird's config-v1.1.xml), fetched over verified HTTPS.

Two places, in Thunderbird's order: ``https://autoconfig.<domain>/mail/config-v1.1.xml``, then
``https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml``. Never over plain HTTP (a
network attacker could hand out their own server and collect the password), never through a
redirect to http://, and only with a certificate the system (or the CA file) trusts.

The file is parsed with defusedxml: no entity expansion (billion laughs), no external
entities or DTDs (XXE), and at most :data:`MAX_BYTES` are read.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml.ElementTree
import httpx
from defusedxml import DefusedXmlException

from desktop.core.i18n import lazy
from desktop.sources.discovery.finding import DiscoveryError, Server
from desktop.sources.net import ProxyConfigError, network
from desktop.sources.net.http_client import http_client
from desktop.sources.net.tls import CaFileError
from desktop.sources.tls import A_CA_FILE, describe_certificate_problem

log = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024  # real files are 1-3 KB
_SECURITY = {"SSL": "tls", "STARTTLS": "starttls"}  # "plain" is never used


@dataclass(frozen=True, slots=True)
class ServerEntry:
    host: str
    port: int
    security: str  # "tls", "starttls", or "plain" (refused by the caller)
    username: str  # placeholders replaced
    oauth2: bool  # <authentication>OAuth2</authentication> is offered


@dataclass(frozen=True, slots=True)
class Config:
    url: str
    provider_name: str
    domains: tuple[str, ...]
    imap: tuple[ServerEntry, ...]
    smtp: tuple[ServerEntry, ...]


def urls(domain: str, base: str | None = None) -> list[str]:
    """The two places of the file; ``base`` (tests only) replaces scheme and host, keeping
    the host as the first path segment so one local server can play both."""
    first = f"autoconfig.{domain}/mail/config-v1.1.xml"
    second = f"{domain}/.well-known/autoconfig/mail/config-v1.1.xml"
    if base:
        return [f"{base.rstrip('/')}/{first}", f"{base.rstrip('/')}/{second}"]
    return [f"https://{first}", f"https://{second}"]


def _certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def fetch(
    url: str,
    *,
    ca_file: str | None = None,
    proxy: str | None = None,
    timeout: float = 10.0,
) -> bytes | None:
    """The file's bytes; None where there is none (404, nothing listening, no such host).

    Raises DiscoveryError where something answers but must not be trusted: plain HTTP, a
    redirect to plain HTTP, a certificate that does not verify, a file too large."""
    if not url.startswith("https://"):
        raise DiscoveryError(
            lazy.translate(
                "Status",
                "The autoconfig address {0} is not https://: Tidings does not read account settings "
                "over an unencrypted connection, where anyone on the network could change them.",
            ).format(url),
            reason="insecure",
        )
    try:
        if proxy is None:  # the [network] settings in force
            client = network.http_client(ca_file, timeout=timeout, follow_redirects=False)
        else:
            client = http_client(proxy, ca_file=ca_file, timeout=timeout, follow_redirects=False)
    except CaFileError as exc:
        raise DiscoveryError(exc.args[0] if exc.args else str(exc), reason="ca_file") from None
    except ProxyConfigError as exc:
        raise DiscoveryError(exc.args[0] if exc.args else str(exc), reason="proxy") from None
    host = httpx.URL(url).host
    try:
        with client:
            for _hop in range(4):
                with client.stream("GET", url, headers={"Accept": "application/xml, text/xml"}) as response:
                    if response.is_redirect:
                        target = str(response.url.join(response.headers.get("location", "")))
                        if not target.startswith("https://"):
                            raise DiscoveryError(
                                lazy.translate(
                                    "Status",
                                    "{0} redirects its autoconfig file to an unencrypted address ({1}): "
                                    "Tidings does not follow it.",
                                ).format(host, target),
                                reason="insecure",
                            )
                        url = target
                        continue
                    if response.status_code in (404, 410) or response.status_code >= 500:
                        return None
                    if response.status_code != 200:
                        log.info("autoconfig %s answered HTTP %s", url, response.status_code)
                        return None
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > MAX_BYTES:
                            raise DiscoveryError(
                                lazy.translate(
                                    "Status",
                                    "The autoconfig file at {0} is larger than {1} KB; it is not used.",
                                ).format(url, MAX_BYTES // 1024),
                                reason="too_large",
                            )
                    return bytes(body)
            log.info("autoconfig %s: too many redirects", url)
            return None
    except httpx.HTTPError as exc:
        cert = _certificate_error(exc)
        if cert is not None:
            text = describe_certificate_problem(cert, host, A_CA_FILE)
            raise DiscoveryError(
                lazy.translate("Status", "The autoconfig file of {0} is not used: {1}").format(host, text),
                reason="certificate",
            ) from None
        log.info("autoconfig %s: %s", url, type(exc).__name__)
        return None


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _entry(server: Element, address: str, local: str, domain: str) -> ServerEntry | None:
    host = _text(server.find("hostname")).lower().rstrip(".")
    try:
        port = int(_text(server.find("port")))
    except ValueError:
        return None
    if not host or not 0 < port < 65536 or any(c.isspace() or c in "/@:" for c in host):
        return None
    socket_type = _text(server.find("socketType")).upper()
    security = _SECURITY.get(socket_type, "plain")
    username = (
        _text(server.find("username"))
        .replace("%EMAILADDRESS%", address)
        .replace("%EMAILLOCALPART%", local)
        .replace("%EMAILDOMAIN%", domain)
    )
    methods = {_text(a).lower() for a in server.findall("authentication")}
    return ServerEntry(host, port, security, username or address, "oauth2" in methods)


def parse(data: bytes, url: str, address: str) -> Config:
    """The servers of a config-v1.1.xml file; DiscoveryError if it is not one."""
    local, _, domain = address.rpartition("@")
    domain = domain.lower()
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise DiscoveryError(
            lazy.translate(
                "Status",
                "The autoconfig file at {0} contains a DTD or entities, which a mail configuration "
                "never needs; it is not used.",
            ).format(url),
            reason="unsafe_xml",
        ) from None
    except defusedxml.ElementTree.ParseError as exc:
        raise DiscoveryError(
            lazy.translate(
                "Status", "The autoconfig file at {0} is not valid XML ({1}); it is not used."
            ).format(url, exc),
            reason="bad_xml",
        ) from None
    provider = root.find("emailProvider") if root.tag == "clientConfig" else None
    if provider is None:
        raise DiscoveryError(
            lazy.translate(
                "Status", "The file at {0} is not a mail autoconfig file (no clientConfig/emailProvider)."
            ).format(url),
            reason="bad_xml",
        )
    imap = [
        entry
        for server in provider.findall("incomingServer")
        if server.get("type") == "imap" and (entry := _entry(server, address, local, domain)) is not None
    ]
    smtp = [
        entry
        for server in provider.findall("outgoingServer")
        if server.get("type") == "smtp" and (entry := _entry(server, address, local, domain)) is not None
    ]
    return Config(
        url=url,
        provider_name=_text(provider.find("displayName"))[:100] or domain,
        domains=tuple(_text(d).lower() for d in provider.findall("domain") if _text(d)),
        imap=tuple(imap),
        smtp=tuple(smtp),
    )


def entry_server(entry: ServerEntry) -> Server:
    return Server(entry.host, entry.port, "tls" if entry.security == "tls" else "starttls")
