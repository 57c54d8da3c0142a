"""The conformance kit's public API: what a third-party connector imports."""

from __future__ import annotations

import coisync.testing
import coisync.testing.cassettes


def test_exported_members() -> None:
    assert coisync.testing.__all__ == [
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
    for name in coisync.testing.__all__:
        assert getattr(coisync.testing, name) is not None
    for name in coisync.testing.cassettes.__all__:
        assert getattr(coisync.testing.cassettes, name) is not None


def test_the_base_class_is_not_collected_as_a_test() -> None:
    assert not coisync.testing.ConnectorConformance.__name__.startswith("Test")
    assert coisync.testing.MODES == ("in_process", "served")
