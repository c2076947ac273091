"""MX and SRV lookups with dnspython.

A record that does not exist (NXDOMAIN, no answer) is "nothing found"; a resolver that does
not answer is too, after a short timeout, because the other ways of finding an account may
still work. Only the system resolver is asked, or the one a test names."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import dns.exception
import dns.rdtypes.ANY.MX
import dns.rdtypes.IN.SRV
import dns.resolver

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SrvTarget:
    host: str
    port: int
    priority: int
    weight: int


class Dns:
    def __init__(self, nameserver: str | None = None, port: int = 53, timeout: float = 5.0) -> None:
        """``nameserver``: ask this resolver (tests); None: the system's (/etc/resolv.conf)."""
        try:
            self._resolver = dns.resolver.Resolver(configure=nameserver is None)
        except dns.resolver.NoResolverConfiguration:
            self._resolver = dns.resolver.Resolver(configure=False)
        if nameserver is not None:
            self._resolver.nameservers = [nameserver]
            self._resolver.port = port
        self._resolver.lifetime = timeout

    def _answer(self, name: str, kind: str) -> dns.resolver.Answer | None:
        try:
            return self._resolver.resolve(name, kind, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
            return None
        except (dns.exception.Timeout, dns.resolver.LifetimeTimeout):
            log.info("no DNS answer for %s %s in time", kind, name)
            return None
        except dns.exception.DNSException as exc:
            log.info("DNS lookup of %s %s failed: %s", kind, name, exc)
            return None

    def mx(self, domain: str) -> list[str]:
        """The domain's mail hosts, most preferred first."""
        answer = self._answer(domain, "MX")
        if answer is None:
            return []
        records = [r for r in answer if isinstance(r, dns.rdtypes.ANY.MX.MX)]
        records.sort(key=lambda r: r.preference)
        return [r.exchange.to_text(omit_final_dot=True).lower() for r in records]

    def srv(self, name: str) -> SrvTarget | None:
        """The best target of an SRV record (RFC 2782: lowest priority, then highest weight),
        or None: no record, or the target "." (RFC 6186: the service is not offered)."""
        answer = self._answer(name, "SRV")
        if answer is None:
            return None
        records = [r for r in answer if isinstance(r, dns.rdtypes.IN.SRV.SRV)]
        if not records:
            return None
        best = min(records, key=lambda r: (r.priority, -r.weight))
        host = best.target.to_text(omit_final_dot=True).lower()
        if host in ("", ".") or best.port == 0:
            return None
        return SrvTarget(host, int(best.port), int(best.priority), int(best.weight))
