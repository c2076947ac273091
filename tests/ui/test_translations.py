"""The Chinese translation covers every user-visible string and is what ships."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from desktop.config.settings import option
from desktop.core import i18n
from desktop.core.item import Kind
from desktop.notifications.dispatcher import summary_notice
from desktop.ui.app import install_translations
from tests.ui.helpers import make_item

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "desktop" / "resources" / "translations" / "tidings_zh_CN.ts"
BIN = Path(sys.executable).parent


def _sources() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "desktop/*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return out.split()


def test_every_string_in_the_code_is_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    subprocess.run(
        [str(BIN / "pyside6-lupdate"), *_sources(), "-ts", str(fresh), "-no-obsolete"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    untranslated = [
        (ctx.findtext("name"), m.findtext("source"))
        for ctx in ET.parse(fresh).getroot()
        for m in ctx.findall("message")
        if m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert untranslated == [], "run scripts/update-translations.sh and translate these"


def test_shipped_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    qm = tmp_path / "check.qm"
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(qm)], capture_output=True, check=True, timeout=60
    )
    assert qm.read_bytes() == TS.with_suffix(".qm").read_bytes()


def test_chinese_ui_and_notifications(qapp) -> None:
    try:
        install_translations(qapp, QLocale("zh_CN"))
        assert QCoreApplication.translate("TrayIcon", "Open inbox") == "打开收件箱"
        # The settings table's titles and checks, declared in Qt-free code, are translated too.
        assert option("gateway.url").translated_title() == "网关地址"
        assert option("notifications.quiet_hours").check("7pm", "免打扰时段") == (
            "免打扰时段的格式应为 19:00-08:00（起-止，24 小时制）"
        )
        items = [make_item(n) for n in range(4)]
        assert summary_notice(items).title == "4 封新邮件，来自 Sender 3、Sender 2 等另外 2 位"
        mixed = [*items, make_item(9, Kind.CHAT)]
        assert (summary_notice(mixed, "hidden").title, summary_notice(mixed, "hidden").body) == (
            "5 条新消息",
            "4 封邮件，1 条聊天消息",
        )
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
        i18n.install(None)
