"""Batched writes sent one request at a time, with the store's bookkeeping done while it is out.

While batch *k*'s request is out (sent by a thread; the platform works on it), the main thread
records batch *k-1*'s answers and marks batch *k+1* ``sending``, in one transaction::

    mark 1 │ send 1 ─────────┐
           │ mark 2          │ answer 1
           │ send 2 ─────────┼───────────┐
           │ record 1 + mark 3           │ answer 2
           │ send 3 ...

Each row is still marked ``sending`` and committed before its request goes out, and
confirmed in the transaction that records what the platform now holds; a crash leaves at
most two batches ``sending`` (one sent, one not yet), which the next run reads back. Only one
request is out at a time, and a row whose answer is unknown is read back only when none is.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from coisync.connector import Connector, WriteResult
from coisync.http import CircuitOpenError, RateLimitedError
from coisync.store import Store
from coisync.sync import crashpoints, outbox
from coisync.sync.outbox import OutboxRow
from coisync.sync.outcomes import Outcomes, PushResult, record_outcomes, settle_ambiguous


class BatchSender:
    """Sends batches handed to :meth:`add` (each of one writer), pipelined as the module says."""

    def __init__(
        self,
        store: Store,
        connector: Connector,
        result: PushResult,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.connector = connector
        self.result = result
        self.progress = progress
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coisync-push")
        self._marked: list[OutboxRow] | None = None
        """Marked ``sending`` (committed), not sent yet."""
        self._received: Outcomes | None = None
        """Answered, not recorded yet."""

    def add(self, rows: list[OutboxRow]) -> None:
        """Send the batch marked before (if any) and mark ``rows`` while it is out."""
        if self._marked is None:
            self._write(None, rows)
        else:
            self._exchange(then_mark=rows)

    def drain(self) -> None:
        """Send what is marked and record every answer; nothing is out or unrecorded after."""
        if self._marked is not None:
            self._exchange(then_mark=None)
        answered, self._received = self._received, None
        self._write(answered, None)

    def close(self) -> None:
        """Record what was answered, put back rows marked but never sent, stop the thread.

        After an error the batch that was to go next was never sent, nor was a batch the
        platform refused to take (a refusal to wait, an open circuit): their rows return to
        ``pending`` with the attempt uncounted, so the next run sends them without reading each
        back. A batch whose request may have been applied stays ``sending`` and is read back.
        """
        answered, self._received = self._received, None
        try:
            self._write(answered, None, unmark=self._marked)
        finally:
            self._marked = None
            self._thread.shutdown(wait=True)

    def _exchange(self, then_mark: list[OutboxRow] | None) -> None:
        sending, self._marked = self._marked, None
        assert sending is not None
        writer = self.connector.writer_for(sending[0].op.target, sending[0].op.platform_type)
        crashpoints.hit("push.before_send")
        answer: Future[list[WriteResult]] = self._thread.submit(writer.apply_batch, [r.op for r in sending])
        answered, self._received = self._received, None
        try:
            self._write(answered, then_mark)
        finally:
            try:
                written = answer.result()
            except (RateLimitedError, CircuitOpenError):
                # A refusal to wait or an open circuit: the platform applied nothing.
                self._marked = [*sending, *(self._marked or [])]
                raise
        crashpoints.hit("push.after_send")
        self._received = settle_ambiguous(
            self.store, self.connector, list(zip(sending, written, strict=True)), self.result
        )

    def _write(
        self,
        answered: Outcomes | None,
        mark: list[OutboxRow] | None,
        *,
        unmark: list[OutboxRow] | None = None,
    ) -> None:
        """One transaction: record ``answered``, mark ``mark`` sending, return ``unmark`` to pending."""
        if not answered and not mark and not unmark:
            return
        with self.store.transaction() as conn:
            if answered:
                record_outcomes(conn, answered, self.result)
            if mark:
                outbox.mark_sending(conn, [row.op.op_id for row in mark])
            if unmark:
                outbox.unmark_sending(conn, [row.op.op_id for row in unmark])
        if mark:
            self._marked = mark
        if answered and self.progress:
            self.progress(len(answered))
