"""HTTP Basic whose user name is a secret too (an API key): references resolve, inline values are refused."""

from __future__ import annotations

import pytest

from coisync.connector import ConnectionConfig, SecretUserBasicCredentials, parse_connection
from coisync.errors import ConfigError
from coisync.http import BasicAuth


class KeyConfig(ConnectionConfig):
    credentials: SecretUserBasicCredentials


def table(username: object) -> dict[str, object]:
    return {
        "connector": "keyed",
        "base_url": "https://api.keyed.test",
        "credentials": {"username": username, "password": {"$env": "KEYED_SECRET"}},
    }


def test_a_referenced_user_name_resolves_and_stays_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYED_KEY", "key-6a1f")
    monkeypatch.setenv("KEYED_SECRET", "secret-90cc")
    config = parse_connection("k", table({"$env": "KEYED_KEY"}), KeyConfig)
    auth = config.credentials.auth()
    assert isinstance(auth, BasicAuth)
    assert "key-6a1f" not in repr(config) and "secret-90cc" not in repr(config)


def test_an_inline_user_name_is_refused_naming_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYED_SECRET", "secret-90cc")
    with pytest.raises(ConfigError, match=r"credentials\.username") as raised:
        parse_connection("k", table("inline-key-77"), KeyConfig)
    assert "inline-key-77" not in str(raised.value)
