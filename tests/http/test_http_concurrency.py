"""Bounded concurrency (reliability scenario 14): 500 requests, 8 slots, 0 PoolTimeout."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from coisync.http import HttpConfig, HttpSession


class InFlightRecorder:
    """A handler that counts concurrent requests and holds each briefly to overlap them."""

    def __init__(self, hold_seconds: float) -> None:
        self.hold_seconds = hold_seconds
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.total = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
            self.total += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.hold_seconds)  # real time, 1 ms: lets threads pile up
            return httpx.Response(200, json=[{"page": request.url.params.get("page")}])
        finally:
            with self.lock:
                self.in_flight -= 1


def test_500_requests_from_32_threads_never_exceed_8_in_flight(
    make_session: Callable[..., HttpSession],
) -> None:
    recorder = InFlightRecorder(hold_seconds=0.001)
    session = make_session(recorder, concurrency=8, pool_timeout=5.0)

    def fetch(page: int) -> int:
        return int(session.get("/insurances", params={"page": page}).json()[0]["page"])

    with ThreadPoolExecutor(max_workers=32) as pool:
        pages = list(pool.map(fetch, range(500)))

    assert sorted(pages) == list(range(500))
    assert recorder.total == 500
    assert 1 < recorder.max_in_flight <= 8
    assert session.by_status == {200: 500}
    assert session.retries == 0  # no PoolTimeout or any other failure was retried


def test_concurrency_one_serialises_requests(make_session: Callable[..., HttpSession]) -> None:
    recorder = InFlightRecorder(hold_seconds=0.0005)
    session = make_session(recorder, concurrency=1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda page: session.get("/x", params={"page": page}), range(40)))
    assert recorder.max_in_flight == 1


class _CountingHandler(BaseHTTPRequestHandler):
    """Answers every GET with a small JSON body, counting requests in flight on the server."""

    recorder: InFlightRecorder

    def do_GET(self) -> None:
        recorder = self.recorder
        with recorder.lock:
            recorder.in_flight += 1
            recorder.total += 1
            recorder.max_in_flight = max(recorder.max_in_flight, recorder.in_flight)
        try:
            time.sleep(recorder.hold_seconds)
            body = b"[]"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with recorder.lock:
                recorder.in_flight -= 1

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


def test_real_connection_pool_never_times_out_under_load() -> None:
    """Through real sockets and httpx's pool; one attempt only, so a PoolTimeout would raise."""
    recorder = InFlightRecorder(hold_seconds=0.001)
    handler = type("Handler", (_CountingHandler,), {"recorder": recorder})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    config = HttpConfig(
        base_url=f"http://127.0.0.1:{port}",
        allow_private_network=True,
        allow_insecure_http=True,
        concurrency=8,
        pool_timeout=2.0,
        max_attempts=1,
    )
    try:
        with HttpSession(config) as session, ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(lambda page: session.get("/p", params={"page": page}), range(200)))
    finally:
        server.shutdown()
        server.server_close()
    assert recorder.total == 200
    assert recorder.max_in_flight <= 8
    assert session.by_status == {200: 200}
