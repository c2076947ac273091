"""Short text (the tray badge's count, its "!") drawn from stored glyph outlines.

The tray icon is the only thing the app paints while it idles. Painting its count
through a QFont loads Qt's font database (fontconfig's configuration and cache,
FreeType, the font files) and keeps it for the life of the process: 3.4 MB of the
idle footprint (issue 9, bench_idle). The outlines in ``badge_glyphs`` are filled as
paths instead, antialiased like any other vector shape.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath, QTransform

from desktop.ui.badge_glyphs import DIGIT_HEIGHT, GLYPHS, UNITS_PER_EM

#: Every character these outlines can draw.
CHARACTERS = frozenset(GLYPHS)


@functools.cache
def _glyph(char: str) -> tuple[QPainterPath, int]:
    """The outline of ``char`` in font units with y down, and its advance width."""
    advance, ops = GLYPHS[char]
    # Qt's default odd-even fill is right here: these glyphs' contours never overlap
    # (a hole runs the other way round), and neither do the glyphs of one text.
    path = QPainterPath()
    for op in ops:
        kind, *xy = op
        p = [float(v) for v in xy]
        if kind == "M":
            path.moveTo(p[0], -p[1])
        elif kind == "L":
            path.lineTo(p[0], -p[1])
        elif kind == "Q":
            path.quadTo(p[0], -p[1], p[2], -p[3])
        elif kind == "C":
            path.cubicTo(p[0], -p[1], p[2], -p[3], p[4], -p[5])
        else:
            path.closeSubpath()
    return path, advance


def _scale(em: float) -> float:
    """Pixels per font unit, adjusted so the digits are a whole number of pixels tall.

    Outlines have no hinting: at a 16 px tray icon's 5 px digits a band that straddles
    pixel rows blurs. Whole-pixel digit height plus a baseline on a pixel edge
    (``path``) keeps the horizontal strokes sharp, as a hinted font would."""
    pixels = max(1, round(DIGIT_HEIGHT * em / UNITS_PER_EM))
    return pixels / DIGIT_HEIGHT


def advance(text: str, em: float) -> float:
    """The width ``text`` takes at ``em`` pixels per em."""
    return sum(_glyph(char)[1] for char in text if char in GLYPHS) * _scale(em)


def path(text: str, em: float, centre: QPointF) -> QPainterPath:
    """The outline of ``text`` at about ``em`` pixels per em, centred on ``centre``: its
    advance across, the digits' height (baseline to their top) up and down.

    Characters without an outline are left out (the badge only shows digits, "+", "!")."""
    scale = _scale(em)
    out = QPainterPath()
    x = 0.0
    for char in text:
        if char not in GLYPHS:
            continue
        glyph, width = _glyph(char)
        out.addPath(glyph.translated(x, 0.0))
        x += width
    left = round(centre.x() - x * scale / 2)
    baseline = round(centre.y() + DIGIT_HEIGHT * scale / 2)
    return QTransform(scale, 0, 0, scale, left, baseline).map(out)


def fill(painter: QPainter, text: str, em: float, rect: QRectF, color: QColor) -> None:
    """Fill ``text`` centred in ``rect`` with ``color``."""
    painter.fillPath(path(text, em, rect.center()), color)
