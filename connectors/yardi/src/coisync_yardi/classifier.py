"""Yardi's errors inside HTTP 200, classified at the HTTP seam (never mistaken for empty results).

Voyager reports login failures, licence and property problems and (assumed) throttling as
``<Messages><Message messageType="Error">`` inside a successful SOAP response. The classifier
raises :class:`~coisync_yardi.errors.YardiLoginError` and
:class:`~coisync_yardi.errors.YardiConfigError` (not retried) and answers
``Action.RATE_LIMITED`` for an over-limit message (retried with backoff, then
``RateLimitedError``, exit 75). Other messages are left to the caller, who knows whether the
operation was a read (an error) or an import (a rejected write); "No insurance policies exist
with the given search criteria." is an empty result.
"""

from __future__ import annotations

import re

import httpx

from coisync.http import Action
from coisync.http.soap import SoapMessage, local_name
from coisync.http.soap_client import SoapResponseClassifier
from coisync_yardi.errors import YardiConfigError, YardiLoginError

LOGIN_FAILED = "Login failed."
NO_POLICIES = "No insurance policies exist with the given search criteria."
_CONFIG = re.compile(
    r"is not Configured for|Invalid Yardi Property Code|Invalid or no access to Yardi Property", re.IGNORECASE
)
_RATE = re.compile(r"rate limit|too many requests|throttl", re.IGNORECASE)


def error_messages(message: SoapMessage) -> list[str]:
    """The text of every ``Message`` of type ``Error`` in the envelope's body."""
    return [
        (element.text or "").strip()
        for element in message.body.iter()
        if local_name(element.tag) == "Message" and element.get("messageType", "").lower() == "error"
    ]


class YardiResponseClassifier(SoapResponseClassifier):
    """Turns Yardi's error messages inside HTTP 200 into errors or a rate-limit action."""

    def inspect(self, response: httpx.Response, message: SoapMessage) -> Action:
        """Classify the messages of a successful envelope (see the module docs).

        Raises:
            YardiLoginError: ``Login failed.``
            YardiConfigError: A property or interface the connection may not use.
        """
        errors = error_messages(message)
        text = " ".join(element.text or "" for element in message.body.iter())
        if LOGIN_FAILED in errors or (not errors and text.strip() == LOGIN_FAILED):
            raise YardiLoginError(
                "Yardi answered 'Login failed.': check the connection's user_name, password, server_name, "
                "database and platform (secrets are never shown)",
                method=response.request.method,
                url=str(response.request.url),
                status=response.status_code,
            )
        for error in errors:
            if _CONFIG.search(error):
                raise YardiConfigError(
                    f"Yardi refused the configuration: {error} (fix the connection's properties, "
                    "interface_entity or interface_license, or ask the Yardi administrator to license "
                    "the interface for that property)",
                    method=response.request.method,
                    url=str(response.request.url),
                    status=response.status_code,
                )
            if _RATE.search(error):
                return Action.RATE_LIMITED
        return Action.OK


__all__ = ["LOGIN_FAILED", "NO_POLICIES", "YardiResponseClassifier", "error_messages"]
