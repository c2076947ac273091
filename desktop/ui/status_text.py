"""Connection states and the sources' status messages in the user's language.

Sources (Qt-free, shared with ``tidings watch``) report their status in English
sentences, some with names and numbers in them. Most are built as
:class:`~desktop.core.i18n.Text` (``lazy.translate``), which carries its template and
parts: shown through here, the template is translated and the parts put in after. The
patterns below are for the few sentences that still arrive as plain strings (older
stored ones); a sentence known to neither is shown as it came.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from desktop.core.events import ConnectionState
from desktop.core.i18n import QT_TRANSLATE_NOOP, Text

_STATES = {
    ConnectionState.CONNECTING: QT_TRANSLATE_NOOP("Status", "connecting…"),
    ConnectionState.ONLINE: QT_TRANSLATE_NOOP("Status", "online"),
    ConnectionState.OFFLINE: QT_TRANSLATE_NOOP("Status", "offline, retrying"),
    ConnectionState.AUTH_FAILED: QT_TRANSLATE_NOOP("Status", "sign-in failed"),
    ConnectionState.SIGN_IN_AGAIN: QT_TRANSLATE_NOOP("Status", "sign in again"),
    ConnectionState.ERROR: QT_TRANSLATE_NOOP("Status", "stopped"),
    ConnectionState.DISABLED: QT_TRANSLATE_NOOP("Status", "disabled"),
}

#: The gateway's "Sign in again: <why>": the state beside it already says "sign in again".
_SIGN_IN_AGAIN_PREFIX = "Sign in again: "

#: Whole sentences, as the sources write them.
_EXACT = (
    QT_TRANSLATE_NOOP("Status", "The gateway ended this sign-in"),
    QT_TRANSLATE_NOOP("Status", "The gateway rejected the sign-in token"),
    QT_TRANSLATE_NOOP("Status", "The connection to the gateway was lost"),
    QT_TRANSLATE_NOOP("Status", "The gateway did not answer"),
    QT_TRANSLATE_NOOP("Status", "Cannot find the gateway's server name (check the address or the network)"),
    QT_TRANSLATE_NOOP("Status", "The gateway is not answering (connection refused)"),
    QT_TRANSLATE_NOOP("Status", "The server rejected the user name or password"),
    QT_TRANSLATE_NOOP(
        "Status",
        "there is no system keyring to keep passwords in (no Secret Service is running, or it "
        "could not be unlocked): set a password command in Settings, or start a keyring such as "
        "GNOME Keyring or KWallet and sign in to it",
    ),
)

#: (pattern, template): the template's {0}, {1}... are the pattern's groups, in order.
#: A group named ``inner`` is itself a sentence and is translated too.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(?P<inner>.+); retrying in (\d+) s$", re.S),
        QT_TRANSLATE_NOOP("Status", "{0}; retrying in {1} s"),
    ),
    (
        re.compile(r"^Cannot get the password: (?P<inner>.+)$", re.S),
        QT_TRANSLATE_NOOP("Status", "Cannot get the password: {0}"),
    ),
    (
        re.compile(r"^No gateway token: (?P<inner>.+)$", re.S),
        QT_TRANSLATE_NOOP("Status", "No gateway token: {0}"),
    ),
    (
        re.compile(r"^no password is stored for (.+): set it in Settings$"),
        QT_TRANSLATE_NOOP("Status", "no password is stored for {0}: set it in Settings"),
    ),
    (
        re.compile(r"^no gateway token is stored for (.+): set it in Settings$"),
        QT_TRANSLATE_NOOP("Status", "no gateway token is stored for {0}: set it in Settings"),
    ),
    (
        re.compile(r"^The gateway answered HTTP (\d+)$"),
        QT_TRANSLATE_NOOP("Status", "The gateway answered HTTP {0}"),
    ),
    (
        re.compile(r"^Cannot reach the gateway \((.+)\)$"),
        QT_TRANSLATE_NOOP("Status", "Cannot reach the gateway ({0})"),
    ),
    (
        re.compile(r"^The server name (.+) could not be found\.$"),
        QT_TRANSLATE_NOOP("Status", "The server name {0} could not be found."),
    ),
    (
        re.compile(r"^(.+) refused the connection on port (\d+)\.$"),
        QT_TRANSLATE_NOOP("Status", "{0} refused the connection on port {1}."),
    ),
    (
        re.compile(r"^(.+) did not answer in time\.$"),
        QT_TRANSLATE_NOOP("Status", "{0} did not answer in time."),
    ),
    (
        re.compile(r"^(.+) closed the connection\.$"),
        QT_TRANSLATE_NOOP("Status", "{0} closed the connection."),
    ),
    (
        re.compile(r"^The connection to (\S+) failed: (.+)$", re.S),
        QT_TRANSLATE_NOOP("Status", "The connection to {0} failed: {1}"),
    ),
    (
        re.compile(r"^The connection to (.+) broke while signing in\.$"),
        QT_TRANSLATE_NOOP("Status", "The connection to {0} broke while signing in."),
    ),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Status", text)


def state_text(state: ConnectionState) -> str:
    """ "online", "sign-in failed"... translated."""
    text = _STATES.get(state)
    return _tr(text) if text is not None else str(state)


def status_message(message: str) -> str:
    """A source's status sentence, translated where it is a known one."""
    if isinstance(message, Text) and message.template == _SIGN_IN_AGAIN_PREFIX + "{0}" and message.parts:
        # As for the plain "Sign in again: " below: the state beside it says so already.
        reason = message.parts[0]
        shown = status_message(reason) if isinstance(reason, str) else str(reason)
        return shown[:1].upper() + shown[1:]
    if isinstance(message, Text):
        # A plain part may itself be a known sentence (the keyring's words in "Cannot get the
        # password: {0}"); a host name or a server's words match nothing and stay. A part that
        # is an exception (the gateway's "No gateway token: {0}") is its message, which may
        # be a Text (str() of SecretError and ProxyConfigError keeps it one).
        parts = [
            status_message(str(p))
            if isinstance(p, BaseException)
            else status_message(p)
            if isinstance(p, str)
            else p
            for p in message.parts
        ]
        return QCoreApplication.translate(message.context, message.template).format(*parts)
    if message.startswith(_SIGN_IN_AGAIN_PREFIX):
        reason = message.removeprefix(_SIGN_IN_AGAIN_PREFIX)
        return status_message(reason[:1].upper() + reason[1:])
    if message in _EXACT:
        return _tr(message)
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match is None:
            continue
        inner = match.groupdict().get("inner")
        parts = [status_message(g) if g is not None and g == inner else g for g in match.groups()]
        return _tr(template).format(*parts)
    return message
