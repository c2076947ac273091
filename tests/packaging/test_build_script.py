"""packaging/build.py's pure parts and the bundle's declarations, checked here because the
Windows and macOS installers cannot be built on this project's machines."""

from __future__ import annotations

import importlib.util
import plistlib
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from desktop.app import cli

ROOT = Path(__file__).resolve().parents[2]
WIX = "{http://wixtoolset.org/schemas/v4/wxs}"

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tidings_build", ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_wix_fragment_lists_every_file_once_with_unique_ids(build: ModuleType, tmp_path: Path) -> None:
    bundle = tmp_path / "tidings"
    for rel in (
        "tidings.exe",
        "_internal/a-1.dist-info/LICENSE",
        "_internal/b-2.dist-info/LICENSE",
        "_internal/x & y.txt",
    ):
        (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
        (bundle / rel).write_text(rel)
    root = ET.fromstring(build.wix_files_fragment(bundle))
    files = root.findall(f".//{WIX}File")
    assert sorted(f.get("Source") for f in files) == sorted(str(p) for p in bundle.rglob("*") if p.is_file())
    declared = (f"{WIX}Directory", f"{WIX}Component", f"{WIX}File")
    ids = [e.get("Id") for e in root.iter() if e.tag in declared]
    assert len(ids) == len(set(ids))  # two LICENSE files, two ids
    refs = {r.get("Id") for r in root.findall(f".//{WIX}ComponentRef")}
    assert refs == {c.get("Id") for c in root.findall(f".//{WIX}Component")}


def test_wix_source_is_per_machine_with_an_autostart_option() -> None:
    package = ET.parse(ROOT / "packaging" / "windows" / "tidings.wxs").getroot().find(f"{WIX}Package")
    assert package is not None and package.get("Scope") == "perMachine"
    autostart = package.find(f".//{WIX}Component[@Id='AutostartAllUsers']")
    assert autostart is not None and autostart.get("Condition") == "AUTOSTART = 1"
    value = autostart.find(f"{WIX}RegistryValue")
    assert value is not None and value.get("Root") == "HKLM" and value.get("Key", "").endswith(r"\Run")


def test_mac_bundle_is_tray_only() -> None:
    plist = plistlib.loads((ROOT / "packaging" / "macos" / "Info.plist").read_bytes())
    assert plist["LSUIElement"] is True


def test_spec_bundles_the_tray_app_and_each_platforms_notifier() -> None:
    spec = (ROOT / "packaging" / "tidings.spec").read_text(encoding="utf-8")
    assert f'"{cli.TRAY_APP_MODULE}"' in spec  # started by name: PyInstaller cannot see it
    # Windows and macOS: desktop-notifier and its data (without them: no notifications);
    # Linux: jeepney, found by import, and desktop-notifier left out even if installed
    windows_and_macos = spec[spec.index('if sys.platform in ("win32", "darwin"):') :]
    assert 'collect_data_files("desktop_notifier")' in windows_and_macos
    assert '"desktop_notifier", "dbus_fast"' in spec and "*NOTIFIER_ELSEWHERE" in spec
    assert 'copy_metadata("tidings")' in spec
    # left out where nothing of the app needs them (each cost ~0.35 MB at idle, issue 9)
    linux = spec[spec.index('if sys.platform.startswith("linux"):') :]
    assert 'excludes += ["ctypes"]' in linux.split("\n\n")[0]


def test_min_glibc_reads_the_newest_symbol_version(build: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "lib.so").write_bytes(b"\x7fELF....GLIBC_2.17\0GLIBC_2.34\0GLIBC_2.4\0")
    (tmp_path / "notes.txt").write_bytes(b"GLIBC_2.99")  # not an ELF file: ignored
    assert build.min_glibc(tmp_path) == "2.34"


def test_icons_rendered_in_every_hicolor_size(build: ModuleType, tmp_path: Path, qapp: object) -> None:
    # qapp: the session's QApplication, made first; render_icons would otherwise make a
    # QGuiApplication, and every later test that shows a widget would abort the process.
    build.render_icons(tmp_path)
    from PySide6.QtGui import QImage

    for size in build.ICON_SIZES:
        image = QImage(str(tmp_path / f"tidings-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() > 0  # drawn, not blank
    assert (tmp_path / "tidings.ico").stat().st_size > 0
    assert (tmp_path / "tidings.icns").stat().st_size > 0


def test_autostart_starts_the_bundle_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the bundle, sys.executable is Tidings: `tidings.exe -m desktop.app.cli` would fail."""
    import sys

    from desktop.app import autostart

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", r"C:\Program Files\Tidings\tidings.exe")
    assert autostart.command() == [r"C:\Program Files\Tidings\tidings.exe"]
