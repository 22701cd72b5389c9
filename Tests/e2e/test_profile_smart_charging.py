"""Smart Charging profile (reference §3.1, §3.3, §4.5, §6.13): SetChargingProfile,
ClearChargingProfile, GetCompositeSchedule, RemoteStartTransaction with a TxProfile, and the
limits as the REST API and MeterValues show them."""

import math
import time
from datetime import datetime, timezone

from csms import parse_time
from harness import (ENERGY, POWER, assert_problem, meter_value_objects, ocpp_call, readings, transaction_id_of,
                     utc_in, wait_for_status)

OFFERED = "Power.Offered"
VOLTS_3_PHASES = 230 * 3
RATED_W = 11_000  # what a simulated EV draws when nothing limits it
CURRENT_OFFERED = "Current.Offered"
SAMPLED = {"MeterValuesSampledData": f"{ENERGY},{POWER},{OFFERED},{CURRENT_OFFERED}"}


def profile(profile_id, purpose, limit, unit="A", stack=0, kind="Relative", start_schedule=None,
            duration=None, periods=None, **extra):
    schedule = {"chargingRateUnit": unit,
                "chargingSchedulePeriod": periods or [{"startPeriod": 0, "limit": limit}]}
    if start_schedule is not None:
        schedule["startSchedule"] = start_schedule
    if duration is not None:
        schedule["duration"] = duration
    return {"chargingProfileId": profile_id, "stackLevel": stack, "chargingProfilePurpose": purpose,
            "chargingProfileKind": kind, "chargingSchedule": schedule, **extra}


def set_profile(csms, cp, connector_id, charging_profile):
    return ocpp_call(csms, cp.identity, "SetChargingProfile",
                     {"connectorId": connector_id, "csChargingProfiles": charging_profile})["status"]


def clear_profile(csms, cp, **criteria):
    return ocpp_call(csms, cp.identity, "ClearChargingProfile", criteria)["status"]


def installed(cp):
    """GET /api/v1/charging-profiles as {chargingProfileId: (connectorId, purpose)}."""
    body = cp.api.ok_json("GET", "/api/v1/charging-profiles")
    return {p["profile"]["chargingProfileId"]: (p["connectorId"], p["profile"]["chargingProfilePurpose"])
            for p in body["profiles"]}


def start(cp, connector_id, id_tag="TAG1"):
    return cp.api.ok_json("POST", f"/api/v1/connectors/{connector_id}/start", 201, json={"idTag": id_tag})


def wait_limit(cp, connector_id, limit_w, power_w):
    return cp.api.wait_connector(connector_id, lambda c: (c["limitW"], c["powerW"]) == (limit_w, power_w),
                                 what=f"limitW {limit_w} and powerW {power_w}")


def wait_sampled_power(csms, cp, transaction_id, power_w):
    """Wait for a MeterValue of the transaction reading `power_w` for Power.Active.Import; return it."""
    def found():
        values = meter_value_objects([p for p in csms.calls("MeterValues", cp.identity)
                                      if p.get("transactionId") == transaction_id])
        return next((mv for mv in reversed(values) if readings([mv], POWER) == [power_w]), None)
    return csms.wait_for(found, 10, f"a MeterValues reading {POWER} = {power_w} W")


def millis(text):
    return round(parse_time(text).timestamp() * 1000)


def test_tx_default_profile_on_connector_zero_limits_every_connector(csms, chargepoint):
    cp = chargepoint(ocpp_config=SAMPLED)
    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)
    assert (cp.api.connector(1)["limitW"], cp.api.connector(1)["powerW"]) == (None, RATED_W)

    assert set_profile(csms, cp, 0, profile(1, "TxDefaultProfile", 10.0)) == "Accepted"
    limit_w = 10 * VOLTS_3_PHASES
    wait_limit(cp, 1, limit_w, limit_w)
    assert (cp.api.connector(2)["limitW"], cp.api.connector(2)["powerW"]) == (limit_w, 0)
    sample = wait_sampled_power(csms, cp, transaction_id, float(limit_w))
    assert readings([sample], OFFERED) == [float(limit_w)]
    assert readings([sample], CURRENT_OFFERED) == [10.0]
    assert [s.get("unit") for s in sample["sampledValue"] if s.get("measurand") == CURRENT_OFFERED] == ["A"]
    assert {s["unit"] for s in sample["sampledValue"] if s.get("measurand") in (POWER, OFFERED)} == {"W"}

    # A TxDefaultProfile on connector 1 replaces connector 0's for connector 1 only.
    assert set_profile(csms, cp, 1, profile(2, "TxDefaultProfile", 8.0)) == "Accepted"
    wait_limit(cp, 1, 8 * VOLTS_3_PHASES, 8 * VOLTS_3_PHASES)
    assert cp.api.connector(2)["limitW"] == limit_w
    assert installed(cp) == {1: (0, "TxDefaultProfile"), 2: (1, "TxDefaultProfile")}
    listed = cp.api.ok_json("GET", "/api/v1/charging-profiles")["profiles"]
    assert [p["profile"] for p in listed if p["profile"]["chargingProfileId"] == 2] == \
        [profile(2, "TxDefaultProfile", 8.0)]

    assert clear_profile(csms, cp, id=2) == "Accepted"
    wait_limit(cp, 1, limit_w, limit_w)
    assert clear_profile(csms, cp, id=2) == "Unknown"
    assert clear_profile(csms, cp, chargingProfilePurpose="ChargePointMaxProfile") == "Unknown"
    assert clear_profile(csms, cp, connectorId=1, chargingProfilePurpose="TxDefaultProfile") == "Unknown"
    assert clear_profile(csms, cp, chargingProfilePurpose="TxDefaultProfile") == "Accepted"
    wait_limit(cp, 1, None, RATED_W)
    assert installed(cp) == {}
    assert clear_profile(csms, cp) == "Unknown"
    wait_sampled_power(csms, cp, transaction_id, float(RATED_W))


def test_tx_profile_needs_a_transaction_and_ends_with_it(csms, chargepoint):
    cp = chargepoint()

    assert set_profile(csms, cp, 1, profile(10, "TxProfile", 6.0)) == "Rejected"
    assert set_profile(csms, cp, 0, profile(10, "TxProfile", 6.0)) == "Rejected"
    assert set_profile(csms, cp, 1, profile(11, "ChargePointMaxProfile", 6.0, kind="Absolute",
                                            start_schedule=utc_in(-60))) == "Rejected"
    assert installed(cp) == {}

    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)
    assert set_profile(csms, cp, 0, profile(12, "TxDefaultProfile", 12.0)) == "Accepted"
    wait_limit(cp, 1, 12 * VOLTS_3_PHASES, 12 * VOLTS_3_PHASES)
    assert set_profile(csms, cp, 1, profile(13, "TxProfile", 6.0, transactionId=transaction_id + 100)) == "Rejected"
    assert set_profile(csms, cp, 2, profile(13, "TxProfile", 6.0)) == "Rejected"
    assert set_profile(csms, cp, 1, profile(13, "TxProfile", 6.0, transactionId=transaction_id)) == "Accepted"
    wait_limit(cp, 1, 6 * VOLTS_3_PHASES, 6 * VOLTS_3_PHASES)  # the TxProfile beats the default
    assert installed(cp) == {12: (0, "TxDefaultProfile"), 13: (1, "TxProfile")}

    cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    csms.wait_for_calls("StopTransaction", cp.identity)
    assert installed(cp) == {12: (0, "TxDefaultProfile")}


def test_charge_point_max_profile_is_shared_by_the_charging_connectors(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1)
    start(cp, 2, "TAG2")
    for connector_id in (1, 2):
        wait_limit(cp, connector_id, None, RATED_W)

    assert set_profile(csms, cp, 0, profile(20, "ChargePointMaxProfile", 10_000.0, unit="W", kind="Absolute",
                                            start_schedule=utc_in(-60))) == "Accepted"
    connectors = [wait_limit(cp, connector_id, 5000, 5000) for connector_id in (1, 2)]
    assert sum(c["powerW"] for c in connectors) <= 10_000
    wait_for_status(csms, cp.identity, 1, "Charging")

    composite = ocpp_call(csms, cp.identity, "GetCompositeSchedule",
                          {"connectorId": 0, "duration": 600, "chargingRateUnit": "W"})
    assert composite["status"] == "Accepted"
    assert [(p["startPeriod"], p["limit"]) for p in composite["chargingSchedule"]["chargingSchedulePeriod"]] == \
        [(0, 10_000.0)]

    cp.api.ok_json("POST", "/api/v1/connectors/2/stop", json={})
    wait_limit(cp, 1, 10_000, 10_000)
    assert set_profile(csms, cp, 0, profile(21, "ChargePointMaxProfile", 10.0, kind="Relative")) == "Rejected"
    assert installed(cp) == {20: (0, "ChargePointMaxProfile")}


def test_get_composite_schedule_combines_profiles_and_converts_units(csms, chargepoint):
    cp = chargepoint()
    origin_ms = (int(time.time()) - 1) * 1000
    origin = datetime.fromtimestamp(origin_ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    # connector 1: 16 A for 30 s, then 8 A until 90 s; the charge point: at most 9000 W.
    assert set_profile(csms, cp, 1, profile(
        30, "TxDefaultProfile", None, kind="Absolute", start_schedule=origin, duration=90,
        periods=[{"startPeriod": 0, "limit": 16.0}, {"startPeriod": 30, "limit": 8.0}])) == "Accepted"
    assert set_profile(csms, cp, 0, profile(31, "ChargePointMaxProfile", 9000.0, unit="W", kind="Absolute",
                                            start_schedule=utc_in(-120))) == "Accepted"

    before = time.time()
    in_amperes = ocpp_call(csms, cp.identity, "GetCompositeSchedule",
                           {"connectorId": 1, "duration": 300, "chargingRateUnit": "A"})
    after = time.time()
    assert set(in_amperes) == {"status", "connectorId", "scheduleStart", "chargingSchedule"}
    assert (in_amperes["status"], in_amperes["connectorId"]) == ("Accepted", 1)
    start = parse_time(in_amperes["scheduleStart"]).timestamp()
    assert before - 1 <= start <= after + 1, "scheduleStart is not now"
    start_ms = millis(in_amperes["scheduleStart"])
    schedule = in_amperes["chargingSchedule"]
    assert "startSchedule" not in schedule
    assert (schedule["chargingRateUnit"], schedule["duration"]) == ("A", 300)

    def offset(seconds_after_origin):
        """Where a change at origin + n s shows in a composite that starts at start_ms (whole seconds, up)."""
        return math.ceil((origin_ms + seconds_after_origin * 1000 - start_ms) / 1000)

    max_a = math.floor(9000 / VOLTS_3_PHASES * 10) / 10  # 13.0
    expected = [(0, max_a), (offset(30), 8.0), (offset(90), max_a)]
    periods = schedule["chargingSchedulePeriod"]
    assert [(p["startPeriod"], p["limit"]) for p in periods] == expected
    assert all(p.get("numberPhases", 3) == 3 for p in periods)

    in_watts = ocpp_call(csms, cp.identity, "GetCompositeSchedule",
                         {"connectorId": 1, "duration": 300, "chargingRateUnit": "W"})
    start_ms = millis(in_watts["scheduleStart"])
    watts = [(p["startPeriod"], p["limit"]) for p in in_watts["chargingSchedule"]["chargingSchedulePeriod"]]
    assert in_watts["chargingSchedule"]["chargingRateUnit"] == "W"
    assert watts == [(0, 9000.0), (offset(30), 8.0 * VOLTS_3_PHASES), (offset(90), 9000.0)]

    assert ocpp_call(csms, cp.identity, "GetCompositeSchedule", {"connectorId": 3, "duration": 300}) == \
        {"status": "Rejected"}
    whole = ocpp_call(csms, cp.identity, "GetCompositeSchedule",
                      {"connectorId": 0, "duration": 60, "chargingRateUnit": "A"})
    assert [(p["startPeriod"], p["limit"]) for p in whole["chargingSchedule"]["chargingSchedulePeriod"]] == \
        [(0, max_a)]

    # The REST view of the same composite.
    body = cp.api.ok_json("GET", "/api/v1/connectors/1/composite-schedule", params={"duration": 300, "unit": "A"})
    assert body["connectorId"] == 1
    start_ms = millis(body["scheduleStart"])
    assert body["chargingSchedule"]["chargingRateUnit"] == "A"
    assert [(p["startPeriod"], p["limit"]) for p in body["chargingSchedule"]["chargingSchedulePeriod"]] == \
        [(0, max_a), (offset(30), 8.0), (offset(90), max_a)]
    assert_problem(cp.api.get("/api/v1/connectors/1/composite-schedule", params={"unit": "kW"}), 422)
    assert_problem(cp.api.get("/api/v1/connectors/9/composite-schedule"), 404)


def test_remote_start_with_a_tx_profile_applies_it_to_that_transaction_only(csms, chargepoint):
    cp = chargepoint()
    tx_profile = profile(40, "TxProfile", 10.0)

    assert ocpp_call(csms, cp.identity, "RemoteStartTransaction",
                     {"idTag": "TAG1", "connectorId": 1,
                      "chargingProfile": profile(41, "TxDefaultProfile", 10.0)}) == {"status": "Rejected"}
    assert ocpp_call(csms, cp.identity, "RemoteStartTransaction",
                     {"idTag": "TAG1", "connectorId": 1,
                      "chargingProfile": profile(42, "TxProfile", 10.0, transactionId=5)}) == {"status": "Rejected"}
    assert ocpp_call(csms, cp.identity, "RemoteStartTransaction",
                     {"idTag": "TAG1", "connectorId": 1, "chargingProfile": tx_profile}) == {"status": "Accepted"}
    cp.api.ok_json("POST", "/api/v1/connectors/1/plug")
    csms.wait_for_calls("StartTransaction", cp.identity)
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_limit(cp, 1, 10 * VOLTS_3_PHASES, 10 * VOLTS_3_PHASES)
    assert installed(cp) == {40: (1, "TxProfile")}
    assert cp.api.connector(2)["limitW"] is None

    assert ocpp_call(csms, cp.identity, "RemoteStopTransaction", {"transactionId": transaction_id}) == \
        {"status": "Accepted"}
    stop = csms.wait_for_calls("StopTransaction", cp.identity)[0]
    assert (stop["transactionId"], stop["reason"]) == (transaction_id, "Remote")
    assert installed(cp) == {}
    assert cp.api.connector(1)["limitW"] is None


def test_stack_levels_durations_and_the_install_checks(csms, chargepoint):
    cp = chargepoint()
    assert set_profile(csms, cp, 0, profile(50, "TxDefaultProfile", 10.0, stack=0)) == "Accepted"
    assert set_profile(csms, cp, 0, profile(51, "TxDefaultProfile", 6.0, stack=1, duration=20)) == "Accepted"
    assert set_profile(csms, cp, 0, profile(53, "TxDefaultProfile", 4.0, stack=2,
                                            validFrom=utc_in(3600))) == "Accepted"

    def composite(connector_id=2, duration=60):
        answer = ocpp_call(csms, cp.identity, "GetCompositeSchedule",
                           {"connectorId": connector_id, "duration": duration, "chargingRateUnit": "A"})
        assert answer["status"] == "Accepted", answer
        return [(p["startPeriod"], p["limit"]) for p in answer["chargingSchedule"]["chargingSchedulePeriod"]]

    # Relative without a transaction runs from now: stack 1 for its 20 s, then stack 0 again;
    # stack 2 is not valid yet.
    assert composite() == [(0, 6.0), (20, 10.0)]
    # The same purpose and stackLevel on the same connector replaces the installed profile.
    assert set_profile(csms, cp, 0, profile(52, "TxDefaultProfile", 7.0, stack=1, duration=20)) == "Accepted"
    assert installed(cp) == {50: (0, "TxDefaultProfile"), 52: (0, "TxDefaultProfile"),
                             53: (0, "TxDefaultProfile")}
    assert composite() == [(0, 7.0), (20, 10.0)]
    # So does the same chargingProfileId, wherever it was.
    assert set_profile(csms, cp, 1, profile(52, "TxDefaultProfile", 5.0, stack=3)) == "Accepted"
    assert installed(cp) == {50: (0, "TxDefaultProfile"), 52: (1, "TxDefaultProfile"),
                             53: (0, "TxDefaultProfile")}
    assert composite(connector_id=1) == [(0, 5.0)]
    assert composite(connector_id=2) == [(0, 10.0)]

    refused = {
        "stackLevel above ChargeProfileMaxStackLevel": profile(60, "TxDefaultProfile", 6.0, stack=11),
        "first period not at 0": profile(61, "TxDefaultProfile", None,
                                         periods=[{"startPeriod": 5, "limit": 6.0}]),
        "negative limit": profile(62, "TxDefaultProfile", -1.0),
        "numberPhases 4": profile(63, "TxDefaultProfile", None,
                                  periods=[{"startPeriod": 0, "limit": 6.0, "numberPhases": 4}]),
        "Absolute without startSchedule": profile(64, "TxDefaultProfile", 6.0, kind="Absolute"),
        "Recurring without recurrencyKind": profile(65, "TxDefaultProfile", 6.0, kind="Recurring",
                                                    start_schedule=utc_in(-60)),
    }
    answers = {why: set_profile(csms, cp, 1, p) for why, p in refused.items()}
    assert answers == {why: "Rejected" for why in refused}
    assert set(installed(cp)) == {50, 52, 53}
