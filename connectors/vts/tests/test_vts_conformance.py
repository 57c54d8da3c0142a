"""The connector conformance kit for VTS, with and without the assumed certificate resource,
in process and against a served emulator."""

from __future__ import annotations

from vts_adapter import VtsAdapter, VtsReadOnlyAdapter

from coisync.testing import ConnectorConformance


class TestVtsConformance(ConnectorConformance):
    adapter = VtsAdapter()


class TestVtsReadOnlyConformance(ConnectorConformance):
    adapter = VtsReadOnlyAdapter()
