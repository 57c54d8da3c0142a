"""Yardi's errors inside HTTP 200 are the errors they are, through the seam and through `coisync sync`.

* ``Login failed.`` -> YardiLoginError (an AuthError), exit 2;
* "Interface ... is not Configured for property ..." -> YardiConfigError, exit 2;
* the over-limit message -> retried, then RateLimitedError, exit 75;
* "No insurance policies exist ..." -> an empty result; any other message on a read -> an error;
* an XML bomb or external entity served by the emulator -> refused, nothing stored.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from coisync_yardi.client import RENTERS_INSURANCE, YardiClient
from coisync_yardi.config import YardiConfig
from coisync_yardi.connector import YardiConnector
from coisync_yardi.emulator import YardiEmulator, YardiSettings
from coisync_yardi.errors import YardiConfigError, YardiLoginError, YardiMessageError
from yardi_adapter import (
    LICENCE,
    LICENCE_ENV,
    PASSWORD,
    PASSWORD_ENV,
    connection_table,
    seed_vendors,
    yardi_emulator,
)

from coisync.cli import build_cli
from coisync.connector import parse_connection
from coisync.errors import ExitCode
from coisync.http import AuthError, FakeClock, HttpSession, RateLimitedError
from coisync.http.soap_client import UnsafeXmlResponseError
from coisync.sandbox.emulator import EmulatorTransport, RateWindow, serve
from coisync.testing import read_stream


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(LICENCE_ENV, LICENCE)


def connector_for(emulator: YardiEmulator, clock: FakeClock, **extra: Any) -> YardiConnector:
    table = {**connection_table("https://yardi.emulator.test"), "connector": "yardi", **extra}
    config = parse_connection("yardi", table, YardiConfig)
    factory = functools.partial(
        HttpSession,
        transport=EmulatorTransport(emulator),
        clock=clock,
        resolver=lambda h, p: ["93.184.216.34"],
    )
    return YardiConnector(config, factory, clock=clock)


def test_login_failed_inside_200_is_an_auth_error_with_exit_code_2(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = yardi_emulator(tmp_path / "e", clock)
    seed_vendors(emulator, 2)
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    connector = connector_for(emulator, clock)
    with pytest.raises(YardiLoginError) as raised:
        read_stream(connector, "vendors")
    assert isinstance(raised.value, AuthError)
    assert raised.value.exit_code == ExitCode.USAGE
    assert "Login failed." in str(raised.value)
    assert "not-the-password" not in str(raised.value) + repr(raised.value)
    assert connector.session.requests_made == 1, "a refused login must not be retried"
    check = connector.check()
    assert check.auth.ok is False and "Login failed." in check.auth.message


def test_not_configured_for_property_is_a_configuration_error_with_exit_code_2(
    tmp_path: Path, clock: FakeClock
) -> None:
    emulator = yardi_emulator(tmp_path / "e", clock)
    connector = connector_for(emulator, clock, properties=["hp01", "hp02"])
    with pytest.raises(YardiConfigError) as raised:
        read_stream(connector, "vendors")
    assert raised.value.exit_code == ExitCode.USAGE
    assert "Interface Vendor Invoicing is not Configured for property hp02" in str(raised.value)
    assert "\n" not in str(raised.value)
    assert connector.session.requests_made == 1


def test_invalid_property_code_is_a_configuration_error(tmp_path: Path, clock: FakeClock) -> None:
    connector = connector_for(yardi_emulator(tmp_path / "e", clock), clock, properties=["zz99"])
    with pytest.raises(YardiConfigError, match="Invalid Yardi Property Code"):
        read_stream(connector, "tenants")


def test_over_limit_message_is_retried_then_a_temporary_error(tmp_path: Path, clock: FakeClock) -> None:
    settings = YardiSettings(rate_window=RateWindow(1, 3600))
    emulator = yardi_emulator(tmp_path / "e", clock, settings=settings)
    seed_vendors(emulator, 1)
    connector = connector_for(emulator, clock)
    assert len(read_stream(connector, "vendors")[0]) == 1
    with pytest.raises(RateLimitedError) as raised:
        read_stream(connector, "vendors")
    assert raised.value.exit_code == ExitCode.TEMPORARY
    assert connector.session.retries >= 1, "the over-limit message was not retried"
    assert clock.sleeps, "no backoff between attempts"


def test_over_limit_clears_when_the_window_passes_during_backoff(tmp_path: Path, clock: FakeClock) -> None:
    settings = YardiSettings(rate_window=RateWindow(1, 1))
    emulator = yardi_emulator(tmp_path / "e", clock, settings=settings)
    seed_vendors(emulator, 3)
    connector = connector_for(emulator, clock)
    read_stream(connector, "vendors")
    records, _, _ = read_stream(connector, "vendors")  # refused first, then answered after waiting
    assert len(records) == 3
    assert connector.session.retries >= 1


def test_no_policies_message_is_an_empty_result_and_other_messages_are_errors(
    tmp_path: Path, clock: FakeClock
) -> None:
    connector = connector_for(yardi_emulator(tmp_path / "e", clock), clock)
    client = YardiClient(connector)
    empty = client.read(RENTERS_INSURANCE, "GetInsurancePolicies", [("YardiPropertyId", "hp01")])
    assert empty is None
    with pytest.raises(YardiMessageError, match="Vendor v404 does not exist"):
        client.read(
            "ItfVendorInvoicing", "GetVendor_Login", [("YardiPropertyId", "hp01"), ("VendorId", "v404")]
        )


@pytest.mark.parametrize("hostile", ["xml_bomb", "external_entity"])
def test_hostile_xml_is_refused_unread(tmp_path: Path, clock: FakeClock, hostile: str) -> None:
    settings = YardiSettings(hostile=hostile)  # type: ignore[arg-type]
    emulator = yardi_emulator(tmp_path / "e", clock, settings=settings)
    seed_vendors(emulator, 2)
    connector = connector_for(emulator, clock)
    batches = []
    with pytest.raises(UnsafeXmlResponseError) as raised:
        batches.extend(connector.stream("vendors").read(connector.stream("vendors").initial_cursor()))
    assert batches == []
    assert "refused XML with a document type or entity declaration" in str(raised.value)
    assert "root:" not in str(raised.value)
    assert connector.session.requests_made == 1, "an unsafe answer must not be retried"


# ---------------------------------------------------------------- through `coisync sync`


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[YardiEmulator, str]]:
    emulator = yardi_emulator(tmp_path / "emulator", FakeClock())
    seed_vendors(emulator, 3)
    with serve(emulator) as running:
        yield emulator, running.url


def run_sync(tmp_path: Path, base_url: str, **table: Any) -> tuple[int, dict[str, Any]]:
    connection = {**connection_table(base_url), **table}
    lines = ["[connections.yardi]", 'connector = "yardi"', f'base_url = "{connection["base_url"]}"']
    lines.append(f"properties = {json.dumps(connection['properties'])}")
    lines += [
        "allow_private_network = true",
        "allow_insecure_http = true",
        "",
        "[connections.yardi.credentials]",
    ]
    for key, value in connection["credentials"].items():
        lines.append(
            f"{key} = " + (f'{{"$env" = "{value["$env"]}"}}' if isinstance(value, dict) else f'"{value}"')
        )
    config = tmp_path / "coisync.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'coisync.db'}"
    result = CliRunner().invoke(build_cli(), ["--config", str(config), "--db", db, "sync", "--json"])
    summary = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {"raw": result.output}
    return result.exit_code, summary


def parties_stored(tmp_path: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'coisync.db'}")
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM parties")).scalar_one())


def test_cli_sync_login_failure_exits_2(
    tmp_path: Path, served: tuple[YardiEmulator, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    code, summary = run_sync(tmp_path, served[1])
    assert code == ExitCode.USAGE, summary
    assert "Login failed." in json.dumps(summary)
    assert "not-the-password" not in json.dumps(summary)


def test_cli_sync_not_configured_for_property_exits_2(
    tmp_path: Path, served: tuple[YardiEmulator, str]
) -> None:
    code, summary = run_sync(tmp_path, served[1], properties=["hp01", "hp02"])
    assert code == ExitCode.USAGE, summary
    assert "is not Configured for property hp02" in json.dumps(summary)


def test_cli_sync_reads_vendors_when_configured_right(
    tmp_path: Path, served: tuple[YardiEmulator, str]
) -> None:
    code, summary = run_sync(tmp_path, served[1])
    assert code == ExitCode.OK, json.dumps(summary, indent=1)
    assert parties_stored(tmp_path) >= 3


@pytest.mark.parametrize("hostile", ["xml_bomb", "external_entity"])
def test_cli_sync_refuses_hostile_xml_and_stores_nothing(tmp_path: Path, hostile: str) -> None:
    emulator = yardi_emulator(tmp_path / "emulator", FakeClock(), settings=YardiSettings(hostile=hostile))  # type: ignore[arg-type]
    seed_vendors(emulator, 3)
    with serve(emulator) as running:
        code, summary = run_sync(tmp_path, running.url)
    assert code != ExitCode.OK, summary
    assert "refused XML with a document type or entity declaration" in json.dumps(summary)
    assert parties_stored(tmp_path) == 0
