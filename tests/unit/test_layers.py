"""The layers the design promises: nothing below the UI imports Qt, and the one way up
(the `tidings` command starting the tray app) is a name that resolves."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_FREE_PACKAGES = ["desktop/core", "desktop/config", "desktop/sources", "desktop/store"]
QT_FREE_MODULES = [
    "desktop/notifications/dispatcher.py",
    "desktop/notifications/backends.py",
    "desktop/app/pipeline.py",
    "desktop/app/runtime.py",
    "desktop/app/actions.py",
    "desktop/app/watch.py",
    "desktop/app/cli.py",
    "desktop/app/autostart.py",
    "desktop/app/facade.py",
]


def qt_free_files() -> list[Path]:
    files = [ROOT / m for m in QT_FREE_MODULES]
    for package in QT_FREE_PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return [f for f in files if f.exists()]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def top_level_qt_imports(path: Path) -> list[str]:
    """Module-level imports only: a function may import Qt lazily (the tray balloon backend)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in tree.body:
        stmts = [node]
        if isinstance(node, ast.If | ast.Try):  # `if TYPE_CHECKING:` is fine, `try: import` is not
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            stmts = list(ast.walk(node))
        for stmt in stmts:
            if isinstance(stmt, ast.Import):
                found += [
                    a.name for a in stmt.names if a.name.split(".")[0] in ("PySide6", "shiboken6", "qasync")
                ]
            elif (
                isinstance(stmt, ast.ImportFrom)
                and stmt.module
                and stmt.module.split(".")[0] in ("PySide6", "shiboken6", "qasync")
            ):
                found.append(stmt.module)
    return found


def test_the_qt_free_layers_exist() -> None:
    names = {module_name(f) for f in qt_free_files()}
    assert "desktop.core.rules" in names and "desktop.notifications.dispatcher" in names
    assert len(names) >= 10


@pytest.mark.parametrize("path", qt_free_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_qt_import_in_source(path: Path) -> None:
    assert top_level_qt_imports(path) == []


def test_no_qt_module_loaded_when_importing_the_layers() -> None:
    modules = sorted({module_name(f) for f in qt_free_files()})
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"Qt loaded by: {proc.stdout.strip()}"


def test_the_cli_finds_the_tray_app_in_the_ui_layer() -> None:
    """cli.py looks the tray app up by name (no import may point from app up to ui)."""
    import importlib

    from desktop.app import cli

    assert cli.TRAY_APP_MODULE.startswith("desktop.ui.")
    tray_app = importlib.import_module(cli.TRAY_APP_MODULE)
    assert callable(tray_app.main)


def test_the_ui_reaches_below_app_only_through_the_facade() -> None:
    """Widgets ask desktop.app.facade; they never hold the store, the pipeline or a source."""
    forbidden = re.compile(r"desktop\.store|desktop\.sources|runtime\.(store|pipeline|sources)")
    hits = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted((ROOT / "desktop" / "ui").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if forbidden.search(line)
    ]
    assert hits == []
