"""Checks of the test CSMS itself, against a Python `ocpp` charge point; needs no binary.

If these fail, the e2e results about the Swift charge point mean nothing, so they
also prove that the CSMS notices the mistakes it is meant to catch."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from csms import CALLERROR, CentralSystem, Settings, expected_call_id, utc_now, wait_until
from harness import free_port

CSMS_SCRIPT = Path(__file__).with_name("csms.py")
CONFIG_ENTRY = {"key": "HeartbeatInterval", "readonly": False, "value": "60"}


class PyChargePoint(ChargePoint):
    """A well-behaved reference charge point: whatever it sends must raise no violation."""

    @on(Action.get_configuration)
    def on_get_configuration(self, **_):
        return call_result.GetConfiguration(configuration_key=[CONFIG_ENTRY])


@pytest.fixture
def csms():
    csms = CentralSystem(settings=Settings(accept_tags={"TAG1"}, blocked_tags={"BLOCKED1"},
                                           heartbeat_interval=30)).start()
    yield csms
    csms.shutdown()


async def open_station(csms, identity, subprotocols=("ocpp1.6",)):
    """Connect a PyChargePoint and run its receive loop in the background."""
    websocket = await connect(f"{csms.url}/{identity}", subprotocols=list(subprotocols))
    station = PyChargePoint(identity, websocket)
    task = asyncio.create_task(station.start())
    return websocket, station, task


async def boot(station):
    return await station.call(call.BootNotification(charge_point_model="M", charge_point_vendor="V"))


def meter_value(energy):
    return [{"timestamp": utc_now(), "sampledValue": [{"value": str(energy), "measurand":
                                                       "Energy.Active.Import.Register", "unit": "Wh"}]}]


def test_well_behaved_session_is_answered_and_clean(csms):
    async def scenario():
        websocket, station, task = await open_station(csms, "PY1")
        booted = await boot(station)
        authorized = [(await station.call(call.Authorize(id_tag=tag))).id_tag_info["status"]
                      for tag in ("TAG1", "tag1", "BLOCKED1", "NOPE")]
        await station.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Preparing",
                                                   timestamp=utc_now()))
        started = await station.call(call.StartTransaction(connector_id=1, id_tag="TAG1", meter_start=10,
                                                           timestamp=utc_now()))
        second = await station.call(call.StartTransaction(connector_id=2, id_tag="TAG1", meter_start=0,
                                                          timestamp=utc_now()))
        await station.call(call.MeterValues(connector_id=1, transaction_id=started.transaction_id,
                                            meter_value=meter_value(20)))
        await station.call(call.StopTransaction(meter_stop=30, timestamp=utc_now(),
                                                transaction_id=started.transaction_id, reason="Local"))
        beat = await station.call(call.Heartbeat())
        vendor = await station.call(call.DataTransfer(vendor_id="acme"))
        config = await asyncio.to_thread(csms.call, "PY1", call.GetConfiguration())
        task.cancel()
        await websocket.close()
        return booted, authorized, started, second, beat, vendor, config

    booted, authorized, started, second, beat, vendor, config = asyncio.run(scenario())

    assert (booted.status, booted.interval) == ("Accepted", 30) and booted.current_time.endswith("Z")
    assert authorized == ["Accepted", "Accepted", "Blocked", "Invalid"]
    assert (started.transaction_id, second.transaction_id) == (1, 2)
    assert beat.current_time.endswith("Z") and vendor.status == "UnknownVendorId"
    assert config.configuration_key == [CONFIG_ENTRY]
    assert csms.calls("MeterValues", "PY1")[0]["transactionId"] == 1
    assert csms.frames("PY1", action="GetConfiguration")[-1].direction == "in"
    assert csms.violations == []


def test_boot_statuses_are_consumed_in_order_then_repeat(csms):
    csms.set_boot_statuses(["Pending", "Accepted"])
    csms.settings.retry_interval = 0

    async def scenario():
        websocket, station, task = await open_station(csms, "PY2")
        statuses = [(await boot(station)).status for _ in range(3)]
        task.cancel()
        await websocket.close()
        return statuses

    assert asyncio.run(scenario()) == ["Pending", "Accepted", "Accepted"]
    assert csms.violations == []


def raw_client_sends(csms, identity, frames, replies=0, boot_first=True):
    """From a bare websocket: optionally boot and await the answer, then send `frames`
    back-to-back and collect `replies` answers."""
    async def scenario():
        async with connect(f"{csms.url}/{identity}", subprotocols=["ocpp1.6"]) as websocket:
            if boot_first:
                await websocket.send(boot_frame("boot"))
                await websocket.recv()
            for frame in frames:
                await websocket.send(frame)
            return [json.loads(await websocket.recv()) for _ in range(replies)]
    return asyncio.run(scenario())


def boot_frame(unique_id):
    return json.dumps([2, unique_id, "BootNotification", {"chargePointModel": "M", "chargePointVendor": "V"}],
                      separators=(",", ":"))


@pytest.mark.parametrize("frame, expected", ids=["extra-property", "offset-time", "number-value",
                                                 "truncated-json", "unsolicited-error"], argvalues=[
    ('[2,"s1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available","x":1}]',
     "fails the schema"),
    ('[2,"s2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available",'
     '"timestamp":"2026-01-01T10:00:00+01:00"}]', "does not end with Z"),
    ('[2,"s3","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-01-01T10:00:00Z",'
     '"sampledValue":[{"value":5}]}]}]', "fails the schema"),
    ('[2,"s4","Heartbeat"', "not a JSON array"),
    ('[4,"nobody-asked","GenericError","",{}]', "unknown or already answered id"),
])
def test_violations_are_recorded(csms, frame, expected):
    raw_client_sends(csms, "PY3", [frame])
    wait_until(lambda: csms.violations, 5, "a violation")
    assert len(csms.violations) == 1 and expected in csms.violations[0], csms.violations


def test_call_before_accepted_and_overlapping_calls_are_violations(csms):
    csms.set_boot_statuses(["Pending"])
    csms.settings.answer_delay = 0.3

    raw_client_sends(csms, "PY4", [boot_frame("b1"), '[2,"h1","Heartbeat",{}]'], replies=2, boot_first=False)

    violations = csms.violations
    assert len(violations) == 2, violations
    assert "Heartbeat sent while CALL ['b1'] is unanswered" in violations[0]
    assert "Heartbeat sent while registration is not yet answered" in violations[1]


def test_early_boot_retry_is_a_violation(csms):
    csms.set_boot_statuses(["Rejected"])
    csms.settings.retry_interval = 5

    raw_client_sends(csms, "PY5", [])
    raw_client_sends(csms, "PY5", [])

    assert len(csms.violations) == 1 and "BootNotification" in csms.violations[0], csms.violations


def test_missing_subprotocol_is_refused_and_recorded(csms):
    async def scenario():
        async with connect(f"{csms.url}/PY6", subprotocols=["ocpp2.0.1"]):
            pass

    with pytest.raises(InvalidStatus):
        asyncio.run(scenario())
    assert len(csms.violations) == 1 and "ocpp1.6" in csms.violations[0]


def test_abrupt_stop_drops_the_socket_and_restart_reuses_the_port(csms):
    port = csms.port

    async def scenario():
        websocket, station, task = await open_station(csms, "PY7")
        await boot(station)
        await asyncio.to_thread(csms.stop, True)
        with pytest.raises(ConnectionClosed) as closed:
            await task
        await asyncio.to_thread(csms.restart)
        websocket2, station2, task2 = await open_station(csms, "PY7")
        beat = await station2.call(call.Heartbeat())
        task2.cancel()
        await websocket2.close()
        return closed.value, beat

    closed, beat = asyncio.run(scenario())
    assert closed.rcvd is None, "an abrupt stop must not send a close frame"
    assert beat.current_time.endswith("Z")
    assert csms.port == port and csms.connection_count("PY7") == 2
    assert csms.violations == []


def test_call_raw_returns_the_reply_with_the_echoed_id(csms):
    async def scenario():
        websocket, station, task = await open_station(csms, "PY8")
        await boot(station)
        reply = await asyncio.to_thread(csms.call_raw, "PY8", '[2,"x-1","FooBar",{}]')
        task.cancel()
        await websocket.close()
        return reply

    reply = asyncio.run(scenario())
    assert reply[:2] == [CALLERROR, "x-1"]
    assert expected_call_id("not json") == "-1" and expected_call_id('[2,"g-1","Heart') == "g-1"
    assert csms.violations == []


def test_standalone_cli_logs_every_frame():
    port = free_port()
    process = subprocess.Popen([sys.executable, str(CSMS_SCRIPT), "--port", str(port), "--accept-tags",
                                "TAG1,TAG2", "--boot-status", "Accepted", "--heartbeat-interval", "7"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        csms_url = f"ws://127.0.0.1:{port}"
        reply = wait_until(lambda: _try_boot(csms_url), 10, "the standalone CSMS to answer")
        assert (reply["status"], reply["interval"]) == ("Accepted", 7)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert process.returncode == 0, output
    assert 'CLI1 <- [2,"c1","BootNotification",' in output, output
    assert 'CLI1 -> [3,"c1",{' in output, output


def _try_boot(url):
    try:
        return raw_client_boot(url)
    except OSError:
        return None


def raw_client_boot(url):
    async def scenario():
        async with connect(f"{url}/CLI1", subprotocols=["ocpp1.6"]) as websocket:
            await websocket.send(boot_frame("c1"))
            return json.loads(await websocket.recv())[2]
    return asyncio.run(scenario())


def test_201_transaction_events_are_answered_failed_or_ignored_as_the_settings_say():
    """TransactionEvent: the token's verdict when one is carried; Settings.transaction_event_failures answers
    CALLERROR InternalError and transaction_event_silence no answer at all, each counted down per event."""
    csms = CentralSystem(settings=Settings(ocpp_version="2.0.1", accept_tags={"TAG1"})).start()
    boot201 = {"reason": "PowerUp", "chargingStation": {"model": "M", "vendorName": "V"}}

    def event(seq_no, id_token=None):
        payload = {"eventType": "Started" if seq_no == 0 else "Updated", "timestamp": utc_now(),
                   "triggerReason": "Authorized", "seqNo": seq_no, "transactionInfo": {"transactionId": "tx-1"}}
        return {**payload, "idToken": {"idToken": id_token, "type": "ISO14443"}} if id_token else payload

    async def scenario():
        replies = []
        async with connect(f"{csms.url}/PY201", subprotocols=["ocpp2.0.1"]) as websocket:
            async def exchange(unique_id, action, payload, answered=True):
                await websocket.send(json.dumps([2, unique_id, action, payload]))
                if not answered:
                    with pytest.raises(TimeoutError):
                        await asyncio.wait_for(websocket.recv(), 1)
                    return None
                return json.loads(await asyncio.wait_for(websocket.recv(), 5))
            await exchange("b", "BootNotification", boot201)
            csms.settings.transaction_event_failures = 1
            replies.append(await exchange("e1", "TransactionEvent", event(0, "TAG1")))
            replies.append(await exchange("e2", "TransactionEvent", event(0, "TAG1")))
            csms.settings.transaction_event_silence = 1
            replies.append(await exchange("e3", "TransactionEvent", event(1), answered=False))
            replies.append(await exchange("e4", "TransactionEvent", event(1, "nope")))
            replies.append(await exchange("m", "MeterValues", {"evseId": 0, "meterValue": [
                {"timestamp": utc_now(), "sampledValue": [{"value": 1.0}]}]}))
        return replies

    try:
        replies = asyncio.run(scenario())
        assert replies[0][:3] == [CALLERROR, "e1", "InternalError"]
        assert replies[1] == [3, "e2", {"idTokenInfo": {"status": "Accepted"}}]
        assert replies[2] is None
        assert replies[3] == [3, "e4", {"idTokenInfo": {"status": "Invalid"}}]
        assert replies[4] == [3, "m", {}]
        assert (csms.settings.transaction_event_failures, csms.settings.transaction_event_silence) == (0, 0)
        assert csms.violations == []
    finally:
        csms.shutdown()
