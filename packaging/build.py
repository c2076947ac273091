"""Build Tidings' bundle and this OS's installer, from the one spec (packaging/tidings.spec).

    .venv/bin/python packaging/build.py               # bundle + this OS's installer
    .venv/bin/python packaging/build.py --bundle-only # just build/bundle/dist/tidings
    .venv/bin/python packaging/build.py --force       # ignore the cache

Steps: render the icons from desktop/resources/icons/tidings.svg with Qt (PNGs 16-512 px,
.ico, .icns), run PyInstaller (pip install -e '.[bundle]'), then package the one-folder
bundle:

- Linux: ``build/packages/tidings_<version>_<arch>.deb`` with ``dpkg-deb --build``: the
  bundle in /opt/tidings, /usr/bin/tidings, the desktop entry, hicolor icons, AppStream
  metainfo and the copyright file.
- Windows: ``build/packages/tidings-<version>-x64.msi`` with WiX v4 (``wix`` on PATH,
  ``dotnet tool install --global wix --version 4.0.5``) from packaging/windows/tidings.wxs.
- macOS: ``build/packages/Tidings-<version>.dmg`` (``Tidings.app``, LSUIElement) with hdiutil.

The bundle is cached in build/bundle by a hash of its inputs (the sources, packaging/,
pyproject.toml, the interpreter and the installed PyInstaller and Qt): a test or a second
run with nothing changed reuses it. The last line printed is the installer's path.
Everything it needs comes from PyPI (PyInstaller, PySide6) or the OS (dpkg-deb, hdiutil),
plus WiX on Windows (a NuGet/dotnet tool on the CI runner).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
BUILD = ROOT / "build"
RESOURCES = ROOT / "desktop" / "resources"
SPEC = PACKAGING / "tidings.spec"
#: The hicolor sizes desktops look for (the SVG goes to scalable/ as well).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
#: Qt's xcb platform plugin needs these system libraries (scripts/setup.sh lists the same).
DEB_DEPENDS = (
    "libxcb-cursor0",
    "libxkbcommon-x11-0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxcb-xkb1",
    "libxcb-xfixes0",
    "libx11-xcb1",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libxkbcommon0",
    "libglib2.0-0",
    "libdbus-1-3",
)
APPSTREAM_ID = "org.tidings.Tidings"


class BuildError(Exception):
    pass


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def _run(argv: list[str], **kwargs: object) -> None:
    print("+", " ".join(argv), flush=True)
    try:
        subprocess.run(argv, check=True, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError as exc:
        raise BuildError(f"{argv[0]} is not installed") from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"{argv[0]} failed with exit status {exc.returncode}") from exc


# -- the cache key ----------------------------------------------------------------------


def _input_files() -> list[Path]:
    files = [ROOT / "pyproject.toml", ROOT / "LICENSE"]
    for folder in (ROOT / "desktop", PACKAGING):
        files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(files)


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in _input_files():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in (
        "pyinstaller",
        "pyinstaller-hooks-contrib",
        "pyside6-essentials",
        "jeepney",
        "desktop-notifier",
    ):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{dist}={importlib.metadata.version(dist)}\0".encode())
    digest.update(f"{sys.version}\0{platform.platform()}".encode())
    return digest.hexdigest()[:16]


# -- icons ------------------------------------------------------------------------------


def render_icons(dest: Path) -> None:
    """PNGs in the hicolor sizes, tidings.ico (Windows) and tidings.icns (macOS), drawn by
    Qt from the one SVG, so no other tool (rsvg, iconutil, Pillow) is needed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter

    from desktop.ui import icons

    _app = QGuiApplication.instance() or QGuiApplication([])
    svg = RESOURCES / "icons" / "tidings.svg"
    dest.mkdir(parents=True, exist_ok=True)
    images: dict[int, QImage] = {}
    for size in ICON_SIZES:
        image = icons.render_image(icons.APP_ICON, size)
        if image is None:
            raise BuildError(f"Qt cannot render {svg}")
        # QImageWriter, not QImage.save: save() rejects the format as bytes at run time
        # (PySide6 6.11) while its stubs reject it as str; the writer takes bytes in both.
        png = QImageWriter(str(dest / f"tidings-{size}.png"), b"png")
        if not png.write(image):
            raise BuildError(f"cannot write tidings-{size}.png: {png.errorString()}")
        images[size] = image
    # Qt's ico and icns writers store one image; the largest each format holds.
    for name, fmt, size in (("tidings.ico", b"ico", 256), ("tidings.icns", b"icns", 512)):
        writer = QImageWriter(str(dest / name), fmt)
        if not writer.write(images[size]):
            raise BuildError(f"cannot write {name}: {writer.errorString()}")
    shutil.copy(svg, dest / "tidings.svg")


# -- the bundle -------------------------------------------------------------------------


def build_bundle(force: bool = False) -> Path:
    """The PyInstaller one-folder bundle (build/bundle/dist/tidings), rebuilt only when an
    input changed."""
    base = BUILD / "bundle"
    dist = base / "dist"
    bundle = dist / ("Tidings.app" if sys.platform == "darwin" else "tidings")
    stamp = base / "inputs.sha256"
    key = inputs_hash()
    if not force and bundle.exists() and stamp.exists() and stamp.read_text().strip() == key:
        print(f"bundle: up to date ({key}), {bundle}", flush=True)
        return bundle
    shutil.rmtree(base, ignore_errors=True)
    icons = base / "icons"
    render_icons(icons)
    env = {**os.environ, "TIDINGS_BUNDLE_ICONS": str(icons), "TIDINGS_VERSION": project_version()}
    _run(
        [
            sys.executable,
            # Bytecode without column tables (tracebacks lose their ^^^ marks only): less
            # memory for every module the app imports (issue 9)
            "-X",
            "no_debug_ranges",
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(base / "work"),
            str(SPEC),
        ],
        cwd=ROOT,
        env=env,
    )
    if not bundle.exists():
        raise BuildError(f"PyInstaller did not produce {bundle}")
    stamp.write_text(key + "\n")
    return bundle


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# -- Linux: .deb ------------------------------------------------------------------------


def min_glibc(folder: Path) -> str:
    """The newest GLIBC_2.x symbol version any ELF file of the bundle asks for: the
    bundle runs only where libc6 is at least that (the build machine's glibc decides)."""
    best = 17
    pattern = re.compile(rb"GLIBC_2\.(\d+)")
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with open(path, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
            data = f.read()
        for match in pattern.finditer(data):
            best = max(best, int(match.group(1)))
    return f"2.{best}"


def _deb_arch() -> str:
    out = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), "all")


def build_deb(bundle: Path, icons: Path, out_dir: Path, compression: str = "zstd") -> Path:
    version = project_version()
    arch = _deb_arch()
    deb = out_dir / f"tidings_{version}_{arch}.deb"
    stamp = out_dir / f"{deb.name}.inputs"
    key = f"{inputs_hash()} {compression}"
    if deb.exists() and stamp.exists() and stamp.read_text().strip() == key:
        print(f"deb: up to date ({key}), {deb}", flush=True)
        return deb
    stamp.unlink(missing_ok=True)
    stage = BUILD / "deb-root"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / "tidings"
    shutil.copytree(bundle, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    # A symlink: PyInstaller's bootloader finds its _internal folder from the real path.
    (stage / "usr" / "bin" / "tidings").symlink_to("/opt/tidings/tidings")
    share = stage / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(RESOURCES / "linux" / "tidings.desktop", share / "applications" / "tidings.desktop")
    for size in ICON_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy(icons / f"tidings-{size}.png", target / "tidings.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy(icons / "tidings.svg", scalable / "tidings.svg")
    (share / "metainfo").mkdir(parents=True)
    metainfo = (PACKAGING / "linux" / f"{APPSTREAM_ID}.metainfo.xml").read_text(encoding="utf-8")
    (share / "metainfo" / f"{APPSTREAM_ID}.metainfo.xml").write_text(
        metainfo.replace("@VERSION@", escape(version)), encoding="utf-8"
    )
    doc = share / "doc" / "tidings"
    doc.mkdir(parents=True)
    copyright_text = (PACKAGING / "linux" / "copyright").read_text(encoding="utf-8")
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    # DEP-5: the license text follows its License: line, each line indented, blank lines as " ."
    body = "\n".join(f" {line}" if line.strip() else " ." for line in license_text.splitlines())
    (doc / "copyright").write_text(copyright_text.replace(" @LICENSE_TEXT@", body), encoding="utf-8")
    for path in stage.rglob("*"):
        if path.is_symlink():
            continue
        # root-owned, world-readable; executables and folders stay executable
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    control = (PACKAGING / "linux" / "control").read_text(encoding="utf-8")
    depends = ", ".join((f"libc6 (>= {min_glibc(opt)})", *DEB_DEPENDS))
    control = (
        control.replace("@VERSION@", version)
        .replace("@ARCH@", arch)
        .replace("@INSTALLED_SIZE@", str(folder_size(stage) // 1024 + 1))
        .replace("@DEPENDS@", depends)
    )
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    deb.unlink(missing_ok=True)
    # zstd (dpkg 1.21.18+, so Debian 12 and Ubuntu 22.04): xz saves ~15 % more but took
    # minutes for 200 MB on a busy two-core machine; a release can pass --compression xz.
    _run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(stage), str(deb)])
    shutil.rmtree(stage, ignore_errors=True)
    stamp.write_text(key + "\n")
    return deb


# -- Windows: .msi (untested here) ------------------------------------------------------


def _wix_id(prefix: str, rel: str) -> str:
    return f"{prefix}_{hashlib.sha1(rel.encode()).hexdigest()[:20]}"


def wix_files_fragment(bundle: Path) -> str:
    """Every file of the bundle as a WiX v4 component under INSTALLFOLDER (heat is gone
    from v4's core tools; this keeps the MSI build to `wix build`)."""
    lines = ['<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs">', "  <Fragment>"]
    groups: list[str] = []

    def walk(folder: Path, indent: str) -> None:
        for child in sorted(folder.iterdir()):
            rel = child.relative_to(bundle).as_posix()
            if child.is_dir():
                lines.append(f'{indent}<Directory Id="{_wix_id("d", rel)}" Name="{escape(child.name)}">')
                walk(child, indent + "  ")
                lines.append(f"{indent}</Directory>")
            else:
                cid = _wix_id("c", rel)
                groups.append(cid)
                # File ids default to the file name, which repeats (LICENSE in every dist-info)
                source = escape(str(child))
                lines.append(
                    f'{indent}<Component Id="{cid}"><File Id="{_wix_id("f", rel)}" Source="{source}" /></Component>'
                )

    lines.append('    <DirectoryRef Id="INSTALLFOLDER">')
    walk(bundle, "      ")
    lines.append("    </DirectoryRef>")
    lines.append('    <ComponentGroup Id="BundleFiles">')
    lines += [f'      <ComponentRef Id="{cid}" />' for cid in groups]
    lines += ["    </ComponentGroup>", "  </Fragment>", "</Wix>", ""]
    return "\n".join(lines)


def build_msi(bundle: Path, icons: Path, out_dir: Path) -> Path:
    version = project_version()
    work = BUILD / "msi"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "files.wxs").write_text(wix_files_fragment(bundle), encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    msi = out_dir / f"tidings-{version}-x64.msi"
    _run(
        [
            "wix",
            "build",
            "-arch",
            "x64",
            "-d",
            f"Version={version}",
            "-d",
            f"IconFile={icons / 'tidings.ico'}",
            str(PACKAGING / "windows" / "tidings.wxs"),
            str(work / "files.wxs"),
            "-o",
            str(msi),
        ]
    )
    return msi


# -- macOS: .dmg (untested here) --------------------------------------------------------


def build_dmg(app: Path, out_dir: Path) -> Path:
    version = project_version()
    out_dir.mkdir(parents=True, exist_ok=True)
    dmg = out_dir / f"Tidings-{version}.dmg"
    _run(["bash", str(PACKAGING / "macos" / "make-dmg.sh"), str(app), str(dmg)])
    return dmg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bundle-only", action="store_true", help="stop after the PyInstaller bundle")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument("--out", type=Path, default=BUILD / "packages", help="where installers go")
    parser.add_argument(
        "--compression", choices=("zstd", "xz"), default="zstd", help=".deb compression (default: zstd)"
    )
    args = parser.parse_args(argv)
    try:
        bundle = build_bundle(force=args.force)
        icons = BUILD / "bundle" / "icons"
        print(f"bundle: {folder_size(bundle) / 1e6:.1f} MB in {bundle}", flush=True)
        if args.bundle_only:
            print(bundle)
            return 0
        if sys.platform.startswith("linux"):
            result = build_deb(bundle, icons, args.out, args.compression)
        elif sys.platform == "win32":
            result = build_msi(bundle, icons, args.out)
        elif sys.platform == "darwin":
            result = build_dmg(bundle, args.out)
        else:
            raise BuildError(f"no installer for {sys.platform}")
    except BuildError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    print(f"installer: {result.stat().st_size / 1e6:.1f} MB", flush=True)
    print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
