"""The wheel: built from this tree, installed outside it (a fresh venv, and a
``pip install --user`` layout), it finds its icons, translations and desktop entry through
the installed package, answers --version, carries a LICENSE, and keeps the gateway's server
in the ``gateway`` extra.

The installs are ``--no-deps``: Tidings' dependencies (PySide6 and the rest) are borrowed
from the test's own environment by a path line appended to the new site folder, so nothing
is downloaded; Tidings itself comes only from the wheel (the subprocess says where from).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_ONLY = {"starlette", "uvicorn", "jsonschema"}

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]

# Run in the installed environment, from an empty folder: where did everything come from?
PROBE = """
import json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import desktop
from desktop import resources
from desktop.ui import icons
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
app = QCoreApplication([])
translations = resources.folder(resources.TRANSLATIONS)
translator = QTranslator()
loaded = bool(translations) and translator.load(QLocale("zh_CN"), "tidings", "_", str(translations))
linux = resources.folder(resources.LINUX)
print(json.dumps({
    "package": desktop.__file__,
    "icons": str(icons.icons_dir()),
    "tray_icon": not icons.tray_icon().isNull(),
    "translation_loaded": loaded,
    "quit_in_chinese": translator.translate("TrayIcon", "Quit") if loaded else "",
    "desktop_entry": str(linux / "tidings.desktop") if linux else "",
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (path,) = out.glob("tidings-*.whl")
    return path


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


def _borrow_dependencies(site_packages: Path) -> None:
    # A plain path line: the .pth files in there (this checkout's editable install) are
    # not processed, so `desktop` cannot come from the checkout.
    site_packages.mkdir(parents=True, exist_ok=True)
    (site_packages / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")


def _probe(python: str, cwd: Path, env: dict[str, str]) -> dict[str, object]:
    proc = subprocess.run(
        [python, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _check_found(found: dict[str, object], prefix: Path) -> None:
    assert str(found["package"]).startswith(str(prefix)), found  # the wheel's copy, not the checkout
    assert str(found["icons"]).startswith(str(prefix)), found
    assert found["tray_icon"] is True
    assert found["translation_loaded"] is True
    assert found["quit_in_chinese"] not in ("", "Quit")
    entry = Path(str(found["desktop_entry"]))
    assert str(entry).startswith(str(prefix)) and "Exec=tidings" in entry.read_text(encoding="utf-8")


def test_wheel_holds_resources_license_and_keeps_the_gateway_server_in_an_extra(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (metadata_name,) = (n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(metadata_name).decode()
    for needed in (
        "desktop/resources/icons/tidings.svg",
        "desktop/resources/icons/tray.svg",
        "desktop/resources/icons/tidings-16.png",
        "desktop/resources/icons/tidings-256.png",
        "desktop/resources/translations/tidings_zh_CN.qm",
        "desktop/resources/linux/tidings.desktop",
    ):
        assert needed in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in metadata
    assert not any(n.startswith(("tests/", "harness/", "benchmarks/")) for n in names)
    requires = [
        line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")
    ]
    for requirement in requires:
        name = requirement.split("=")[0].split("[")[0].split(";")[0].strip().lower()
        if name in GATEWAY_ONLY:
            assert 'extra == "gateway"' in requirement, requirement


def test_the_desktop_imports_nothing_of_the_gateway_extra() -> None:
    """So a desktop install without tidings[gateway] lacks nothing it needs."""
    for path in (ROOT / "desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in GATEWAY_ONLY | {"gateway"}, f"{path}: {module}"


def test_venv_install_finds_resources_and_answers_version(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    _borrow_dependencies(site)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    _check_found(_probe(str(python), empty, _clean_env()), venv)
    for command, expected in (("tidings", "tidings 0.1"), ("tidings-gateway", "tidings-gateway 0.1")):
        out = subprocess.run(
            [str(venv / "bin" / command), "--version"],
            cwd=empty,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert out.returncode == 0 and out.stdout.startswith(expected), out.stdout + out.stderr


def test_user_install_finds_resources(wheel: Path, tmp_path: Path) -> None:
    """`pip install --user`: a prefix that is not sys.prefix, where the old data files got lost."""
    base = getattr(sys, "_base_executable", sys.executable)
    user_base = tmp_path / "userbase"
    env = _clean_env(PYTHONUSERBASE=str(user_base))
    has_pip = subprocess.run([base, "-m", "pip", "--version"], capture_output=True, env=env, check=False)
    if has_pip.returncode != 0:
        pytest.skip(f"{base} has no pip for a --user install")
    install = subprocess.run(
        [base, "-m", "pip", "install", "-q", "--user", "--no-deps", "--no-warn-script-location", str(wheel)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    site = Path(
        subprocess.run(
            [base, "-c", "import site; print(site.getusersitepackages())"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    assert str(site).startswith(str(user_base))
    _borrow_dependencies(site)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    _check_found(_probe(base, empty, env), user_base)


def test_gateway_without_its_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway import cli

    for module in GATEWAY_ONLY:
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    assert cli.main(["serve", "--db", str(tmp_path / "gateway.db")]) == 2
    err = capsys.readouterr().err
    assert "pip install 'tidings[gateway]'" in err
