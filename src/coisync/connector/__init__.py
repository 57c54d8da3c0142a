"""The connector contract: configs, streams, cursors, writers, checks and the registry.

A connector package implements :class:`Connector` (streams that read, writers that write, a
check), ships a mapping file, and registers the class from its plugin::

    from coisync import hookimpl

    @hookimpl
    def register_connectors(register):
        register(AcmeConnector)

Everything a connector sends goes through its :class:`~coisync.http.HttpSession`; everything it
reads becomes canonical through its mapping (:mod:`coisync.mapping`).
"""

from coisync.connector.base import CheckItem, ConnectionCheck, Connector, SessionFactory
from coisync.connector.config import (
    ConnectionConfig,
    RateLimitConfig,
    connection_tables,
    load_connection,
    parse_connection,
)
from coisync.connector.contract import contract_problems
from coisync.connector.credentials import (
    ApiKeyCredentials,
    BasicCredentials,
    Credentials,
    OAuth2Credentials,
    SecretUserBasicCredentials,
    SoapCredentials,
)
from coisync.connector.cursor import Cursor, cursor_key
from coisync.connector.errors import ConnectorRegistrationError, WritesDisabledError
from coisync.connector.records import PlatformRecord, Quarantined, RecordBatch, content_hash
from coisync.connector.registry import (
    ConnectorRegistry,
    RegisteredConnector,
    collect_connectors,
    get_connector_registry,
    reset_connector_registry,
)
from coisync.connector.stream import Stream, batch_records, platform_record
from coisync.connector.writer import (
    Idempotency,
    WriteOp,
    WriteOutcome,
    Writer,
    WriteResult,
    WriteTarget,
    ownership_problems,
)

__all__ = [
    "ApiKeyCredentials",
    "BasicCredentials",
    "CheckItem",
    "ConnectionCheck",
    "ConnectionConfig",
    "Connector",
    "ConnectorRegistrationError",
    "ConnectorRegistry",
    "Credentials",
    "Cursor",
    "Idempotency",
    "OAuth2Credentials",
    "PlatformRecord",
    "Quarantined",
    "RateLimitConfig",
    "RecordBatch",
    "RegisteredConnector",
    "SecretUserBasicCredentials",
    "SessionFactory",
    "SoapCredentials",
    "Stream",
    "WriteOp",
    "WriteOutcome",
    "WriteResult",
    "WriteTarget",
    "Writer",
    "WritesDisabledError",
    "batch_records",
    "collect_connectors",
    "connection_tables",
    "content_hash",
    "contract_problems",
    "cursor_key",
    "get_connector_registry",
    "load_connection",
    "ownership_problems",
    "parse_connection",
    "platform_record",
    "reset_connector_registry",
]
