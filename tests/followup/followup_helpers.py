"""Running ``coisync notify`` in tests and reading what the SMTP sink received."""

from __future__ import annotations

import json
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from coisync.cli import main


def cli(config: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in-process; returns the exit code and stdout."""
    import contextlib
    import io

    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out):
        try:
            main(["--config", str(config), *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


def notify(config: Path, day: date, *extra: str) -> tuple[int, dict[str, Any]]:
    """``coisync notify --as-of DAY --json``."""
    code, out = cli(config, "notify", "--as-of", day.isoformat(), "--json", *extra)
    return code, json.loads(out)


def read_mail(path: Path) -> EmailMessage:
    """One saved message."""
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def summary_line(day: date, message: EmailMessage) -> tuple[str, str, str, str, str]:
    """(day, party, step, To, Cc) of a received message."""
    return (
        day.isoformat(),
        str(message["X-Coisync-Party"]),
        str(message["X-Coisync-Step"]),
        str(message["To"]),
        str(message["Cc"] or ""),
    )
