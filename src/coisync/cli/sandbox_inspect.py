"""``coisync sandbox state`` and ``coisync sandbox fault``: look into and steer a running emulator.

Both talk to the emulator's control surface (``/__emulator/state``, ``/__emulator/faults``),
which shows state without secrets and never counts against rate limits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from coisync.cli.output import console, emit_json, safe_text, table
from coisync.errors import TemporaryError, UsageError
from coisync.sandbox.layout import DEFAULT_DIR, emulator_url

FAULT_CHOICES = ("429", "503", "500", "slow", "drop", "malformed", "login_failure", "lost_response", "all")
"""The emulator base's fault kinds (``coisync.sandbox.emulator.FAULT_KINDS``) and ``all``; listed
here so building the CLI does not import the emulator base."""

MAX_COLUMNS = 8
MAX_CELL = 48
_DIR = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="The sandbox directory.",
)


def _control(directory: Path, connection: str, method: str, path: str, body: Any = None) -> Any:
    import httpx

    url = emulator_url(directory, connection) + "/__emulator/" + path
    try:
        response = httpx.request(method, url, json=body, timeout=10.0)
    except httpx.HTTPError as exc:
        raise TemporaryError(
            f"the {connection} emulator at {url} did not answer ({type(exc).__name__}); "
            "check it with coisync sandbox up --detach or restart it"
        ) from None
    if response.status_code >= 400:
        detail = response.json().get("error", response.text) if response.content else response.reason_phrase
        raise UsageError(f"the {connection} emulator refused: {detail}")
    return response.json()


def is_secret_key(key: str) -> bool:
    """Whether a state key names a secret (the emulator's own rule)."""
    from coisync.sandbox.emulator.requestlog import is_secret_key as emulator_rule

    return emulator_rule(key)


def _cell(value: Any, key: str = "") -> str:
    if key.endswith("_at") and isinstance(value, int | float) and not isinstance(value, bool):
        from coisync.sandbox.emulator import iso_utc

        value = iso_utc(float(value))
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = safe_text(text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _records(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        return list(value.values())
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return list(value)
    return None


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not is_secret_key(str(k))}


def _render_state(connection: str, state: dict[str, Any]) -> None:
    out = console()
    scalars: list[tuple[str, str]] = []
    for key_name, value in state.items():
        if is_secret_key(str(key_name)):
            continue
        records = _records(value)
        if records is None:
            scalars.append((str(key_name), _cell(value)))
            continue
        records = [_clean(r) for r in records]
        columns: list[str] = []
        for record in records:
            columns += [k for k in record if k not in columns]
        columns = [c for c in columns if any(r.get(c) not in (None, "", [], {}) for r in records)]
        key = "id" if "id" in columns else None
        rest = [c for c in columns if c != key]
        width = MAX_COLUMNS - (key is not None)
        parts = [rest[i : i + width] for i in range(0, len(rest), width)] or [[]]
        for index, part in enumerate(parts, start=1):
            shown = ([key] if key else []) + part
            title = f"{connection}: {key_name} ({len(records)})"
            if len(parts) > 1:
                title += f", fields {index}/{len(parts)}"
            out.print(table(title, shown, [[_cell(r.get(c, ""), c) for c in shown] for r in records]))
    if scalars:
        out.print(table(f"{connection}: other state", ("key", "value"), scalars))


@click.command("state")
@click.argument("connection")
@_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the whole state document as JSON.")
def state_command(connection: str, directory: Path, as_json: bool) -> None:
    """Show what a running emulator holds (what coisync wrote included; secrets excluded)."""
    state = _control(directory, connection, "GET", "state")
    state = {k: v for k, v in state.items() if not is_secret_key(str(k))}
    if as_json:
        emit_json(state)
    else:
        _render_state(connection, state)


def _rule(kind: str, rate: float | None, retry_after: int | None, count: int | None) -> dict[str, Any]:
    rule: dict[str, Any] = {"kind": kind}
    if rate is not None:
        rule["rate"] = rate
    if retry_after is not None:
        rule["retry_after"] = retry_after
    if count is not None:
        rule["count"] = count
    return rule


def _keep(rule: dict[str, Any]) -> dict[str, Any]:
    kept = {k: rule[k] for k in ("kind", "rate", "retry_after", "paths", "delay") if rule.get(k) is not None}
    if rule.get("remaining") is not None:
        kept["count"] = rule["remaining"]
    return kept


@click.command("fault")
@click.argument("connection")
@click.argument("kind", type=click.Choice(FAULT_CHOICES))
@click.option("--rate", type=click.FloatRange(0, 1), help="Chance each request is hit (default 1).")
@click.option(
    "--retry-after", type=click.IntRange(min=0), help="Retry-After seconds for 429/503 (default 1)."
)
@click.option("--count", type=click.IntRange(min=1), help="Stop after this many hits (default: no limit).")
@click.option("--off", is_flag=True, help="Remove the rules of KIND (all: every rule).")
@_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the active rules as JSON.")
def fault_command(
    connection: str,
    kind: str,
    rate: float | None,
    retry_after: int | None,
    count: int | None,
    off: bool,
    directory: Path,
    as_json: bool,
) -> None:
    """Switch a fault on (or --off) in a running emulator: 429, 503, 500, slow, drop, ..."""
    if kind == "all" and not off:
        raise UsageError("fault KIND 'all' only switches faults off; add --off or name one kind")
    if off:
        current = _control(directory, connection, "GET", "faults")["rules"]
        _control(directory, connection, "DELETE", "faults")
        others = [
            _keep(r) for r in current if kind != "all" and r["kind"] != kind and r.get("remaining") != 0
        ]
        rules = _control(directory, connection, "POST", "faults", others)["rules"] if others else []
    else:
        rules = _control(directory, connection, "POST", "faults", _rule(kind, rate, retry_after, count))[
            "rules"
        ]
    if as_json:
        emit_json({"connection": connection, "rules": rules})
        return
    rows = [
        (
            r["kind"],
            r["rate"],
            r["retry_after"],
            "unlimited" if r["remaining"] is None else r["remaining"],
            r["fired"],
        )
        for r in rules
    ]
    console().print(
        table(f"{connection}: active faults", ("kind", "rate", "retry_after", "remaining", "fired"), rows)
    )


__all__ = ["fault_command", "state_command"]
