"""PySide6 reads the whole source of every module imported into ``linecache`` and keeps
it there (PYSIDE-2029: its ``__feature__`` switch looks for the word "PySide6" in each
module, through ``inspect.getsource``): ~9 MB of source lines held by an idle tray app.
``install`` answers the same question from the file, caching nothing."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType


def install() -> bool:
    """Replace PySide6's source scan; False if this PySide6 has none (or it is done)."""
    import shiboken6  # noqa: F401  # loads shibokensupport.feature

    feature = sys.modules.get("shibokensupport.feature")
    upstream: Callable[[ModuleType], bool] | None = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or upstream is None or getattr(upstream, "tidings", False):
        return False
    original = upstream

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)  # built-in, extension or zipped: upstream's answer
        try:
            with open(path, "rb") as f:
                return b"PySide6" in f.read()
        except OSError:
            return original(module)

    uses_pyside.tidings = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    linecache.clearcache()  # what the first scan, at shiboken's import, put there
    return True
