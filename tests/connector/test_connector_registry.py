"""The connector registry: validation, duplicates naming both plugins, hook collection."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pluggy
import pytest

from coisync.connector import (
    ConnectionCheck,
    Connector,
    ConnectorRegistrationError,
    ConnectorRegistry,
    Stream,
    collect_connectors,
)
from coisync.errors import ConfigError
from coisync.mapping import registered_mappings, unregister_mapping
from coisync.plugins import hookimpl, hookspecs

MAPPING = Path(__file__).parents[1] / "mapping" / "fixtures" / "acmelease.toml"


class Good(Connector):
    name = "good_test"
    mapping_locations = (MAPPING,)

    def streams(self) -> Sequence[Stream]:
        return []

    def check(self) -> ConnectionCheck:
        raise NotImplementedError


class Abstract(Connector):
    name = "abstract_test"


class BadName(Good):
    name = "Bad Name"


class ReadOnlyNoReason(Good):
    name = "ro_test"
    read_only = True


class BadConfigModel(Good):
    name = "badcfg_test"
    config_model = dict  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _forget_mapping() -> Any:
    yield
    unregister_mapping("good_test")


def test_register_and_get() -> None:
    registry = ConnectorRegistry()
    registry.register(Good, plugin="good-plugin")
    assert registry.get("good_test") is Good
    assert registry.entries["good_test"].plugin == "good-plugin"
    assert registry.names() == ["good_test"]
    assert registered_mappings()["good_test"] == [MAPPING]


@pytest.mark.parametrize(
    ("cls", "reason"),
    [
        (object, "not a subclass of coisync.connector.Connector"),
        (
            Good(  # an instance, not a class
                __import__("coisync.connector", fromlist=["ConnectionConfig"]).ConnectionConfig(
                    name="x", connector="good_test", base_url="https://x.test"
                )
            ),
            "not a subclass",
        ),
        (Abstract, "abstract methods not implemented: check, streams"),
        (BadName, "lower-case letters"),
        (ReadOnlyNoReason, "must say why in read_only_reason"),
        (BadConfigModel, "config_model must be a ConnectionConfig subclass"),
    ],
)
def test_register_refuses_unusable(cls: object, reason: str) -> None:
    with pytest.raises(ConnectorRegistrationError, match="plugin 'p' registered") as info:
        ConnectorRegistry().register(cls, plugin="p")
    assert reason in str(info.value)


def test_duplicate_name_names_both_plugins() -> None:
    class Twin(Good):
        pass

    registry = ConnectorRegistry()
    registry.register(Good, plugin="first-plugin")
    with pytest.raises(ConnectorRegistrationError) as info:
        registry.register(Twin, plugin="second-plugin")
    message = str(info.value)
    assert "'first-plugin'" in message and "'second-plugin'" in message
    assert "Twin" in message
    assert registry.get("good_test") is Good


def test_unknown_connector_lists_installed() -> None:
    registry = ConnectorRegistry()
    registry.register(Good, plugin="p")
    with pytest.raises(ConfigError, match=r"unknown connector 'nope' \(installed: good_test\)"):
        registry.get("nope", key="connections.x.connector")


def _pm(*plugins: tuple[str, object]) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("coisync")
    pm.add_hookspecs(hookspecs)
    for name, plugin in plugins:
        pm.register(plugin, name=name)
    return pm


def _plugin(*classes: object, fail: bool = False) -> object:
    @hookimpl
    def register_connectors(register: Any) -> None:
        for cls in classes:
            register(cls)
        if fail:
            raise RuntimeError("plugin bug")

    return type("Plugin", (), {"register_connectors": staticmethod(register_connectors)})()


def test_collect_records_the_source_plugin_and_survives_a_broken_one() -> None:
    class Other(Good):
        name = "other_test"

    pm = _pm(
        ("good-plugin", _plugin(Good)),
        ("broken-plugin", _plugin(fail=True)),
        ("other-plugin", _plugin(Other)),
    )
    registry = collect_connectors(pm)
    assert registry.names() == ["good_test", "other_test"]
    assert registry.entries["good_test"].plugin == "good-plugin"
    assert registry.entries["other_test"].plugin == "other-plugin"
    assert registry.errors == {"broken-plugin": "RuntimeError: plugin bug"}


def test_collect_duplicate_across_plugins_is_reported_with_both_names(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logging.getLogger("coisync"), "propagate", True)  # the CLI may have turned it off

    class Twin(Good):
        pass

    pm = _pm(("a-plugin", _plugin(Good)), ("b-plugin", _plugin(Twin)))
    registry = collect_connectors(pm)
    assert len(registry.entries) == 1
    ((failed, reason),) = registry.errors.items()
    assert failed in {"a-plugin", "b-plugin"}
    assert "'a-plugin'" in reason and "'b-plugin'" in reason
    assert "could not register its connectors" in caplog.text


def test_process_registry_follows_the_plugin_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    from coisync.connector import get_connector_registry, reset_connector_registry
    from coisync.plugins import reset_plugin_manager

    monkeypatch.setenv("COISYNC_LOAD_PLUGINS", "builtin")
    reset_plugin_manager()
    reset_connector_registry()
    try:
        first = get_connector_registry()
        assert get_connector_registry() is first
        reset_plugin_manager()  # a new manager: the registry is collected again
        assert get_connector_registry() is not first
    finally:
        reset_plugin_manager()
        reset_connector_registry()
