"""docs/cli.md is what the commands print: regenerate it when help text changes."""

from __future__ import annotations

from pathlib import Path

from coisync.cli.reference import render

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_matches_the_commands() -> None:
    expected = render()
    assert REFERENCE.exists(), "docs/cli.md is missing: python -m coisync.cli.reference > docs/cli.md"
    assert REFERENCE.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run `python -m coisync.cli.reference > docs/cli.md`"
    )


def test_reference_covers_every_top_level_command() -> None:
    text = render()
    for name in ("sync", "status", "import", "check", "report", "sandbox", "health", "runs"):
        assert f"## coisync {name}\n" in text
