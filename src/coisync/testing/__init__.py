"""The connector conformance kit: the same pytest checks for every connector, ours or a third party's.

::

    from coisync.testing import ConformanceAdapter, ConnectorConformance

    class AcmeAdapter(ConformanceAdapter):
        connector_cls = AcmeConnector
        stream = "policies"
        ...  # create_emulator, connection_table, credentials_env, seed, modify, write_op

    class TestAcmeConformance(ConnectorConformance):
        adapter = AcmeAdapter()

Cassette helpers (secret scrubbing, body matching, the re-filtering persister) are in
:mod:`coisync.testing.cassettes`.
"""

from __future__ import annotations

from coisync.testing.adapter import DEFAULT_PAGE_SIZE, ConformanceAdapter
from coisync.testing.conformance import ConnectorConformance, read_stream
from coisync.testing.harness import (
    MODES,
    EmulatorControl,
    EmulatorEndpoint,
    RecordingTransport,
    open_endpoint,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MODES",
    "ConformanceAdapter",
    "ConnectorConformance",
    "EmulatorControl",
    "EmulatorEndpoint",
    "RecordingTransport",
    "open_endpoint",
    "read_stream",
]
