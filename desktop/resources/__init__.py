"""Icons, translations and the desktop entry, shipped inside the package as package data.

They are found through ``importlib.resources``, so every kind of installation finds them
the same way: a checkout, a virtual environment, ``pip install --user``, pipx and the
PyInstaller bundle (whose spec collects them as data files). Data files under
``<prefix>/share`` were lost by ``--user`` and pipx installs, whose prefix is not
``sys.prefix``. ``$TIDINGS_RESOURCES`` points at another copy (a designer's work folder).
No imports beyond the standard library: every layer may use this.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

ENV = "TIDINGS_RESOURCES"
ICONS = "icons"
TRANSLATIONS = "translations"
LINUX = "linux"  # the desktop entries


def folder(name: str) -> Path | None:
    """The resource folder ``name`` (ICONS, TRANSLATIONS, LINUX) as a path on disk, or None.

    Qt loads icons and translations by file name, so a folder only counts if it is a real
    directory; an installation that left it out gets None (callers degrade, never crash)."""
    override = os.environ.get(ENV)
    if override:
        candidate = Path(override) / name
        if candidate.is_dir():
            return candidate
    root = files(__name__)
    # A package imported from a zip file has no directories on disk; nothing here is zipped.
    if isinstance(root, Path):
        candidate = root / name
        if candidate.is_dir():
            return candidate
    return None
