"""A small connector over a fake platform: streams, quarantine, writers, the writes gate, checks."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from coisync.connector import (
    ApiKeyCredentials,
    CheckItem,
    ConnectionCheck,
    ConnectionConfig,
    Connector,
    Cursor,
    Idempotency,
    RecordBatch,
    Stream,
    WriteOp,
    WriteOutcome,
    Writer,
    WriteResult,
    WritesDisabledError,
    WriteTarget,
    batch_records,
    ownership_problems,
    parse_connection,
    platform_record,
)
from coisync.http import FakeClock, HttpSession
from coisync.mapping import load_mapping
from coisync.model import EntityKind

MAPPING = Path(__file__).parents[1] / "mapping" / "fixtures" / "acmelease.toml"


class FakeAcme:
    """An in-memory Acme Lease API: GET /policies?since=&page=, PATCH /policies/{id}."""

    def __init__(self, policies: list[dict[str, Any]]) -> None:
        self.policies = {str(p["policyId"]): p for p in policies}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("x-api-key") != "k-123":
            return httpx.Response(401, json={"error": "bad key"})
        if request.method == "GET" and request.url.path == "/policies":
            since = request.url.params.get("since")
            rows = sorted(self.policies.values(), key=lambda p: p["meta"]["lastModified"])
            if since:
                rows = [p for p in rows if p["meta"]["lastModified"] >= since]
            return httpx.Response(200, json=rows)
        if request.method == "GET" and request.url.path.startswith("/policies/"):
            row = self.policies.get(request.url.path.rsplit("/", 1)[1])
            return httpx.Response(200, json=row) if row else httpx.Response(404)
        if request.method == "PATCH" and request.url.path.startswith("/policies/"):
            row = self.policies[request.url.path.rsplit("/", 1)[1]]
            if request.headers.get("if-match") not in (None, row["meta"]["etag"]):
                return httpx.Response(412)
            row.update(json.loads(request.content))
            row["meta"]["etag"] = str(int(row["meta"]["etag"]) + 1)
            return httpx.Response(200, json=row)
        return httpx.Response(404)


def public_resolver(host: str, port: int) -> list[str]:
    """Every test host resolves to one public address, without DNS."""
    return ["93.184.216.34"]


def policy(pid: int, modified: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "policyId": pid,
        "policyNo": f"GL-{pid}",
        "vendor": {"id": f"v-{pid}"},
        "coverageType": "GL",
        "expires": "2026-01-01",
        "status": "Compliant",
        "meta": {"lastModified": modified, "etag": "1"},
    }
    row.update(changes)
    return row


class AcmeConfig(ConnectionConfig):
    credentials: ApiKeyCredentials


class PolicyStream(Stream):
    name = "policies"
    entity = EntityKind.CERTIFICATE
    platform_type = "policy"
    cursor_field = "meta.lastModified"
    sorted = True

    def __init__(self, connector: AcmeConnector) -> None:
        self.connector = connector

    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        params = {"since": cursor.request_value()} if cursor.value else {}
        mapping = self.connector.mapping.record(self.platform_type)
        pages = self.connector.session.paginate("/policies", "none", params)
        items = (platform_record(self, raw, mapping) for page in pages for raw in page.records)
        yield from batch_records(self.name, items, cursor, batch_size=2)


class StatusWriter(Writer):
    name = "status"
    targets = frozenset({WriteTarget.COMPLIANCE_STATUS})
    platform_type = "policy"
    idempotency = frozenset({Idempotency.NATURAL_KEY, Idempotency.IF_MATCH})
    owned_fields = ("compliance_status", "status_checked_on")

    def __init__(self, connector: AcmeConnector) -> None:
        self.connector = connector

    def apply(self, op: WriteOp) -> WriteResult:
        headers = {"If-Match": op.expected_version} if op.expected_version else {}
        response = self.connector.session.request(
            "PATCH",
            f"/policies/{op.platform_id}",
            json=dict(op.payload),
            headers=headers,
            idempotency_key=op.op_id,
        )
        body = response.json()
        return WriteResult(
            op_id=op.op_id,
            outcome=WriteOutcome.APPLIED,
            platform_id=op.platform_id,
            version=body["meta"]["etag"],
            platform_value=body,
        )

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        response = self.connector.session.request("GET", f"/policies/{op.platform_id}")
        return None if response.status_code == 404 else dict(response.json())


class AcmeConnector(Connector):
    name = "acmelease"
    title = "Acme Lease"
    config_model = AcmeConfig
    mapping_locations = (MAPPING,)

    def streams(self) -> Sequence[Stream]:
        return [PolicyStream(self)]

    def writers(self) -> Sequence[Writer]:
        return [StatusWriter(self)]

    def check(self) -> ConnectionCheck:
        try:
            self.session.request("GET", "/policies")
        except Exception as exc:
            return ConnectionCheck(
                CheckItem(False, str(exc)), CheckItem(None, "not tested"), self.writable_check()
            )
        return ConnectionCheck(
            CheckItem(True, "key accepted"), CheckItem(True, "reachable"), self.writable_check()
        )


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_TEST_KEY", "k-123")


def connector(fake: FakeAcme, *, writes: bool = False, key_env: str = "ACME_TEST_KEY") -> AcmeConnector:
    config = parse_connection(
        "acme",
        {
            "connector": "acmelease",
            "base_url": "https://api.acme.test",
            "writes": writes,
            "credentials": {"headers": {"x-api-key": {"$env": key_env}}},
        },
        AcmeConfig,
    )
    factory = functools.partial(
        HttpSession, transport=httpx.MockTransport(fake), clock=FakeClock(), resolver=public_resolver
    )
    return AcmeConnector(config, factory, mapping=load_mapping(MAPPING))


@pytest.mark.usefixtures("api_key")
def test_stream_reads_batches_with_safe_cursor_and_resumes() -> None:
    fake = FakeAcme(
        [
            policy(1, "2025-01-01T00:00:00Z"),
            policy(2, "2025-01-02T00:00:00Z"),
            policy(3, "2025-01-02T00:00:00Z"),
        ]
    )
    with connector(fake) as acme:
        stream = acme.stream("policies")
        batches = list(stream.read(stream.cursor_from_state(None)))
        assert [[r.platform_id for r in b.records] for b in batches] == [["1", "2"], ["3"]]
        saved = batches[-1].cursor.to_json()
        fake.policies["4"] = policy(4, "2025-01-03T00:00:00Z")
        again = list(stream.read(stream.cursor_from_state(saved)))
        assert [r.platform_id for b in again for r in b.records] == ["4"]
        assert fake.requests[-1].url.params["since"] == "2025-01-02T00:00:00Z"
        record = again[0].records[0]
        assert record.version == "1"
        assert record.updated_at is not None and record.updated_at.isoformat() == "2025-01-03T00:00:00+00:00"
        assert acme.mapping.forward("policy", record.raw).values["policy_number"] == "GL-4"


@pytest.mark.usefixtures("api_key")
def test_malformed_record_is_quarantined_and_siblings_continue() -> None:
    broken = policy(2, "2025-01-02T00:00:00Z")
    del broken["policyId"]
    fake = FakeAcme([policy(1, "2025-01-01T00:00:00Z"), policy(3, "2025-01-03T00:00:00Z")])
    fake.policies["x"] = broken
    with connector(fake) as acme:
        stream = acme.stream("policies")
        batches = list(stream.read(stream.initial_cursor()))
    assert [r.platform_id for b in batches for r in b.records] == ["1", "3"]
    (quarantined,) = [q for b in batches for q in b.quarantined]
    assert quarantined.reason == "no platform id at policyId"
    assert quarantined.raw["policyNo"] == "GL-2"


@pytest.mark.usefixtures("api_key")
def test_new_connection_refuses_writes() -> None:
    fake = FakeAcme([policy(1, "2025-01-01T00:00:00Z")])
    with connector(fake) as acme:
        op = WriteOp(
            op_id="op-1",
            connection="acme",
            target=WriteTarget.COMPLIANCE_STATUS,
            platform_type="policy",
            platform_id="1",
            payload={},
        )
        with pytest.raises(WritesDisabledError, match=r"connections\.acme\.writes.*set writes = true"):
            acme.apply(op)
        assert not [r for r in fake.requests if r.method == "PATCH"]
        assert acme.writable_check() == CheckItem(
            False, "writes are off; set writes = true in [connections.acme] to enable"
        )


@pytest.mark.usefixtures("api_key")
def test_write_through_reverse_mapping_and_read_back() -> None:
    fake = FakeAcme([policy(1, "2025-01-01T00:00:00Z")])
    with connector(fake, writes=True) as acme:
        payload = acme.mapping.reverse("policy", {"compliance_status": "expired"}, job="sync")
        op = WriteOp(
            op_id="op-2",
            connection="acme",
            target=WriteTarget.COMPLIANCE_STATUS,
            platform_type="policy",
            platform_id="1",
            payload=payload.values,
            desired={"compliance_status": "expired"},
            expected_version="1",
        )
        result = acme.apply(op)
        assert result.ok and result.version == "2"
        assert fake.requests[-1].headers["if-match"] == "1"
        assert fake.requests[-1].headers["idempotency-key"] == "op-2"
        back = acme.writer_for(WriteTarget.COMPLIANCE_STATUS).read_back(op)
        assert back is not None
        assert acme.mapping.forward("policy", back).values["compliance_status"] == "expired"
        with pytest.raises(KeyError, match="no writer for 'attachment'"):
            acme.writer_for(WriteTarget.ATTACHMENT)


def test_writer_ownership_matches_mapping() -> None:
    mapping = load_mapping(MAPPING)
    assert ownership_problems(StatusWriter, mapping) == []

    class Greedy(StatusWriter):
        name = "greedy"
        owned_fields = ("compliance_status", "policy_number", "nope")
        idempotency = frozenset()

    problems = ownership_problems(Greedy, mapping)
    assert any("nothing that makes its writes idempotent" in p for p in problems)
    assert any("'policy_number', which the mapping leaves to the platform" in p for p in problems)
    assert any("'nope', which the mapping does not map" in p for p in problems)


@pytest.mark.usefixtures("api_key")
def test_check_reports_auth_and_writable(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAcme([])
    with connector(fake, writes=True) as acme:
        check = acme.check()
    assert check.ok
    assert check.as_dict()["writable"] == {"ok": True, "message": "writes are on"}
    monkeypatch.setenv("ACME_TEST_BADKEY", "wrong")
    with connector(fake, key_env="ACME_TEST_BADKEY") as acme:
        check = acme.check()
    assert not check.ok
    assert check.auth.ok is False
    assert "wrong" not in check.auth.message


class ReadOnlyAcme(AcmeConnector):
    name = "acme_ro"
    read_only = True
    read_only_reason = "the platform's API has no write endpoints"

    def writers(self) -> Sequence[Writer]:
        return []


@pytest.mark.usefixtures("api_key")
def test_read_only_connector_refuses_even_with_writes_on() -> None:
    config = parse_connection(
        "ro",
        {
            "connector": "acme_ro",
            "base_url": "https://api.acme.test",
            "writes": True,
            "credentials": {"headers": {"x-api-key": {"$env": "ACME_TEST_KEY"}}},
        },
        AcmeConfig,
    )
    acme = ReadOnlyAcme(config, mapping=load_mapping(MAPPING))
    assert acme.writers() == []
    with pytest.raises(WritesDisabledError, match="read-only: the platform's API has no write endpoints"):
        acme.writer_for(WriteTarget.COMPLIANCE_STATUS)
    assert acme.writable_check().ok is False


def test_connector_needs_its_config_model() -> None:
    config = ConnectionConfig(name="x", connector="acmelease", base_url="https://x.test")
    with pytest.raises(TypeError, match="needs a AcmeConfig"):
        AcmeConnector(config)


@pytest.mark.usefixtures("api_key")
def test_unknown_stream_lists_known() -> None:
    with connector(FakeAcme([])) as acme, pytest.raises(KeyError, match=r"known: policies"):
        acme.stream("vendors")


@pytest.mark.usefixtures("api_key")
def test_contract_problems_of_a_good_connector_are_none() -> None:
    from coisync.connector import contract_problems

    with connector(FakeAcme([])) as acme:
        assert contract_problems(acme) == []


@pytest.mark.usefixtures("api_key")
def test_contract_problems_found() -> None:
    from coisync.connector import contract_problems

    class VendorStream(PolicyStream):
        name = "policies"  # a second stream with the same name
        entity = EntityKind.PARTY
        platform_type = "vendor"

    class WrongEntity(PolicyStream):
        name = "wrong"
        entity = EntityKind.PARTY

    class Greedy(StatusWriter):
        owned_fields = ("policy_number",)

    class Broken(AcmeConnector):
        read_only = True
        read_only_reason = "testing"

        def streams(self) -> Sequence[Stream]:
            return [PolicyStream(self), VendorStream(self), WrongEntity(self)]

        def writers(self) -> Sequence[Writer]:
            return [Greedy(self)]

    acme = connector(FakeAcme([]))
    broken = Broken(acme.config, mapping=acme.mapping)
    problems = contract_problems(broken)
    assert "stream name 'policies' is used 2 times" in problems
    assert "stream 'policies': reads 'vendor', which the mapping does not map" in problems
    assert "stream 'wrong': yields 'party' but the mapping maps 'policy' to 'certificate'" in problems
    assert "read-only connector offers writers: status" in problems
    assert "writer 'status' owns 'policy_number', which the mapping leaves to the platform" in problems


def test_contract_problem_when_the_mapping_does_not_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coisync.connector import contract_problems

    monkeypatch.setenv("ACME_TEST_KEY", "k-123")
    bad = tmp_path / "bad.toml"
    bad.write_text("[mapping]\nname = 'x'\n", encoding="utf-8")
    config = parse_connection(
        "acme",
        {
            "connector": "acmelease",
            "base_url": "https://api.acme.test",
            "mapping": str(bad),
            "credentials": {"headers": {"x-api-key": {"$env": "ACME_TEST_KEY"}}},
        },
        AcmeConfig,
    )

    class NoShippedMapping(AcmeConnector):
        name = "acmelease_missing_test"

    (problem,) = contract_problems(NoShippedMapping(config))
    assert problem.startswith("mapping: ")
    assert "no mapping found for 'acmelease_missing_test'" in problem
