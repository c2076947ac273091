"""The one client TLS context for IMAP, SMTP, the gateway and HTTPS requests.

Certificate verification is always on. The operating system's trust store is used
through ``truststore`` (Windows' and macOS' own verifiers; OpenSSL with the system
bundle on Linux), so a company CA that IT installed on the machine just works; a CA
file from the settings is added to it, never instead of it. TLS 1.2 at least.

How a verification failure is put into words: ``desktop.sources.tls``.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import truststore

from desktop.core.i18n import lazy

MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2


class CaFileError(ValueError):
    """The configured CA file cannot be used; the message says why and names the file."""

    def __str__(self) -> str:
        # As ProxyConfigError: the message stays a translatable Text through callers' str(exc).
        message: str = self.args[0] if self.args else ""
        return message


def client_context(ca_file: str | os.PathLike[str] | None = None) -> ssl.SSLContext:
    """A client context: OS trust store plus ``ca_file`` (PEM, one or more certificates;
    ``~`` expanded). Raises :class:`CaFileError` for a missing or unreadable CA file."""
    ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname
    ctx.minimum_version = MINIMUM_VERSION
    if ca_file:
        path = Path(ca_file).expanduser()
        try:
            ctx.load_verify_locations(cafile=str(path))
        except FileNotFoundError:
            raise CaFileError(
                lazy.translate("Status", "The CA file {0} does not exist.").format(path)
            ) from None
        except PermissionError:
            raise CaFileError(
                lazy.translate("Status", "The CA file {0} cannot be read (permission denied).").format(path)
            ) from None
        except IsADirectoryError:
            raise CaFileError(
                lazy.translate("Status", "The CA file {0} is a folder, not a certificate file.").format(path)
            ) from None
        except ssl.SSLError as exc:
            raise CaFileError(
                lazy.translate(
                    "Status",
                    "The CA file {0} holds no usable certificate ({1}): it must be PEM (-----BEGIN CERTIFICATE-----).",
                ).format(path, exc.reason or exc)
            ) from None
        except OSError as exc:
            raise CaFileError(
                lazy.translate("Status", "The CA file {0} cannot be read ({1}).").format(
                    path, exc.strerror or exc
                )
            ) from None
    return ctx
