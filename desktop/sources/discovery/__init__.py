"""Accounts found from a mail address, the way Thunderbird finds them. No Qt, no store.

    finding = find_account("li.lei@example.com")     # raises DiscoveryError with a message
    finding.imap.host, finding.auth, finding.how      # shown to the user to confirm

In order: (1) the built-in presets for Microsoft and Google, by the address's domain or by
where the domain's mail goes (MX); (2) the domain's autoconfig file (Thunderbird's format,
HTTPS with a verified certificate only); (3) DNS SRV records (RFC 6186). Nothing is sent to
a server found this way until the user has confirmed the finding: this module only reads
public DNS records and public files.

- :mod:`.finding`: what is found (:class:`Finding`, :class:`Server`) and :class:`DiscoveryError`
- :mod:`.presets`: Microsoft and Google by domain and by MX host
- :mod:`.autoconfig`: fetching and parsing config-v1.1.xml (defusedxml)
- :mod:`.dns`: MX and SRV lookups (dnspython)
- :mod:`.find`: :func:`find_account`, and :class:`Lookups`, where tests point the lookups
  at local servers
"""

from desktop.sources.discovery.find import Lookups, find_account
from desktop.sources.discovery.finding import DiscoveryError, Finding, Server

__all__ = ["DiscoveryError", "Finding", "Lookups", "Server", "find_account"]
