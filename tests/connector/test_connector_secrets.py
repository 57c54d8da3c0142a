"""Secret references: $env, $file, inline refusal, errors that never show the value."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from coisync.errors import ConfigError
from coisync.secrets import Secret, is_secret_ref, resolve_secret, resolve_secret_refs


def test_env_reference_resolves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COISYNC_TEST_SECRET", "s3cr3t-value")
    secret = resolve_secret({"$env": "COISYNC_TEST_SECRET"}, key="connections.x.credentials.password")
    assert secret.get_secret_value() == "s3cr3t-value"
    assert "s3cr3t" not in repr(secret)
    assert "s3cr3t" not in str(secret)


def test_file_reference_relative_to_base_dir(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "token").write_text("file-secret\n", encoding="utf-8")
    secret = resolve_secret({"$file": "secrets/token"}, key="k", base_dir=tmp_path)
    assert secret.get_secret_value() == "file-secret"


def test_file_reference_absolute(tmp_path: Path) -> None:
    path = tmp_path / "abs"
    path.write_text("abs-secret", encoding="utf-8")
    assert resolve_secret(
        {"$file": str(path)}, key="k", base_dir=Path("/nonexistent")
    ).get_secret_value() == ("abs-secret")


def test_inline_secret_refused_with_fix() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_secret("hunter2", key="connections.procore.credentials.client_secret")
    message = str(info.value)
    assert "connections.procore.credentials.client_secret" in message
    assert '{"$env": "NAME"}' in message
    assert "hunter2" not in message


def test_missing_env_var_names_key_and_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COISYNC_TEST_ABSENT", raising=False)
    with pytest.raises(ConfigError) as info:
        resolve_secret({"$env": "COISYNC_TEST_ABSENT"}, key="connections.mri.credentials.password")
    message = str(info.value)
    assert "connections.mri.credentials.password" in message
    assert "COISYNC_TEST_ABSENT" in message
    assert "not set" in message


def test_empty_env_var_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COISYNC_TEST_EMPTY", "")
    with pytest.raises(ConfigError, match="is empty"):
        resolve_secret({"$env": "COISYNC_TEST_EMPTY"}, key="k")


def test_unreadable_file_names_key_and_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_secret({"$file": "missing.txt"}, key="connections.vts.credentials.secret", base_dir=tmp_path)
    message = str(info.value)
    assert "connections.vts.credentials.secret" in message
    assert str(tmp_path / "missing.txt") in message


def test_non_reference_mapping_refused() -> None:
    with pytest.raises(ConfigError, match="must be a secret reference"):
        resolve_secret({"$env": "A", "$file": "b"}, key="k")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"$env": "A"}, True),
        ({"$file": "a"}, True),
        ({"$env": 3}, False),
        ({"$env": "A", "other": 1}, False),
        ({"env": "A"}, False),
        ("A", False),
    ],
)
def test_is_secret_ref(value: object, expected: bool) -> None:
    assert is_secret_ref(value) is expected


def test_resolve_refs_walks_nested_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COISYNC_TEST_NESTED", "nested")
    data = {"a": 1, "b": {"c": {"$env": "COISYNC_TEST_NESTED"}}, "d": [{"$env": "COISYNC_TEST_NESTED"}]}
    resolved = resolve_secret_refs(data, key="root")
    assert resolved["a"] == 1
    assert isinstance(resolved["b"]["c"], SecretStr)
    assert resolved["d"][0].get_secret_value() == "nested"


def test_missing_nested_ref_reports_full_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COISYNC_TEST_ABSENT", raising=False)
    with pytest.raises(ConfigError, match=r"root\.b\.c"):
        resolve_secret_refs({"b": {"c": {"$env": "COISYNC_TEST_ABSENT"}}}, key="root")


class _Creds(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
    password: Secret


def test_secret_field_refuses_plain_text_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as info:
        _Creds.model_validate({"password": "plain-text-pw"})
    assert "plain-text-pw" not in str(info.value)
    assert info.value.errors()[0]["type"] == "inline_secret"


def test_secret_field_masked_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COISYNC_TEST_PW", "pw-value")
    creds = _Creds.model_validate({"password": {"$env": "COISYNC_TEST_PW"}})
    assert "pw-value" not in repr(creds)
    assert "**********" in repr(creds)
    assert creds.password.get_secret_value() == "pw-value"
