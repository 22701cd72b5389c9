"""End-to-end tests of the built-in central system, `chargepoint csms`.

The real binary runs on free ports. A charge point from the PyPI `ocpp` package talks to it:
that library validates every CALLRESULT against the official OCPP 1.6 schemas before the
test sees it and raises on a mismatch, so an answer that breaks the schema fails the test. Scripts drive the REST
API with `requests`, and tests put the real `chargepoint serve` in front of it. The same process speaks
2.0.1 to a station that offers ocpp2.0.1: the `ocpp` 2.0.1 charge point checks those answers against
the 2.0.1 schemas, and the real `chargepoint serve --ocpp 2.0.1` boots against it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
from ocpp.exceptions import OCPPError
from ocpp.messages import CallResult, validate_payload
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call as call201
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidMessage, InvalidStatus

from csms import utc_now, wait_until
from harness import (HEALTH_TIMEOUT_S, ChargePointProcess, RestClient, assert_problem, binary_path,
                     describe, free_port)

HEARTBEAT_INTERVAL = 45  # not the default (300), so the answer proves the flag was read


class BuiltinCsms:
    """The `chargepoint csms` process under test, on its own free ports; `url` is what a charge
    point appends its identity to (so a ChargePointProcess can take this object as its CSMS)."""

    def __init__(self, directory: Path, args: list[str] | None = None, env: dict[str, str] | None = None):
        self.ws_port = free_port()
        self.http_port = free_port()
        self.url = f"ws://127.0.0.1:{self.ws_port}/ocpp"
        self.api = RestClient(f"http://127.0.0.1:{self.http_port}")
        self.args = args or []
        self.env = env or {}
        self.log_path = directory / f"csms-{self.ws_port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> BuiltinCsms:
        binary = binary_path()
        if not binary.is_file():
            pytest.fail(f"chargepoint binary not found at {binary}: run `swift build` or set CHARGEPOINT_BIN",
                        pytrace=False)
        command = [str(binary), "csms", "--listen", f"127.0.0.1:{self.ws_port}",
                   "--http", f"127.0.0.1:{self.http_port}", "--log-level", "debug", *self.args]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CSMS_")} | self.env
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env)

        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"chargepoint csms exited with {self.process.returncode}:\n{self.log()}")
            try:
                return self.api.get("/healthz", timeout=1).json() == {"status": "ok"}
            except requests.RequestException:
                return False
        wait_until(healthy, HEALTH_TIMEOUT_S, "GET /healthz of chargepoint csms", interval=0.05)
        return self

    def stop(self, timeout: float = 5) -> int | None:
        """SIGTERM and wait; SIGKILL (and None) if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.terminate()
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def stations(self) -> list[dict]:
        return self.api.ok_json("GET", "/api/v1/stations")["stations"]

    def station(self, identity: str) -> dict | None:
        return next((s for s in self.stations() if s["identity"] == identity), None)

    def call(self, identity: str, body, timeout: float = 35) -> requests.Response:
        path = f"/api/v1/stations/{requests.utils.quote(identity, safe='')}/call"
        if isinstance(body, (dict, list)):
            return self.api.post(path, json=body, timeout=timeout)
        return self.api.post(path, data=body, timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(no log)"

    def diagnostics(self) -> str:
        return f"--- chargepoint csms log ---\n{self.log()[-20000:]}"


@pytest.fixture
def builtin(tmp_path):
    """A started `chargepoint csms` accepting TAG1 and TAG2; at teardown SIGTERM must end it cleanly."""
    csms = BuiltinCsms(tmp_path, ["--accept-tags", "TAG1, TAG2", "--heartbeat-interval", str(HEARTBEAT_INTERVAL)])
    csms.start()
    yield csms
    assert csms.stop() == 0, f"chargepoint csms did not exit cleanly on SIGTERM:\n{csms.log()[-3000:]}"


class PyChargePoint(ChargePoint):
    """A reference charge point: answers RemoteStartTransaction and remembers the idTags."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.remote_start_tags: list[str] = []

    @on(Action.remote_start_transaction)
    def on_remote_start(self, id_tag, **_):
        self.remote_start_tags.append(id_tag)
        return call_result.RemoteStartTransaction(status="Accepted")


async def open_station(csms: BuiltinCsms, identity: str, encoded: str | None = None):
    websocket = await connect(f"{csms.url}/{encoded or identity}", subprotocols=["ocpp1.6"])
    assert websocket.subprotocol == "ocpp1.6"
    station = PyChargePoint(identity, websocket)
    task = asyncio.create_task(station.start())
    return websocket, station, task


async def strict_call(station: ChargePoint, payload):
    """A CALL whose answer the library validates against the 1.6 schema (a failure raises an
    OCPPError such as TypeConstraintViolationError) and where a CALLERROR raises instead of
    being swallowed."""
    return await station.call(payload, suppress=False, skip_schema_validation=False)


def test_schema_validation_is_active_and_fails_on_a_bad_answer():
    """Guards the other tests: the validator this environment runs really rejects a bad answer."""
    bad = CallResult(unique_id="1", action="BootNotification",
                     payload={"status": "Accepted", "currentTime": utc_now(), "interval": "300"})
    with pytest.raises(OCPPError):          # the library reports schema failures as OCPP errors
        asyncio.run(validate_payload(bad, "1.6"))
    good = CallResult(unique_id="1", action="BootNotification",
                      payload={"status": "Accepted", "currentTime": utc_now(), "interval": 300})
    asyncio.run(validate_payload(good, "1.6"))


def test_a_whole_session_is_answered_within_the_schemas(builtin):
    async def scenario():
        websocket, station, task = await open_station(builtin, "PY1")
        answers = {
            "boot": await strict_call(station, call.BootNotification(charge_point_model="M", charge_point_vendor="V")),
            "heartbeat": await strict_call(station, call.Heartbeat()),
            "status": await strict_call(station, call.StatusNotification(
                connector_id=1, error_code="NoError", status="Preparing", timestamp=utc_now())),
            "authorized": [(await strict_call(station, call.Authorize(id_tag=tag))).id_tag_info["status"]
                           for tag in ("TAG1", "tag2", "NOPE")],
            "first": await strict_call(station, call.StartTransaction(
                connector_id=1, id_tag="TAG1", meter_start=0, timestamp=utc_now())),
            "refused": await strict_call(station, call.StartTransaction(
                connector_id=2, id_tag="NOPE", meter_start=0, timestamp=utc_now())),
        }
        answers["meter"] = await strict_call(station, call.MeterValues(
            connector_id=1, transaction_id=answers["first"].transaction_id,
            meter_value=[{"timestamp": utc_now(), "sampledValue": [{"value": "1500", "unit": "Wh"}]}]))
        answers["stop"] = await strict_call(station, call.StopTransaction(
            meter_stop=1500, timestamp=utc_now(), transaction_id=answers["first"].transaction_id,
            id_tag="TAG1", reason="Local"))
        answers["data"] = await strict_call(station, call.DataTransfer(vendor_id="com.example", message_id="x"))
        answers["diagnostics"] = await strict_call(station, call.DiagnosticsStatusNotification(status="Uploaded"))
        answers["firmware"] = await strict_call(station, call.FirmwareStatusNotification(status="Installed"))
        answers["listed"] = await asyncio.to_thread(builtin.station, "PY1")
        task.cancel()
        await websocket.close()
        return answers

    answers = asyncio.run(scenario())
    boot = answers["boot"]
    assert (boot.status, boot.interval) == ("Accepted", HEARTBEAT_INTERVAL)
    assert boot.current_time.endswith("Z") and answers["heartbeat"].current_time.endswith("Z")
    assert answers["authorized"] == ["Accepted", "Accepted", "Invalid"]
    assert answers["first"].transaction_id == 1 and answers["first"].id_tag_info == {"status": "Accepted"}
    assert answers["refused"].transaction_id == 2 and answers["refused"].id_tag_info == {"status": "Invalid"}
    assert answers["stop"].id_tag_info == {"status": "Accepted"}
    assert answers["data"].status == "UnknownVendorId" and answers["data"].data is None
    listed = answers["listed"]
    assert (listed["registration"], listed["transactions"]) == ("Accepted", [2])
    assert listed["connectedSince"].endswith("Z")
    # Debug level logs every frame, one line each, in both directions.
    log = builtin.log()
    assert '] PY1 <- [2,' in log and '] PY1 -> [3,' in log
    assert 'PY1: transaction 1 started' in log


def test_invalid_calls_get_1_6_callerrors(builtin):
    async def scenario():
        async with connect(f"{builtin.url}/RAW1", subprotocols=["ocpp1.6"]) as websocket:
            answers = []
            for frame in ['[2,"a","Frobnicate",{}]',
                          '[2,"b","BootNotification",{"chargePointVendor":"V"}]',
                          '[2,"c","Heartbeat",{"extra":1}]',
                          '[2,"d","Authorize",{"idTag":"123456789012345678901"}]',
                          '[2,"e","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}]',
                          '[2,"f","Reset",{"type":"Soft"}]',
                          '[2,"g","Heartbeat"']:
                await websocket.send(frame)
                answers.append(json.loads(await websocket.recv()))
            return answers

    answers = asyncio.run(scenario())
    assert [(a[0], a[1], a[2]) for a in answers] == [
        (4, "a", "NotImplemented"), (4, "b", "ProtocolError"), (4, "c", "FormationViolation"),
        (4, "d", "TypeConstraintViolation"), (4, "e", "PropertyConstraintViolation"), (4, "f", "NotSupported"),
        (4, "g", "FormationViolation")]
    assert all(len(a) == 5 and isinstance(a[3], str) and a[4] == {} for a in answers)


def test_the_rest_call_endpoint_reaches_the_station_and_returns_its_answer(builtin):
    async def scenario():
        websocket, station, task = await open_station(builtin, "PY 2", encoded="PY%202")
        await strict_call(station, call.BootNotification(charge_point_model="M", charge_point_vendor="V"))
        started = await asyncio.to_thread(builtin.call, "PY 2", {
            "action": "RemoteStartTransaction", "payload": {"connectorId": 1, "idTag": "TAG1"}})
        refused = await asyncio.to_thread(builtin.call, "PY 2", {"action": "UnlockConnector",
                                                                 "payload": {"connectorId": 1}})
        tags = list(station.remote_start_tags)
        task.cancel()
        await websocket.close()
        return started, refused, tags

    started, refused, tags = asyncio.run(scenario())
    assert started.status_code == 200, describe(started)
    assert started.headers["Content-Type"] == "application/json"
    assert started.json() == {"result": {"status": "Accepted"}}
    assert tags == ["TAG1"]
    # The Python charge point has no UnlockConnector handler: its CALLERROR comes back as a 502.
    body = assert_problem(refused, 502, errorCode="NotImplemented")
    assert isinstance(body["errorDescription"], str)


def test_rest_errors_are_problem_documents(builtin):
    assert_problem(builtin.call("NOBODY", {"action": "Reset", "payload": {"type": "Soft"}}), 404)
    assert_problem(builtin.call("NOBODY", "not json"), 422)
    assert_problem(builtin.call("NOBODY", {"payload": {}}), 422)
    assert_problem(builtin.call("NOBODY", {"action": "Reset", "payload": [1]}), 422)
    assert_problem(builtin.api.get("/api/v1/stations/NOBODY/call"), 405)
    assert_problem(builtin.api.get("/api/v1/unknown"), 404)
    assert builtin.stations() == []


def test_identities_subprotocol_and_environment_twins(tmp_path):
    tags_file = tmp_path / "tags.txt"
    tags_file.write_text("# accepted tags\nFILETAG\n\n")
    csms = BuiltinCsms(tmp_path, env={"CSMS_IDENTITIES": "ALLOWED", "CSMS_BOOT_STATUS": "Pending",
                                      "CSMS_HEARTBEAT_INTERVAL": "7", "CSMS_TAGS_FILE": str(tags_file)}).start()
    try:
        async def scenario():
            with pytest.raises(InvalidStatus) as refused:
                await connect(f"{csms.url}/STRANGER", subprotocols=["ocpp1.6"])
            with pytest.raises(InvalidMessage):
                await connect(f"{csms.url}/ALLOWED", subprotocols=["ocpp1.5", "ocpp2.1"])
            websocket, station, task = await open_station(csms, "ALLOWED")
            boot = await strict_call(station, call.BootNotification(charge_point_model="M", charge_point_vendor="V"))
            tags = [(await strict_call(station, call.Authorize(id_tag=t))).id_tag_info["status"]
                    for t in ("FILETAG", "TAG1")]
            task.cancel()
            await websocket.close()
            return refused.value.response.status_code, boot, tags

        status, boot, tags = asyncio.run(scenario())
        assert status == 404
        assert (boot.status, boot.interval) == ("Pending", 7)
        assert tags == ["Accepted", "Invalid"]
    finally:
        assert csms.stop() == 0


def test_the_real_charge_point_boots_and_starts_a_transaction(builtin, tmp_path):
    chargepoint = ChargePointProcess(builtin, tmp_path, ocpp_version="1.6")   # only builtin.url is used
    try:
        chargepoint.start()
        chargepoint.api.wait_status(15, link="connected", registration="Accepted")
        started = chargepoint.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG1"})
        assert started.status_code == 201, describe(started)
        assert started.json()["transactionId"] == 1
        listed = wait_until(lambda: builtin.station(chargepoint.identity), 5, "the charge point in the station list")
        assert (listed["registration"], listed["transactions"]) == ("Accepted", [1])

        config = builtin.call(chargepoint.identity, {"action": "GetConfiguration",
                                                     "payload": {"key": ["HeartbeatInterval"]}})
        assert config.status_code == 200, describe(config)
        assert config.json()["result"]["configurationKey"][0]["value"] == str(HEARTBEAT_INTERVAL)
    finally:
        chargepoint.terminate()


def test_security_profiles_2_and_3_against_the_builtin_csms(tmp_path, pki):
    """`chargepoint csms` over wss asks for the AuthorizationKey as Basic auth or a client certificate
    naming the identity: the real charge point connects with profile 2 and with profile 3, and a wrong
    key is refused with 401, which that charge point logs as FailedToAuthenticateAtCentralSystem."""
    root = pki.root_ca()
    server = pki.server_certificate(root)
    key = "e2e-0123456789-abcdef"
    key_file = tmp_path / "auth-key"
    key_file.write_text(key + "\n")
    wrong_key_file = tmp_path / "wrong-key"
    wrong_key_file.write_text("not-the-key-0123456789\n")
    csms = BuiltinCsms(tmp_path, ["--tls-cert", str(server.chain_path), "--tls-key", str(server.key_path),
                                  "--client-ca", str(root.cert_path), "--auth-key-file", str(key_file)]).start()
    wss_url = f"wss://localhost:{csms.ws_port}/ocpp"
    client = pki.client_certificate(root, "E2ECSMSMTLS")
    stations = [
        ChargePointProcess(csms, tmp_path, csms_url=wss_url, identity="E2ECSMSBASIC", ocpp_version="1.6", args=[
            "--security-profile", "2", "--auth-key-file", str(key_file), "--ca-file", str(root.cert_path)]),
        ChargePointProcess(csms, tmp_path, csms_url=wss_url, identity="E2ECSMSMTLS", ocpp_version="1.6", args=[
            "--security-profile", "3", "--ca-file", str(root.cert_path),
            "--client-cert", str(client.chain_path), "--client-key", str(client.key_path)]),
    ]
    refused = ChargePointProcess(csms, tmp_path, csms_url=wss_url, identity="E2ECSMSWRONG", ocpp_version="1.6", args=[
        "--security-profile", "2", "--auth-key-file", str(wrong_key_file), "--ca-file", str(root.cert_path)])
    try:
        for station in [*stations, refused]:
            station.start()
        for station in stations:
            station.api.wait_status(15, link="connected", registration="Accepted")
            listed = wait_until(lambda: csms.station(station.identity), 5, f"{station.identity} in the station list")
            assert listed["registration"] == "Accepted"

        def refusal_logged():
            events = refused.api.ok_json("GET", "/api/v1/security-events")["events"]
            return [e for e in events if e["type"] == "FailedToAuthenticateAtCentralSystem"]
        logged = wait_until(refusal_logged, 10, "FailedToAuthenticateAtCentralSystem in the refused station's log")
        assert "401" in logged[0]["techInfo"]
        assert refused.api.status()["link"] != "connected"
        assert csms.station("E2ECSMSWRONG") is None
    finally:
        for station in [*stations, refused]:
            station.terminate()
        csms.stop()


def test_a_2_0_1_session_is_answered_within_the_2_0_1_schemas(builtin):
    token = {"idToken": "TAG1", "type": "ISO14443"}
    now = utc_now()
    started = {"event_type": "Started", "timestamp": now, "trigger_reason": "Authorized", "seq_no": 0,
               "transaction_info": {"transaction_id": "tx-1"}, "evse": {"id": 1, "connector_id": 1}}

    async def scenario():
        websocket = await connect(f"{builtin.url}/PY201", subprotocols=["ocpp2.0.1", "ocpp1.6"])
        station = ChargePoint201("PY201", websocket)
        task = asyncio.create_task(station.start())
        answers = {
            "subprotocol": websocket.subprotocol,
            "boot": await strict_call(station, call201.BootNotification(
                charging_station={"model": "M", "vendor_name": "V"}, reason="PowerUp")),
            "heartbeat": await strict_call(station, call201.Heartbeat()),
            "status": await strict_call(station, call201.StatusNotification(
                timestamp=now, connector_status="Available", evse_id=1, connector_id=1)),
            "report": await strict_call(station, call201.NotifyReport(request_id=1, generated_at=now, seq_no=0)),
            "authorized": [(await strict_call(station, call201.Authorize(id_token={**token, "idToken": tag})))
                           .id_token_info["status"] for tag in ("TAG1", "tag2", "NOPE")],
            "started": await strict_call(station, call201.TransactionEvent(**started, id_token=token)),
            "updated": await strict_call(station, call201.TransactionEvent(
                **{**started, "event_type": "Updated", "seq_no": 1, "trigger_reason": "MeterValuePeriodic"})),
            "meter": await strict_call(station, call201.MeterValues(
                evse_id=1, meter_value=[{"timestamp": now, "sampled_value": [{"value": 1500.5}]}])),
            "security": await strict_call(station, call201.SecurityEventNotification(
                type="StartupOfTheDevice", timestamp=now)),
            "data": await strict_call(station, call201.DataTransfer(vendor_id="com.example", message_id="x")),
            "listed": await asyncio.to_thread(builtin.station, "PY201"),
        }
        task.cancel()
        await websocket.close()
        return answers

    answers = asyncio.run(scenario())
    assert answers["subprotocol"] == "ocpp2.0.1"
    boot = answers["boot"]
    assert (boot.status, boot.interval) == ("Accepted", HEARTBEAT_INTERVAL) and boot.current_time.endswith("Z")
    assert answers["heartbeat"].current_time.endswith("Z")
    assert answers["authorized"] == ["Accepted", "Accepted", "Invalid"]
    assert answers["started"].id_token_info == {"status": "Accepted"}
    assert answers["updated"].id_token_info is None
    assert answers["data"].status == "UnknownVendorId"
    assert (answers["listed"]["ocppVersion"], answers["listed"]["registration"]) == ("2.0.1", "Accepted")


def test_the_real_2_0_1_station_boots_and_answers_calls_sent_through_the_rest_api(builtin, tmp_path):
    station = ChargePointProcess(builtin, tmp_path, connectors=2, ocpp_version="2.0.1")
    try:
        station.start()
        station.api.wait_status(15, link="connected", registration="Accepted", ocppVersion="2.0.1")
        listed = wait_until(lambda: builtin.station(station.identity), 5, "the station in the station list")
        assert (listed["ocppVersion"], listed["registration"]) == ("2.0.1", "Accepted")

        # Every connector reported itself, and each StatusNotification was answered (debug logs every frame).
        def status_notifications():
            lines = [line for line in builtin.log().splitlines()
                     if f"] {station.identity} <- [2," in line and '"StatusNotification"' in line]
            return lines if len(lines) >= 2 else None
        reported = wait_until(status_notifications, 5, "a StatusNotification per connector in the csms log")
        assert all('"connectorStatus":"Available"' in line for line in reported)
        assert all(any(f'"evseId":{evse}' in line for line in reported) for evse in (1, 2)), reported
        assert f"] {station.identity} -> [3," in builtin.log()

        heartbeat = {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}
        answered = builtin.call(station.identity, {"action": "GetVariables",
                                                   "payload": {"getVariableData": [heartbeat]}})
        assert answered.status_code == 200, describe(answered)
        result = answered.json()["result"]["getVariableResult"][0]
        assert (result["attributeStatus"], result["attributeValue"]) == ("Accepted", str(HEARTBEAT_INTERVAL))

        refused = builtin.call(station.identity, {"action": "RemoteStartTransaction", "payload": {"idTag": "TAG1"}})
        body = assert_problem(refused, 422)
        assert body["type"] == "urn:chargepoint:problem:unknown-action" and "2.0.1" in body["detail"]

        # What `make demo OCPP=2.0.1` offers: a transaction from the page's start, accepted by the csms's tag
        # list, and a remote one through its REST call endpoint.
        started = station.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
        assert started["tokenStatus"] == "Accepted"
        blocked = station.api.post("/api/v1/connectors/2/start", json={"idTag": "NOBODY"})
        assert blocked.status_code == 403, blocked.text
        # The refused start left the EV plugged in: the remote start begins at once.
        remote = builtin.call(station.identity, {"action": "RequestStartTransaction", "payload": {
            "evseId": 2, "remoteStartId": 9, "idToken": {"idToken": "TAG2", "type": "ISO14443"}}})
        assert remote.status_code == 200 and remote.json()["result"]["status"] == "Accepted", describe(remote)
        station.api.wait_connector(2, lambda c: c["transaction"] and c["transaction"]["remoteStartId"] == 9, 10,
                                   "the remote start's transaction")
        stopped = station.api.ok_json("POST", "/api/v1/connectors/1/stop")
        assert stopped["stopReason"] == "Local"
    finally:
        station.terminate()
