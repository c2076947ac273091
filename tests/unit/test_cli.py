"""The command line: options work before and after the subcommand."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.app.cli import _parser, main


@pytest.mark.parametrize(
    "argv",
    [
        ["--config", "/c.toml", "--data-dir", "/d", "watch", "--json"],
        ["watch", "--json", "--config", "/c.toml", "--data-dir", "/d"],
        ["--config", "/c.toml", "watch", "--json", "--data-dir", "/d"],
    ],
)
def test_common_options_anywhere(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    assert (args.config, args.data_dir, args.command) == (Path("/c.toml"), Path("/d"), "watch")


def test_bad_settings_file_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[[mail]]\nname = 'work'\n")
    with pytest.raises(SystemExit) as info:
        main(["--config", str(config), "account", "list"])
    assert info.value.code == 2
    assert "missing" in capsys.readouterr().err


def test_set_password_for_unknown_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["account", "set-password", "nope", "--config", str(tmp_path / "none.toml")]) == 2
    assert "no mail account called 'nope'" in capsys.readouterr().err
