"""OCPP 2.0.1 functional block B (provisioning) and the RPC framework, end to end: the real
`chargepoint serve --ocpp 2.0.1` against the PyPI `ocpp` 2.0.1 central system, which validates
every frame against the official 2.0.1 schemas (a violation fails the test at teardown)."""

from __future__ import annotations

import pytest
from ocpp.exceptions import SecurityError
from ocpp.v201 import call

from conftest import CSMS_HEARTBEAT_INTERVAL, running_csms


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def test_TC_B_01_CS_cold_boot_accepted(csms, chargepoint):
    station = chargepoint(connectors=2)
    boot = csms.calls("BootNotification", station.identity)[0]
    assert boot["reason"] == "PowerUp"
    assert boot["chargingStation"]["vendorName"] == "SwiftChargePoint"
    handshake = csms.handshakes(station.identity, accepted=True)[0]
    assert handshake.status == 101
    statuses = csms.calls("StatusNotification", station.identity)
    assert sorted((s["evseId"], s["connectorId"], s["connectorStatus"]) for s in statuses) == [
        (1, 1, "Available"), (2, 1, "Available")]
    status = station.api.ok_json("GET", "/api/v1/status")
    assert status["ocppVersion"] == "2.0.1"
    assert status["heartbeatInterval"] == CSMS_HEARTBEAT_INTERVAL
    assert status["registration"] == "Accepted"
    assert station.api.get("/readyz").status_code == 200


def test_TC_B_02_CS_pending_then_accepted_after_the_interval(csms, chargepoint):
    csms.set_boot_statuses(["Pending", "Accepted"])
    csms.settings.retry_interval = 1
    station = chargepoint(connectors=1)
    boots = csms.calls("BootNotification", station.identity)
    assert len(boots) == 2


def test_TC_B_06_CS_and_TC_B_09_CS_get_and_set_variables(csms, chargepoint):
    station = chargepoint(connectors=1)
    heartbeat = {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}
    result = csms.call(station.identity, call.GetVariables(get_variable_data=[heartbeat]))
    assert result.get_variable_result[0]["attribute_status"] == "Accepted"
    assert result.get_variable_result[0]["attribute_value"] == str(CSMS_HEARTBEAT_INTERVAL)

    result = csms.call(station.identity, call.SetVariables(set_variable_data=[
        {**heartbeat, "attribute_value": "120"},
        {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "MessageTimeout", "instance": "Default"},
         "attribute_value": "10"},
    ]))
    assert [r["attribute_status"] for r in result.set_variable_result] == ["Accepted", "Rejected"]
    assert result.set_variable_result[1]["attribute_status_info"]["reason_code"] == "ReadOnly"
    # Stored: the API sees it, and so does the station after a restart.
    assert station.api.ok_json("GET", "/api/v1/configuration/OCPPCommCtrlr.HeartbeatInterval")["value"] == "120"
    station.restart()
    station.wait_registered()
    result = csms.call(station.identity, call.GetVariables(get_variable_data=[heartbeat]))
    assert result.get_variable_result[0]["attribute_value"] == str(CSMS_HEARTBEAT_INTERVAL), \
        "the BootNotification's interval is stored in HeartbeatInterval [B01.FR.04]"


def test_TC_B_13_CS_full_inventory_in_notify_report_parts(csms, chargepoint):
    station = chargepoint(connectors=2)
    result = csms.call(station.identity, call.GetBaseReport(request_id=7, report_base="FullInventory"))
    assert result.status == "Accepted"

    def complete():
        parts = csms.calls("NotifyReport", station.identity)
        return parts if parts and "tbc" not in parts[-1] else None
    parts = csms.wait_for(complete, 10, "the last NotifyReport part")
    assert [p["seqNo"] for p in parts] == list(range(len(parts)))
    assert all(p["requestId"] == 7 for p in parts)
    assert all(p.get("tbc") is True for p in parts[:-1])
    reported = {(d["component"]["name"], d["component"].get("evse", {}).get("id"), d["variable"]["name"],
                 d["variable"].get("instance")) for p in parts for d in p["reportData"]}
    assert ("OCPPCommCtrlr", None, "HeartbeatInterval", None) in reported
    assert ("EVSE", 2, "AvailabilityState", None) in reported
    listed = station.api.ok_json("GET", "/api/v1/configuration")["configuration"]
    assert len(reported) == len(listed)


def test_TC_B_20_CS_reset_reboots_and_boots_saying_remote_reset(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert csms.call(station.identity, call.Reset(type="OnIdle")).status == "Accepted"
    csms.wait_for_calls("BootNotification", station.identity, count=2)
    assert csms.calls("BootNotification", station.identity)[1]["reason"] == "RemoteReset"
    station.wait_registered()
    # A later start is a power-up again.
    station.restart()
    csms.wait_for_calls("BootNotification", station.identity, count=3)
    assert csms.calls("BootNotification", station.identity)[2]["reason"] == "PowerUp"


def test_TC_B_30_CS_rejected_station_refuses_calls_with_security_error(csms, chargepoint):
    csms.set_boot_statuses(["Rejected"])
    csms.settings.retry_interval = 60
    station = chargepoint(connectors=1, registered=False)
    csms.wait_for_calls("BootNotification", station.identity)
    # The station has read the answer: a CALL that overtook it would find the station not yet registered.
    station.api.wait_status(5, registration="Rejected")
    with pytest.raises(SecurityError):
        csms.call(station.identity, call.GetBaseReport(request_id=1, report_base="FullInventory"))
    not_ready = station.api.get("/readyz")
    assert not_ready.status_code == 503
    assert "has not accepted the registration (Rejected)" in not_ready.json()["detail"]


def test_malformed_frames_get_2_0_1_callerrors(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert csms.call_raw(station.identity, "[2, broken")[:3] == [4, "-1", "RpcFrameworkError"]
    assert csms.call_raw(station.identity, '[2,"u1","NoSuchAction",{}]')[:3] == [4, "u1", "NotImplemented"]
    assert csms.call_raw(station.identity, '[2,"u2","GetBaseReport",{"requestId":1}]')[:3] == \
        [4, "u2", "OccurrenceConstraintViolation"]
    # An unknown message type with a readable id gets that id back [P4 §4.2.3: -1 only when unreadable].
    assert csms.call_raw(station.identity, '[7,"u3",{}]')[:3] == [4, "u3", "MessageTypeNotSupported"]


def test_a_data_folder_of_one_version_is_refused_by_the_other(csms, chargepoint):
    station = chargepoint(connectors=1)
    station.terminate()
    station.args = ["--ocpp", "1.6"]
    with pytest.raises(AssertionError, match="holds a charge point of OCPP 2.0.1"):
        station.start()


def test_ocpp_config_sets_device_model_variables_at_start(csms, chargepoint):
    station = chargepoint(connectors=1, ocpp_config={"OCPPCommCtrlr.OfflineThreshold": "77"})
    assert station.api.ok_json("GET", "/api/v1/configuration/OCPPCommCtrlr.OfflineThreshold")["value"] == "77"
    station.terminate()
    station.ocpp_config = {"OCPPCommCtrlr.MessageTimeout[Default]": "5"}
    with pytest.raises(AssertionError, match=r"--ocpp-config OCPPCommCtrlr.MessageTimeout\[Default\]: the variable is read-only"):
        station.start()
