"""Procore writers against the emulator: status and notes, policy lines by origin_id, certificate PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from coisync_procore.attachments import certificate_filename
from coisync_procore.config import ProcoreConfig
from coisync_procore.connector import ProcoreConnector
from coisync_procore.emulator import ProcoreEmulator
from procore_adapter import (
    CLIENT_ID,
    CLIENT_SECRET,
    COMPANY_ID,
    ID_ENV,
    SECRET_ENV,
    VENDOR_ID,
    procore_emulator,
)

from coisync.connector import WriteOp, WriteOutcome, WritesDisabledError, WriteTarget, parse_connection
from coisync.http import FakeClock
from coisync.testing import EmulatorEndpoint, open_endpoint
from coisync.testing.adapter import mapped_op

LINE = {
    "party_ref": str(VENDOR_ID),
    "coverage_type": "auto_liability",
    "policy_number": "AU-1001",
    "insurer": {"name": "Roadway Mutual"},
    "expiration_date": "2027-01-31",
    "limit": {"amount": "1000000", "currency": "USD"},
    "origin_id": "coisync-line-1",
}
PDF = b"%PDF-1.4\n% a certificate of insurance\n%%EOF\n"


@pytest.fixture
def emulator(tmp_path: Path) -> ProcoreEmulator:
    return procore_emulator(tmp_path / "procore", FakeClock())


@pytest.fixture
def endpoint(emulator: ProcoreEmulator) -> Iterator[EmulatorEndpoint]:
    with open_endpoint("in_process", emulator, emulator.clock) as reached:  # type: ignore[arg-type]
        yield reached


@pytest.fixture
def procore(endpoint: EmulatorEndpoint, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProcoreConnector]:
    monkeypatch.setenv(ID_ENV, CLIENT_ID)
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    data = {
        "connector": "procore",
        "base_url": endpoint.base_url,
        "company_id": COMPANY_ID,
        "writes": True,
        "credentials": {"client_id": {"$env": ID_ENV}, "client_secret": {"$env": SECRET_ENV}},
    }
    config = parse_connection("procore", data, ProcoreConfig)
    with ProcoreConnector(config, endpoint.session_factory(), clock=endpoint.clock) as connector:
        yield connector


def insurances(emulator: ProcoreEmulator) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = emulator.store.snapshot().get("insurances", {})
    return records


def line_op(procore: ProcoreConnector, op_id: str = "op-line-1", **changes: Any) -> WriteOp:
    desired = {**LINE, **changes}
    target = WriteTarget.POLICY_LINE
    return mapped_op(
        procore, "insurance_line", None, desired, op_id=op_id, target=target, origin_id=desired["origin_id"]
    )


def status_op(platform_id: str, status: str = "non_compliant", notes: str = "GL below $2M") -> WriteOp:
    return WriteOp(
        op_id=f"op-status-{platform_id}",
        connection="procore",
        target=WriteTarget.COMPLIANCE_STATUS,
        platform_type="insurance",
        platform_id=platform_id,
        payload={"status": status, "notes": notes},
    )


def test_status_write_patches_once_then_reports_unchanged(
    procore: ProcoreConnector, emulator: ProcoreEmulator
) -> None:
    (seeded,) = emulator.seed({"insurances": [{"vendor_id": VENDOR_ID, "insurance_type": "GL"}]})[
        "insurances"
    ]
    first = procore.apply(status_op(str(seeded)))
    assert first.outcome is WriteOutcome.APPLIED
    stored = insurances(emulator)[str(seeded)]
    assert (stored["status"], stored["notes"]) == ("non_compliant", "GL below $2M")
    patches = len([e for e in emulator.request_log.entries() if e["method"] == "PATCH"])
    assert procore.apply(status_op(str(seeded))).outcome is WriteOutcome.UNCHANGED
    assert len([e for e in emulator.request_log.entries() if e["method"] == "PATCH"]) == patches == 1


def test_status_write_to_a_missing_insurance_is_rejected(procore: ProcoreConnector) -> None:
    result = procore.apply(status_op("123"))
    assert result.outcome is WriteOutcome.REJECTED
    assert result.message == "insurance 123 no longer exists in Procore"


def test_policy_line_is_created_once_and_updated_in_place(
    procore: ProcoreConnector, emulator: ProcoreEmulator
) -> None:
    created = procore.apply(line_op(procore))
    assert created.outcome is WriteOutcome.APPLIED and created.platform_id
    record = insurances(emulator)[created.platform_id]
    assert (record["origin_id"], record["insurance_type"], record["insurance_provider"], record["limit"]) == (
        "coisync-line-1",
        "Automobile Liability",
        "Roadway Mutual",
        "1000000.0",
    )
    again = procore.apply(line_op(procore))
    assert (again.outcome, again.platform_id) == (WriteOutcome.UNCHANGED, created.platform_id)
    renewed = procore.apply(line_op(procore, "op-line-2", expiration_date="2028-01-31"))
    assert (renewed.outcome, renewed.platform_id) == (WriteOutcome.APPLIED, created.platform_id)
    lines = [r for r in insurances(emulator).values() if r["origin_id"] == "coisync-line-1"]
    assert [r["expiration_date"] for r in lines] == ["2028-01-31"]


def test_lost_response_is_ambiguous_and_read_back_finds_the_line(
    procore: ProcoreConnector, emulator: ProcoreEmulator, endpoint: EmulatorEndpoint
) -> None:
    procore.session.request("GET", "/rest/v1.0/me")  # token first, so the fault hits the sync call
    endpoint.control.add_faults({"kind": "lost_response", "count": 1, "paths": "/rest/v1.0/companies/"})
    op = line_op(procore)
    result = procore.apply(op)
    assert result.outcome in (WriteOutcome.AMBIGUOUS, WriteOutcome.APPLIED)
    found = procore.writer_for(WriteTarget.POLICY_LINE).read_back(op)
    assert found is not None and found["policy_number"] == "AU-1001"
    assert procore.apply(op).outcome is WriteOutcome.UNCHANGED
    assert len([r for r in insurances(emulator).values() if r["origin_id"] == "coisync-line-1"]) == 1


def test_origin_id_held_by_another_vendor_is_a_conflict(
    procore: ProcoreConnector, emulator: ProcoreEmulator
) -> None:
    emulator.seed({"vendors": [{"id": 2_627_999, "name": "Other Vendor Co."}]})
    emulator.seed({"insurances": [{"vendor_id": 2_627_999, "origin_id": "coisync-line-1"}]})
    before = insurances(emulator)
    result = procore.apply(line_op(procore))
    assert result.outcome is WriteOutcome.CONFLICT
    assert result.message.startswith("origin_id coisync-line-1 is held by insurance")
    assert insurances(emulator) == before


def test_certificate_pdf_is_attached_once(procore: ProcoreConnector, emulator: ProcoreEmulator) -> None:
    (seeded,) = emulator.seed({"insurances": [{"vendor_id": VENDOR_ID}]})["insurances"]
    op = WriteOp(
        op_id="op-pdf-1",
        connection="procore",
        target=WriteTarget.ATTACHMENT,
        platform_type="insurance",
        platform_id=str(seeded),
        payload={"content": PDF},
    )
    assert procore.apply(op).outcome is WriteOutcome.APPLIED
    assert procore.apply(op).outcome is WriteOutcome.UNCHANGED
    (attachment,) = insurances(emulator)[str(seeded)]["attachments"]
    assert attachment["name"] == certificate_filename(PDF)
    stored = procore.session.request("GET", attachment["url"])
    assert stored.content == PDF


def test_writes_are_refused_while_the_connection_is_read_only(
    procore: ProcoreConnector, emulator: ProcoreEmulator
) -> None:
    config = procore.config.model_copy(update={"writes": False})
    read_only = ProcoreConnector(config)
    with pytest.raises(WritesDisabledError):
        read_only.apply(status_op("1"))


def test_an_unreadable_answer_to_a_batch_leaves_every_write_ambiguous(
    procore: ProcoreConnector, emulator: ProcoreEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = emulator.seed({"insurances": [{"vendor_id": VENDOR_ID}, {"vendor_id": VENDOR_ID}]})["insurances"]
    send = procore.session.request

    def garbled(method: str, path: str, **options: Any) -> httpx.Response:
        response = send(method, path, **options)  # the platform applies the batch...
        if method != "PATCH":
            return response
        return httpx.Response(200, content=b"<html>busy</html>", request=response.request)  # ...unreadably

    monkeypatch.setattr(procore.session, "request", garbled)
    writer = procore.writer_for(WriteTarget.COMPLIANCE_STATUS, "insurance")
    results = writer.apply_batch([status_op(str(i)) for i in seeded])
    assert [r.outcome for r in results] == [WriteOutcome.AMBIGUOUS] * 2
    assert all("not valid JSON" in (r.message or "") for r in results)
    assert [insurances(emulator)[str(i)]["status"] for i in seeded] == ["non_compliant"] * 2
