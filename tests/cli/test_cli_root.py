"""The CLI root: version, help as a manual, exit codes, errors as one line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from coisync import __version__
from coisync.cli import main
from coisync.model import PUBLIC_MODELS


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), out.out, out.err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert __version__ in out


def test_help_lists_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for number in ("0", "1", "2", "3", "4", "75"):
        assert f"  {number:>3}  " in out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["no-such-command"], capsys)
    assert code == 2
    assert "No such command" in err
    assert "Traceback" not in err


def test_schema_of_each_model_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    for name in PUBLIC_MODELS:
        code, out, _ = run(["schema", name], capsys)
        assert code == 0
        schema = json.loads(out)
        assert schema["type"] == "object"
        assert "properties" in schema


def test_bad_config_file_names_the_file_and_fix(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "coisync.toml"
    config.write_text("[store\nurl = 1\n")
    from coisync.cli.context import AppContext

    app = AppContext(config_option=str(config))
    from coisync.errors import ConfigError

    with pytest.raises(ConfigError, match="not valid TOML") as exc:
        _ = app.config
    assert str(config) in str(exc.value)
    assert "fix:" in str(exc.value)


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coisync", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert __version__ in result.stdout
