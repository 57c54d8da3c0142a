"""The platform-note channel: a note on the party's record, written through the sync engine.

It never writes to a platform itself. Each notice becomes an outbox row (``WriteTarget.NOTE``,
job ``followup``) for every configured connection holding the party, in the transaction that
records the attempt as sent to the outbox; :func:`coisync.sync.push.push_connection` then
delivers the rows with the outbox's guarantees (marked sending first, read back before any
retry). A connection whose connector has no note writer for the party's record type is skipped.
"""

from __future__ import annotations

import logging
from typing import Any

from coisync.connector import Connector, WriteOp, WriteTarget
from coisync.errors import CoisyncError
from coisync.followup.channels.base import ChannelContext, ChannelError, Delivery
from coisync.followup.notices import Notice
from coisync.sync import outbox
from coisync.sync.push import push_connection

log = logging.getLogger("coisync.followup")


def note_text(notice: Notice) -> str:
    """The note: the subject and one line per open item."""
    lines = [notice.subject] + [f"- {item.coverage or 'certificate'}: {item.fix}" for item in notice.items]
    return "\n".join(lines)[:2000]


class NoteChannel:
    """Queue a note for every configured connection that holds the party."""

    name = "note"

    def __init__(self, context: ChannelContext) -> None:
        self.context = context
        self._connectors: dict[str, Connector] = {}

    @classmethod
    def from_context(cls, context: ChannelContext) -> NoteChannel:
        """Build from the run's settings."""
        return cls(context)

    def _connector(self, name: str) -> Connector:
        if name not in self._connectors:
            from coisync.sync.connections import build_connector

            self._connectors[name] = build_connector(name, self.context.config, self.context.config_path)
        return self._connectors[name]

    def _ops(self, notice: Notice, key: str) -> list[WriteOp]:
        ops: list[WriteOp] = []
        wanted = set(self.context.settings.note.connections)
        for ref in self.context.store.refs_for_entity("party", notice.party_id):
            if ref.connection not in wanted:
                continue
            connector = self._connector(ref.connection)
            try:
                connector.writer_for(WriteTarget.NOTE, ref.platform_type)
            except (KeyError, CoisyncError):
                continue
            desired: dict[str, Any] = {"deficiency_summary": note_text(notice)}
            payload = connector.mapping.reverse(ref.platform_type, desired, job="followup")
            ops.append(
                WriteOp(
                    op_id=f"{key}-{ref.connection}"[:64],
                    connection=ref.connection,
                    target=WriteTarget.NOTE,
                    platform_type=ref.platform_type,
                    platform_id=ref.platform_id,
                    payload=dict(payload.values),
                    desired=desired,
                    job="followup",
                )
            )
        return ops

    def addresses(self, notice: Notice) -> tuple[str, ...]:
        """The connections noted on."""
        return tuple(sorted(self.context.settings.note.connections))

    def send(self, notice: Notice, key: str) -> Delivery:
        """Queue the note rows in the outbox (one transaction)."""
        ops = self._ops(notice, key)
        if not ops:
            raise ChannelError(f"no configured connection holds party {notice.party_id} with a note writer")
        with self.context.store.transaction() as conn:
            for op in ops:
                outbox.add(conn, op, run_id=self.context.run_id, before={}, entity=("party", notice.party_id))
        return Delivery(message_id=",".join(op.op_id for op in ops), queued=True)

    def finish(self) -> None:
        """Push the queued rows through the sync engine's push step."""
        for name, connector in self._connectors.items():
            result = push_connection(self.context.store, connector)
            log.info("notes pushed to %s: %d applied, %d failed", name, result.applied, result.failed)
