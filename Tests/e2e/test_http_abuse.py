"""HTTP abuse of the REST API (issue 10): request smuggling shapes, slow clients, oversized input.
Every refusal is a problem+json answer, and the API stays reachable for everyone else."""

import json
import resource
import socket
import threading
import time

import pytest

SLOW_CLIENTS = 600          # well past the API's 256 connections and 128 per address
TRICKLE_SECONDS = 14        # past the 10 s a request may take to arrive
PROBE_TIMEOUT = 2.0


def raw_exchange(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Send `data` on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def status_and_body(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip()
               for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.fixture(scope="module")
def cp(module_chargepoint):
    return module_chargepoint()


@pytest.mark.parametrize("framing", [
    b"Content-Length: 2\r\nContent-Length: 40\r\n",
    b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
], ids=["two-content-lengths", "content-length-and-chunked"])
def test_ambiguous_body_length_is_refused_with_400(cp, framing):
    request = (b"POST /api/v1/authorize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               + framing + b"\r\n{}" + b'POST /api/v1/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')

    status, headers, body = status_and_body(raw_exchange(cp.http_port, request))

    assert status == 400, body
    assert headers["content-type"] == "application/problem+json"
    assert b"Content-Length" in body
    assert cp.api.ok_json("GET", "/healthz") == {"status": "ok"}


def test_slow_clients_cannot_starve_the_api(cp):
    """Slowloris: hundreds of connections each trickling a byte a second. Every probe is answered
    at once, and every slow connection is closed when its request deadline passes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * SLOW_CLIENTS)), hard))
    slow = []
    for _ in range(SLOW_CLIENTS):
        sock = socket.create_connection(("127.0.0.1", cp.http_port), timeout=5)
        sock.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        slow.append(sock)
    closed_at: dict[int, float] = {}
    started = time.monotonic()
    stop = threading.Event()

    def trickle():
        while not stop.is_set() and time.monotonic() - started < TRICKLE_SECONDS:
            for index, sock in enumerate(slow):
                if index in closed_at:
                    continue
                try:
                    sock.sendall(b"a")
                except OSError:
                    closed_at[index] = time.monotonic() - started
            stop.wait(1)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    latencies = []
    try:
        while time.monotonic() - started < TRICKLE_SECONDS - 2:
            begin = time.monotonic()
            response = cp.api.request("GET", "/api/v1/status", timeout=PROBE_TIMEOUT)
            latencies.append(time.monotonic() - begin)
            assert response.status_code == 200
            time.sleep(0.5)
        trickler.join()
    finally:
        stop.set()
        for sock in slow:
            sock.close()
    print(f"probes: {len(latencies)}, slowest {max(latencies) * 1000:.0f} ms; "
          f"slow connections closed by the server: {len(closed_at)} of {SLOW_CLIENTS}")
    assert len(latencies) >= 10
    assert max(latencies) < PROBE_TIMEOUT
    # Writes fail only some time after the server's close (the first write after it draws the reset).
    assert len(closed_at) == SLOW_CLIENTS
    assert cp.api.ok_json("GET", "/healthz") == {"status": "ok"}


def test_a_ten_megabyte_chunked_body_gets_413(cp):
    chunk = b"400\r\n" + b"x" * 1024 + b"\r\n"
    request = (b"POST /api/v1/authorize HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               + chunk * (10 * 1024) + b"0\r\n\r\n")

    status, headers, body = status_and_body(raw_exchange(cp.http_port, request, timeout=20))

    assert status == 413, body
    assert headers["content-type"] == "application/problem+json"



@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /api/v1/" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
    (b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n", 431),
    (b"GET /api/v1/status HTTP/7.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
], ids=["uri-too-long", "headers-too-large", "http-version"])
def test_what_the_http_library_refuses_is_problem_json_too(cp, request_bytes, status):
    answer, headers, body = status_and_body(raw_exchange(cp.http_port, request_bytes))

    assert answer == status, body
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"].startswith("urn:chargepoint:problem:"), problem
