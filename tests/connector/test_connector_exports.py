"""The public API of coisync.connector, coisync.mapping and coisync.secrets is exactly ``__all__``."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = ["coisync.connector", "coisync.mapping", "coisync.secrets"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist_and_are_sorted(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported))
    for attribute in exported:
        assert hasattr(module, attribute), f"{name}.__all__ names {attribute!r}, which does not exist"


@pytest.mark.parametrize("name", PACKAGES)
def test_public_callables_have_docstrings(name: str) -> None:
    module = importlib.import_module(name)
    undocumented = [
        attribute
        for attribute in module.__all__
        if (inspect.isclass(getattr(module, attribute)) or inspect.isfunction(getattr(module, attribute)))
        and not inspect.getdoc(getattr(module, attribute))
    ]
    assert undocumented == []
