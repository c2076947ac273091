"""SASL with a bearer token: XOAUTH2 (Google's, also Microsoft's) and OAUTHBEARER (RFC 7628).

The builders return the raw initial client response; IMAP's and SMTP's AUTHENTICATE base64
it (``imaplib`` and ``smtplib`` both do). :func:`imap_login` uses imapclient's ``sasl_login``
rather than its ``oauth2_login``/``oauthbearer_login`` because those answer the server's
error challenge by sending the token again; RFC 7628 §3.2.3 wants a bare ``%x01`` (XOAUTH2 an
empty line), and the challenge itself says why the token was refused.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from desktop.sources.oauth.errors import OAuthSetupError, ProviderUnavailable, TokenRejected

# RFC 6750 §2.1 b64token: what a bearer token may contain (no separators to inject fields).
_BEARER = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")


def _check(user: str, token: str) -> None:
    if not _BEARER.match(token):
        raise ValueError("the access token has characters a bearer token cannot have")
    if not user or any(ord(ch) < 0x20 or ch == "\x7f" for ch in user):
        raise ValueError("the user name is empty or has control characters")


def xoauth2_initial_response(user: str, token: str) -> bytes:
    _check(user, token)
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def oauthbearer_initial_response(
    user: str, token: str, host: str | None = None, port: int | None = None
) -> bytes:
    """GS2 header with the user as authzid (Dovecot, Gmail and Exchange require it)."""
    _check(user, token)
    # RFC 5801 saslname: "," and "=" are escaped.
    authzid = user.replace("=", "=3D").replace(",", "=2C")
    fields = ""
    if host:
        fields += f"host={host}\x01"
    if port:
        fields += f"port={port}\x01"
    return f"n,a={authzid},\x01{fields}auth=Bearer {token}\x01\x01".encode()


class _Exchange:
    """One AUTHENTICATE: the initial response, then the abort reply to an error challenge."""

    def __init__(self, mechanism: str, initial: bytes) -> None:
        self.mechanism = mechanism
        self.initial = initial
        self.sent = False
        self.challenge: dict[str, Any] | None = None

    def __call__(self, challenge: bytes) -> bytes:
        if not self.sent:
            self.sent = True
            return self.initial
        self.challenge = _decode_challenge(challenge)
        return b"\x01" if self.mechanism == "OAUTHBEARER" else b""


def _decode_challenge(challenge: bytes) -> dict[str, Any]:
    # imaplib hands over the decoded challenge; be lenient if a server sent it twice encoded.
    for raw in (challenge, _b64(challenge)):
        try:
            value = json.loads(raw)
        except (ValueError, TypeError):
            continue
        if isinstance(value, dict):
            return value
    return {}


def _b64(data: bytes) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return b""


def imap_mechanism(client: IMAPClient) -> str:
    """``OAUTHBEARER`` if the server offers it, else ``XOAUTH2``; a setup error if neither."""
    caps = set(client.capabilities())
    if b"AUTH=OAUTHBEARER" in caps:
        return "OAUTHBEARER"
    if b"AUTH=XOAUTH2" in caps:
        return "XOAUTH2"
    raise OAuthSetupError(
        "The mail server does not offer sign-in with a token (neither OAUTHBEARER nor XOAUTH2). "
        "Use a password for this account, or check the server name.",
        reason="no_oauth_mechanism",
    )


def imap_login(client: IMAPClient, user: str, token: str) -> str:
    """Log ``client`` in with ``token``; returns the mechanism used.

    Raises :class:`TokenRejected` when the server refuses the token (refresh it once and
    retry), :class:`ProviderUnavailable` when the server could not check it right now."""
    mechanism = imap_mechanism(client)
    if mechanism == "OAUTHBEARER":
        initial = oauthbearer_initial_response(user, token)
    else:
        initial = xoauth2_initial_response(user, token)
    exchange = _Exchange(mechanism, initial)
    try:
        client.sasl_login(mechanism, exchange)
    except LoginError as exc:
        text = str(exc)
        if "UNAVAILABLE" in text:
            raise ProviderUnavailable(
                "The mail server could not check the sign-in with the identity provider right now; "
                "Tidings will try again shortly.",
                reason="server_unavailable",
            ) from None
        status = (exchange.challenge or {}).get("status")
        detail = f" (status {status})" if isinstance(status, str) and status.isprintable() else ""
        raise TokenRejected(
            f"The mail server did not accept the sign-in for {user}{detail}.", reason="token_rejected"
        ) from None
    return mechanism
