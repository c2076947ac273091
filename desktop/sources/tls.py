"""Certificate failures in words a user can act on, shared by every source.

Each cause needs a different fix: a company CA is set in Settings, an expired
certificate can only be renewed by the server's administrator, a name mismatch
means the account points at the wrong host name. "Not trusted" for all three
sends users down the wrong path.
"""

from __future__ import annotations

import ssl

from desktop.core.i18n import Text, lazy

# OpenSSL X509_V_ERR_* codes (x509_vfy.h)
_NOT_YET_VALID = 9
_EXPIRED = 10
_SELF_SIGNED = 18
_SELF_SIGNED_IN_CHAIN = 19
_UNKNOWN_ISSUER = 20
_UNKNOWN_ISSUER_LOCALLY = 21
_HOSTNAME_MISMATCH = 62
_UNTRUSTED = {_SELF_SIGNED, _SELF_SIGNED_IN_CHAIN, _UNKNOWN_ISSUER, _UNKNOWN_ISSUER_LOCALLY}


def describe_certificate_problem(exc: ssl.SSLCertVerificationError, host: str, ca_setting: str) -> Text:
    """``ca_setting`` names where a company CA is configured, e.g. "the account's CA file"
    (a :class:`Text` from :data:`CA_SETTINGS`, so that it is translated with the sentence)."""
    code = exc.verify_code
    reason = exc.verify_message or exc.reason or str(exc)
    if code == _EXPIRED:
        return lazy.translate(
            "Status",
            "The certificate of {0} has expired, so Tidings cannot be sure it is talking to the "
            "real server. Its administrator must renew the certificate; nothing is sent until then.",
        ).format(host)
    if code == _NOT_YET_VALID:
        return lazy.translate(
            "Status", "The certificate of {0} is not valid yet. Check this computer's date and time."
        ).format(host)
    if code == _HOSTNAME_MISMATCH:
        return lazy.translate(
            "Status",
            "The certificate of {0} was issued for a different name. Check the server name in "
            "Settings: use the name the server's certificate carries, not an alias or IP address.",
        ).format(host)
    if code in _UNTRUSTED:
        return lazy.translate(
            "Status",
            "The certificate of {0} is not trusted ({1}). If your organisation uses its own "
            "certificate authority, set {2} to that authority's certificate.",
        ).format(host, reason, ca_setting)
    return lazy.translate("Status", "The certificate of {0} could not be verified ({1}).").format(
        host, reason
    )


#: Where each source's company CA is set, as the sentences above name it.
ACCOUNT_CA_FILE = lazy.translate("Status", "the account's CA file setting")
GATEWAY_CA_FILE = lazy.translate("Status", "the gateway's CA file in Settings")
PROVIDER_CA_FILE = lazy.translate("Status", "the provider's CA file")
A_CA_FILE = lazy.translate("Status", "a CA file")
