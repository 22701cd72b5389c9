"""OCPP 2.0.1 functional block J outside the Started/Updated/Ended measurands, end to end: clock-aligned
readings (AlignedDataCtrlr) and triggered MeterValues, from the real `chargepoint serve --ocpp 2.0.1` to
the PyPI `ocpp` 2.0.1 central system (every frame checked against the official schemas)."""

from __future__ import annotations

import pytest
from ocpp.v201 import call

from conftest import running_csms
from csms import parse_time
from ocpp201_helpers import set_variables, start, wait_event


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1", accept_tags={"TAG1"}) as csms:
        yield csms


def meter_values(csms, station) -> list[dict]:
    return csms.calls("MeterValues", station.identity)


def test_TC_J_01_CS_and_TC_J_02_CS_clock_aligned_readings_on_the_grid(csms, chargepoint):
    """AlignedDataCtrlr.Interval 2 s: MeterValues {Sample.Clock} for the idle EVSE stamped on the grid
    (a multiple of 2 s from midnight UTC), a TransactionEvent Updated {MeterValueClock} for the EVSE in a
    transaction [J01.FR.22]."""
    station = chargepoint(connectors=2)
    start(station, 1, "TAG1")
    set_variables(csms, station, {"AlignedDataCtrlr.Interval": "2"})
    reading = csms.wait_for(lambda: next(iter(meter_values(csms, station)), None), 10, "an aligned MeterValues")
    assert reading["evseId"] == 2
    value = reading["meterValue"][0]
    assert value["sampledValue"][0]["context"] == "Sample.Clock"
    stamp = parse_time(value["timestamp"])
    assert stamp.microsecond == 0 and stamp.second % 2 == 0, value["timestamp"]
    clock = wait_event(csms, station, lambda e: e["triggerReason"] == "MeterValueClock", "triggerReason MeterValueClock")
    assert clock["eventType"] == "Updated"
    assert clock["meterValue"][0]["sampledValue"][0]["context"] == "Sample.Clock"
    assert all(m["evseId"] == 2 for m in meter_values(csms, station)), "MeterValues for an EVSE in a transaction"


def test_TC_F_11_CS_triggered_meter_values(csms, chargepoint):
    """TriggerMessage(MeterValues) for one EVSE: Accepted, then MeterValues with the aligned measurands and
    context Trigger [F06.FR.06]; an unknown EVSE is Rejected."""
    station = chargepoint(connectors=2)
    result = csms.call(station.identity, call.TriggerMessage(requested_message="MeterValues", evse={"id": 2}))
    assert result.status == "Accepted"
    reading = csms.wait_for(lambda: next(iter(meter_values(csms, station)), None), 10, "the triggered MeterValues")
    assert reading["evseId"] == 2
    assert reading["meterValue"][0]["sampledValue"][0] == {
        "value": 0, "context": "Trigger", "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}}
    unknown = csms.call(station.identity, call.TriggerMessage(requested_message="MeterValues", evse={"id": 7}))
    assert unknown.status == "Rejected"
