"""Handing one stored message to the submission server (RFC 6409), and saying how it went.

Blocking (smtplib): call it from a worker thread. Certificates are always verified;
a password or token never crosses an unencrypted link, except to a loopback
server when :attr:`SmtpServer.allow_plaintext_on_loopback` says so (tests: Dovecot
accepts AUTH in clear from 127.0.0.1, so the check has to be ours).

Every failure becomes a :class:`SendError` whose ``kind`` tells the outbox what to
do: ``PERMANENT`` fails this message with the server's own words (a refused
recipient, too big), ``AUTH`` stops sending until the user signs in again, ``SETUP``
stops until the account settings change (certificate, no STARTTLS), and
``TRANSIENT`` retries later. The recipients are all checked before DATA, so a
refused one means nothing was sent to anybody: no half-delivered message.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import enum
import ipaddress
import logging
import smtplib
import ssl
from collections.abc import Callable
from typing import Literal

from desktop.config.secrets import SecretError
from desktop.core.i18n import lazy
from desktop.sources.credentials import UNSENDABLE, sasl_utf8
from desktop.sources.net import CaFileError, ProxyAuthError, ProxyConfigError, Route, client_context, network
from desktop.sources.net.errors import find_proxy_error
from desktop.sources.net.failures import CONNECTION_FAILED, SENDING_SECURITY, describe
from desktop.sources.net.smtp import ProxiedSMTP, ProxiedSMTP_SSL
from desktop.sources.oauth import sasl
from desktop.sources.oauth.errors import OAuthProblem
from desktop.sources.smtp.outgoing import Outgoing
from desktop.sources.tls import ACCOUNT_CA_FILE

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "plain": 587}
DEFAULT_TIMEOUT = 30.0


_PLAINTEXT = lazy.translate(
    "Status",
    "Tidings does not send your password to {0} without encryption: "
    "choose STARTTLS (port 587) or TLS (port 465).",
)
_NO_PROXY_PASSWORD = lazy.translate("Status", "Cannot get the proxy password: {0}")
# The server's refusals: {0} the server, {1} its code and words.
_AUTH_LATER = lazy.translate("Status", "Sign-in failed for now. {0} said: {1}")
_AUTH_AGAIN = lazy.translate("Status", "The server refused the sign-in: sign in again. {0} said: {1}")
_AUTH_IMPOSSIBLE = lazy.translate("Status", "Sign-in is not possible like this. {0} said: {1}")
_AUTH_REFUSED = lazy.translate("Status", "The server refused the sign-in. {0} said: {1}")
_BUSY = lazy.translate("Status", "The server cannot take mail right now. {0} said: {1}")
_TURNED_AWAY = lazy.translate("Status", "The server turned Tidings away. {0} said: {1}")
_WONT_TALK = lazy.translate("Status", "The server will not talk to Tidings. {0} said: {1}")
_OTHER_SIGN_IN = lazy.translate("Status", "The server wants a different sign-in. {0} said: {1}")
_TOO_BIG = lazy.translate("Status", "The message is too big for the server. {0} said: {1}")
_REFUSED_MESSAGE = lazy.translate("Status", "The server refused the message. {0} said: {1}")
_MAYBE_TAKEN = lazy.translate(
    "Status", "{0} The server may have taken the message; Tidings checks before sending it again."
)
#: Every sentence for a server's refusal (the tests check each has a translation).
REFUSALS = (
    _AUTH_LATER,
    _AUTH_AGAIN,
    _AUTH_IMPOSSIBLE,
    _AUTH_REFUSED,
    _BUSY,
    _TURNED_AWAY,
    _WONT_TALK,
    _OTHER_SIGN_IN,
    _TOO_BIG,
    _REFUSED_MESSAGE,
)


class FailureKind(enum.StrEnum):
    PERMANENT = "permanent"  # this message will never go as it is: show the server's reason on it
    AUTH = "auth"  # the server refused the sign-in: stop, ask the user to sign in again
    SETUP = "setup"  # the account's server settings are wrong: stop until they change
    TRANSIENT = "transient"  # try again later (offline, 4xx, timeout)


class SendError(Exception):
    """A failed submission. ``str()`` is a sentence for the user; never holds a secret."""

    def __init__(
        self,
        kind: FailureKind,
        message: str,
        code: int | None = None,
        server_text: str = "",
        uncertain: bool = False,
        refused: dict[str, tuple[int, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code
        self.server_text = server_text  # the server's own words, for the item
        # The connection broke after the message body was on its way: the server may have
        # taken it. The outbox must look in Sent before trying again.
        self.uncertain = uncertain
        self.refused = refused or {}  # recipient → (code, the server's words)


@dataclasses.dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int = 0  # 0: the default port for ``security``
    security: Literal["starttls", "tls", "plain"] = "starttls"
    ca_file: str = ""
    timeout: float = DEFAULT_TIMEOUT  # for the connect and for every read and write after it
    allow_plaintext_on_loopback: bool = False  # tests only: AUTH without TLS to 127.0.0.1

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


@dataclasses.dataclass(frozen=True, slots=True)
class Password:
    username: str
    password: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class OAuthToken:
    """SASL XOAUTH2 or OAUTHBEARER with an access token from the OAuth client.

    ``token()`` gives the current token (``OAuthClient.access_token``); ``refresh()``, if set,
    a new one (``lambda: client.access_token(force_refresh=True)``), tried once when the
    server refuses the first: a token revoked or expired early is not yet "sign in again".
    Both may raise the OAuth client's errors (sorted into sign in again / retry / setup) or
    :class:`SendError`.
    """

    username: str
    token: Callable[[], str] = dataclasses.field(repr=False)
    mechanism: Literal["XOAUTH2", "OAUTHBEARER"] = "OAUTHBEARER"
    refresh: Callable[[], str] | None = dataclasses.field(default=None, repr=False)


Credentials = Password | OAuthToken


def submit(server: SmtpServer, credentials: Credentials, message: Outgoing) -> str:
    """Send ``message`` once. Returns the server's acceptance text ("2.0.0 Ok: queued as …")."""
    context = _tls_context(server)
    if server.security == "plain" and not server.allow_plaintext_on_loopback:
        raise SendError(FailureKind.SETUP, _PLAINTEXT.format(server.host))
    route = _route(server)
    smtp: smtplib.SMTP | None = None
    stage = "connect"
    try:
        # local_hostname given: smtplib would otherwise ask DNS for this machine's name
        # (seconds when offline) and announce it; the address literal says nothing private.
        if server.security == "tls":
            smtp = ProxiedSMTP_SSL(
                server.host,
                server.effective_port,
                route=route,
                timeout=server.timeout,
                context=context,
                local_hostname="localhost",
            )
        else:
            smtp = ProxiedSMTP(
                server.host,
                server.effective_port,
                route=route,
                timeout=server.timeout,
                local_hostname="localhost",
            )
        smtp.local_hostname = _address_literal(smtp)
        stage = "greeting"
        _ehlo(smtp, server)
        if server.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise SendError(
                    FailureKind.SETUP,
                    lazy.translate(
                        "Status",
                        "{0} does not offer STARTTLS on port {1}: "
                        "choose TLS (port 465) in the account's sending settings.",
                    ).format(server.host, server.effective_port),
                )
            code, reply = smtp.starttls(context=context)
            if code != 220:
                raise _refusal(code, reply, "STARTTLS", server)
            _ehlo(smtp, server)
        elif server.security == "plain":
            _require_loopback(smtp, server, route)
        stage = "auth"
        _authenticate(smtp, credentials, server)
        stage = "envelope"
        _envelope(smtp, message, server)
        stage = "data"
        code, reply = smtp.data(message.data)
        if code != 250:
            raise _refusal(code, reply, "DATA", server)
        return _text(reply)
    except SendError:
        raise
    except smtplib.SMTPResponseException as exc:
        raise _refusal(exc.smtp_code, exc.smtp_error, stage, server) from exc
    except Exception as exc:
        raise _through(route, exc, server, uncertain=stage == "data") from exc
    finally:
        _close(smtp)


# -- steps ------------------------------------------------------------------------------------


def _tls_context(server: SmtpServer) -> ssl.SSLContext:
    """Verification always on: the system's trust store (a company CA IT installed just
    works) plus the account's CA file, never by turning checks off."""
    try:
        return client_context(server.ca_file or None)
    except CaFileError as exc:
        raise SendError(FailureKind.SETUP, str(exc)) from exc


def _route(server: SmtpServer) -> Route:
    """The way to the server under the ``[network]`` settings (direct, or a proxy)."""
    scheme = "smtps" if server.security == "tls" else "smtp"
    try:
        return network.route(scheme, server.host, server.effective_port)
    except ProxyAuthError as exc:  # no proxy password stored: the user must act
        raise SendError(FailureKind.AUTH, exc.message) from exc
    except ProxyConfigError as exc:
        raise SendError(FailureKind.SETUP, str(exc)) from exc
    except SecretError as exc:
        raise SendError(FailureKind.SETUP, _NO_PROXY_PASSWORD.format(_words(exc))) from exc


def _address_literal(smtp: smtplib.SMTP) -> str:
    """EHLO [192.0.2.1], as Thunderbird does: the connection's own address (RFC 5321 §4.1.3)."""
    try:
        ip = ipaddress.ip_address(smtp.sock.getsockname()[0]) if smtp.sock else None
    except (OSError, ValueError):
        ip = None
    if ip is None:
        return "localhost"
    return f"[{ip}]" if ip.version == 4 else f"[IPv6:{ip}]"


def _ehlo(smtp: smtplib.SMTP, server: SmtpServer) -> None:
    code, reply = smtp.ehlo()
    if code != 250:
        raise _refusal(code, reply, "EHLO", server)


def _require_loopback(smtp: smtplib.SMTP, server: SmtpServer, route: Route) -> None:
    """Checked on the connected socket, not the name: "localhost" could resolve anywhere.
    Through a proxy the socket's peer is the proxy, so that is never loopback enough."""
    try:
        peer = ipaddress.ip_address(smtp.sock.getpeername()[0]) if smtp.sock and route.direct else None
    except (OSError, ValueError):
        peer = None
    if peer is None or not peer.is_loopback:
        raise SendError(FailureKind.SETUP, _PLAINTEXT.format(server.host))


def _authenticate(smtp: smtplib.SMTP, credentials: Credentials, server: SmtpServer) -> None:
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if isinstance(credentials, Password):
        user, secret = sasl_utf8(credentials.username), sasl_utf8(credentials.password)
        if user is None or secret is None:
            raise SendError(FailureKind.AUTH, UNSENDABLE.format(server.host))
        if "PLAIN" in offered:
            _sasl(smtp, "PLAIN", b"\0" + user + b"\0" + secret, lambda _c: b"*", server)
        elif "LOGIN" in offered:
            # RFC-less but universal: the server asks "Username:" then "Password:".
            answers = iter((secret,))
            _sasl(smtp, "LOGIN", user, lambda _c: next(answers, b"*"), server)
        else:
            raise SendError(
                FailureKind.SETUP,
                lazy.translate(
                    "Status", "{0} offers no password sign-in on this port (it offers: {1})."
                ).format(server.host, _offered(offered)),
            )
        return
    mechanism = credentials.mechanism
    if mechanism not in offered:
        raise SendError(
            FailureKind.SETUP,
            lazy.translate("Status", "{0} does not take {1} sign-in (it offers: {2}).").format(
                server.host, mechanism, _offered(offered)
            ),
        )
    try:
        _token_auth(smtp, credentials, credentials.token, server)
    except SendError as exc:
        if exc.kind is not FailureKind.AUTH or exc.code is None or credentials.refresh is None:
            raise
        log.info("%s refused the access token; trying a refreshed one", server.host)
        _token_auth(smtp, credentials, credentials.refresh, server)  # RFC 4954 allows another AUTH


def _token_auth(
    smtp: smtplib.SMTP, credentials: OAuthToken, get_token: Callable[[], str], server: SmtpServer
) -> None:
    try:
        token = get_token()
        if credentials.mechanism == "XOAUTH2":
            initial = sasl.xoauth2_initial_response(credentials.username, token)
        else:
            initial = sasl.oauthbearer_initial_response(credentials.username, token)
    except SendError:
        raise
    except OAuthProblem as exc:
        kind = {"outage": FailureKind.TRANSIENT, "setup": FailureKind.SETUP}.get(exc.kind, FailureKind.AUTH)
        raise SendError(kind, exc.message) from exc
    except OSError as exc:
        raise SendError(
            FailureKind.TRANSIENT,
            lazy.translate("Status", "Cannot reach the sign-in service: {0}").format(exc),
        ) from exc
    except Exception as exc:  # the callback is someone else's code: say what it said, stop
        raise SendError(
            FailureKind.AUTH,
            lazy.translate("Status", "Cannot get a sign-in token: {0}. Sign in again.").format(exc),
        ) from exc
    # On a refused token the server sends its reason as a challenge; the answer that ends the
    # exchange is an empty line for XOAUTH2 and ^A for OAUTHBEARER (RFC 7628 §3.2.3).
    end = b"" if credentials.mechanism == "XOAUTH2" else b"\x01"
    _sasl(smtp, credentials.mechanism, initial, lambda _challenge: end, server)


def _sasl(
    smtp: smtplib.SMTP,
    mechanism: str,
    initial: bytes,
    respond: Callable[[bytes], bytes],
    server: SmtpServer,
) -> None:
    """AUTH with an initial response (RFC 4954). Not smtplib.auth(): it ASCII-encodes the
    credentials, so a password with "é" or "密" would fail before reaching the server."""
    code, reply = smtp.docmd("AUTH", f"{mechanism} {base64.b64encode(initial).decode('ascii')}")
    for _ in range(5):
        if code != 334:
            break
        try:
            challenge = base64.b64decode(reply, validate=False)
        except ValueError:
            challenge = b""
        code, reply = smtp.docmd(base64.b64encode(respond(challenge)).decode("ascii"))
    if code != 235:
        raise _refusal(code, reply, "auth", server)


def _envelope(smtp: smtplib.SMTP, message: Outgoing, server: SmtpServer) -> None:
    options: list[str] = []
    limit = _size_limit(smtp)
    if smtp.has_extn("size"):
        options.append(f"SIZE={len(message.data)}")  # the server refuses at MAIL, before the upload
    if not message.data.isascii():
        if not smtp.has_extn("8bitmime"):
            raise SendError(
                FailureKind.PERMANENT,
                lazy.translate(
                    "Status", "{0} cannot take this message: it has 8-bit text and the server lacks 8BITMIME."
                ).format(server.host),
            )
        options.append("BODY=8BITMIME")
    code, reply = smtp.mail(message.mail_from, options)
    if code != 250:
        raise _refusal(code, reply, "MAIL", server)
    if limit and len(message.data) > limit:
        # The server took MAIL with SIZE= anyway; its EHLO said otherwise, so stop here.
        smtp.rset()
        raise SendError(
            FailureKind.PERMANENT,
            lazy.translate("Status", "The message is {0}; {1} accepts at most {2}.").format(
                _size(len(message.data)), server.host, _size(limit)
            ),
            code=552,
            server_text=f"SIZE {limit}",
        )
    refused: dict[str, tuple[int, str]] = {}
    for rcpt in message.recipients:
        code, reply = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, _text(reply))
    if refused:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.rset()
        permanent = any(500 <= c < 600 for c, _ in refused.values())
        words = "; ".join(f"{rcpt}: {code} {text}" for rcpt, (code, text) in refused.items())
        raise SendError(
            FailureKind.PERMANENT if permanent else FailureKind.TRANSIENT,
            (
                lazy.translate(
                    "Status", "The server refused a recipient, so the message was sent to nobody: {0}"
                )
                if len(refused) == 1
                else lazy.translate(
                    "Status", "The server refused recipients, so the message was sent to nobody: {0}"
                )
            ).format(words),
            code=max(c for c, _ in refused.values()),
            server_text=words,
            refused=refused,
        )


def _size_limit(smtp: smtplib.SMTP) -> int:
    value = smtp.esmtp_features.get("size", "").strip()
    return int(value) if value.isdigit() else 0


# -- failures ----------------------------------------------------------------------------------


def _refusal(code: int, reply: bytes | str, stage: str, server: SmtpServer) -> SendError:
    """A reply from the server that is not what we asked for, classified by its code and stage."""
    text = _text(reply)
    said = f"{code} {text}".rstrip()
    if stage == "auth":
        if code == 454 or 400 <= code < 500:
            kind, why = FailureKind.TRANSIENT, _AUTH_LATER
        elif code in (534, 535):
            kind, why = FailureKind.AUTH, _AUTH_AGAIN
        elif code in (530, 538, 504):
            kind, why = FailureKind.SETUP, _AUTH_IMPOSSIBLE
        else:
            kind, why = FailureKind.AUTH, _AUTH_REFUSED
    elif code == 421 or 400 <= code < 500:
        kind, why = FailureKind.TRANSIENT, _BUSY
    elif stage in ("connect", "greeting"):  # a 5xx greeting: this server is not taking us now
        kind, why = FailureKind.TRANSIENT, _TURNED_AWAY
    elif stage in ("EHLO", "STARTTLS"):
        kind, why = FailureKind.SETUP, _WONT_TALK
    elif code == 530:  # "authentication required" after we signed in: a server policy, not this mail
        kind, why = FailureKind.SETUP, _OTHER_SIGN_IN
    elif code == 552:
        kind, why = FailureKind.PERMANENT, _TOO_BIG
    else:
        kind, why = FailureKind.PERMANENT, _REFUSED_MESSAGE
    return SendError(kind, why.format(server.host, said), code, text)


def _through(route: Route, exc: BaseException, server: SmtpServer, uncertain: bool) -> SendError:
    """:func:`_broken`, knowing the way the connection took: the proxy's failures in its
    words (a refused proxy password stops sending, as a refused sign-in does), and the
    PAC file's warning on a direct connection that failed."""
    proxy_error = find_proxy_error(exc)
    if isinstance(proxy_error, ProxyAuthError):
        return SendError(FailureKind.AUTH, proxy_error.message)
    if proxy_error is not None:
        return SendError(FailureKind.TRANSIENT, proxy_error.message)
    error = _broken(exc, server, uncertain)
    if error.kind is FailureKind.TRANSIENT and not uncertain:
        error.message = network.with_warning(error.message, route)
        error.args = (error.message,)
    return error


def _broken(exc: BaseException, server: SmtpServer, uncertain: bool) -> SendError:
    """A connection that failed without a reply: the network, TLS or a timeout, in the words
    every source uses (``net.failures``)."""
    host, port = server.host, server.effective_port
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SendError(
            FailureKind.SETUP,
            lazy.translate("Status", "{0} does not support what Tidings needs: {1}").format(host, exc),
        )
    failure = describe(
        exc,
        host,
        port,
        ca_setting=ACCOUNT_CA_FILE,
        security_setting=SENDING_SECURITY,
        closed=(EOFError, smtplib.SMTPServerDisconnected),
    )
    if failure is not None and failure.needs_setup:
        return SendError(FailureKind.SETUP, failure.message)
    if failure is not None:
        message = failure.message
    else:
        log.warning("unexpected SMTP failure for %s: %r", host, exc)
        message = CONNECTION_FAILED.format(host, str(exc).rstrip("."))
    if uncertain:
        message = _MAYBE_TAKEN.format(message)
    return SendError(FailureKind.TRANSIENT, message, uncertain=uncertain)


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def _offered(mechanisms: list[str]) -> str:
    return " ".join(mechanisms) or "-"


def _words(exc: BaseException) -> str:
    """An exception's sentence, kept translatable when it is a :class:`Text`."""
    message = getattr(exc, "message", None)
    if isinstance(message, str):
        return message
    return exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} KB" if n >= 1000 else f"{n} bytes"


def _close(smtp: smtplib.SMTP | None) -> None:
    """QUIT if the server still answers quickly; else just drop the socket."""
    if smtp is None:
        return
    with contextlib.suppress(Exception):
        if smtp.sock is not None:
            smtp.sock.settimeout(2.0)
            smtp.quit()
    with contextlib.suppress(Exception):
        smtp.close()
