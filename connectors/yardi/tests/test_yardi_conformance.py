"""The connector conformance kit, run for Yardi in process and against a served emulator.

Two kit fixtures and one check are adapted to SOAP, not skipped:

* the endpoint's recording transport also keeps the credentials of each SOAP body
  (``coisync.testing.soap``), so the secret checks know what crossed the wire;
* Voyager has no paging (platforms.md §1): the paging check becomes "every record in one call".
"""

from __future__ import annotations

import pytest
from yardi_adapter import YardiAdapter

from coisync.sandbox.emulator import Emulator
from coisync.testing import ConnectorConformance, EmulatorEndpoint, read_stream
from coisync.testing.soap import wrap_transport


class TestYardiConformance(ConnectorConformance):
    adapter = YardiAdapter()

    @pytest.fixture(autouse=True)
    def body_credentials(self, endpoint: EmulatorEndpoint) -> None:
        """The kit's endpoint (in process or served) records body credentials too."""
        wrap_transport(endpoint)

    def test_paging_reaches_the_end(  # type: ignore[override]
        self, connector_factory: object, emulator: Emulator, endpoint: EmulatorEndpoint
    ) -> None:
        """No paging: every seeded record is read once, from one ``GetVendors_Login`` POST."""
        seeded = self.adapter.seed(emulator, 3 * self.adapter.page_size + 1)
        endpoint.control.clear_requests()
        records, quarantined, _ = read_stream(connector_factory(), self.adapter.stream)  # type: ignore[operator]
        ids = [r.platform_id for r in records]
        assert not quarantined
        assert set(seeded) <= set(ids)
        assert len(ids) == len(set(ids)), "a record was handed over twice"
        calls = [e for e in endpoint.control.requests() if e["method"] == "POST" and e["status"] == 200]
        assert len(calls) == 1, calls
