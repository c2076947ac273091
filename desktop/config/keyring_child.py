"""The system keyring, asked from a short-lived child process.

Why: on Linux keyring's Secret Service backend imports secretstorage, which imports
cryptography for its encrypted session, and keyring's backend discovery reads every
installed package's entry points: ~11 MB that the tray app kept for its whole life after the
first login (issue 9: 86.4 MB at idle instead of 74.5). A child process asks and exits;
``desktop.config.secrets`` uses it once ``ask_keyring_from_child()`` was called (the tray
app on Linux and the BSDs).

One request per child. The request is one JSON object on stdin, never on the command line
(which other users' ``ps`` can read): ``{"op": "get" | "set" | "delete", "service": ...,
"key": ..., "secret": ...}`` (``"get-many"`` takes ``"keys"``). The answer is one JSON line
on stdout: ``{"secret": str | null}`` for get, ``{"secrets": {key: str | null}}`` for
get-many, ``{}`` for set and delete, ``{"unavailable": detail}`` when the keyring
refused (keyring's KeyringError: none running, locked, a prompt dismissed). JSON escapes
everything outside ASCII, so no locale can garble a secret on the way.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

#: The bundle's executable starts the child with this as its only argument
#: (packaging/entry.py); elsewhere ``python -m desktop.config.keyring_child``.
FLAG = "--keyring-child"


def command() -> list[str]:
    """How to start a child from this process."""
    if getattr(sys, "frozen", False):  # PyInstaller's bundle: sys.executable is tidings itself
        return [sys.executable, FLAG]
    # -P: not the working folder first on the import path, where a stray keyring.py or
    # json.py (in the home folder the app was started from) would be imported instead.
    return [sys.executable, "-P", "-m", __name__]


def answer(request: dict[str, Any]) -> dict[str, Any]:
    import keyring
    import keyring.errors

    op, service, key = request.get("op"), str(request.get("service", "")), str(request.get("key", ""))
    try:
        if op == "get":
            return {"secret": keyring.get_password(service, key)}
        if op == "get-many":  # the tray app's start: every account's password in one child
            keys = [str(k) for k in request.get("keys", [])]
            return {"secrets": {k: keyring.get_password(service, k) for k in keys}}
        if op == "set":
            keyring.set_password(service, key, str(request.get("secret", "")))
            return {}
        if op == "delete":
            with contextlib.suppress(keyring.errors.PasswordDeleteError):  # nothing stored: as asked
                keyring.delete_password(service, key)
            return {}
    except keyring.errors.KeyringError as exc:
        return {"unavailable": str(exc) or type(exc).__name__}
    return {"error": f"unknown operation {op!r}"}


def parse(stdout: str) -> dict[str, Any] | None:
    """The child's answer, or None when it printed none (it crashed)."""
    lines = stdout.strip().splitlines()
    try:
        value = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def main() -> int:
    try:
        request = json.loads(sys.stdin.read())
    except ValueError:
        request = None
    if not isinstance(request, dict):
        print(json.dumps({"error": "the request is not a JSON object"}))
        return 2
    print(json.dumps(answer(request)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
