"""The shared replay scaffolding: the network guard and the cassette scan every replay module runs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from coisync.testing.replay import RECORD_ENV, guard_network, recording, scrubbed_cassettes


def test_guard_blocks_sockets_while_replaying(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RECORD_ENV, raising=False)
    guard_network(monkeypatch)
    with pytest.raises(RuntimeError, match="network access is blocked"), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
    with pytest.raises(RuntimeError, match="network access is blocked"):
        socket.getaddrinfo("example.com", 443)


def test_guard_leaves_sockets_alone_while_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RECORD_ENV, "1")
    assert recording()
    original = socket.socket.connect
    guard_network(monkeypatch)
    assert socket.socket.connect is original


def cassettes(tmp_path: Path, *texts: str) -> Path:
    for number, text in enumerate(texts):
        (tmp_path / f"test_{number}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_scan_passes_clean_cassettes_and_returns_their_text(tmp_path: Path) -> None:
    directory = cassettes(tmp_path, "Authorization: <AUTHORIZATION>\n", "token: <AUTHORIZATION>\n")
    found = scrubbed_cassettes(directory, at_least=2, absent=["canary-9"], present=["<AUTHORIZATION>"])
    assert [(path.name, text) for path, text in found] == [
        ("test_0.yaml", "Authorization: <AUTHORIZATION>\n"),
        ("test_1.yaml", "token: <AUTHORIZATION>\n"),
    ]


def test_scan_fails_on_a_leaked_value_without_naming_it(tmp_path: Path) -> None:
    directory = cassettes(tmp_path, "<AUTHORIZATION>\n", "<AUTHORIZATION> password=canary-9\n")
    with pytest.raises(AssertionError, match=r"test_1\.yaml holds a credential") as caught:
        scrubbed_cassettes(directory, at_least=1, absent=["canary-9"], present=["<AUTHORIZATION>"])
    assert "canary-9" not in str(caught.value)


def test_scan_fails_on_a_missing_placeholder_or_too_few_cassettes(tmp_path: Path) -> None:
    directory = cassettes(tmp_path, "<PASSWORD>\n")
    with pytest.raises(AssertionError, match="lacks the scrubbed placeholder"):
        scrubbed_cassettes(directory, at_least=1, absent=[], present=["<PASSWORD>", "<INTERFACELICENSE>"])
    with pytest.raises(AssertionError, match="expected 2 or more"):
        scrubbed_cassettes(directory, at_least=2, absent=[])
