"""The connector conformance kit, run for Procore in process and against a served emulator."""

from __future__ import annotations

from procore_adapter import ProcoreAdapter

from coisync.testing import ConnectorConformance


class TestProcoreConformance(ConnectorConformance):
    adapter = ProcoreAdapter()
