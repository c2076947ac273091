"""The app icon's PNGs: still what its SVG draws, found by the tray, and the SVG as fallback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop import resources
from desktop.ui import icons


@pytest.fixture
def fresh_icons() -> Iterator[None]:
    """icons_dir and the renderers are cached per process; a test that moves the
    resources clears them before and after."""
    icons.icons_dir.cache_clear()
    icons.renderer.cache_clear()
    icons._svg_text.cache_clear()
    yield
    icons.icons_dir.cache_clear()
    icons.renderer.cache_clear()
    icons._svg_text.cache_clear()


def _largest_difference(a: QImage, b: QImage) -> int:
    a = a.convertToFormat(QImage.Format.Format_ARGB32)
    b = b.convertToFormat(QImage.Format.Format_ARGB32)
    assert a.size() == b.size()
    worst = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixelColor(x, y), b.pixelColor(x, y)
            worst = max(worst, *(abs(u - v) for u, v in zip(pa.getRgb(), pb.getRgb(), strict=True)))
    return worst


@pytest.mark.parametrize("size", icons.BITMAP_SIZES)
def test_each_png_is_what_the_svg_draws_at_its_size(size: int, qtbot: QtBot) -> None:
    path = icons.bitmap_path(size)
    assert path is not None, f"tidings-{size}.png is missing: run scripts/render_icons.py"
    shipped = QImage(str(path))
    drawn = icons.render_image(icons.APP_ICON, size)
    assert drawn is not None
    # Equal but for PNG's rounding of premultiplied colours at the antialiased edges.
    assert _largest_difference(shipped, drawn) <= 2, "tidings.svg changed: run scripts/render_icons.py"


def test_the_tray_icon_has_every_size(qtbot: QtBot) -> None:
    sizes = {s.width() for s in icons.app_bitmaps().availableSizes()}
    assert sizes == set(icons.BITMAP_SIZES)


@pytest.mark.usefixtures("fresh_icons")
def test_without_the_pngs_the_svg_is_drawn_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    folder = tmp_path / resources.ICONS
    folder.mkdir()
    source = resources.folder(resources.ICONS)
    assert source is not None
    for svg in source.glob("*.svg"):
        (folder / svg.name).write_bytes(svg.read_bytes())
    monkeypatch.setenv(resources.ENV, str(tmp_path))
    icons.icons_dir.cache_clear()
    assert icons.bitmap_path(16) is None
    fallback = icons.app_bitmaps()
    assert not fallback.isNull()
    image = fallback.pixmap(32, 32).toImage()
    assert image.pixelColor(16, 16).alpha() == 255  # the SVG's blue square, drawn
