"""OCPP 2.0.1 functional block N (monitoring), end to end: SetVariableMonitoring, SetMonitoringLevel,
SetMonitoringBase, GetMonitoringReport and ClearVariableMonitoring from the PyPI `ocpp` 2.0.1 central system
(every frame checked against the official schemas) to the real `chargepoint serve --ocpp 2.0.1`, and the
NotifyEvents that REST actions (a meter change, a fault) make the station raise. No OCA test case number is
confirmed for this block here, so the tests are named after the requirements they check."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from ocpp.v201 import call

from conftest import running_csms
from harness import REPO_ROOT
from ocpp201_helpers import ACCEPTED, settle201, start, wait_event

EVSE1 = {"name": "EVSE", "evse": {"id": 1}}
CONNECTOR1 = {"name": "Connector", "evse": {"id": 1, "connector_id": 1}}


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def monitor(type_: str, value: float, component: dict = EVSE1, variable: str = "Power", severity: int = 5,
            **members) -> dict:
    """A SetMonitoringData in the library's snake_case."""
    return {"value": value, "type": type_, "severity": severity, "component": component,
            "variable": {"name": variable}, **members}


def monitoring_schema():
    """A validator of openapi.yaml's MonitoringList (OpenAPI 3.1 schemas are JSON Schema 2020-12)."""
    document = yaml.safe_load((REPO_ROOT / "openapi.yaml").read_text())
    schema = {**document["components"]["schemas"]["MonitoringList"], "components": document["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


MONITORING_SCHEMA = monitoring_schema()


def listed(station) -> dict:
    """GET /api/v1/monitors, checked against openapi.yaml."""
    resource = station.api.ok_json("GET", "/api/v1/monitors")
    MONITORING_SCHEMA.validate(resource)
    return resource


def set_monitors(csms, station, *data: dict) -> list[dict]:
    return csms.call(station.identity, call.SetVariableMonitoring(set_monitoring_data=list(data))).set_monitoring_result


def events(csms, station, count: int, kind: str = "CustomMonitor") -> list[dict]:
    """The events of one `eventNotificationType` in every NotifyEvent so far, waiting for `count` of them."""
    def flat():
        return [event for payload in csms.calls("NotifyEvent", station.identity) for event in payload["eventData"]
                if event["eventNotificationType"] == kind]
    csms.wait_for_calls("NotifyEvent", station.identity, where=lambda _: len(flat()) >= count)
    return flat()


def test_N07_FR_02_a_meter_change_through_the_api_crosses_a_threshold_and_clears_it(csms, chargepoint):
    """An UpperThreshold on EVSE 1's Power: charging at 11 kW raises Alerting with the transaction's id;
    `PUT …/meter` down to 3 kW raises the same event cleared [N04.FR.01, N07.FR.02/06]."""
    station = chargepoint(connectors=1)
    [result] = set_monitors(csms, station, monitor("UpperThreshold", 5000))
    assert result["status"] == ACCEPTED and result["id"] >= 1
    started = start(station, 1, "TAG1")
    wait_event(csms, station, lambda e: e["transactionInfo"].get("chargingState") == "Charging", "Charging")
    [alert] = events(csms, station, 1)
    assert (alert["trigger"], alert["actualValue"], alert["variableMonitoringId"]) == ("Alerting", "11000", result["id"])
    assert alert["eventNotificationType"] == "CustomMonitor" and "cleared" not in alert
    assert alert["transactionId"] == started["transactionId"]
    assert alert["component"] == {"name": "EVSE", "evse": {"id": 1}} and alert["variable"] == {"name": "Power"}

    station.api.ok_json("PUT", "/api/v1/connectors/1/meter", json={"powerW": 3000})
    cleared = events(csms, station, 2)[1]
    assert (cleared["trigger"], cleared["actualValue"], cleared["cleared"]) == ("Alerting", "3000", True)
    assert cleared["eventId"] != alert["eventId"]


def test_N07_a_fault_through_the_api_is_reported_by_a_delta_monitor_and_a_hard_wired_notice(csms, chargepoint):
    """A Delta monitor on the connector's AvailabilityState: `POST …/fault` raises Delta with Faulted, the
    fault cleared raises Delta with Available. Without any monitor, the fault is a hard-wired notice on the
    EVSE's Problem variable with the fault's name, and cleared with it [G05]."""
    station = chargepoint(connectors=1)
    [result] = set_monitors(csms, station, monitor("Delta", 0, CONNECTOR1, "AvailabilityState", severity=2))
    assert result["status"] == ACCEPTED
    station.api.ok_json("POST", "/api/v1/connectors/1/fault", json={"errorCode": "GroundFailure"})
    station.api.ok_json("POST", "/api/v1/connectors/1/fault", json={"errorCode": "NoError"})
    reported = events(csms, station, 2)
    assert [(e["trigger"], e["actualValue"]) for e in reported] == [("Delta", "Faulted"), ("Delta", "Available")]
    notices = events(csms, station, 2, kind="HardWiredNotification")
    assert [(n["component"], n["variable"]["name"], n["actualValue"], n["techCode"], n.get("cleared")) for n in notices] == [
        ({"name": "EVSE", "evse": {"id": 1}}, "Problem", "true", "GroundFailure", None),
        ({"name": "EVSE", "evse": {"id": 1}}, "Problem", "false", "GroundFailure", True)]


def test_N04_N05_N06_N02_refusals_level_report_and_clear(csms, chargepoint):
    """One result per element with the refusals of N04; SetMonitoringLevel below a monitor's severity
    silences it [N05]; GetMonitoringReport lists the monitors by variable [N02]; ClearVariableMonitoring
    Accepted / NotFound [N06]; SetMonitoringBase FactoryDefault leaves no custom monitor [N03]."""
    station = chargepoint(connectors=1)
    results = set_monitors(
        csms, station,
        monitor("Delta", 100, severity=8),
        monitor("UpperThreshold", 1, CONNECTOR1, "AvailabilityState"),
        monitor("UpperThreshold", 99_999),
        monitor("Delta", 1, {"name": "NoSuchCtrlr"}),
        monitor("Delta", 100, severity=8),
    )
    assert [r["status"] for r in results] == [
        ACCEPTED, "UnsupportedMonitorType", "Rejected", "UnknownComponent", "Duplicate"]
    delta_id = results[0]["id"]

    assert listed(station)["monitors"] == [{"id": delta_id, "variable": "EVSE@1.Power", "type": "Delta", "value": 100,
                                            "severity": 8, "transaction": False}]
    assert csms.call(station.identity, call.SetMonitoringLevel(severity=7)).status == ACCEPTED
    assert csms.call(station.identity, call.SetMonitoringLevel(severity=12)).status == "Rejected"
    assert listed(station)["monitoringLevel"] == 7
    start(station, 1, "TAG1")
    wait_event(csms, station, lambda e: e["transactionInfo"].get("chargingState") == "Charging", "Charging")
    settle201(csms, station)
    assert csms.calls("NotifyEvent", station.identity) == []

    assert csms.call(station.identity, call.GetMonitoringReport(request_id=31)).status == ACCEPTED
    [report] = csms.wait_for_calls("NotifyMonitoringReport", station.identity, where=lambda p: p["requestId"] == 31)
    assert report["monitor"] == [{"component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"},
                                  "variableMonitoring": [{"id": delta_id, "transaction": False, "value": 100,
                                                          "type": "Delta", "severity": 8}]}]
    periodic = csms.call(station.identity, call.GetMonitoringReport(
        request_id=32, monitoring_criteria=["PeriodicMonitoring"]))
    assert periodic.status == "EmptyResultSet"

    cleared = csms.call(station.identity, call.ClearVariableMonitoring(id=[delta_id, delta_id + 100]))
    assert [(r["id"], r["status"]) for r in cleared.clear_monitoring_result] == [
        (delta_id, ACCEPTED), (delta_id + 100, "NotFound")]
    [again] = set_monitors(csms, station, monitor("Delta", 100, severity=8))
    assert csms.call(station.identity, call.SetMonitoringBase(monitoring_base="FactoryDefault")).status == ACCEPTED
    assert csms.call(station.identity, call.GetMonitoringReport(request_id=33)).status == "EmptyResultSet"
    assert (listed(station)["monitoringBase"], listed(station)["monitors"]) == ("FactoryDefault", [])
    assert again["status"] == ACCEPTED


def test_N07_FR_13_monitors_survive_a_restart(csms, chargepoint):
    """Monitors are persisted: after a reboot the report still lists them."""
    station = chargepoint(connectors=1)
    [result] = set_monitors(csms, station, monitor("Periodic", 3600, {"name": "OCPPCommCtrlr"}, "HeartbeatInterval"))
    assert result["status"] == ACCEPTED
    station.restart()
    station.wait_registered()
    assert csms.call(station.identity, call.GetMonitoringReport(request_id=41)).status == ACCEPTED
    [report] = csms.wait_for_calls("NotifyMonitoringReport", station.identity, where=lambda p: p["requestId"] == 41)
    assert report["monitor"][0]["variableMonitoring"][0]["id"] == result["id"]


def test_a_notify_event_queued_offline_survives_a_kill(csms, chargepoint):
    """The fault's hard-wired NotifyEvent waits in the store while the CSMS is out of reach; after kill -9
    and a restart it is delivered once the boot is accepted."""
    station = chargepoint(connectors=1)
    csms.stop(abrupt=True)
    csms.wait_for(lambda: station.api.status()["link"] != "connected", 15, "the station to notice the CSMS is gone")
    station.api.ok_json("POST", "/api/v1/connectors/1/fault", json={"errorCode": "GroundFailure"})
    station.kill()
    csms.start()
    station.restart()
    [notice] = events(csms, station, 1, kind="HardWiredNotification")
    assert (notice["actualValue"], notice["techCode"]) == ("true", "GroundFailure")
    boots = csms.call_frames("BootNotification", station.identity)
    [sent] = csms.call_frames("NotifyEvent", station.identity)
    assert boots and sent.time > boots[-1].time, "the stored NotifyEvent went before the BootNotification"
