"""Parties a channel cannot reach: a known data gap, reported once as new, then listed until fixed.

A notice due for a party with no e-mail contact cannot go out by e-mail. The first run that
finds this records a block for (party, channel), with a ``followup.party.blocked`` audit row,
and counts it as new (the run exits 1: a person must add the contact). Later runs list the
block but do not count it again, and send nothing to the party on that channel. Once the party
has an e-mail contact the block is removed (``followup.party.unblocked``, audited) and the
due notice goes out in that same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.followup.tables import blocks
from coisync.store import Store

ACTOR = "coisync notify"
CONTACT_ADDED = "contact_added"


@dataclass(frozen=True)
class BlockRow:
    """A party one channel cannot reach, since the first run that found it."""

    party_id: str
    channel: str
    needed: str
    message: str
    case_id: str
    track: str
    step: int
    as_of: date
    run_id: str | None
    since: datetime

    def as_dict(self, *, new: bool) -> dict[str, Any]:
        """JSON-ready form; ``new`` when this run found it first."""
        return {
            "party_id": self.party_id,
            "channel": self.channel,
            "needed": self.needed,
            "message": self.message,
            "track": self.track,
            "step": self.step + 1,
            "as_of": self.as_of.isoformat(),
            "since": self.since.isoformat(),
            "new": new,
        }


def no_contact_message(party_name: str, party_id: str, needed: str, platforms: list[str]) -> str:
    """What a person must do: ``no contact: add an e-mail for <party> in <platform>``."""
    where = " or ".join(platforms) if platforms else "the store (the party is in no connected platform)"
    return f"no contact: add an {needed} for {party_name} ({party_id}) in {where}"


def _row(row: Any) -> BlockRow:
    return BlockRow(
        party_id=row.party_id,
        channel=row.channel,
        needed=row.needed,
        message=row.message,
        case_id=row.case_id,
        track=row.track,
        step=row.step,
        as_of=row.as_of,
        run_id=row.run_id,
        since=row.since,
    )


def open_blocks(conn: Connection, party_ids: list[str] | None = None) -> list[BlockRow]:
    """Every recorded block (or those of ``party_ids``), oldest first."""
    query = sa.select(blocks).order_by(blocks.c.since, blocks.c.party_id, blocks.c.channel)
    if party_ids is not None:
        query = query.where(blocks.c.party_id.in_(party_ids))
    return [_row(r) for r in conn.execute(query)]


def record_block(store: Store, row: BlockRow) -> None:
    """Record a new block with its audit row (one transaction)."""
    with store.transaction() as conn:
        conn.execute(blocks.insert().values(**row.__dict__))
        payload = {
            "party_id": row.party_id,
            "case_id": row.case_id,
            "track": row.track,
            "step": row.step + 1,
            "channel": row.channel,
            "recipients": [],
            "as_of": row.as_of,
            "outcome": "blocked",
            "needed": row.needed,
            "error": row.message,
        }
        store.audit.append(ACTOR, "followup.party.blocked", f"party:{row.party_id}", payload, conn=conn)


def clear_block(store: Store, row: BlockRow, as_of: date, addresses: list[str]) -> None:
    """Remove a block once the party has a contact again (audited with the addresses found)."""
    with store.transaction() as conn:
        conn.execute(
            blocks.delete().where(blocks.c.party_id == row.party_id, blocks.c.channel == row.channel)
        )
        payload = {
            "party_id": row.party_id,
            "channel": row.channel,
            "recipients": addresses,
            "as_of": as_of,
            "outcome": CONTACT_ADDED,
            "blocked_since": row.since.isoformat(),
        }
        store.audit.append(ACTOR, "followup.party.unblocked", f"party:{row.party_id}", payload, conn=conn)


def now() -> datetime:
    """The time a block is recorded."""
    return datetime.now(tz=UTC)
