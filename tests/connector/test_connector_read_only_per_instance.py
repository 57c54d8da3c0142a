"""``read_only`` / ``read_only_reason`` may be set per connector instance, not only per class."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from coisync.connector import (
    CheckItem,
    ConnectionCheck,
    ConnectionConfig,
    Connector,
    Stream,
    WritesDisabledError,
    WriteTarget,
    parse_connection,
)
from coisync.connector.registry import _problem as registration_problem


class SometimesWritable(Connector):
    """Learns at construction whether its platform has a writable surface."""

    name = "sometimes"

    def __init__(self, config: ConnectionConfig, *, platform_writable: bool) -> None:
        super().__init__(config)
        if not platform_writable:
            self.read_only = True
            self.read_only_reason = "this account has no writable resource"

    def streams(self) -> Sequence[Stream]:
        return []

    def check(self) -> ConnectionCheck:
        return ConnectionCheck(CheckItem(True, "ok"), CheckItem(True, "ok"), self.writable_check())


def config() -> ConnectionConfig:
    return parse_connection(
        "s", {"connector": "sometimes", "base_url": "https://s.test", "writes": True}, ConnectionConfig
    )


def test_an_instance_can_be_read_only_while_its_class_is_not() -> None:
    closed = SometimesWritable(config(), platform_writable=False)
    open_ = SometimesWritable(config(), platform_writable=True)
    assert SometimesWritable.read_only is False and SometimesWritable.read_only_reason is None
    assert closed.read_only is True and open_.read_only is False
    with pytest.raises(WritesDisabledError, match="read-only: this account has no writable resource"):
        closed.writer_for(WriteTarget.COMPLIANCE_STATUS)
    with pytest.raises(KeyError):  # writable, but it offers no writer for the target
        open_.writer_for(WriteTarget.COMPLIANCE_STATUS)
    assert closed.check().writable == CheckItem(
        False, "read-only connector: this account has no writable resource"
    )
    assert open_.check().writable.ok is True


def test_the_class_level_declaration_still_works() -> None:
    class AlwaysReadOnly(SometimesWritable):
        read_only = True
        read_only_reason = "no write API"

    connector = AlwaysReadOnly(config(), platform_writable=True)
    assert connector.read_only is True and connector.read_only_reason == "no write API"
    assert registration_problem(AlwaysReadOnly) is None
