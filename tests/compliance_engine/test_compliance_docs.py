"""docs/compliance.md documents every finding code and every status."""

from __future__ import annotations

import re
from pathlib import Path

from coisync.compliance import MEANING, SEVERITY, FindingCode
from coisync.model import Status

DOC = Path(__file__).resolve().parents[2] / "docs" / "compliance.md"


def test_every_code_has_a_row_with_its_severity() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in FindingCode:
        row = re.search(rf"^\| `{code.value}` \|[^|]*\| (\w+) \|", text, re.MULTILINE)
        assert row is not None, f"{code.value} is not documented"
        assert row.group(1) == SEVERITY[code].value, f"{code.value}: documented severity differs"
        assert MEANING[code]


def test_every_status_is_in_the_precedence_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    for status in Status:
        assert f"| `{status.value}` |" in text, status
