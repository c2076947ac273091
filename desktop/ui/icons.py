"""Our SVG icons: found through the package, recoloured for the palette, rendered sharp at any DPI.

The app icon is also shipped as PNGs (``tidings-<size>.png`` beside its SVG, drawn from it
by scripts/render_icons.py; a test checks they still match). The tray and notifications
use those, so a tray app that idles never loads Qt's SVG module (1.5 MB, issue 9).

The SVGs are package data in ``desktop/resources/icons`` (see ``desktop.resources``:
``$TIDINGS_RESOURCES/icons`` first, then the installed package, whatever kind of
installation it is). Glyphs are drawn with ``stroke="currentColor"``; Qt's SVG
renderer does not resolve ``currentColor`` from a palette, so we substitute the
wanted colour before rendering.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QImage, QPainter, QPixmap

from desktop import resources
from desktop.core.item import Kind

if TYPE_CHECKING:
    from PySide6.QtSvg import QSvgRenderer

APP_ICON = "tidings"
TRAY_ICON = "tray"
#: The sizes of the app icon's PNGs (scripts/render_icons.py writes them).
BITMAP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)

#: One calm hue per kind, readable under white glyphs in light and dark themes.
KIND_COLORS: dict[Kind, str] = {
    Kind.MAIL: "#3B7DDD",
    Kind.CHAT: "#2E9E6A",
    Kind.APPROVAL: "#D9822B",
    Kind.TASK: "#7B5CD6",
    Kind.ANNOUNCEMENT: "#C8465A",
}


@functools.cache
def icons_dir() -> Path | None:
    path = resources.folder(resources.ICONS)
    if path is not None and (path / f"{APP_ICON}.svg").is_file():
        return path
    return None


@functools.cache
def _svg_text(name: str) -> str:
    folder = icons_dir()
    if folder is None:
        return ""
    try:
        return (folder / f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        return ""


@functools.cache
def renderer(name: str, color: str = "") -> QSvgRenderer | None:
    """A cached renderer for icon ``name`` with ``currentColor`` set to ``color`` (#rrggbb)."""
    text = _svg_text(name)
    if not text:
        return None
    if color:
        text = text.replace("currentColor", color)
    from PySide6.QtSvg import QSvgRenderer  # on first use: see the module's docstring

    svg = QSvgRenderer(QByteArray(text.encode("utf-8")))
    return svg if svg.isValid() else None


def paint(painter: QPainter, name: str, rect: QRectF | QRect, color: QColor | str = "") -> None:
    """Draw an icon straight into ``rect``: vector all the way, so it is sharp at any scale."""
    hex_color = color.name() if isinstance(color, QColor) else color
    svg = renderer(name, hex_color)
    if svg is not None:
        svg.render(painter, QRectF(rect))


class _SvgIconEngine(QIconEngine):
    """Renders at whatever size and device pixel ratio Qt asks for, instead of scaling a bitmap."""

    def __init__(self, name: str, color: str) -> None:
        super().__init__()
        self._name = name
        self._color = color

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        if mode == QIcon.Mode.Disabled:
            painter.setOpacity(0.4)
        paint(painter, self._name, rect, self._color)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pm = QPixmap(size)
        pm.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pm)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pm

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name, self._color)


def icon(name: str, color: QColor | str = "") -> QIcon:
    """A QIcon for ``name``; an empty icon if the resources cannot be found (never a crash)."""
    if renderer(name) is None:
        return QIcon()
    hex_color = color.name() if isinstance(color, QColor) else color
    return QIcon(_SvgIconEngine(name, hex_color))


def kind_icon_name(kind: Kind) -> str:
    return str(kind)


def app_icon() -> QIcon:
    return icon(APP_ICON)


def bitmap_path(size: int) -> Path | None:
    """The shipped PNG of the app icon at ``size`` px, if the resources have it."""
    folder = icons_dir()
    path = folder / f"{APP_ICON}-{size}.png" if folder else None
    return path if path is not None and path.is_file() else None


def app_bitmaps() -> QIcon:
    """The app icon from its PNGs, for the tray and the application's windows; drawn
    from the SVG instead if an installation left the PNGs out."""
    paths = [p for p in map(bitmap_path, BITMAP_SIZES) if p is not None]
    if not paths:
        return app_icon()
    out = QIcon()
    for path in paths:
        out.addFile(str(path))
    return out


def render_image(name: str, size: int, color: str = "") -> QImage | None:
    """Icon ``name`` drawn at ``size`` x ``size`` px (ARGB32, premultiplied), or None if
    its SVG cannot be found or read. The PNGs and the installers' icons come from here."""
    svg = renderer(name, color)
    if svg is None:
        return None
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    svg.render(painter)
    painter.end()
    return image


def tray_icon(color: QColor | str = "#FFFFFF") -> QIcon:
    """The monochrome tray glyph; the tray picks a colour that suits the panel."""
    return icon(TRAY_ICON, color)
