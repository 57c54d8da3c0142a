"""End to end, in subprocesses: sandbox up --detach, state, fault, down, up again, reset."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and session handling are POSIX")


def _coisync(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "coisync", *args], capture_output=True, text=True, timeout=120, env=env
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"coisync {' '.join(args)} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def _inproc(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command in this process (state and fault are HTTP clients of the running sandbox)."""
    from coisync.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    assert exc.value.code in (0, None), out.err
    return out.out


def _token(base_url: str, directory: Path) -> str:
    creds = directory / "credentials"
    form = {
        "grant_type": "client_credentials",
        "client_id": (creds / "procore-client_id").read_text(),
        "client_secret": (creds / "procore-client_secret").read_text(),
    }
    response = httpx.post(f"{base_url}/oauth/token", data=form, timeout=10)
    response.raise_for_status()
    return str(response.json()["access_token"])


def _state(directory: Path, capsys: pytest.CaptureFixture[str] | None = None) -> dict[str, Any]:
    args = ("sandbox", "state", "procore", "--dir", str(directory), "--json")
    return json.loads(_inproc(capsys, *args) if capsys is not None else _coisync(*args).stdout)


@pytest.fixture
def sandbox_dir(tmp_path: Path) -> Any:
    directory = tmp_path / "sbx"
    yield directory
    if (directory / "sandbox.pid").exists():
        _coisync("sandbox", "down", "--dir", str(directory), check=False)


def test_up_state_fault_down_up_reset(
    sandbox_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    d = str(sandbox_dir)
    started = json.loads(_coisync("sandbox", "up", "--detach", "--dir", d, "--seed", "3", "--size", "20",
                                  "--only", "procore", "--json").stdout)  # fmt: skip
    url = started["emulators"]["procore"]["url"]
    assert url.startswith("http://127.0.0.1:") and started["emulators"]["procore"]["seeded"] is True

    config = tomllib.loads((sandbox_dir / "coisync.toml").read_text())
    procore = config["connections"]["procore"]
    assert procore["base_url"] == url and procore["writes"] is True
    assert procore["allow_private_network"] and procore["allow_insecure_http"]
    assert procore["credentials"]["client_secret"] == {"$file": "credentials/procore-client_secret"}
    assert config["store"]["url"] == f"sqlite:///{(sandbox_dir / 'coisync.db').resolve()}"
    for secret in (sandbox_dir / "credentials").iterdir():
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    secret_value = (sandbox_dir / "credentials" / "procore-client_secret").read_text()

    problems = json.loads((sandbox_dir / "seeded-problems.json").read_text())["problems"]
    on_procore = {p["platform_id"] for x in problems for p in x["platforms"] if p["platform"] == "procore"}
    state = _state(sandbox_dir)
    assert set(state["vendors"]) == on_procore
    assert secret_value not in json.dumps(state)

    # coisync-like write: mark one insurance compliant through the Procore API.
    headers = {"Authorization": f"Bearer {_token(url, sandbox_dir)}", "Procore-Company-Id": "4300001"}
    record_id = sorted(state["insurances"])[0]
    patched = httpx.patch(f"{url}/rest/v1.0/companies/4300001/insurances/{record_id}", headers=headers,
                          json={"insurance": {"status": "compliant", "notes": "checked by coisync"}}, timeout=10)  # fmt: skip
    assert patched.status_code == 200, patched.text

    readable = _inproc(capsys, "sandbox", "state", "procore", "--dir", d)
    assert "vendors" in readable and "insurances" in readable and "checked by coisync" in readable

    _coisync("sandbox", "fault", "procore", "503", "--retry-after", "7", "--count", "1", "--dir", d)
    answer = httpx.get(f"{url}/rest/v1.0/companies", headers=headers, timeout=10)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "7"
    rules = json.loads(_inproc(capsys, "sandbox", "fault", "procore", "429", "--dir", d, "--json"))["rules"]
    assert [r["kind"] for r in rules] == ["503", "429"]
    assert httpx.get(f"{url}/rest/v1.0/companies", headers=headers, timeout=10).status_code == 429
    _inproc(capsys, "sandbox", "fault", "procore", "429", "--off", "--dir", d)
    assert httpx.get(f"{url}/rest/v1.0/companies", headers=headers, timeout=10).status_code == 200

    down = _coisync("sandbox", "down", "--dir", d)
    assert "stopped" in down.stdout and not (sandbox_dir / "sandbox.pid").exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/rest/v1.0/companies", timeout=2)
    gone = _coisync("sandbox", "state", "procore", "--dir", d, check=False)
    assert gone.returncode == 2 and "coisync sandbox up --detach" in gone.stderr + gone.stdout

    _coisync("sandbox", "up", "--detach", "--dir", d, "--only", "procore")
    kept = _state(sandbox_dir, capsys)["insurances"][record_id]
    assert (kept["status"], kept["notes"]) == ("compliant", "checked by coisync")

    reset = _coisync("sandbox", "reset", "--dir", d, "--only", "procore")
    assert "restarted" in reset.stdout
    fresh = _state(sandbox_dir, capsys)
    assert fresh["insurances"][record_id]["status"] == "undecided"
    assert set(fresh["vendors"]) == on_procore
    _coisync("sandbox", "down", "--dir", d)


def test_portfolio_imports_and_statuses_match_seeded_problems(sandbox_dir: Path) -> None:
    d = str(sandbox_dir)
    written = _coisync("sandbox", "reset", "--dir", d, "--seed", "8", "--size", "40", "--only", "procore")
    assert "seed 8, size 40" in written.stdout and "restarted" not in written.stdout
    (sandbox_dir / "coisync.toml").write_text('[portfolio]\nratings = "ratings.csv"\n')
    config = str(sandbox_dir / "coisync.toml")
    _coisync("--config", config, "import", str(sandbox_dir / "portfolio.jsonl"))
    report = json.loads((sandbox_dir / "seeded-problems.json").read_text())
    result = _coisync("--config", config, "status", "--json", "--as-of", report["as_of"], check=False)
    assert result.returncode == 3, result.stderr
    verdicts = json.loads(result.stdout)
    parties = verdicts["parties"] if isinstance(verdicts, dict) else verdicts
    got = {v["party_id"]: v["status"] for v in parties}
    assert got == {p["party_id"]: p["expected_status"] for p in report["problems"]}


@pytest.mark.parametrize(
    ("args", "shown", "stop"),
    [
        (["up", "--size", "12", "--only", "procore"], "serving until interrupted", "SIGINT"),
        (["serve", "procore"], "(Ctrl-C to stop)", "SIGTERM"),
    ],
)
def test_foreground_commands_stop_cleanly(tmp_path: Path, args: list[str], shown: str, stop: str) -> None:
    import signal
    import time

    directory = tmp_path / "fg"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "coisync", "sandbox", *args, "--dir", str(directory)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        state: dict[str, Any] = {}
        while time.monotonic() < deadline and not (state.get("ready") and state.get("pid") == process.pid):
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
            path = directory / "sandbox.json"
            state = json.loads(path.read_text()) if path.exists() else {}
        url = state["emulators"]["procore"]["url"]
        assert httpx.get(f"{url}/__emulator/faults", timeout=5).status_code == 200
        process.send_signal(getattr(signal, stop))
        out, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert url in out and shown in out
    assert not (directory / "sandbox.pid").exists()
    assert json.loads((directory / "sandbox.json").read_text())["ready"] is False
