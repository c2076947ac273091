"""Our SVG icons: found through the package, recoloured for the palette, rendered sharp at any DPI.

The SVGs are package data in ``desktop/resources/icons`` (see ``desktop.resources``:
``$TIDINGS_RESOURCES/icons`` first, then the installed package, whatever kind of
installation it is). Glyphs are drawn with ``stroke="currentColor"``; Qt's SVG
renderer does not resolve ``currentColor`` from a palette, so we substitute the
wanted colour before rendering.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desktop import resources
from desktop.core.item import Kind

APP_ICON = "tidings"
TRAY_ICON = "tray"

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


def tray_icon(color: QColor | str = "#FFFFFF") -> QIcon:
    """The monochrome tray glyph; the tray picks a colour that suits the panel."""
    return icon(TRAY_ICON, color)
