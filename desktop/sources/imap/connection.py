"""Opening an IMAP connection, and turning every way that fails into words for the user."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import ssl
from collections.abc import Callable

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import SocketTimeout

from desktop.config.secrets import SecretError, get_secret, mail_key
from desktop.config.settings import MailAccount
from desktop.core.events import ConnectionState
from desktop.core.i18n import lazy
from desktop.sources.credentials import UNSENDABLE, sasl_utf8
from desktop.sources.net import CaFileError, ProxyAuthError, ProxyConfigError, Route, client_context, network
from desktop.sources.net.errors import find_proxy_error
from desktop.sources.net.failures import ACCOUNT_SECURITY, CONNECTION_FAILED, describe
from desktop.sources.net.imap import ProxiedIMAPClient
from desktop.sources.oauth import OAuthProblem, TokenRejected, imap_login
from desktop.sources.tls import ACCOUNT_CA_FILE

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
AUTH_FAILED_TEXT = lazy.translate("Status", "The server rejected the user name or password")
_NO_STARTTLS = lazy.translate(
    "Status",
    "{0} does not offer STARTTLS on port {1}: choose TLS (port 993) in the account's security setting",
)
_NO_PASSWORD = lazy.translate("Status", "Cannot get the password: {0}")
_BROKE_AT_LOGIN = lazy.translate("Status", "The connection to {0} broke while signing in.")
_LOGIN_BAD = lazy.translate("Status", "{0} did not accept the sign-in: {1}")
_LOGIN_UNAVAILABLE = lazy.translate("Status", "{0} cannot check passwords right now: {1}")
_LOGIN_LIMIT = lazy.translate("Status", "{0} turned the sign-in away for now: {1}")
_LOGIN_PRIVACY = lazy.translate(
    "Status",
    "{0} accepts a password only over an encrypted connection: "
    "choose TLS or STARTTLS in the account's security setting.",
)
#: An OAuth2 account's access token: ``token(force_refresh)`` (``oauth.accounts.AccountSignIn``).
TokenSource = Callable[[bool], str]


class ImapProblem(Exception):
    """A failure already classified: ``state`` and a ``message`` a user understands.

    ``refused``: nothing listened on the port (a server restarting, say).
    """

    def __init__(self, state: ConnectionState, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.state = state
        self.message = message
        self.refused = refused


def ssl_context(account: MailAccount) -> ssl.SSLContext:
    """Verification always on: the system's trust store (a company CA IT installed just
    works) plus the account's CA file, never by turning checks off."""
    try:
        return client_context(account.ca_file or None)
    except CaFileError as exc:
        raise ImapProblem(ConnectionState.ERROR, str(exc)) from exc


def _keepalive(sock: socket.socket) -> None:
    """No Nagle delay; and let the kernel notice a silently dead link (laptop moved networks) within about 50 s.

    Keepalive probes only run while nothing is unacknowledged; TCP_USER_TIMEOUT covers a
    write (IDLE's DONE, say) that the dead link never acknowledges. A middlebox that still
    answers for a dead server defeats both: the IDLE probe (worker.py) covers that.
    """
    with contextlib.suppress(OSError):
        # imaplib writes a literal and its CRLF apart (APPEND of a Sent copy, a draft): with
        # Nagle the CRLF waited for the server's delayed ACK, ~40 ms per literal.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 20)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 60_000)


def connect(
    account: MailAccount, password: str | TokenSource, timeout: float = DEFAULT_TIMEOUT
) -> IMAPClient:
    """A logged-in client, or :class:`ImapProblem`. Every socket operation has ``timeout``.

    ``password``: the password, or for an OAuth2 account where its access tokens come from."""
    ctx = ssl_context(account)
    client: IMAPClient | None = None
    route: Route | None = None
    try:
        scheme = "imaps" if account.security == "tls" else "imap"
        route = network.route(scheme, account.host, account.effective_port)
        client = ProxiedIMAPClient(
            account.host,
            account.effective_port,
            route=route,
            ssl=account.security == "tls",
            ssl_context=ctx,
            timeout=SocketTimeout(connect=timeout, read=timeout),
        )
        _keepalive(client.socket())
        if account.security == "starttls":
            if b"STARTTLS" not in client.capabilities():
                raise ImapProblem(
                    ConnectionState.ERROR, _NO_STARTTLS.format(account.host, account.effective_port)
                )
            client.starttls(ctx)
        client.normalise_times = False  # keep INTERNALDATE's own time zone
        if callable(password):
            _token_login(client, account, password)
        else:
            _password_login(client, account, password)
        return client
    except BaseException as exc:
        if client is not None:
            with contextlib.suppress(Exception):
                client.shutdown()
        if isinstance(exc, ImapProblem):
            raise
        if isinstance(exc, Exception):
            raise _through(route, exc, account) from exc
        raise


def _through(route: Route | None, exc: Exception, account: MailAccount) -> ImapProblem:
    """:func:`classify`, knowing the way the connection took: the proxy's failures in its
    words (a refused proxy password stops retries like a wrong password), and the PAC
    file's warning on a direct connection that failed."""
    proxy_error = find_proxy_error(exc)
    if isinstance(proxy_error, ProxyAuthError):
        return ImapProblem(ConnectionState.AUTH_FAILED, proxy_error.message)
    if proxy_error is not None:
        return ImapProblem(ConnectionState.OFFLINE, proxy_error.message)
    if isinstance(exc, ProxyConfigError):
        return ImapProblem(ConnectionState.ERROR, str(exc))
    problem = classify(exc, account)
    if problem.state is ConnectionState.OFFLINE and route is not None:
        message = network.with_warning(problem.message, route)
        return ImapProblem(problem.state, message, refused=problem.refused)
    return problem


def account_secret(account: MailAccount) -> str | TokenSource:
    """What :func:`connect` signs in with outside the source's own login (a mail body, the
    folder list): the password (keyring or command), or an OAuth2 account's tokens."""
    if account.auth == "oauth2":
        from desktop.sources.oauth.accounts import sign_ins  # the process's one sign-in per provider

        return lambda force: sign_ins.for_account(account).access_token(force_refresh=force)
    return get_secret(mail_key(account.name), account.password_command)


#: An account's status: {0} is the mail server; "AUTHENTICATE PLAIN" is a protocol name.
_NO_UTF8_LOGIN = lazy.translate(
    "Status",
    "{0} cannot take a user name or password with characters beyond plain ASCII "
    "(it offers no AUTHENTICATE PLAIN): ask its administrator, or choose an ASCII password.",
)


def _password_login(client: IMAPClient, account: MailAccount, password: str) -> None:
    """LOGIN, or AUTHENTICATE PLAIN (RFC 4616: UTF-8) when the name or password is not ASCII.

    LOGIN's quoted strings are ASCII (imaplib refuses to send anything else), so a password
    like "пароль" needs PLAIN; ASCII credentials keep LOGIN, which every server takes, so
    nothing changes for them. Both fail the same way (a tagged NO is a wrong password)."""
    if sasl_utf8(account.username) is None or sasl_utf8(password) is None:
        # Checked before anything is sent: imaplib would raise with the password in the error.
        raise ImapProblem(ConnectionState.AUTH_FAILED, UNSENDABLE.format(account.host))
    if account.username.isascii() and password.isascii():
        client.login(account.username, password)
    elif b"AUTH=PLAIN" in client.capabilities():
        client.plain_login(account.username, password)
    else:
        raise ImapProblem(ConnectionState.ERROR, _NO_UTF8_LOGIN.format(account.host))


def _token_login(client: IMAPClient, account: MailAccount, token: TokenSource) -> None:
    """OAUTHBEARER or XOAUTH2, whichever the server offers (``oauth.imap_login``)."""
    try:
        imap_login(client, account.username, token(False))
    except TokenRejected:
        # Refused before it expired (revoked at the server, or our clock): once with a new one.
        imap_login(client, account.username, token(True))


def _oauth_problem(exc: OAuthProblem) -> ImapProblem:
    """The provider's three kinds: sign in again (no retries), an outage (retried), setup."""
    if exc.kind == "sign_in_again":
        return ImapProblem(ConnectionState.SIGN_IN_AGAIN, exc.message)
    if exc.kind == "outage":
        return ImapProblem(ConnectionState.OFFLINE, exc.message)
    return ImapProblem(ConnectionState.ERROR, exc.message)


def classify(exc: BaseException, account: MailAccount) -> ImapProblem:
    """Map an exception to a state and a sentence. Never includes the password."""
    host, port = account.host, account.effective_port
    if isinstance(exc, ImapProblem):
        return exc
    if isinstance(exc, OAuthProblem):
        return _oauth_problem(exc)
    if isinstance(exc, SecretError):
        state = ConnectionState.AUTH_FAILED if str(exc).startswith("no ") else ConnectionState.ERROR
        return ImapProblem(state, _NO_PASSWORD.format(exc.args[0] if exc.args else exc))
    if isinstance(exc, LoginError):
        return _login_problem(exc, host)
    failure = describe(
        exc,
        host,
        port,
        ca_setting=ACCOUNT_CA_FILE,
        security_setting=ACCOUNT_SECURITY,
        closed=(imaplib.IMAP4.abort, IMAPClientError, imaplib.IMAP4.error, EOFError),
    )
    if failure is not None:
        state = ConnectionState.ERROR if failure.needs_setup else ConnectionState.OFFLINE
        return ImapProblem(state, failure.message, refused=failure.kind == "refused")
    log.warning("unexpected IMAP failure for %s: %r", account.name, exc)
    return ImapProblem(ConnectionState.OFFLINE, CONNECTION_FAILED.format(host, str(exc).rstrip(".")))


def _login_problem(exc: LoginError, host: str) -> ImapProblem:
    """Only the server's own tagged NO judges the credentials; anything else is an outage.

    imapclient raises LoginError for every failure of LOGIN, also for a connection
    that broke in the middle of it (imaplib's abort: EOF, reset, timeout). Treating
    those as a wrong password stopped the account for good after a network blip.
    """
    cause = exc.__context__
    if isinstance(cause, (imaplib.IMAP4.abort, OSError, EOFError)) or not isinstance(
        cause, imaplib.IMAP4.error
    ):
        return ImapProblem(ConnectionState.OFFLINE, _BROKE_AT_LOGIN.format(host))
    text = server_text(cause)
    code = text.upper()
    if "COMMAND ERROR" in code:  # a tagged BAD: the command, not the credentials
        return ImapProblem(ConnectionState.OFFLINE, _LOGIN_BAD.format(host, text))
    if "[UNAVAILABLE]" in code:  # RFC 5530: a temporary failure, e.g. its password service is down
        return ImapProblem(ConnectionState.OFFLINE, _LOGIN_UNAVAILABLE.format(host, text))
    if "[LIMIT]" in code or "[INUSE]" in code:  # RFC 5530: too many connections, a lock
        return ImapProblem(ConnectionState.OFFLINE, _LOGIN_LIMIT.format(host, text))
    if "[PRIVACYREQUIRED]" in code:
        return ImapProblem(ConnectionState.ERROR, _LOGIN_PRIVACY.format(host))
    return ImapProblem(ConnectionState.AUTH_FAILED, AUTH_FAILED_TEXT)


def server_text(exc: BaseException) -> str:
    """An IMAP error's text without imaplib's bytes repr: the server's own words."""
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.strip() or "the server refused"


def close_quietly(client: IMAPClient | None) -> None:
    """Log out if the connection still answers quickly, else just drop it."""
    if client is None:
        return
    with contextlib.suppress(Exception):
        client.socket().settimeout(2.0)
        client.logout()
    with contextlib.suppress(Exception):
        client.shutdown()


def abort(client: IMAPClient | None) -> None:
    """From another thread: make any blocked read on this connection fail at once."""
    if client is None:
        return
    with contextlib.suppress(Exception):
        client.socket().shutdown(socket.SHUT_RDWR)
