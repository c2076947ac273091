"""Watching the X server from outside the app: is Tidings' tray icon embedded and painted?

A tiny ctypes client of libX11 (no extra package). Under trayer (XEmbed), Qt's tray icon
is a window of class "tidings" that trayer reparents into its panel. ``TrayWatcher.poll``
reports two moments:

- ``embedded``: that window is inside trayer's panel (not a child of the root any more)
  and viewable (map_state IsViewable);
- ``painted``: its pixels show the icon: at least ``MIN_COLOURS`` distinct colours in an
  XGetImage of the window (an unpainted XEmbed socket is one flat colour).

Also used to launch the real app (``launch_app``) with a stderr reader that timestamps
each log line on arrival.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

MIN_COLOURS = 3
IS_VIEWABLE = 2
Z_PIXMAP = 2
ALL_PLANES = 0xFFFFFFFF


class XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
        ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
        ("root", ctypes.c_ulong), ("class_", ctypes.c_int), ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong), ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
    ]  # fmt: skip


class XClassHint(ctypes.Structure):
    # void pointers, not c_char_p: Xlib allocated them and XFree must get the same pointers
    _fields_ = [("res_name", ctypes.c_void_p), ("res_class", ctypes.c_void_p)]


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


@_ERROR_HANDLER
def _ignore_errors(_display: int, _event: int) -> int:
    return 0  # BadWindow/BadMatch while windows come and go: not fatal here


class TrayWatcher:
    def __init__(self, display: str, wm_class: bytes = b"tidings") -> None:
        path = ctypes.util.find_library("X11") or "libX11.so.6"
        x = ctypes.CDLL(path)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                 ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                 ctypes.POINTER(ctypes.c_uint)]  # fmt: skip
        x.XGetClassHint.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(XClassHint)]
        x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(XWindowAttributes)]
        x.XGetImage.restype = ctypes.c_void_p
        x.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                                ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]  # fmt: skip
        x.XGetPixel.restype = ctypes.c_ulong
        x.XGetPixel.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        x.XDestroyImage.argtypes = [ctypes.c_void_p]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XSetErrorHandler(_ignore_errors)
        self.x = x
        self.dpy = x.XOpenDisplay(display.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open X display {display}")
        self.root = x.XDefaultRootWindow(self.dpy)
        self.wm_class = wm_class
        self.icon: int | None = None

    def close(self) -> None:
        if self.dpy:
            self.x.XCloseDisplay(self.dpy)
            self.dpy = None

    def _children(self, w: int) -> tuple[int, list[int]]:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        n = ctypes.c_uint()
        if not self.x.XQueryTree(self.dpy, w, ctypes.byref(root), ctypes.byref(parent), ctypes.byref(children),
                                 ctypes.byref(n)):  # fmt: skip
            return 0, []
        out = [children[i] for i in range(n.value)]
        if children:
            self.x.XFree(children)
        return parent.value, out

    def _class_of(self, w: int) -> bytes:
        hint = XClassHint()
        if not self.x.XGetClassHint(self.dpy, w, ctypes.byref(hint)):
            return b""
        value = ctypes.string_at(hint.res_class) if hint.res_class else b""
        for p in (hint.res_name, hint.res_class):
            if p:
                self.x.XFree(p)
        return value.lower()

    def _find_embedded(self) -> int | None:
        """A window of our class that is NOT a direct child of the root (trayer took it)."""
        stack = [(c, 1) for c in self._children(self.root)[1]]
        while stack:
            w, depth = stack.pop()
            if depth > 1 and self._class_of(w) == self.wm_class:
                return w
            if depth < 6:
                stack.extend((c, depth + 1) for c in self._children(w)[1])
        return None

    def _attrs(self, w: int) -> XWindowAttributes | None:
        a = XWindowAttributes()
        return a if self.x.XGetWindowAttributes(self.dpy, w, ctypes.byref(a)) else None

    def _colours(self, w: int, a: XWindowAttributes) -> int:
        img = self.x.XGetImage(self.dpy, w, 0, 0, a.width, a.height, ALL_PLANES, Z_PIXMAP)
        if not img:
            return 0
        try:
            seen = set()
            for yy in range(0, a.height, 2):
                for xx in range(0, a.width, 2):
                    seen.add(self.x.XGetPixel(img, xx, yy))
                    if len(seen) >= MIN_COLOURS:
                        return len(seen)
            return len(seen)
        finally:
            self.x.XDestroyImage(img)

    def poll(self) -> tuple[bool, bool]:
        """(embedded, painted) right now."""
        self.x.XSync(self.dpy, 0)
        if self.icon is None:
            self.icon = self._find_embedded()
            if self.icon is None:
                return False, False
        a = self._attrs(self.icon)
        if a is None:
            self.icon = None
            return False, False
        if a.map_state != IS_VIEWABLE:
            return False, False
        return True, self._colours(self.icon, a) >= MIN_COLOURS


class App:
    """The real tray app as a subprocess; stderr lines timestamped (perf_counter) on arrival."""

    def __init__(
        self,
        config: Path,
        data_dir: Path,
        env: dict[str, str],
        log_path: Path,
        command: list[str] | None = None,
    ) -> None:
        """``command``: how to start Tidings (default: this interpreter, ``-m desktop.app.cli``)."""
        root = Path(__file__).resolve().parent.parent
        self.lines: list[tuple[float, str]] = []
        self.log_path = log_path
        full_env = {**os.environ, **env, "QT_QPA_PLATFORM": "xcb", "PYTHONUNBUFFERED": "1"}
        full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), full_env.get("PYTHONPATH", "")) if p)
        self.t_popen = time.perf_counter()
        self.proc = subprocess.Popen(
            [*(command or [sys.executable, "-m", "desktop.app.cli"]), "--config", str(config), "--data-dir", str(data_dir)],
            cwd=root, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stderr is not None
        with open(self.log_path, "ab") as log:
            for raw in self.proc.stderr:
                self.lines.append((time.perf_counter(), raw.decode(errors="replace").rstrip()))
                log.write(raw)

    def first_line(self, needle: str) -> float | None:
        for t, line in list(self.lines):
            if needle in line:
                return t
        return None

    def stop(self) -> None:
        from benchmarks._common import stop_process

        stop_process(self.proc)
        self._reader.join(5)
