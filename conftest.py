"""Fixtures for every test tree (``tests`` and each connector's ``tests``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _isolated_coisync_logger() -> Iterator[None]:
    """Undo what a CLI invocation did to the ``coisync`` logger, so caplog sees every record.

    It lives beside both test trees: a connector test that runs the CLI (which stops the logger
    propagating) would otherwise leave caplog blind for the tests after it in the same worker.
    """
    logger = logging.getLogger("coisync")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]
