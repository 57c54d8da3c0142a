"""The public surface of coisync.http: everything exported exists and is documented."""

from __future__ import annotations

import inspect

import coisync.http
from coisync.errors import CoisyncError, TemporaryError
from coisync.http import errors


def test_all_names_exist_once() -> None:
    assert len(set(coisync.http.__all__)) == len(coisync.http.__all__)
    for name in coisync.http.__all__:
        assert hasattr(coisync.http, name), name


def test_public_classes_and_functions_have_docstrings() -> None:
    for name in coisync.http.__all__:
        member = getattr(coisync.http, name)
        if inspect.isclass(member) or inspect.isfunction(member):
            assert inspect.getdoc(member), f"{name} has no docstring"


def test_every_error_is_a_coisync_error_and_temporary_ones_exit_75() -> None:
    classes = [
        member
        for _, member in inspect.getmembers(errors, inspect.isclass)
        if member.__module__ == errors.__name__
    ]
    assert classes
    for cls in classes:
        assert issubclass(cls, CoisyncError), cls
    temporary = {cls.__name__ for cls in classes if issubclass(cls, TemporaryError)}
    assert temporary == {
        "CircuitOpenError",
        "RateLimitedError",
        "ServerError",
        "TransportFailedError",
    }
