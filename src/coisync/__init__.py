"""coisync: certificate-of-insurance compliance and two-way sync for commercial real estate.

The public surface is small on purpose: the canonical models live in :mod:`coisync.model`,
the plugin markers are re-exported here so a connector package needs only::

    from coisync import hookimpl
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coisync")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

from coisync.plugins.hookspecs import hookimpl

__all__ = ["__version__", "hookimpl"]
