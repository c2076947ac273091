"""Where Tidings keeps its files, per platform (platformdirs), and keeping them private.

The inbox holds mail and chat text, so on a shared machine every folder Tidings
creates is 0700 and every file 0600. Modes are given at creation (``mkdir``/
``open`` with a mode) rather than fixed by a chmod afterwards, which would leave
a moment in which another user could open the file; a process-wide umask would
do the same but is shared by every thread and inherited by programs Tidings
starts (a browser, a password command).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path

import platformdirs

APP = "tidings"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

log = logging.getLogger(__name__)
_warned: set[Path] = set()
_warned_lock = threading.Lock()


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_config_file() -> Path:
    return config_dir() / "settings.toml"


def _is_ours(path: Path) -> bool:
    """Tidings' own folders may be tightened; a folder the user pointed us at may hold
    other things (``--data-dir ~``), so its mode is theirs to decide."""
    try:
        resolved = path.resolve()
        if resolved in (data_dir().resolve(), config_dir().resolve()):
            return True
        return not any(path.iterdir())
    except OSError:
        return False


def private_dir(path: Path, *, ours: bool | None = None) -> Path:
    """Create ``path`` as 0700 (its missing parents get the default mode: they are not
    ours), or check an existing one. An existing folder open to others is tightened
    when it is Tidings' own (``ours``; by default: the platform's Tidings folder, or an
    empty one), otherwise a warning says so, once. Raises OSError."""
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True)
        return path
    except FileExistsError:
        if not path.is_dir():
            raise
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 == 0:
        return path
    if ours if ours is not None else _is_ours(path):
        os.chmod(path, mode & PRIVATE_DIR_MODE)
        log.info("made %s private to its owner (was %o)", path, mode)
        return path
    with _warned_lock:
        first = path not in _warned
        _warned.add(path)
    if first:
        log.warning(
            "%s can be read by other users (mode %o); Tidings keeps its own files in it private, "
            "but the folder's mode is yours to change (chmod 700)",
            path,
            mode,
        )
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` as an empty 0600 file, or tighten an existing one (a file from an
    older Tidings may be 0644). Raises OSError."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
    try:
        _tighten_fd(fd)
    finally:
        os.close(fd)
    return path


def tighten_file(path: Path) -> None:
    """Make an existing file 0600 (nothing if it does not exist). Raises OSError."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        return
    try:
        _tighten_fd(fd)
    finally:
        os.close(fd)


def private_opener(path: str, flags: int) -> int:
    """For ``open(..., opener=private_opener)``: a file it creates is 0600, and an
    existing one is tightened."""
    fd = os.open(path, flags | os.O_CLOEXEC, PRIVATE_FILE_MODE)
    try:
        _tighten_fd(fd)
    except OSError:
        os.close(fd)
        raise
    return fd


def _tighten_fd(fd: int) -> None:
    mode = stat.S_IMODE(os.fstat(fd).st_mode)
    if mode & 0o077:
        os.fchmod(fd, mode & PRIVATE_FILE_MODE)
