"""coisync's MRI connector package: the connector and an emulator of MRI's API endpoint."""

from __future__ import annotations
