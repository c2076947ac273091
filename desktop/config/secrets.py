"""Passwords and tokens: from the OS keyring, or from a user's command. Never stored by us."""

from __future__ import annotations

import json
import logging
import subprocess
import threading
from types import ModuleType
from typing import Any

from desktop.config.logs import register_secret
from desktop.core.i18n import lazy

SERVICE = "tidings"

log = logging.getLogger(__name__)


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


#: Asked from a child process (``ask_keyring_from_child``), or in this one.
_FROM_CHILD = False
#: A locked keyring may show its unlock prompt: the user gets this long to answer it.
CHILD_TIMEOUT_S = 300.0


def ask_keyring_from_child(enabled: bool = True) -> None:
    """From now on, ask the keyring from a short-lived child process
    (``desktop.config.keyring_child``): the tray app on Linux and the BSDs, where keyring's
    Secret Service backend would keep ~11 MB in this process for its whole life (issue 9)."""
    global _FROM_CHILD, _prefetch
    _FROM_CHILD = enabled
    _prefetch = None


def keyring_from_child() -> bool:
    return _FROM_CHILD


def _keyring() -> ModuleType:
    """keyring, imported on first use: with its Secret Service backend it pulls in
    secretstorage and cryptography, ~11 MB that accounts using a command never need."""
    import keyring
    import keyring.errors

    return keyring


def _timed_out() -> KeyringUnavailable:
    return KeyringUnavailable(f"the keyring did not answer within {CHILD_TIMEOUT_S:.0f} s")


def _child_answer(stdout: str, stderr: str, returncode: int | None) -> dict[str, Any]:
    """A keyring child's answer; raises KeyringUnavailable when the keyring refused or the
    child failed (a crash prints a traceback: keyring's and D-Bus's words, never the secret)."""
    from desktop.config import keyring_child

    answer = keyring_child.parse(stdout)
    if answer is not None and "unavailable" in answer:
        raise KeyringUnavailable(str(answer["unavailable"]))
    if answer is None or "error" in answer:
        raise _helper_failed(returncode, stderr)
    return answer


def _helper_failed(returncode: int | None, stderr: str) -> KeyringUnavailable:
    said = (stderr.strip().splitlines() or [""])[-1]
    return KeyringUnavailable(f"the keyring helper failed (exit {returncode}): {said}")


def _ask_child(op: str, key: str, secret: str | None = None) -> str | None:
    from desktop.config import keyring_child

    request = {"op": op, "service": SERVICE, "key": key}
    if secret is not None:
        request["secret"] = secret
    try:
        done = subprocess.run(
            keyring_child.command(),
            input=json.dumps(request),
            capture_output=True,
            encoding="utf-8",  # the JSON is ASCII; a traceback on stderr may not be
            errors="replace",
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise _timed_out() from exc
    except OSError as exc:
        raise KeyringUnavailable(f"cannot start the keyring helper: {exc}") from exc
    value = _child_answer(done.stdout, done.stderr, done.returncode).get("secret")
    return value if isinstance(value, str) else None


class _Prefetch:
    """One child asking for several keys at start, read on its own thread (so it is
    reaped even if no key is ever taken); each key's first ``get_secret`` takes its
    answer, once (later lookups ask the keyring afresh)."""

    def __init__(self, keys: list[str]) -> None:
        from desktop.config import keyring_child

        self.keys = set(keys)
        self._answer: dict[str, Any] | KeyringUnavailable = KeyringUnavailable("not asked")
        self._done = threading.Event()
        self._process = subprocess.Popen(
            keyring_child.command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
        )
        request = json.dumps({"op": "get-many", "service": SERVICE, "keys": keys})
        threading.Thread(target=self._read, args=(request,), name="keyring-prefetch", daemon=True).start()

    def take(self, key: str) -> str | None:
        """The answer for ``key`` (waits for the child); raises KeyringUnavailable."""
        self._done.wait()
        if isinstance(self._answer, KeyringUnavailable):
            raise self._answer
        value = self._answer.get(key)
        return value if isinstance(value, str) else None

    def _read(self, request: str) -> None:
        try:
            self._answer = self._answer_of(request)
        except KeyringUnavailable as exc:
            self._answer = exc
        except Exception as exc:  # whatever happens, take() must not wait forever
            self._answer = KeyringUnavailable(f"the keyring helper failed: {exc}")
        finally:
            self._done.set()

    def _answer_of(self, request: str) -> dict[str, Any]:
        try:
            out, err = self._process.communicate(request, timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            raise _timed_out() from None
        found = _child_answer(out, err, self._process.returncode).get("secrets")
        if not isinstance(found, dict):
            raise _helper_failed(self._process.returncode, err)
        return found


_prefetch: _Prefetch | None = None
_prefetch_lock = threading.Lock()


def prefetch(keys: list[str]) -> None:
    """Start asking the keyring for ``keys`` now, in one child, without waiting (the tray
    app, for the accounts that log in first): the child starts before the store opens
    and the workers start, and two accounts cost one child, not two."""
    global _prefetch
    if not _FROM_CHILD or not keys:
        return
    try:
        _prefetch = _Prefetch(keys)
    except OSError as exc:
        log.debug("cannot start the keyring helper early: %s", exc)


def _keyring_get(key: str) -> str | None:
    if _FROM_CHILD:
        with _prefetch_lock:
            early = _prefetch if _prefetch is not None and key in _prefetch.keys else None
            if early is not None:
                early.keys.discard(key)  # taken once; the next lookup asks afresh
        return early.take(key) if early is not None else _ask_child("get", key)
    keyring = _keyring()
    try:
        secret: str | None = keyring.get_password(SERVICE, key)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(str(exc)) from exc
    return secret


def get_secret(key: str, command: str = "", what: str = "password") -> str:
    if command:
        return run_command(command, what)
    secret = _keyring_get(key)
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
    if _FROM_CHILD:
        _ask_child("set", key, secret)
        return
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, key, secret)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(str(exc)) from exc


def delete_secret(key: str) -> None:
    if _FROM_CHILD:
        _ask_child("delete", key)
        return
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
    try:
        secret = _keyring_get(key)
    except KeyringUnavailable:
        return "no-keyring"
    if secret:
        register_secret(secret)
    return "stored" if secret else "missing"
