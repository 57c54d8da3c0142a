"""What Yardi's messages inside HTTP 200 mean, as coisync errors with their exit codes.

========================================================  ==========================  ====
Yardi says (inside ``<Message messageType="Error">``)     raised as                   exit
========================================================  ==========================  ====
``Login failed.``                                         :class:`YardiLoginError`    2
``Interface ... is not Configured for property ...``      :class:`YardiConfigError`   2
``Invalid Yardi Property Code``                           :class:`YardiConfigError`   2
``Invalid or no access to Yardi Property``                :class:`YardiConfigError`   2
``Rate limit exceeded ...``                               retried, then               75
                                                          ``RateLimitedError``
anything else on a read                                   :class:`YardiMessageError`  2
========================================================  ==========================  ====
"""

from __future__ import annotations

from coisync.errors import ExitCode
from coisync.http import AuthError, HttpError


class YardiLoginError(AuthError):
    """Voyager answered ``Login failed.``: user name, password, server, database or platform is wrong."""


class YardiConfigError(HttpError):
    """Voyager refused a property or interface: the connection's configuration must change."""

    exit_code = ExitCode.USAGE


class YardiMessageError(HttpError):
    """Voyager answered a read with an error message (not an empty result)."""


__all__ = ["YardiConfigError", "YardiLoginError", "YardiMessageError"]
