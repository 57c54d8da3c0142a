"""Channels: registration through the hook, webhook with an idempotency key, notes through the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from followup_portfolio import seed, write_config

from coisync.config import read_config_file
from coisync.connector import WriteOp, WriteOutcome, WriteResult, WriteTarget
from coisync.followup.channels import ChannelContext, channel_factories
from coisync.followup.channels.note import NoteChannel
from coisync.followup.channels.webhook import WebhookChannel
from coisync.followup.documents import NoticeItem
from coisync.followup.notices import Notice
from coisync.followup.settings import load_followup_settings
from coisync.http import HttpSession
from coisync.http.config import HttpConfig
from coisync.model import ExternalRef
from coisync.sync.tables import outbox

ITEM = NoticeItem("limit_insufficient", "fail", "general_liability each_occurrence", "$1,000,000", "$500,000",
                  "MSA § 9.1", "", "Raise the limit to $1,000,000.", "")  # fmt: skip
NOTICE = Notice(
    "V2",
    "case-1",
    "deficiency",
    0,
    ("v2@example.com",),
    (),
    "Certificate needed",
    "text",
    "<p>html</p>",
    (ITEM,),
)


def test_builtin_channels_register_through_the_hook() -> None:
    assert {"email", "note", "webhook"} <= set(channel_factories())


def test_webhook_posts_json_with_the_attempt_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"ok": True})

    config = HttpConfig(base_url="https://hooks.example.com/coi", max_attempts=1)
    channel = WebhookChannel(
        HttpSession(
            config, transport=httpx.MockTransport(handler), resolver=lambda host, port: ["93.184.216.34"]
        ),
        "https://hooks.example.com/coi",
    )
    delivery = channel.send(NOTICE, "key-123")
    assert delivery.message_id == "key-123" and delivery.detail == {"status": 202}
    (request,) = seen
    assert request.method == "POST" and request.headers["Idempotency-Key"] == "key-123"
    body = json.loads(request.content)
    assert body["party_id"] == "V2" and body["step"] == 1 and body["content_hash"] == NOTICE.content_hash
    assert body["items"][0]["clause"] == "MSA § 9.1"


class _NoteWriter:
    max_batch = 1


class _FakeConnector:
    """Just enough of a connector for the outbox push: a note writer that records what it got."""

    def __init__(self) -> None:
        self.config = SimpleNamespace(name="mri")
        self.applied: list[WriteOp] = []
        self.mapping = SimpleNamespace(
            reverse=lambda pt, desired, job=None: SimpleNamespace(
                values={"NoteText": desired["deficiency_summary"]}
            )
        )

    def writer_for(self, target: WriteTarget, platform_type: str | None = None) -> Any:
        if target is not WriteTarget.NOTE:
            raise KeyError(target)
        return _NoteWriter()

    def apply(self, op: WriteOp) -> WriteResult:
        self.applied.append(op)
        return WriteResult(op_id=op.op_id, outcome=WriteOutcome.APPLIED, platform_id=op.platform_id)


def test_note_goes_through_the_outbox_and_the_push_step(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, 2525, '\n[followup.note]\nconnections = ["mri"]\n')
    store = seed(f"sqlite:///{tmp_path / 'coisync.db'}")
    ref = {"connection": "mri", "platform_type": "lease", "platform_id": "B1/L7", "entity_kind": "party",
           "entity_id": "V2", "updated_at": datetime.now(tz=UTC)}  # fmt: skip
    store.upsert_refs([ExternalRef.model_validate(ref, strict=False)])
    config = read_config_file(config_path)
    settings = load_followup_settings(config, tmp_path)
    channel = NoteChannel(ChannelContext(settings, store, config, config_path, "run-1"))
    fake = _FakeConnector()
    channel._connectors["mri"] = fake  # type: ignore[assignment]
    delivery = channel.send(NOTICE, "attempt-1")
    assert delivery.queued
    with store.engine.connect() as conn:
        (row,) = conn.execute(sa.select(outbox)).all()
    assert (row.target, row.job, row.platform_id, row.state) == ("note", "followup", "B1/L7", "pending")
    channel.finish()
    assert [op.op_id for op in fake.applied] == [row.op_id]
    assert fake.applied[0].payload["NoteText"].startswith("Certificate needed")
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(outbox.c.state)).scalar_one() == "confirmed"
    store.close()


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("[followup.cadence.vendor]\ndeficiency = [5, 2]\n", "followup.cadence.vendor.deficiency"),
        ("[followup.cadence.robot]\ndeficiency = [0]\n", "followup.cadence"),
        ('[followup.contacts.P1]\nmanager = "not an address"\n', "followup.contacts.P1.manager"),
        ("[followup.smtp]\nport = 0\n", "followup.smtp.port"),
        ('[followup.smtp]\npassword = "hunter2"\n', "followup.smtp.password"),
        ('[followup]\nchannels = ["webhook"]\n', "followup.webhook"),
        ("[followup]\ncadense = 1\n", "followup.cadense"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, table: str, key: str) -> None:
    import tomllib

    from coisync.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_followup_settings(tomllib.loads(table), tmp_path)
    assert key in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_defaults_follow_the_vendor_and_tenant_cadences(tmp_path: Path) -> None:
    settings = load_followup_settings({}, tmp_path)
    assert settings.cadence("vendor").deficiency == [0, 2, 5, 8]
    assert settings.cadence("tenant").deficiency == [0, 7, 14, 21]
    assert settings.cadence("vendor").renewal == [60, 30, 14, 0]
    assert settings.channels == ("email",)
