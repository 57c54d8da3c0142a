"""Cassette practice: the scrubber, the re-filtering persister, body matching, and the canary scan."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import yaml
from vcr.request import Request
from vcr.serializers import yamlserializer

from coisync.testing.cassettes import (
    CANARY_CLIENT_ID,
    CANARY_SECRET,
    CassetteScrubber,
    cassette_files,
    normalised_body,
    scrubbing_persister,
    write_body_matcher,
)

REPO = Path(__file__).resolve().parents[2]
SERVER = "http://127.0.0.1:40123"
ORIGIN = "http://acme.emulator.test"


def canary_forms() -> list[str]:
    """The canary credentials as they could appear: plain, URL-encoded, in a Basic header."""
    basic = base64.b64encode(f"{CANARY_CLIENT_ID}:{CANARY_SECRET}".encode()).decode()
    return [CANARY_CLIENT_ID, CANARY_SECRET, quote(CANARY_SECRET, safe=""), quote_plus(CANARY_SECRET), basic]


def token_request() -> Request:
    body = f"grant_type=client_credentials&client_id={CANARY_CLIENT_ID}&client_secret={CANARY_SECRET}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1:40123"}
    return Request("POST", f"{SERVER}/oauth/token?api_key=k-77", body.encode(), headers)


def test_no_cassette_in_the_repository_holds_the_canary_credentials() -> None:
    files = cassette_files(REPO)
    assert len([f for f in files if "procore" in f.parts]) >= 4, "the Procore cassettes are missing"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [form for form in canary_forms() if form in text]
        assert not leaked, f"{path.relative_to(REPO)} holds a recording credential"


def test_request_secrets_become_placeholders_and_the_origin_is_stable() -> None:
    scrubber = CassetteScrubber([CANARY_CLIENT_ID, CANARY_SECRET], {SERVER: ORIGIN})
    original = token_request()
    original.headers["Authorization"] = "Basic " + base64.b64encode(b"u:p").decode()
    original.headers["Cookie"] = "session=abc123"
    scrubbed = scrubber.request(original)
    assert scrubbed.uri == f"{ORIGIN}/oauth/token?api_key=%3CAPI_KEY%3E"
    assert scrubbed.headers["Authorization"] == "<AUTHORIZATION>"
    assert scrubbed.headers["Cookie"] == "<COOKIE>"
    assert scrubbed.headers["Host"] == "acme.emulator.test"
    assert (
        scrubbed.body
        == b"grant_type=client_credentials&client_id=%3CCLIENT_ID%3E&client_secret=%3CCLIENT_SECRET%3E"
    )
    assert CANARY_SECRET.encode() in original.body, "the live request must not be changed"
    assert scrubber.request(scrubbed).body == scrubbed.body, "scrubbing twice changes nothing more"


def test_response_tokens_cookies_and_links_are_scrubbed() -> None:
    scrubber = CassetteScrubber([CANARY_SECRET], {SERVER: ORIGIN})
    body = {"access_token": "tok-1", "token_type": "Bearer", "refresh_token": "ref-1", "note": CANARY_SECRET}
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {
            "Set-Cookie": ["sid=s3cr3t; HttpOnly", "other=x"],
            "Link": [f'<{SERVER}/policies?page=2>; rel="next"'],
            "Content-Type": ["application/json"],
        },
        "body": {"string": json.dumps(body).encode()},
    }
    scrubbed = scrubber.response(response)
    assert scrubbed["headers"]["Set-Cookie"] == ["<SET_COOKIE>", "<SET_COOKIE>"]
    assert scrubbed["headers"]["Link"] == [f'<{ORIGIN}/policies?page=2>; rel="next"']
    assert json.loads(scrubbed["body"]["string"]) == {
        "access_token": "<ACCESS_TOKEN>",
        "token_type": "Bearer",
        "refresh_token": "<REFRESH_TOKEN>",
        "note": "<SECRET>",
    }
    assert b"tok-1" in response["body"]["string"], "the live response must not be changed"


def test_persister_scrubs_again_when_saving(tmp_path: Path) -> None:
    persister = scrubbing_persister(CassetteScrubber([CANARY_CLIENT_ID, CANARY_SECRET], {SERVER: ORIGIN}))
    raw = {"access_token": CANARY_SECRET}
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"]},
        "body": {"string": json.dumps(raw)},
    }
    # as if a vcrpy code path had skipped before_record_request/response (vcrpy #961, #983)
    path = tmp_path / "leaky.yaml"
    persister.save_cassette(path, {"requests": [token_request()], "responses": [response]}, yamlserializer)
    text = path.read_text()
    assert not [form for form in canary_forms() if form in text]
    assert "127.0.0.1" not in text
    saved = yaml.safe_load(text)["interactions"][0]
    assert saved["request"]["uri"] == f"{ORIGIN}/oauth/token?api_key=%3CAPI_KEY%3E"
    assert "<ACCESS_TOKEN>" in saved["response"]["body"]["string"]


@pytest.mark.parametrize(
    ("name", "left", "right", "same"),
    [
        ("key order", b'{"a": 1, "b": 2}', b'{"b":2,"a":1}', True),
        ("secrets", b'{"client_secret": "x"}', b'{"client_secret": "<CLIENT_SECRET>"}', True),
        ("clock", b'{"at": "2026-01-01T00:00:00Z"}', b'{"at": "2026-02-03T04:05:06+00:00"}', True),
        (
            "uuids",
            b'{"u": "0f8fad5b-d9cb-469f-a165-70867728950e"}',
            b'{"u": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}',
            True,
        ),
        ("forms", b"b=2&client_secret=x", b"client_secret=y&b=2", True),
        ("values", b'{"status": "compliant"}', b'{"status": "expired"}', False),
        ("ids", b'{"id": 4294967365}', b'{"id": 4294967366}', False),
    ],
)
def test_normalised_body(name: str, left: bytes, right: bytes, same: bool) -> None:
    assert (normalised_body(left) == normalised_body(right)) is same


def test_write_bodies_must_match_but_read_bodies_need_not() -> None:
    def request(method: str, body: bytes) -> Request:
        return Request(method, f"{ORIGIN}/policies/1", body, {})

    write_body_matcher(request("GET", b"a"), request("GET", b"b"))
    write_body_matcher(request("PATCH", b'{"x": 1}'), request("PATCH", b'{ "x" : 1 }'))
    with pytest.raises(AssertionError):
        write_body_matcher(request("PATCH", b'{"x": 1}'), request("PATCH", b'{"x": 2}'))


def test_cassette_files_skip_hidden_directories(tmp_path: Path) -> None:
    for relative in (
        "cassettes/a/one.yaml",
        "pkg/tests/cassettes/two.json",
        ".venv/cassettes/three.yaml",
        "notes.yaml",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in cassette_files(tmp_path)]
    assert found == ["cassettes/a/one.yaml", "pkg/tests/cassettes/two.json"]
