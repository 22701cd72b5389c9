"""Local transactions through the REST API (reference §6.3, §6.4, §6.11)."""

import pytest

from harness import (ENERGY, POWER, assert_problem, assert_refused, assert_sample_types,
                     meter_value_objects, meter_values_for, readings, sampled_values, status_sequence,
                     transaction_id_of, wait_for_status, wait_meter_values)

POWER_W = 7400


def start(cp, connector_id, id_tag, expected=201):
    return cp.api.ok_json("POST", f"/api/v1/connectors/{connector_id}/start", expected,
                          json={"idTag": id_tag})


def test_start_meter_stop_unplug(csms, chargepoint):
    cp = chargepoint()
    energy_before = cp.api.set_meter(1, powerW=POWER_W)["energyWh"]

    started = start(cp, 1, "TAG1")
    transaction_id = transaction_id_of(csms, cp.identity)
    start_req = csms.calls("StartTransaction", cp.identity)[0]
    assert start_req["connectorId"] == 1 and start_req["idTag"] == "TAG1"
    assert start_req["meterStart"] == started["meterStartWh"] >= energy_before
    assert (started["transactionId"], started["connectorId"], started["idTag"]) == (transaction_id, 1, "TAG1")
    assert started["pendingDelivery"] is False
    assert (started["meterStopWh"], started["stoppedAt"], started["stopReason"]) == (None, None, None)
    assert wait_for_status(csms, cp.identity, 1, "Charging") == ["Available", "Preparing", "Charging"]

    _check_periodic_meter_values(csms, cp, transaction_id)
    raised = energy_before + 1500
    assert cp.api.set_meter(1, energyWh=raised)["energyWh"] == raised
    csms.wait_for(lambda: max(energy_readings(csms, cp.identity, transaction_id)) >= raised,
                  10, f"a MeterValues reading of at least {raised} Wh")

    stopped = cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    assert (stopped["transactionId"], stopped["stopReason"]) == (transaction_id, "Local")
    assert isinstance(stopped["meterStopWh"], int) and stopped["meterStopWh"] >= raised
    assert stopped["stoppedAt"] is not None
    stop_req = csms.wait_for_calls("StopTransaction", cp.identity)[0]
    assert stop_req["transactionId"] == transaction_id
    assert stop_req["meterStop"] == stopped["meterStopWh"]
    assert stop_req.get("reason", "Local") == "Local"
    _check_transaction_data(stop_req, started["meterStartWh"], stopped["meterStopWh"])
    _check_nothing_after_stop(csms, cp, transaction_id)

    wait_for_status(csms, cp.identity, 1, "Finishing")
    assert cp.api.ok_json("POST", "/api/v1/connectors/1/unplug")["plugged"] is False
    assert wait_for_status(csms, cp.identity, 1, "Available") == \
        ["Available", "Preparing", "Charging", "Finishing", "Available"]
    cp.api.wait_connector(1, lambda c: c["transaction"] is None and c["status"] == "Available")
    final = cp.api.transactions()[0]
    assert (final["transactionId"], final["meterStopWh"], final["stopReason"]) == \
        (transaction_id, stopped["meterStopWh"], "Local")


def energy_readings(csms, identity, transaction_id):
    return readings(meter_value_objects(meter_values_for(csms, identity, transaction_id)), ENERGY)


def _check_periodic_meter_values(csms, cp, transaction_id):
    """Sampled values: Sample.Periodic, both configured measurands, string values, Wh and W."""
    payloads = wait_meter_values(csms, cp.identity, transaction_id, count=2)
    assert all(p["connectorId"] == 1 for p in payloads)
    meter_values = meter_value_objects(payloads)
    assert_sample_types(meter_values)
    samples = sampled_values(meter_values)
    assert {s["context"] for s in samples} == {"Sample.Periodic"}
    assert {s["measurand"] for s in samples} == {ENERGY, POWER}
    assert {s["unit"] for s in samples if s["measurand"] == ENERGY} == {"Wh"}
    assert {s["unit"] for s in samples if s["measurand"] == POWER} == {"W"}
    assert readings(meter_values, POWER)[-1] == POWER_W


def _check_transaction_data(stop_req, meter_start, meter_stop):
    """StopTxnSampledData defaults to the energy register: Begin = meterStart, End = meterStop."""
    data = stop_req.get("transactionData")
    assert data, "StopTransaction without transactionData"
    assert_sample_types(data)
    assert readings(data, ENERGY, "Transaction.Begin") == [meter_start]
    assert readings(data, ENERGY, "Transaction.End") == [meter_stop]


def _check_nothing_after_stop(csms, cp, transaction_id):
    """Energy never goes backwards and no MeterValues of the transaction follow its StopTransaction."""
    energy = energy_readings(csms, cp.identity, transaction_id)
    assert energy == sorted(energy) and energy[-1] > energy[0], energy
    stop_seq = csms.call_frames("StopTransaction", cp.identity)[0].seq
    late = [f.seq for f in csms.call_frames("MeterValues", cp.identity)
            if f.payload.get("transactionId") == transaction_id and f.seq > stop_seq]
    assert not late, "MeterValues sent after StopTransaction"


@pytest.mark.parametrize("id_tag, authorization", [("UNKNOWN7", "Invalid"), ("BLOCKED1", "Blocked")])
def test_start_with_refused_tag_is_403_and_sends_no_start(csms, chargepoint, id_tag, authorization):
    cp = chargepoint()

    response = cp.api.post("/api/v1/connectors/1/start", json={"idTag": id_tag})

    assert_refused(response, authorization)
    assert csms.calls("Authorize", cp.identity) == [{"idTag": id_tag}]
    assert cp.api.connector(1)["transaction"] is None
    assert csms.calls("StartTransaction", cp.identity) == []


def test_start_on_busy_connector_is_409(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1, "TAG1")

    assert_problem(cp.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG2"}), 409)
    assert_problem(cp.api.post("/api/v1/connectors/2/stop", json={}), 409)
    assert len(csms.calls("StartTransaction", cp.identity)) == 1
    assert status_sequence(csms, cp.identity, 2) == ["Available"]


def test_a_simulated_vehicle_draws_what_its_battery_takes(csms, chargepoint):
    """`--vehicles on`: behind a session the station's meter measures a vehicle (an 11 kW charger below its
    knee), not the API's power; without it the power stays what the API set."""
    cp = chargepoint(args=["--vehicles", "on"])
    cp.api.set_meter(1, powerW=3000)
    start(cp, 1, "TAG1")
    cp.api.wait_connector(1, lambda c: c["powerW"] == 11000, what="the vehicle drawing 11 kW")
    plain = chargepoint()
    plain.api.set_meter(1, powerW=3000)
    start(plain, 1, "TAG1")
    assert plain.api.wait_connector(1, lambda c: c["status"] == "Charging")["powerW"] == 3000
