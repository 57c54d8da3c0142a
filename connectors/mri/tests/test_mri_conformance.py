"""The connector conformance kit, run for MRI in process and against a served emulator."""

from __future__ import annotations

from mri_adapter import MriAdapter

from coisync.testing import ConnectorConformance


class TestMriConformance(ConnectorConformance):
    adapter = MriAdapter()
