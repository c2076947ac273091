"""A keyring backend in one private file, for the demo and tests that run Tidings as a child
process: the child's sign-ins (throwaway refresh tokens of the harness provider) must never
reach the user's real keyring, and a test must be able to put one there first.

    env = {**os.environ, **file_keyring.environment(tmp_path / "keyring.json")}
    FileKeyring(tmp_path / "keyring.json").set_password("tidings", "oauth:…", token)

``keyring`` picks the backend named by ``PYTHON_KEYRING_BACKEND``; the file is named by
``TIDINGS_FILE_KEYRING``. Plain JSON, 0600 in a 0700 folder: fine for throwaway secrets only,
never for real ones.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import keyring.backend
from jaraco.classes import properties

PATH_VARIABLE = "TIDINGS_FILE_KEYRING"


def environment(path: Path) -> dict[str, str]:
    """What a child process needs in its environment to use the file at ``path``: its
    own children too (the tray app asks the keyring from a child started with ``python
    -P``, which does not look in the working folder), so the checkout's root goes first
    on PYTHONPATH."""
    root = str(Path(__file__).resolve().parent.parent)
    python_path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return {
        "PYTHON_KEYRING_BACKEND": f"{__name__}.FileKeyring",
        PATH_VARIABLE: str(path),
        "PYTHONPATH": python_path,
    }


class FileKeyring(keyring.backend.KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        # Not viable unless asked for: keyring's own detection tries every backend class it
        # knows of, and must never settle on this one by itself.
        if not os.environ.get(PATH_VARIABLE):
            raise RuntimeError(f"{PATH_VARIABLE} names no file for the harness keyring")
        return 1

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__()
        self.path = Path(path if path is not None else os.environ.get(PATH_VARIABLE, "") or "/nonexistent")

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written whole and renamed: a reader in another process never sees half a file.
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(name, self.path)

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\x00{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[self._key(service, username)] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        data.pop(self._key(service, username), None)
        self._write(data)
