"""Passwords and tokens: from the OS keyring, or from a user's command. Never stored by us."""

from __future__ import annotations

import subprocess
from types import ModuleType

from desktop.config.logs import register_secret
from desktop.core.i18n import lazy

SERVICE = "tidings"


class SecretError(Exception):
    """The secret is not available; the message says how to provide it."""

    def __str__(self) -> str:
        # The message as raised: a translatable Text stays one (Exception's own str() would
        # make a plain copy), so a caller's str(exc) can still be shown translated.
        message: str = self.args[0] if self.args else ""
        return message


#: Said instead of the keyring's own words ("Prompt dismissed..", "No recommended backend").
#: These sentences are translatable Texts (English as a str, for logs): the window, and the
#: outbox notes that carry them, show them in the user's language.
NO_KEYRING_MESSAGE = lazy.translate(
    "Status",
    "there is no system keyring to keep passwords in (no Secret Service is running, or it "
    "could not be unlocked): set a password command in Settings, or start a keyring such as "
    "GNOME Keyring or KWallet and sign in to it",
)
#: The secrets callers name (``what``), translated with the sentence they are put in.
_WHAT = {
    "password": lazy.translate("Status", "password"),
    "sign-in": lazy.translate("Status", "sign-in"),
    "proxy password": lazy.translate("Status", "proxy password"),
    "gateway sign-in": lazy.translate("Status", "gateway sign-in"),
    "gateway token": lazy.translate("Status", "gateway token"),
}


def _named(what: str) -> str:
    return _WHAT.get(what, what)


class KeyringUnavailable(SecretError):
    """There is no usable system keyring (none installed, none running, or locked)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(NO_KEYRING_MESSAGE)
        self.detail = detail  # the keyring's own words, for the log


def mail_key(account_name: str) -> str:
    return f"mail:{account_name}"


GATEWAY_KEY = "gateway"
# The password of the proxy user in ``[network] proxy_username`` (or the proxy URL's user).
PROXY_KEY = "proxy"


def oauth_key(issuer: str, client_id: str) -> str:
    """The refresh token of a sign-in at a provider, keyed by the provider and registration,
    not by what uses it: mail and the gateway signing in with the same company provider and
    client find the same entry, so one browser sign-in serves both."""
    return f"oauth:{client_id}@{issuer.rstrip('/')}"


def run_command(command: str, what: str, timeout: float = 30.0) -> str:
    """Run a password_command / token_command; its first output line is the secret."""
    try:
        proc = subprocess.run(
            command, shell=True, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SecretError(
            lazy.translate("Status", "the {0} command did not finish within {1} s").format(
                _named(what), f"{timeout:.0f}"
            )
        ) from exc
    except OSError as exc:
        raise SecretError(
            lazy.translate("Status", "the {0} command could not run: {1}").format(_named(what), exc)
        ) from exc
    if proc.returncode != 0:
        # stderr may say why (a locked password store); stdout never: it may hold the secret
        detail = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise SecretError(
            lazy.translate("Status", "the {0} command failed: {1}").format(_named(what), detail[0])
        )
    secret = proc.stdout.split("\n", 1)[0].rstrip("\r")
    if not secret:
        raise SecretError(lazy.translate("Status", "the {0} command printed nothing").format(_named(what)))
    register_secret(secret)  # before any caller (or qasync's executor) can log it
    return secret


def _keyring() -> ModuleType:
    """keyring, imported on first use: with its Secret Service backend it pulls in
    secretstorage and cryptography, ~11 MB that accounts using a command never need."""
    import keyring
    import keyring.errors

    return keyring


def get_secret(key: str, command: str = "", what: str = "password") -> str:
    if command:
        return run_command(command, what)
    keyring = _keyring()
    try:
        secret: str | None = keyring.get_password(SERVICE, key)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(str(exc)) from exc
    if not secret:
        raise SecretError(
            lazy.translate("Status", "no {0} is stored for {1}: set it in Settings").format(
                _named(what), key.split(":", 1)[-1]
            )
        )
    register_secret(secret)  # before any caller (or qasync's executor) can log it
    return secret


def set_secret(key: str, secret: str) -> None:
    register_secret(secret)
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, key, secret)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(str(exc)) from exc


def delete_secret(key: str) -> None:
    keyring = _keyring()
    try:
        keyring.delete_password(SERVICE, key)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(str(exc)) from exc


def stored_state(key: str) -> str:
    """What a password field may claim: "stored", "missing" or "no-keyring". Blocking
    (the keyring is asked); the secret itself is not kept."""
    keyring = _keyring()
    try:
        secret = keyring.get_password(SERVICE, key)
    except keyring.errors.KeyringError:
        return "no-keyring"
    if secret:
        register_secret(secret)
    return "stored" if secret else "missing"
