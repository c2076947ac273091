"""Integration secrets sealed at rest, and the file modes of everything the gateway keeps on disk.

HMAC needs the secret itself (a hash cannot verify a signature), so the database holds each
integration secret encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key kept in a
separate file beside it, ``<db>.key``. A leaked copy or backup of the database alone does not
reveal the secrets; restoring a backup needs the key file too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class SealingError(RuntimeError):
    """The key file is missing, unreadable or does not match the database."""


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside are private whatever the caller's umask.

    The umask is process-wide; the gateway holds it only while it creates its own files."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def make_private_dir(folder: Path) -> None:
    """Create the folder 0700 (and its missing parents); an existing folder is left as it is,
    since it may be shared (e.g. /srv) and is not ours to narrow."""
    if not folder.exists():
        with private_umask():
            folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def make_private(*paths: Path) -> None:
    """chmod 0600 those of the paths that exist (files created by an older gateway, or copied in)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mode & 0o777 != PRIVATE_FILE:
                path.chmod(PRIVATE_FILE)


def db_files(db_path: Path) -> tuple[Path, Path, Path]:
    """The database and the WAL and shared-memory files SQLite keeps beside it."""
    return db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")


def key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".key")


class SecretBox:
    """Seals and opens integration secrets with the database's key file."""

    def __init__(self, fernet: Fernet, path: Path) -> None:
        self._fernet = fernet
        self.path = path

    @classmethod
    def open(cls, db_path: Path, *, create: bool) -> SecretBox:
        """Load ``<db>.key``; with create, make a new one (0600) if it does not exist.

        Callers pass create=False when the database already holds sealed secrets: a new key
        could not open them, so a missing key must be an error, not a silent replacement."""
        path = key_path(db_path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            if not create:
                raise SealingError(
                    f"{path} is missing, but {db_path} holds integration secrets sealed with it: "
                    "restore the key file that belongs to this database (it is backed up separately), "
                    "or remove the integrations and add them again"
                ) from None
            raw = cls._create(path)
        except OSError as exc:
            raise SealingError(f"cannot read {path}: {exc}") from exc
        make_private(path)
        try:
            return cls(Fernet(raw.strip()), path)
        except ValueError as exc:
            raise SealingError(f"{path} is not a Tidings gateway key file") from exc

    @staticmethod
    def _create(path: Path) -> bytes:
        key = Fernet.generate_key()
        try:
            with private_umask():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:
            return path.read_bytes()  # another process (the admin CLI) made it just now
        with os.fdopen(fd, "wb") as f:
            f.write(key + b"\n")
            f.flush()
            os.fsync(f.fileno())
        return key

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def unseal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise SealingError(
                f"an integration secret cannot be opened with {self.path}: the key file does not "
                "belong to this database"
            ) from exc
