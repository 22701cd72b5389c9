"""Helpers shared by the end-to-end tests: the charge point process, a REST client and
small assertions, kept out of the tests so each test reads as the scenario it checks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import requests

from csms import CentralSystem, parse_time, wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / ".build" / "debug" / "chargepoint"
HEALTH_TIMEOUT_S = 10
HTTP_TIMEOUT_S = 20
PROBLEM_TYPE_PREFIX = "urn:chargepoint:problem:"
# Defaults every test charge point gets: sample every second so metering tests are quick.
DEFAULT_OCPP_CONFIG = {"MeterValueSampleInterval": "1"}

# SampledValue members and the value OCPP 1.6 §7.43 implies when one is left out.
SAMPLED_VALUE_DEFAULTS = {
    "context": "Sample.Periodic", "format": "Raw", "measurand": "Energy.Active.Import.Register",
    "location": "Outlet", "unit": "Wh",
}
ENERGY = "Energy.Active.Import.Register"
POWER = "Power.Active.Import"


def free_port() -> int:
    """A TCP port nobody listens on right now, so tests can run beside anything else."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_identity() -> str:
    """A fresh charge point identity, so recorded frames never mix between tests."""
    return "E2E" + uuid.uuid4().hex[:10].upper()


def binary_path() -> Path:
    return Path(os.environ.get("CHARGEPOINT_BIN", DEFAULT_BINARY))


class RestClient:
    """Thin wrapper over `requests` with the base URL and a timeout; one connection per request
    so a restarted service never meets a stale keep-alive socket. With `token` every request sends
    `Authorization: Bearer <token>` unless it sets its own; `verify` is passed on (HTTPS)."""

    def __init__(self, base_url: str, token: str | None = None, verify: str | bool = True):
        self.base_url = base_url
        self.token = token
        self.verify = verify

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", HTTP_TIMEOUT_S)
        kwargs.setdefault("verify", self.verify)
        if self.token is not None:
            headers = dict(kwargs.pop("headers", None) or {})
            if not any(name.lower() == "authorization" for name in headers):
                headers["Authorization"] = f"Bearer {self.token}"
            kwargs["headers"] = headers
        return requests.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def ok_json(self, method: str, path: str, expected: int = 200, **kwargs) -> Any:
        """Do a request that must succeed with `expected` and return its JSON body."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == expected, describe(response)
        return response.json()

    def status(self) -> dict:
        return self.ok_json("GET", "/api/v1/status")

    def connector(self, connector_id: int) -> dict:
        return self.ok_json("GET", f"/api/v1/connectors/{connector_id}")

    def transactions(self) -> list[dict]:
        return self.ok_json("GET", "/api/v1/transactions")["transactions"]

    def set_meter(self, connector_id: int, **values) -> dict:
        return self.ok_json("PUT", f"/api/v1/connectors/{connector_id}/meter", json=values)

    def wait_status(self, timeout: float = 10, **expected) -> dict:
        """Wait until GET /api/v1/status has all the expected member values."""
        return wait_until(lambda: _matches(self.status(), expected), timeout,
                          f"/api/v1/status with {expected}")

    def wait_connector(self, connector_id: int, predicate, timeout: float = 10,
                       what: str = "connector state") -> dict:
        return wait_until(lambda: _passes(self.connector(connector_id), predicate), timeout,
                          f"connector {connector_id}: {what}")


def _matches(body: dict, expected: dict) -> dict | None:
    return body if all(body.get(k) == v for k, v in expected.items()) else None


def _passes(body: dict, predicate) -> dict | None:
    return body if predicate(body) else None


def describe(response: requests.Response) -> str:
    """One line for assertion messages: method, URL, status and the start of the body."""
    return (f"{response.request.method} {response.url} -> {response.status_code} "
            f"{response.headers.get('Content-Type')} {response.text[:500]}")


def assert_problem(response: requests.Response, status: int, **extensions: Any) -> dict:
    """Assert an RFC 9457 problem response with the contract's members (`status` repeats the
    HTTP status) and the given extension members; return the body."""
    assert response.status_code == status, describe(response)
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    assert media_type == "application/problem+json", describe(response)
    body = response.json()
    missing = {"type", "title", "status", "detail"} - body.keys()
    assert not missing, f"problem lacks {sorted(missing)}: {describe(response)}"
    assert isinstance(body["type"], str) and body["type"].startswith(PROBLEM_TYPE_PREFIX), body
    assert isinstance(body["title"], str) and body["title"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert body["status"] == status, body
    assert {key: body.get(key) for key in extensions} == extensions, body
    return body


def assert_refused(response: requests.Response, authorization_status: str) -> dict:
    """403 for a refused idTag: openapi.yaml puts the AuthorizationStatus in the
    `authorizationStatus` extension member (RFC 9457 keeps `status` for the HTTP code)."""
    return assert_problem(response, 403, authorizationStatus=authorization_status)


def sampled_values(meter_values: list[dict]) -> list[dict]:
    """Flatten MeterValue objects into SampledValues with the spec defaults filled in and
    the MeterValue timestamp copied into each, so tests compare what the values mean."""
    return [{**SAMPLED_VALUE_DEFAULTS, **sample, "timestamp": meter_value["timestamp"]}
            for meter_value in meter_values for sample in meter_value["sampledValue"]]


def readings(meter_values: list[dict], measurand: str, context: str | None = None) -> list[float]:
    """Numeric readings of one measurand (values travel as strings, see assert_sample_types)."""
    return [float(sample["value"]) for sample in sampled_values(meter_values)
            if sample["measurand"] == measurand and (context is None or sample["context"] == context)]


def assert_sample_types(meter_values: list[dict]) -> None:
    """SampledValue.value is a string holding a number (a JSON number is a common CP bug)."""
    for sample in sampled_values(meter_values):
        assert isinstance(sample["value"], str), sample
        float(sample["value"])


def meter_value_objects(meter_values_payloads: list[dict]) -> list[dict]:
    """The MeterValue objects of MeterValues.req payloads, in arrival order."""
    return [mv for payload in meter_values_payloads for mv in payload["meterValue"]]


def sample_times(meter_values_payloads: list[dict]) -> list[str]:
    """The MeterValue timestamps of MeterValues.req payloads, in arrival order."""
    return [mv["timestamp"] for mv in meter_value_objects(meter_values_payloads)]


def timestamps_in_order(times: list[str]) -> bool:
    parsed = [parse_time(t) for t in times]
    return all(a < b for a, b in pairwise(parsed))


class ServiceProcess:
    """A process of the binary under test (`process`, its output in `log_path`): stopped gracefully or like a
    power cut, and its log read back."""

    process: subprocess.Popen | None
    log_path: Path
    # How long a graceful stop may take before SIGKILL.
    stop_timeout: float = 10

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no chance to flush or say goodbye, like a power cut."""
        if self.running:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self, timeout: float | None = None) -> int | None:
        """SIGTERM and wait for a graceful exit, SIGKILL if it takes too long; returns the exit code."""
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout or self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode if self.process else None

    def log_tail(self, lines: int = 300) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


class ChargePointProcess(ServiceProcess):
    """The real `chargepoint serve` binary under test, with its own identity, HTTP port and
    data directory, all kept across restart() so a restart looks like a reboot. `args` are
    appended to the command line and `env` added to the environment (both may be changed
    between restarts); `csms_url` replaces the CSMS's own URL in `--csms`; `identity` is for a
    test that must know it before the start (a client certificate issued for it); `cwd` is the
    working directory (default: the test run's); `ocpp_version` is for a CSMS that speaks both
    (the built-in one), otherwise the station speaks the CSMS's."""

    def __init__(self, csms: CentralSystem, data_dir: Path, connectors: int = 2,
                 ocpp_config: dict[str, str] | None = None, *, args: list[str] | tuple[str, ...] = (),
                 env: dict[str, str] | None = None, csms_url: str | None = None,
                 identity: str | None = None, cwd: Path | None = None, ocpp_version: str | None = None):
        self.csms = csms
        self.cwd = cwd
        self.args = list(args)
        self.env = dict(env or {})
        self.csms_url = csms_url
        self.identity = identity or unique_identity()
        self.connectors = connectors
        self.data_dir = data_dir / self.identity
        self.data_dir.mkdir(parents=True)
        self.http_port = free_port()
        self.api = RestClient(f"http://127.0.0.1:{self.http_port}")
        # It speaks the CSMS's version unless told; 1.6 keys only exist under 1.6.
        self.ocpp_version = ocpp_version or csms.settings.ocpp_version
        defaults = DEFAULT_OCPP_CONFIG if self.ocpp_version == "1.6" else {}
        self.ocpp_config = {**defaults, **(ocpp_config or {})}
        self.log_path = data_dir / f"{self.identity}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        command = [str(binary_path()), "serve", "--id", self.identity, "--csms", self.csms_url or self.csms.url,
                   "--http", f"127.0.0.1:{self.http_port}", "--data-dir", str(self.data_dir),
                   "--connectors", str(self.connectors), "--log-level", "debug", "--ocpp", self.ocpp_version]
        for key, value in self.ocpp_config.items():
            command += ["--ocpp-config", f"{key}={value}"]
        return command + self.args

    def start(self) -> ChargePointProcess:
        """Spawn the binary and wait until /healthz answers; fail (never skip) if it cannot run."""
        binary = binary_path()
        if not binary.is_file():
            pytest.fail(f"chargepoint binary not found at {binary}: run `swift build` "
                        f"or set CHARGEPOINT_BIN", pytrace=False)
        env = self.environment()
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== {' '.join(self.command())}\n".encode())
            log.flush()
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env, cwd=self.cwd)
        self._wait_healthy()
        return self

    def environment(self) -> dict[str, str]:
        """The process's environment: this one's without CP_* variables, plus `env`."""
        return {**{k: v for k, v in os.environ.items() if not k.startswith("CP_")}, **self.env}

    def _wait_healthy(self) -> None:
        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"chargepoint exited with {self.process.returncode} "
                                     f"during startup:\n{self.log_tail()}")
            try:
                response = self.api.get("/healthz", timeout=1)
            except requests.RequestException:
                return False
            return response.status_code == 200 and response.json() == {"status": "ok"}
        wait_until(healthy, HEALTH_TIMEOUT_S, f"GET /healthz of {self.identity}", interval=0.1)

    def wait_registered(self, timeout: float = 15) -> None:
        """Wait for boot Accepted and the StatusNotification of every connector (1.6: and of connector 0;
        2.0.1: of every EVSE's connector, as EVSE ids)."""
        if self.ocpp_version == "1.6":
            expected, member = set(range(self.connectors + 1)), "connectorId"
        else:
            expected, member = set(range(1, self.connectors + 1)), "evseId"

        def all_reported():
            seen = {p[member] for p in self.csms.calls("StatusNotification", self.identity)}
            return expected <= seen
        self.csms.wait_for(all_reported, timeout, f"StatusNotification for connectors {sorted(expected)}")
        self.api.wait_status(timeout, link="connected", registration="Accepted")

    def restart(self) -> ChargePointProcess:
        """Kill (if running) and start again with the same identity, port and data directory."""
        self.kill()
        return self.start()


def transaction_id_of(csms: CentralSystem, identity: str, index: int = -1) -> int:
    """The transactionId the CSMS gave in answer to the charge point's StartTransaction."""
    frame = csms.call_frames("StartTransaction", identity)[index]
    answer = csms.wait_for(lambda: csms.answer_to(frame), 5, "StartTransaction answer")
    return answer.payload["transactionId"]


def status_sequence(csms: CentralSystem, identity: str, connector_id: int) -> list[str]:
    """The statuses the charge point reported for one connector, in order."""
    return [p["status"] for p in csms.calls("StatusNotification", identity)
            if p["connectorId"] == connector_id]


def wait_for_status(csms: CentralSystem, identity: str, connector_id: int, status: str,
                    timeout: float = 10) -> list[str]:
    """Wait until the connector's latest reported status is `status`; returns the whole sequence."""
    def reached():
        sequence = status_sequence(csms, identity, connector_id)
        return sequence if sequence and sequence[-1] == status else None
    return csms.wait_for(reached, timeout, f"connector {connector_id} reported {status}")


def meter_values_for(csms: CentralSystem, identity: str, transaction_id: int) -> list[dict]:
    return [p for p in csms.calls("MeterValues", identity) if p.get("transactionId") == transaction_id]


def wait_meter_values(csms: CentralSystem, identity: str, transaction_id: int, count: int = 1,
                      timeout: float = 10) -> list[dict]:
    return csms.wait_for_calls("MeterValues", identity, count,
                               where=lambda p: p.get("transactionId") == transaction_id,
                               timeout=timeout)


def assert_unique(items: list, what: str) -> None:
    duplicates = sorted({str(i) for i in items if items.count(i) > 1})
    assert not duplicates, f"duplicate {what}: {duplicates}"


# ----- helpers for the feature-profile tests (test_profile_*.py) --------------------------------

def ocpp_call(csms: CentralSystem, identity: str, action: str, payload: dict | None = None,
              timeout: float = 10) -> dict:
    """Send a CSMS->CP CALL as raw JSON and return the CALLRESULT payload exactly as the charge
    point wrote it (camelCase, absent members absent); a CALLERROR fails the test. The strict
    CSMS still checks the answer against the official schema."""
    message_id = "t-" + uuid.uuid4().hex[:16]
    reply = csms.call_raw(identity, json.dumps([2, message_id, action, payload or {}]), timeout=timeout)
    assert reply[0] == 3, f"{action} {payload} was answered {reply}"
    return reply[2]


def utc_in(seconds: float) -> str:
    """An OCPP dateTime `seconds` from now (negative: in the past), UTC with milliseconds and Z."""
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def boot_frames(csms: CentralSystem, identity: str) -> list:
    """The charge point's BootNotification CALL frames, oldest first."""
    return csms.call_frames("BootNotification", identity)


def calls_since(csms: CentralSystem, identity: str, seq: int, action: str | None = None) -> list:
    """The charge point's CALL frames recorded after frame number `seq`, optionally of one action."""
    return [f for f in csms.call_frames(action, identity) if f.seq > seq]


def last_seq(csms: CentralSystem) -> int:
    """The sequence number of the newest recorded frame (0 if none): a marker for calls_since."""
    frames = csms.frames()
    return frames[-1].seq if frames else 0


def settle(csms: CentralSystem, cp: ChargePointProcess) -> None:
    """A barrier: ask for a Heartbeat (POST /api/v1/trigger) and wait for it. The charge point
    sends its messages that are not transaction-related in order, so any StatusNotification queued
    before has been seen by the CSMS afterwards; lets a test assert that something was NOT sent."""
    before = len(csms.calls("Heartbeat", cp.identity))
    assert cp.api.ok_json("POST", "/api/v1/trigger", json={"message": "Heartbeat"}) == {"status": "Accepted"}
    csms.wait_for_calls("Heartbeat", cp.identity, before + 1)


# ----- helpers for the security tests (test_security_*.py) ----------------------------------------

def holds_for(predicate, seconds: float, what: str, interval: float = 0.1) -> None:
    """Fail as soon as `predicate()` is falsy during the next `seconds`: for claims that something
    does NOT happen (no connection, no more retries), over a window the contract makes meaningful."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert predicate(), f"{what} stopped holding"
        time.sleep(interval)
    assert predicate(), f"{what} stopped holding"


def security_events(csms: CentralSystem, identity: str, event_type: str | None = None) -> list[dict]:
    """Payloads of the charge point's SecurityEventNotification CALLs, optionally of one type."""
    return [p for p in csms.calls("SecurityEventNotification", identity)
            if event_type is None or p.get("type") == event_type]


def wait_security_event(csms: CentralSystem, identity: str, event_type: str, timeout: float = 20) -> dict:
    return csms.wait_for_calls("SecurityEventNotification", identity,
                               where=lambda p: p.get("type") == event_type, timeout=timeout)[0]


def get_configuration(csms: CentralSystem, identity: str, keys: list[str] | None = None) -> dict:
    """GetConfiguration as the raw answer payload (entries exactly as the charge point wrote them)."""
    return ocpp_call(csms, identity, "GetConfiguration", {"key": keys} if keys is not None else {})


def configuration_value(csms: CentralSystem, identity: str, key: str) -> str | None:
    entries = get_configuration(csms, identity, [key]).get("configurationKey", [])
    entry = next((e for e in entries if e["key"] == key), None)
    assert entry is not None, f"GetConfiguration does not know {key}"
    return entry.get("value")


def change_configuration(csms: CentralSystem, identity: str, key: str, value: str) -> str:
    return ocpp_call(csms, identity, "ChangeConfiguration", {"key": key, "value": value})["status"]


class FleetStationClient(RestClient):
    """One station of a fleet through the single-station paths: /api/v1/x goes to /api/v1/stations/{id}/x."""

    def __init__(self, base_url: str, identity: str):
        super().__init__(base_url)
        self.identity = identity

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        assert path.startswith("/api/v1/"), path
        return super().request(method, f"/api/v1/stations/{self.identity}/" + path.removeprefix("/api/v1/"), **kwargs)


class FleetProcess(ServiceProcess):
    """The real `chargepoint fleet` binary: `count` stations named `CP-<token>-{000}` from 1, with one data folder
    each under `data_dir`, behind one REST server. `args` are appended (e.g. --ocpp, --connectors); `csms_urls`
    are joined for --csms. `station_api(identity)` is a RestClient on that station's prefix, so the helpers
    written for a single station work on any station of the fleet."""

    stop_timeout = 30   # a thousand links to close

    def __init__(self, csms_urls: list[str], data_dir: Path, count: int, *, args: list[str] | tuple[str, ...] = (),
                 prefix: str | None = None):
        self.prefix = prefix or f"F{uuid.uuid4().hex[:6]}-"
        self.count = count
        self.csms_urls = csms_urls
        self.data_dir = data_dir
        self.args = list(args)
        self.http_port = free_port()
        self.api = RestClient(f"http://127.0.0.1:{self.http_port}")
        self.log_path = data_dir.parent / f"fleet-{self.http_port}.log"
        self.process: subprocess.Popen | None = None

    def identity(self, number: int) -> str:
        return f"{self.prefix}{number:04d}"

    @property
    def identities(self) -> list[str]:
        return [self.identity(number) for number in range(1, self.count + 1)]

    def station_api(self, identity: str) -> RestClient:
        return FleetStationClient(f"http://127.0.0.1:{self.http_port}", identity)

    def command(self) -> list[str]:
        return [str(binary_path()), "fleet", "--count", str(self.count), "--id-pattern", self.prefix + "{0000}",
                "--csms", ",".join(self.csms_urls), "--http", f"127.0.0.1:{self.http_port}",
                "--data-dir", str(self.data_dir), "--log-level", "info", "--ramp", "1000", *self.args]

    def start(self) -> FleetProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CP_")}
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== {' '.join(self.command())}\n".encode())
            log.flush()
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env)

        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"chargepoint fleet exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                return self.api.get("/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False
        wait_until(healthy, HEALTH_TIMEOUT_S * 3, "GET /healthz of the fleet", interval=0.1)
        return self

    def stations(self, **filters: str) -> dict:
        return self.api.ok_json("GET", "/api/v1/stations", params={"limit": 1000, **filters})

    def wait_all_accepted(self, timeout: float = 60) -> None:
        def all_accepted():
            page = self.stations(link="connected", registration="Accepted")
            return page["total"] == self.count
        wait_until(all_accepted, timeout, f"all {self.count} stations connected and Accepted", interval=0.2)
