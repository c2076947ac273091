"""A connection to a server that failed without an answer, in one set of words for every source.

IMAP (``imap.connection.classify``) and SMTP (``smtp.submit``) used to word the same
socket and TLS failures each their own way; :func:`describe` is the one wording, and each
source decides what the failure means for it (retry, or wait for the user) from
:attr:`NetworkFailure.kind`. The sentences are :class:`~desktop.core.i18n.Text`: English
in logs and ``tidings watch``, translated where the window shows them.
"""

from __future__ import annotations

import dataclasses
import socket
import ssl
from typing import Literal

from desktop.core.i18n import Text, lazy
from desktop.sources.tls import describe_certificate_problem

#: certificate / tls: the settings (a CA file, the security setting) must change;
#: the others are outages worth retrying.
Kind = Literal["certificate", "tls", "unknown_host", "refused", "timeout", "closed", "broken"]

#: Which setting a TLS failure points at, as the sentence names it.
ACCOUNT_SECURITY = lazy.translate("Status", "the account's security setting")
SENDING_SECURITY = lazy.translate("Status", "the sending security setting")

_TLS = lazy.translate("Status", "The secure connection to {0}:{1} failed ({2}): check {3} and port.")
_UNKNOWN_HOST = lazy.translate("Status", "The server name {0} could not be found.")
_REFUSED = lazy.translate("Status", "{0} refused the connection on port {1}.")
_TIMEOUT = lazy.translate("Status", "{0} did not answer in time.")
_CLOSED = lazy.translate("Status", "{0} closed the connection.")
CONNECTION_FAILED = lazy.translate("Status", "The connection to {0} failed: {1}.")

#: Every sentence :func:`describe` gives but the certificate ones (``desktop.sources.tls``).
TEMPLATES: tuple[Text, ...] = (_TLS, _UNKNOWN_HOST, _REFUSED, _TIMEOUT, _CLOSED, CONNECTION_FAILED)


@dataclasses.dataclass(frozen=True, slots=True)
class NetworkFailure:
    kind: Kind
    message: Text

    @property
    def needs_setup(self) -> bool:
        """Retrying cannot help: a certificate or the security setting is wrong."""
        return self.kind in ("certificate", "tls")


def describe(
    exc: BaseException,
    host: str,
    port: int,
    *,
    ca_setting: Text,
    security_setting: Text,
    closed: tuple[type[BaseException], ...] = (EOFError,),
) -> NetworkFailure | None:
    """The failure ``exc`` (raised connecting to or talking with ``host``:``port``), or None
    when it is not a network or TLS failure. ``closed``: the protocol library's exceptions
    for a connection the server ended (imaplib's abort...). Never holds a secret."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return NetworkFailure("certificate", describe_certificate_problem(exc, host, ca_setting))
    if isinstance(exc, ssl.SSLError):
        return NetworkFailure(
            "tls", _TLS.format(host, port, getattr(exc, "reason", None) or exc, security_setting)
        )
    if isinstance(exc, socket.gaierror):
        return NetworkFailure("unknown_host", _UNKNOWN_HOST.format(host))
    if isinstance(exc, ConnectionRefusedError):
        return NetworkFailure("refused", _REFUSED.format(host, port))
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return NetworkFailure("timeout", _TIMEOUT.format(host))
    if isinstance(exc, closed):
        return NetworkFailure("closed", _CLOSED.format(host))
    if isinstance(exc, OSError):
        return NetworkFailure("broken", CONNECTION_FAILED.format(host, str(exc.strerror or exc).rstrip(".")))
    return None
