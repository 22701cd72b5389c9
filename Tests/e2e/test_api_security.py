"""Who may use the REST API: no start beyond loopback without a token; with one, every request but
/healthz needs `Authorization: Bearer` (the event stream also takes `access_token`), and the token
never shows in an answer, a log line or a metric; foreign pages may not change anything (CSRF) nor
reach a token-less service under another name (DNS rebinding); HTTPS with a certificate made at test
time; header and body limits."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
from pathlib import Path

import pytest
import requests

from harness import REPO_ROOT, ChargePointProcess, RestClient, assert_problem, binary_path, free_port

BEARER_CHALLENGE = 'Bearer realm="chargepoint"'
# Endpoints that need the token, one of each kind: reads, the stream, metrics, changes, unknown paths.
GUARDED = [
    ("GET", "/api/v1/status"), ("GET", "/api/v1/configuration"), ("GET", "/metrics"),
    ("GET", "/api/v1/events"), ("GET", "/api/v1/messages"), ("POST", "/api/v1/connectors/1/plug"),
    ("PUT", "/api/v1/configuration/HeartbeatInterval"), ("GET", "/api/v1/no-such-thing"),
]


def new_token() -> str:
    """A fresh random token per test, so finding it anywhere means it leaked from this run."""
    return secrets.token_hex(24)


class SecuredChargePoint(ChargePointProcess):
    """The harness's charge point with other listen address, flags and variables, and a REST client
    that sends the token (and trusts the test certificate over HTTPS)."""

    def __init__(self, csms, data_dir: Path, *, host: str = "127.0.0.1", arguments: list[str] = (),
                 environment: dict[str, str] | None = None, token: str | None = None,
                 certificate: Path | None = None):
        super().__init__(csms, data_dir, connectors=2, args=["--web-root", str(REPO_ROOT / "Web"), *arguments],
                         env=environment)
        self.host = host
        scheme = "https" if certificate else "http"
        self.api = RestClient(f"{scheme}://127.0.0.1:{self.http_port}", token=token,
                              verify=str(certificate) if certificate else True)

    def command(self) -> list[str]:
        command = super().command()
        command[command.index("--http") + 1] = f"{self.host}:{self.http_port}"
        return command


@pytest.fixture
def secured(csms, chargepoint):
    """Starts a registered SecuredChargePoint; the `chargepoint` factory stops it."""
    def start(**kwargs) -> SecuredChargePoint:
        process = SecuredChargePoint(csms, chargepoint.directory, **kwargs)
        chargepoint.started.append(process)
        process.start()
        process.wait_registered()
        return process
    return start


def token_file(directory: Path, token: str) -> Path:
    path = directory / f"token-{secrets.token_hex(4)}"
    path.write_text(f"{token}\n")
    path.chmod(0o600)
    return path


def run_serve(tmp_path: Path, *arguments: str, environment: dict[str, str] | None = None):
    """`chargepoint serve` expected to refuse its settings: it must exit on its own, quickly."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CP_")} | (environment or {})
    return subprocess.run([str(binary_path()), "serve", "--data-dir", str(tmp_path / "data"),
                           "--csms", "ws://127.0.0.1:9/never", *arguments],
                          capture_output=True, text=True, env=env, timeout=30, check=False)


def nobody_listens(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def first_sse_bytes(api: RestClient, path: str = "/api/v1/events", **kwargs) -> tuple[requests.Response, str]:
    """Opens the event stream and reads until the snapshot event is complete."""
    with api.get(path, stream=True, **kwargs) as response:
        text = ""
        if response.status_code == 200:
            for chunk in response.iter_content(chunk_size=None, decode_unicode=True):
                text += chunk
                if "event: snapshot" in text and "\n\n" in text.split("event: snapshot", 1)[1]:
                    break
        else:
            text = response.text
        return response, text


# ----- refusing to start ---------------------------------------------------------------------

@pytest.mark.parametrize("host", ["0.0.0.0", "[::]", "192.0.2.1"])
def test_refuses_to_listen_beyond_loopback_without_a_token(tmp_path, host):
    port = free_port()
    result = run_serve(tmp_path, "--http", f"{host}:{port}", environment={"CP_API_TOKEN": ""})

    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "--api-token" in message and "127.0.0.1" in message, message
    assert nobody_listens(port)


@pytest.mark.parametrize("case", ["token-and-file", "missing-file", "empty-file", "cert-without-key",
                                  "key-without-cert", "not-pem"])
def test_refuses_unusable_access_settings_without_showing_the_token(tmp_path, case):
    token = new_token()
    pem = tmp_path / "not.pem"
    pem.write_text("hello\n")
    empty = tmp_path / "empty"
    empty.write_text("\n  \n")
    arguments, expected = {
        "token-and-file": (["--api-token", token, "--api-token-file", str(token_file(tmp_path, token))], "not both"),
        "missing-file": (["--api-token-file", str(tmp_path / "nope")], "cannot read"),
        "empty-file": (["--api-token-file", str(empty)], "empty"),
        "cert-without-key": (["--api-cert", str(pem)], "--api-key"),
        "key-without-cert": (["--api-key", str(pem)], "--api-cert"),
        "not-pem": (["--api-cert", str(pem), "--api-key", str(pem)], "not a PEM file"),
    }[case]
    result = run_serve(tmp_path, "--http", f"127.0.0.1:{free_port()}", *arguments)

    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert expected in message, message
    assert token not in message


# ----- the token ---------------------------------------------------------------------------

def test_every_endpoint_but_healthz_needs_the_token(secured, tmp_path):
    token = new_token()
    cp = secured(host="0.0.0.0", arguments=["--api-token-file", str(token_file(tmp_path, token))], token=token)
    anonymous = RestClient(cp.api.base_url)
    wrong = RestClient(cp.api.base_url, token=new_token())

    assert anonymous.ok_json("GET", "/healthz") == {"status": "ok"}
    page = anonymous.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower(), "the page holds no data and loads without it"
    contract = anonymous.get("/openapi.yaml")
    assert contract.status_code == 200 and contract.text.startswith("openapi: "), "so does the contract"
    for method, path in GUARDED:
        for client, why in ((anonymous, "send the header"), (wrong, "not the one")):
            response = client.request(method, path, json={"value": "60"} if method == "PUT" else None)
            problem = assert_problem(response, 401)
            assert problem["type"] == "urn:chargepoint:problem:unauthorized"
            assert "Authorization: Bearer <token>" in problem["detail"] and why in problem["detail"], problem
            assert response.headers["WWW-Authenticate"].startswith(BEARER_CHALLENGE), response.headers
    malformed = [f"Basic {token}", token, f"Bearer {token}x", f"Bearer {token[:-1]}", "Bearer", f"Bearer  {token} extra"]
    for value in malformed:
        assert_problem(anonymous.get("/api/v1/status", headers={"Authorization": value}), 401)
    # The query parameter counts on the event stream only.
    assert_problem(anonymous.get("/api/v1/status", params={"access_token": token}), 401)
    assert not cp.api.connector(1)["plugged"], "a refused request changed something"

    assert cp.api.status()["registration"] == "Accepted"
    assert cp.api.get("/metrics").status_code == 200
    assert anonymous.get("/api/v1/status", headers={"Authorization": f"bearer   {token}"}).status_code == 200
    assert cp.api.ok_json("POST", "/api/v1/connectors/1/plug")["plugged"] is True

    response, text = first_sse_bytes(anonymous, params={"access_token": token})
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/event-stream"
    assert "event: snapshot" in text
    response, _ = first_sse_bytes(anonymous, params={"access_token": new_token()})
    assert_problem(response, 401)
    response, text = first_sse_bytes(cp.api)  # the header works on the stream too
    assert response.status_code == 200 and "event: snapshot" in text


@pytest.mark.parametrize("source", ["file", "variable"])
def test_the_token_never_appears_in_answers_logs_or_metrics(secured, tmp_path, source):
    token = new_token()
    if source == "file":
        cp = secured(host="0.0.0.0", arguments=["--api-token-file", str(token_file(tmp_path, token))], token=token)
    else:
        cp = secured(host="0.0.0.0", environment={"CP_API_TOKEN": token}, token=token)
    anonymous = RestClient(cp.api.base_url)

    seen: list[str] = []

    def record(response: requests.Response) -> None:
        seen.append(response.text)
        seen.extend(f"{name}: {value}" for name, value in response.headers.items())

    for path in ["/healthz", "/", "/app.js", "/api/v1/status", "/api/v1/connectors", "/api/v1/connectors/1",
                 "/api/v1/transactions", "/api/v1/configuration", "/api/v1/local-list", "/api/v1/reservations",
                 "/api/v1/charging-profiles", "/api/v1/firmware", "/api/v1/messages", "/api/v1/no-such-thing"]:
        record(cp.api.get(path))
        record(anonymous.get(path))
        record(anonymous.get(path, params={"access_token": token}))
    record(cp.api.post("/api/v1/authorize", json={"idTag": "TAG1"}))
    record(cp.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG1"}))
    record(cp.api.put("/api/v1/configuration/HeartbeatInterval", json={"value": "70"}))
    record(cp.api.post("/api/v1/connectors/1/stop"))
    record(anonymous.post("/api/v1/connectors/1/plug", headers={"Authorization": f"Bearer {token}x"}))
    response, text = first_sse_bytes(anonymous, params={"access_token": token})
    assert response.status_code == 200
    seen.append(text)
    seen.extend(f"{name}: {value}" for name, value in response.headers.items())
    metrics = cp.api.get("/metrics")
    assert metrics.status_code == 200
    record(metrics)

    for text in seen:
        assert token not in text, f"the token shows in an answer: {text[:300]}"
    assert 'code="401"' in metrics.text, "the refused requests are counted (by route, never by credentials)"
    cp.terminate()
    log = cp.log_path.read_text(errors="replace")
    # The command line the harness writes into the log names the file, never the token (variable: nothing).
    assert token not in log, "the token shows in the log"
    assert "bearer token required" in log, "the log says that a token is set"


# ----- other origins and names ---------------------------------------------------------------

def test_foreign_pages_may_not_change_anything(chargepoint):
    cp = chargepoint()
    own = f"http://127.0.0.1:{cp.http_port}"

    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{cp.http_port + 1}"):
        refused = cp.api.post("/api/v1/connectors/1/plug", headers={"Origin": origin})
        problem = assert_problem(refused, 403)
        assert problem["type"] == "urn:chargepoint:problem:cross-origin"
        assert "Access-Control-Allow-Origin" not in refused.headers
    assert_problem(cp.api.put("/api/v1/configuration/HeartbeatInterval", json={"value": "70"},
                              headers={"Origin": "http://evil.example"}), 403)
    preflight = cp.api.request("OPTIONS", "/api/v1/connectors/1/plug", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert_problem(preflight, 403)
    assert not any(name.lower().startswith("access-control-") for name in preflight.headers)
    assert not cp.api.connector(1)["plugged"]

    read = cp.api.get("/api/v1/status", headers={"Origin": "http://evil.example"})
    assert read.status_code == 200, "reads are answered, but without CORS a browser keeps them from the page"
    assert "Access-Control-Allow-Origin" not in read.headers
    assert cp.api.ok_json("POST", "/api/v1/connectors/1/plug", headers={"Origin": own})["plugged"] is True


def test_without_a_token_only_loopback_names_are_served(chargepoint):
    """A page whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host."""
    cp = chargepoint()
    port = cp.http_port

    for host in (f"evil.example:{port}", f"192.168.1.10:{port}", "evil.example"):
        for path in ("/api/v1/status", "/openapi.yaml", "/"):
            problem = assert_problem(cp.api.get(path, headers={"Host": host}), 403)
            assert problem["type"] == "urn:chargepoint:problem:host-not-allowed"
    assert cp.api.get("/healthz", headers={"Host": f"evil.example:{port}"}).status_code == 200
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"cp.localhost:{port}", "127.0.0.2"):
        assert cp.api.get("/api/v1/status", headers={"Host": host}).status_code == 200, host


# ----- HTTPS -------------------------------------------------------------------------------

@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made now (nothing committed)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    return cert, key


def test_https_with_a_certificate(secured, tmp_path, certificate):
    cert, key = certificate
    token = new_token()
    cp = secured(host="0.0.0.0", arguments=["--api-cert", str(cert), "--api-key", str(key)],
                 environment={"CP_API_TOKEN_FILE": str(token_file(tmp_path, token))}, token=token,
                 certificate=cert)
    assert cp.api.base_url.startswith("https://")

    assert cp.api.ok_json("GET", "/healthz") == {"status": "ok"}
    assert cp.api.status()["registration"] == "Accepted"
    assert_problem(RestClient(cp.api.base_url, verify=str(cert)).get("/api/v1/status"), 401)
    response, text = first_sse_bytes(RestClient(cp.api.base_url, verify=str(cert)), params={"access_token": token})
    assert response.status_code == 200 and "event: snapshot" in text
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(cp.api.base_url + "/healthz", timeout=10)  # the system's CAs do not know the test certificate
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{cp.http_port}/healthz", timeout=10)
    assert cp.api.ok_json("GET", "/healthz") == {"status": "ok"}, "a plain-HTTP client does not disturb the server"
    assert "https://" in cp.log_tail()


# ----- limits ------------------------------------------------------------------------------

def test_header_and_body_limits(chargepoint):
    cp = chargepoint()

    assert cp.api.get("/api/v1/status", headers={"X-Padding": "p" * 8192}).status_code == 200
    too_large = cp.api.get("/api/v1/status", headers={"X-Padding": "p" * 65536})
    assert 400 <= too_large.status_code < 500, too_large.status_code
    assert_problem(cp.api.post("/api/v1/authorize", data="x" * (64 * 1024 + 1)), 413)
    assert cp.api.ok_json("GET", "/healthz") == {"status": "ok"}
