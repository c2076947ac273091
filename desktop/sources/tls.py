"""Certificate failures in words a user can act on, shared by every source.

Each cause needs a different fix: a company CA is set in Settings, an expired
certificate can only be renewed by the server's administrator, a name mismatch
means the account points at the wrong host name. "Not trusted" for all three
sends users down the wrong path.
"""

from __future__ import annotations

import ssl

# OpenSSL X509_V_ERR_* codes (x509_vfy.h)
_NOT_YET_VALID = 9
_EXPIRED = 10
_SELF_SIGNED = 18
_SELF_SIGNED_IN_CHAIN = 19
_UNKNOWN_ISSUER = 20
_UNKNOWN_ISSUER_LOCALLY = 21
_HOSTNAME_MISMATCH = 62
_UNTRUSTED = {_SELF_SIGNED, _SELF_SIGNED_IN_CHAIN, _UNKNOWN_ISSUER, _UNKNOWN_ISSUER_LOCALLY}


def describe_certificate_problem(exc: ssl.SSLCertVerificationError, host: str, ca_setting: str) -> str:
    """``ca_setting`` names where a company CA is configured, e.g. "the account's CA file"."""
    code = exc.verify_code
    reason = exc.verify_message or exc.reason or str(exc)
    if code == _EXPIRED:
        return (
            f"The certificate of {host} has expired, so Tidings cannot be sure it is talking to the "
            "real server. Its administrator must renew the certificate; nothing is sent until then."
        )
    if code == _NOT_YET_VALID:
        return f"The certificate of {host} is not valid yet. Check this computer's date and time."
    if code == _HOSTNAME_MISMATCH:
        return (
            f"The certificate of {host} was issued for a different name. Check the server name in "
            "Settings: use the name the server's certificate carries, not an alias or IP address."
        )
    if code in _UNTRUSTED:
        return (
            f"The certificate of {host} is not trusted ({reason}). If your organisation uses its own "
            f"certificate authority, set {ca_setting} to that authority's certificate."
        )
    return f"The certificate of {host} could not be verified ({reason})."
