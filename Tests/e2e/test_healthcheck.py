"""`chargepoint healthcheck`, the probe of the image's HEALTHCHECK and of docker-compose.yml, against a
running `chargepoint serve` over HTTP and over HTTPS (--api-cert), and its --ready answer against a
stand-in /readyz: it follows CP_HTTP, CP_API_CERT and the token, exits 0 or 1 with one line."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import urllib3

from harness import ChargePointProcess, RestClient, binary_path, free_port


def probe(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """The probe with only `environment` (and PATH), as docker runs it inside the container."""
    return subprocess.run([str(binary_path()), "healthcheck", *arguments], capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], **environment}, timeout=30, check=False)


def assert_unhealthy(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, result
    assert result.stdout == "" and result.stderr.startswith("chargepoint healthcheck: "), result
    assert result.stderr.count("\n") == 1, f"one line, not: {result.stderr!r}"
    for word in words:
        assert word in result.stderr, result.stderr


class ListeningChargePoint(ChargePointProcess):
    """The harness's charge point on another listen host, with extra flags; `api` reaches it over HTTPS
    without checking the certificate when `https` (the test checks the probe, not requests)."""

    def __init__(self, csms, directory: Path, *, host: str, arguments: list[str], environment: dict[str, str],
                 https: bool):
        super().__init__(csms, directory, args=arguments, env=environment)
        self.host = host
        if https:
            self.api = RestClient(f"https://127.0.0.1:{self.http_port}", verify=False)

    def command(self) -> list[str]:
        command = super().command()
        command[command.index("--http") + 1] = f"{self.host}:{self.http_port}"
        return command


@pytest.fixture
def listening(csms, chargepoint):
    def start(**kwargs) -> ListeningChargePoint:
        process = ListeningChargePoint(csms, chargepoint.directory, **kwargs)
        chargepoint.started.append(process)
        process.start()
        return process
    return start


@pytest.fixture(autouse=True)
def quiet_unverified_https():
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def test_plain_http(chargepoint, pki):
    cp = chargepoint()
    address = f"127.0.0.1:{cp.http_port}"
    healthy = probe(environment={"CP_HTTP": address})
    assert healthy.returncode == 0 and healthy.stdout == healthy.stderr == "", healthy
    # A proxy in the environment is not used for the local service.
    dead_proxy = f"http://127.0.0.1:{free_port()}"
    assert probe(environment={"CP_HTTP": address, "http_proxy": dead_proxy, "HTTP_PROXY": dead_proxy}).returncode == 0
    assert probe("--http", address, environment={"CP_HTTP": "127.0.0.1:1"}).returncode == 0, "the flag wins"
    # The service speaks plain HTTP: a probe that expects HTTPS fails.
    certificate = pki.server_certificate(pki.root_ca()).cert_path
    assert_unhealthy(probe(environment={"CP_HTTP": address, "CP_API_CERT": str(certificate)}),
                     f"https://{address}/healthz")

    cp.terminate()
    assert_unhealthy(probe(environment={"CP_HTTP": address}), f"http://{address}/healthz", "failed")


def test_https_with_the_api_certificate(listening, pki, tmp_path):
    """Over HTTPS the probe trusts the configured certificate, whatever host name it is for: a certificate
    for cp.example only (no 127.0.0.1), issued by a root, probed on loopback through a wildcard CP_HTTP."""
    root = pki.root_ca()
    server = pki.server_certificate(root, dns_names=("cp.example",), ips=())
    token = secrets.token_hex(16)
    token_path = tmp_path / "api-token"
    token_path.write_text(token + "\n")
    environment = {"CP_API_CERT": str(server.cert_path), "CP_API_KEY": str(server.key_path),
                   "CP_API_TOKEN_FILE": str(token_path)}
    cp = listening(host="0.0.0.0", arguments=[], environment=environment, https=True)
    service = {**environment, "CP_HTTP": f"0.0.0.0:{cp.http_port}"}

    healthy = probe(environment=service)
    assert healthy.returncode == 0 and healthy.stderr == "", healthy
    assert probe(environment={**service, "CP_API_CERT": str(root.cert_path)}).returncode == 0, \
        "a file with the issuing CA is trusted too"

    plain = {k: v for k, v in service.items() if k != "CP_API_CERT"}
    assert_unhealthy(probe(environment=plain), f"http://127.0.0.1:{cp.http_port}/healthz")
    stranger = pki.server_certificate(pki.root_ca("E2E Other Root"), dns_names=("cp.example",), ips=())
    assert_unhealthy(probe(environment={**service, "CP_API_CERT": str(stranger.cert_path)}),
                     f"https://127.0.0.1:{cp.http_port}/healthz", "certificate")
    assert_unhealthy(probe(environment={**service, "CP_API_CERT": str(tmp_path / "absent.pem")}),
                     "absent.pem", "cannot read")


class ReadyStandIn:
    """Answers GET /readyz like the service: 200, or 503 with a problem+json reason; records the
    Authorization header of every request."""

    def __init__(self):
        self.ready = False
        self.reason = "registration is Pending"
        self.authorizations: list[str | None] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                stand_in.authorizations.append(self.headers.get("Authorization"))
                if self.path == "/readyz" and stand_in.ready:
                    status, kind, body = 200, "application/json", {"status": "ready"}
                elif self.path == "/readyz":
                    status, kind, body = 503, "application/problem+json", {
                        "type": "urn:chargepoint:problem:not-ready", "title": "Not ready", "status": 503,
                        "detail": stand_in.reason}
                else:
                    status, kind, body = 404, "application/problem+json", {"title": "Not found", "status": 404}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ready_stand_in():
    server = ReadyStandIn()
    yield server
    server.close()


def test_ready_reports_the_reason_and_sends_the_token(ready_stand_in, tmp_path):
    token = secrets.token_hex(16)
    token_path = tmp_path / "api-token"
    token_path.write_text(f"  {token}\n")
    environment = {"CP_HTTP": ready_stand_in.address, "CP_API_TOKEN_FILE": str(token_path)}

    assert_unhealthy(probe("--ready", environment=environment), "/readyz answered 503: registration is Pending")
    ready_stand_in.ready = True
    assert probe("--ready", environment=environment).returncode == 0
    assert_unhealthy(probe(environment=environment), "/healthz answered 404: Not found")
    assert ready_stand_in.authorizations == [f"Bearer {token}"] * 3

    assert probe("--ready", environment={"CP_HTTP": ready_stand_in.address, "CP_API_TOKEN": "t0ken"}).returncode == 0
    assert ready_stand_in.authorizations[-1] == "Bearer t0ken"
    assert_unhealthy(probe("--ready", environment={**environment, "CP_API_TOKEN_FILE": str(tmp_path / "absent")}),
                     "cannot read")
