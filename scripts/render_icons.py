"""Writes the app icon's PNGs (desktop/resources/icons/tidings-<size>.png) from its SVG.

    .venv/bin/python scripts/render_icons.py

Run it after changing tidings.svg; tests/ui/test_icons.py fails while they differ. The
tray and notifications use the PNGs so that an idle tray app never loads Qt's SVG module.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication, QImageWriter

from desktop.ui import icons


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication([])
    folder = icons.icons_dir()
    if folder is None:
        print("the icons folder is missing", file=sys.stderr)
        return 1
    for size in icons.BITMAP_SIZES:
        image = icons.render_image(icons.APP_ICON, size)
        if image is None:
            print(f"Qt cannot render {icons.APP_ICON}.svg", file=sys.stderr)
            return 1
        path = folder / f"{icons.APP_ICON}-{size}.png"
        # QImageWriter takes the format as bytes (QImage.save's stubs and run time disagree)
        writer = QImageWriter(str(path), b"png")
        if not writer.write(image):
            print(f"cannot write {path}: {writer.errorString()}", file=sys.stderr)
            return 1
        print(path.relative_to(folder.parent.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
