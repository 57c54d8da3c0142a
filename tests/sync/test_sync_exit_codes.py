"""``coisync sync`` exit codes through the CLI, against the emulator served on loopback:
0 done, 1 a record quarantined, 2 bad configuration, 4 another run holds the lock, 75 the
platform asked to wait past the cap (retry later)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_rig import COMPANY_ID, ServedRig, cli, served

from coisync.sandbox.emulator import parse_rule
from coisync.store import open_store


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[ServedRig]:
    served_rig = ServedRig(tmp_path)
    served_rig.seed(3, 1)
    with served(served_rig):
        yield served_rig


def test_a_clean_run_exits_0(rig: ServedRig, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(rig.args()) == 0
    assert "exit code 0" in capsys.readouterr().out


def test_a_quarantined_record_exits_1_and_its_siblings_still_land(
    rig: ServedRig, capsys: pytest.CaptureFixture[str]
) -> None:
    # One insurance of the listing comes back corrupted (its id is no Procore id).
    rig.emulator.faults.add([parse_rule({"kind": "malformed", "count": 1, "paths": "/rest/v1.0/companies/"})])
    assert cli(rig.args()) == 1
    assert "exit code 1" in capsys.readouterr().out
    assert rig.counter.total == 2, "the two good insurances were still written"


def test_a_bad_configuration_exits_2_with_a_one_line_error(
    rig: ServedRig, capsys: pytest.CaptureFixture[str]
) -> None:
    text = rig.config_path.read_text(encoding="utf-8")
    rig.config_path.write_text(
        text.replace(f"company_id = {COMPANY_ID}", 'company_id = "four"'), encoding="utf-8"
    )
    assert cli(rig.args()) == 2
    err = capsys.readouterr().err.strip()
    assert "connections.procore.company_id" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert rig.counter.total == 0


def test_a_run_while_another_holds_the_lock_exits_4(
    rig: ServedRig, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(rig.db_url)
    try:
        with store.lock("sync:procore"):
            assert cli(rig.args()) == 4
    finally:
        store.close()
    assert "held by another run" in capsys.readouterr().err
    assert rig.counter.total == 0


def test_a_platform_asking_to_wait_past_the_cap_exits_75(rig: ServedRig) -> None:
    rig.emulator.faults.add([parse_rule({"kind": "429", "retry_after": 7200, "paths": "/rest/v1.0/"})])
    assert cli(rig.args()) == 75
    rig.emulator.faults.clear()
    assert cli(rig.args()) == 0
