"""Connection tables: validation, secrets, read-only default, errors naming key and fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from coisync.connector import (
    BasicCredentials,
    ConnectionConfig,
    ConnectorRegistry,
    OAuth2Credentials,
    load_connection,
    parse_connection,
)
from coisync.connector.base import ConnectionCheck, Connector
from coisync.connector.stream import Stream
from coisync.errors import ConfigError


class AcmeConfig(ConnectionConfig):
    credentials: OAuth2Credentials
    company_id: int = Field(gt=0)


class AcmeConnector(Connector):
    name = "acme"
    config_model = AcmeConfig

    def streams(self) -> list[Stream]:
        return []

    def check(self) -> ConnectionCheck:
        raise NotImplementedError


def table(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "connector": "acme",
        "base_url": "https://api.acme.test/",
        "company_id": 7,
        "credentials": {"client_id": "acme-client", "client_secret": {"$env": "ACME_TEST_SECRET"}},
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_TEST_SECRET", "very-secret-value")


def test_valid_table_is_read_only_by_default() -> None:
    config = parse_connection("acme-prod", table(), AcmeConfig)
    assert isinstance(config, AcmeConfig)
    assert config.name == "acme-prod"
    assert config.writes is False
    assert config.base_url == "https://api.acme.test"
    assert config.credentials.client_secret.get_secret_value() == "very-secret-value"
    assert config.rate_limit.concurrency == 4


def test_secrets_never_printed() -> None:
    config = parse_connection("acme", table(), AcmeConfig)
    for text in (repr(config), str(config), config.model_dump_json()):
        assert "very-secret-value" not in text
    assert "**********" in repr(config)


def test_http_config_carries_limits_and_opt_ins() -> None:
    config = parse_connection(
        "acme",
        table(rate_limit={"rate": 2.5, "burst": 5, "concurrency": 2}, allow_private_network=True),
        AcmeConfig,
    )
    http = config.http_config(max_attempts=2)
    assert (http.base_url, http.rate, http.burst, http.concurrency) == ("https://api.acme.test", 2.5, 5, 2)
    assert http.allow_private_network is True
    assert http.allow_insecure_http is False
    assert http.max_attempts == 2


def test_mapping_override_relative_to_config_dir(tmp_path: Path) -> None:
    config = parse_connection("acme", table(mapping="mappings/custom.toml"), AcmeConfig, base_dir=tmp_path)
    assert config.mapping == tmp_path / "mappings" / "custom.toml"


def test_file_secret_relative_to_config_dir(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("from-file\n", encoding="utf-8")
    creds = {"client_id": "c", "client_secret": {"$file": "secret.txt"}}
    config = parse_connection("acme", table(credentials=creds), AcmeConfig, base_dir=tmp_path)
    assert isinstance(config, AcmeConfig)
    assert config.credentials.client_secret.get_secret_value() == "from-file"


@pytest.mark.parametrize(
    ("test_name", "changes", "key", "text"),
    [
        ("missing_base_url", {"base_url": None}, "connections.acme.base_url", "is missing"),
        (
            "relative_base_url",
            {"base_url": "api.acme.test"},
            "connections.acme.base_url",
            "absolute http(s) URL",
        ),
        ("unknown_key", {"colour": "blue"}, "connections.acme.colour", "is not a known key"),
        ("bad_own_key", {"company_id": 0}, "connections.acme.company_id", "greater than 0"),
        ("bad_writes", {"writes": "sometimes"}, "connections.acme.writes", "boolean"),
        ("bad_rate", {"rate_limit": {"rate": -1}}, "connections.acme.rate_limit.rate", "greater than 0"),
        (
            "inline_secret",
            {"credentials": {"client_id": "c", "client_secret": "hunter2"}},
            "connections.acme.credentials.client_secret",
            '{"$env": "NAME"}',
        ),
        (
            "missing_env",
            {"credentials": {"client_id": "c", "client_secret": {"$env": "ACME_TEST_ABSENT"}}},
            "connections.acme.credentials.client_secret",
            "ACME_TEST_ABSENT",
        ),
        ("name_key", {"name": "other"}, "connections.acme.name", "is set by the table name"),
    ],
)
def test_bad_tables(test_name: str, changes: dict[str, Any], key: str, text: str) -> None:
    data = table(**changes)
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ConfigError) as info:
        parse_connection("acme", data, AcmeConfig)
    assert info.value.key == key
    assert text in str(info.value)
    assert "hunter2" not in str(info.value)
    assert "very-secret-value" not in str(info.value)


def test_bad_connection_name() -> None:
    with pytest.raises(ConfigError, match="not a valid connection name"):
        parse_connection("Acme Prod", table(), AcmeConfig)


def test_base_credentials_refuse_any_key() -> None:
    with pytest.raises(ConfigError) as info:
        parse_connection(
            "x", {"connector": "x", "base_url": "https://x.test", "credentials": {"k": "v"}}, ConnectionConfig
        )
    assert info.value.key == "connections.x.credentials.k"


def test_basic_credentials_build_basic_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    class BasicConfig(ConnectionConfig):
        credentials: BasicCredentials

    creds = {"username": "client/db/user", "password": {"$env": "ACME_TEST_SECRET"}}
    config = parse_connection(
        "b", {"connector": "b", "base_url": "https://b.test", "credentials": creds}, BasicConfig
    )
    assert isinstance(config, BasicConfig)
    auth = config.credentials.auth()
    assert "very-secret-value" not in repr(auth)


def registry() -> ConnectorRegistry:
    reg = ConnectorRegistry()
    reg.register(AcmeConnector, plugin="acme-plugin")
    return reg


def test_load_connection_uses_the_connectors_model(tmp_path: Path) -> None:
    config = {"connections": {"prod": table()}}
    loaded = load_connection("prod", config, config_path=tmp_path / "coisync.toml", registry=registry())
    assert isinstance(loaded, AcmeConfig)
    assert loaded.company_id == 7


def test_load_connection_errors() -> None:
    with pytest.raises(ConfigError, match=r"connections\.nope.*not configured \(configured: prod\)"):
        load_connection("nope", {"connections": {"prod": table()}}, registry=registry())
    with pytest.raises(
        ConfigError, match=r"connections\.prod\.connector.*unknown connector 'other' \(installed: acme\)"
    ):
        load_connection("prod", {"connections": {"prod": table(connector="other")}}, registry=registry())
    with pytest.raises(ConfigError, match=r"connections\.prod\.connector.*is missing"):
        load_connection(
            "prod", {"connections": {"prod": {"base_url": "https://x.test"}}}, registry=registry()
        )
    with pytest.raises(ConfigError, match=r"'connections'.*must be a table"):
        load_connection("prod", {"connections": 3}, registry=registry())


def test_oauth_credentials_use_the_connectors_token_url() -> None:
    class OAuthConnector(AcmeConnector):
        name = "acme_oauth"
        token_url = "https://login.acme.test/oauth/token"

    config = parse_connection("acme", table(), AcmeConfig)
    auth = OAuthConnector(config).build_auth()
    assert auth is not None
    assert auth.token_url == "https://login.acme.test/oauth/token"  # type: ignore[attr-defined]
    assert "very-secret-value" not in repr(auth)
    configured = parse_connection(
        "acme",
        table(
            credentials={
                "client_id": "c",
                "client_secret": {"$env": "ACME_TEST_SECRET"},
                "token_url": "https://t.test/x",
            }
        ),
        AcmeConfig,
    )
    assert OAuthConnector(configured).build_auth().token_url == "https://t.test/x"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="no token_url"):
        AcmeConnector(config).build_auth()


def test_soap_credentials_build_body_credentials() -> None:
    from coisync.connector import SoapCredentials

    class SoapConfig(ConnectionConfig):
        credentials: SoapCredentials

    creds = {
        "user_name": "api",
        "password": {"$env": "ACME_TEST_SECRET"},
        "server_name": "srv",
        "database": "db",
        "interface_entity": "coisync",
        "interface_license": {"$env": "ACME_TEST_SECRET"},
    }
    config = parse_connection(
        "y", {"connector": "y", "base_url": "https://y.test", "credentials": creds}, SoapConfig
    )
    assert isinstance(config, SoapConfig)
    assert config.credentials.auth() is None
    elements = dict(config.credentials.body_credentials().elements())
    assert elements["Password"] == "very-secret-value"
    assert elements["Platform"] == "SQL Server"
    assert elements["Database"] == "db"
