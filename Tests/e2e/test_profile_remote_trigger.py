"""Remote Trigger profile (reference §3.3, §4.4, §6.10): TriggerMessage for every MessageTrigger,
the answer before the triggered message, connectorId handling, POST /api/v1/trigger."""

import json
import uuid

from harness import (ENERGY, POWER, assert_problem, assert_sample_types, boot_frames, last_seq, sampled_values,
                     settle, transaction_id_of)

CALLRESULT = 3


def trigger(csms, cp, message, connector_id=None):
    """Send TriggerMessage; return (status, seq of the charge point's answer frame)."""
    payload = {"requestedMessage": message}
    if connector_id is not None:
        payload["connectorId"] = connector_id
    message_id = "trg-" + uuid.uuid4().hex[:12]
    reply = csms.call_raw(cp.identity, json.dumps([2, message_id, "TriggerMessage", payload]))
    assert reply[0] == CALLRESULT, reply
    answer = next(f for f in csms.frames(identity=cp.identity, direction="in")
                  if f.type_id == CALLRESULT and f.unique_id == message_id)
    return reply[2]["status"], answer.seq


def triggered(csms, cp, action, after_seq, count=1, timeout=10):
    """Wait for `count` CALLs of `action` recorded after `after_seq`; return their frames."""
    def found():
        frames = [f for f in csms.call_frames(action, cp.identity) if f.seq > after_seq]
        return frames if len(frames) >= count else None
    return csms.wait_for(found, timeout, f"{count} triggered {action}")


def test_trigger_message_sends_each_requested_message_after_its_answer(csms, chargepoint):
    cp = chargepoint(ocpp_config={"MeterValueSampleInterval": "0"})
    cp.api.set_meter(1, powerW=7400)
    cp.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
    transaction_id = transaction_id_of(csms, cp.identity)

    # BootNotification once Accepted: Rejected, and no BootNotification follows.
    mark = last_seq(csms)
    assert trigger(csms, cp, "BootNotification")[0] == "Rejected"
    settle(csms, cp)
    assert [f for f in boot_frames(csms, cp.identity) if f.seq > mark] == []

    mark = last_seq(csms)
    status, answered = trigger(csms, cp, "Heartbeat")
    assert status == "Accepted"
    heartbeat = triggered(csms, cp, "Heartbeat", mark)[0]
    assert answered < heartbeat.seq and heartbeat.payload == {}

    mark = last_seq(csms)
    status, answered = trigger(csms, cp, "StatusNotification", connector_id=2)
    assert status == "Accepted"
    notification = triggered(csms, cp, "StatusNotification", mark)[0]
    assert answered < notification.seq
    assert (notification.payload["connectorId"], notification.payload["status"],
            notification.payload["errorCode"]) == (2, "Available", "NoError")
    settle(csms, cp)
    assert len([f for f in csms.call_frames("StatusNotification", cp.identity) if f.seq > mark]) == 1

    mark = last_seq(csms)
    status, answered = trigger(csms, cp, "StatusNotification")
    assert status == "Accepted"
    notifications = triggered(csms, cp, "StatusNotification", mark, count=3)
    assert answered < notifications[0].seq
    assert {f.payload["connectorId"]: f.payload["status"] for f in notifications} == \
        {0: "Available", 1: "Charging", 2: "Available"}
    settle(csms, cp)
    assert len([f for f in csms.call_frames("StatusNotification", cp.identity) if f.seq > mark]) == 3

    mark = last_seq(csms)
    status, answered = trigger(csms, cp, "MeterValues", connector_id=1)
    assert status == "Accepted"
    meter = triggered(csms, cp, "MeterValues", mark)[0]
    assert answered < meter.seq
    assert (meter.payload["connectorId"], meter.payload.get("transactionId")) == (1, transaction_id)
    assert_sample_types(meter.payload["meterValue"])
    samples = sampled_values(meter.payload["meterValue"])
    assert {s["context"] for s in samples} == {"Trigger"}
    assert {s["measurand"] for s in samples} == {ENERGY, POWER}  # MeterValuesSampledData
    assert [float(s["value"]) for s in samples if s["measurand"] == POWER] == [7400.0]

    mark = last_seq(csms)
    assert trigger(csms, cp, "MeterValues", connector_id=2)[0] == "Accepted"
    idle = triggered(csms, cp, "MeterValues", mark)[0].payload
    assert idle["connectorId"] == 2 and "transactionId" not in idle
    assert {s["context"] for s in sampled_values(idle["meterValue"])} == {"Trigger"}

    mark = last_seq(csms)
    assert trigger(csms, cp, "MeterValues")[0] == "Accepted"
    every = triggered(csms, cp, "MeterValues", mark, count=2)
    assert {f.payload["connectorId"] for f in every} >= {1, 2}

    for message, action in [("DiagnosticsStatusNotification", "DiagnosticsStatusNotification"),
                            ("FirmwareStatusNotification", "FirmwareStatusNotification")]:
        mark = last_seq(csms)
        status, answered = trigger(csms, cp, message)
        assert status == "Accepted"
        notification = triggered(csms, cp, action, mark)[0]
        assert answered < notification.seq
        assert notification.payload == {"status": "Idle"}


def test_trigger_message_for_an_unknown_connector_is_rejected(csms, chargepoint):
    cp = chargepoint()
    mark = last_seq(csms)

    assert trigger(csms, cp, "StatusNotification", connector_id=3)[0] == "Rejected"
    assert trigger(csms, cp, "MeterValues", connector_id=7)[0] == "Rejected"
    settle(csms, cp)
    sent = [f.action for f in csms.call_frames(identity=cp.identity) if f.seq > mark]
    assert sent == ["Heartbeat"], f"a Rejected trigger still sent {sent}"


def test_rest_trigger_does_the_same(csms, chargepoint):
    cp = chargepoint()

    def rest_trigger(body):
        return cp.api.ok_json("POST", "/api/v1/trigger", json=body)

    mark = last_seq(csms)
    assert rest_trigger({"message": "StatusNotification"}) == {"status": "Accepted"}
    notifications = triggered(csms, cp, "StatusNotification", mark, count=3)
    assert sorted(f.payload["connectorId"] for f in notifications) == [0, 1, 2]

    mark = last_seq(csms)
    assert rest_trigger({"message": "MeterValues", "connectorId": 1}) == {"status": "Accepted"}
    meter = triggered(csms, cp, "MeterValues", mark)[0].payload
    assert meter["connectorId"] == 1
    assert {s["context"] for s in sampled_values(meter["meterValue"])} == {"Trigger"}

    mark = last_seq(csms)
    assert rest_trigger({"message": "Heartbeat"}) == {"status": "Accepted"}
    triggered(csms, cp, "Heartbeat", mark)
    for message in ("DiagnosticsStatusNotification", "FirmwareStatusNotification"):
        mark = last_seq(csms)
        assert rest_trigger({"message": message}) == {"status": "Accepted"}
        assert triggered(csms, cp, message, mark)[0].payload == {"status": "Idle"}

    mark = last_seq(csms)
    assert rest_trigger({"message": "BootNotification"}) == {"status": "Rejected"}
    assert rest_trigger({"message": "StatusNotification", "connectorId": 9}) == {"status": "Rejected"}
    settle(csms, cp)
    assert [f.action for f in csms.call_frames(identity=cp.identity) if f.seq > mark] == ["Heartbeat"]
    assert_problem(cp.api.post("/api/v1/trigger", json={"message": "StartTransaction"}), 422)
    assert_problem(cp.api.post("/api/v1/trigger", json={}), 422)


def test_supported_feature_profiles_lists_exactly_the_six_profiles(csms, chargepoint):
    cp = chargepoint()

    reply = csms.call_raw(cp.identity, json.dumps(
        [2, "sfp-1", "GetConfiguration", {"key": ["SupportedFeatureProfiles"]}]))
    assert reply[0] == CALLRESULT, reply
    assert reply[2] == {"configurationKey": [{
        "key": "SupportedFeatureProfiles", "readonly": True,
        "value": "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger"}]}
    rest = cp.api.ok_json("GET", "/api/v1/configuration/SupportedFeatureProfiles")
    assert set(rest["value"].split(",")) == {"Core", "FirmwareManagement", "LocalAuthListManagement",
                                             "Reservation", "SmartCharging", "RemoteTrigger"}
