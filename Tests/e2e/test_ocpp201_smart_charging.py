"""OCPP 2.0.1 functional block K (smart charging), end to end: SetChargingProfile, ClearChargingProfile,
GetChargingProfiles with ReportChargingProfiles and GetCompositeSchedule from the PyPI `ocpp` 2.0.1 central system
(every frame checked against the official schemas) to the real `chargepoint serve --ocpp 2.0.1`; the limit as the
delivered power shows it, and the external limit of `PUT /api/v1/connectors/{id}/external-limit` reported with
NotifyChargingLimit and ClearedChargingLimit. Test names carry the OCA compliance test cases (Charging Station
side) they cover; the others name the requirements."""

from __future__ import annotations

import pytest
from ocpp.v201 import call

from conftest import running_csms
from csms import wait_until
from ocpp201_helpers import ACCEPTED, settle201, start, stop, wait_event

WATTS_PER_AMPERE = 230 * 3  # three phases at 230 V
SIMULATED_W = 11_000  # what a simulated EV draws when nothing limits it


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def profile(id_: int, purpose: str = "TxDefaultProfile", limit: float = 16, unit: str = "A", stack_level: int = 0,
            kind: str = "Relative", periods: list[dict] | None = None, start_schedule: str | None = None,
            **members) -> dict:
    """A ChargingProfile in the library's snake_case (it writes camelCase on the wire)."""
    schedule = {"id": id_, "charging_rate_unit": unit,
                "charging_schedule_period": periods or [{"start_period": 0, "limit": limit}],
                **({"start_schedule": start_schedule} if start_schedule else {})}
    return {"id": id_, "stack_level": stack_level, "charging_profile_purpose": purpose,
            "charging_profile_kind": kind, "charging_schedule": [schedule], **members}


def set_profile(csms, station, evse_id: int, charging_profile: dict):
    return csms.call(station.identity, call.SetChargingProfile(evse_id=evse_id, charging_profile=charging_profile))


def installed(station) -> dict[int, tuple[int, str, str]]:
    """GET /api/v1/charging-profiles as {id: (connectorId, source, purpose)}."""
    body = station.api.ok_json("GET", "/api/v1/charging-profiles")
    return {p["profile"]["id"]: (p["connectorId"], p["source"], p["profile"]["chargingProfilePurpose"])
            for p in body["profiles"]}


def wait_power(station, evse_id: int, power_w: int, limit_w: int | None) -> dict:
    return station.api.wait_connector(
        evse_id, lambda c: (c["powerW"], c["limitW"]) == (power_w, limit_w),
        what=f"powerW {power_w} and limitW {limit_w}")


def charging(csms, station, evse_id: int = 1) -> str:
    """A transaction started through the API on `evse_id`, energy flowing; returns its id."""
    transaction_id = start(station, evse_id, "TAG1")["transactionId"]
    wait_power(station, evse_id, SIMULATED_W, None)
    return transaction_id


def test_TC_K_01_CS_a_tx_default_profile_on_one_evse_limits_its_power(csms, chargepoint):
    """A TxDefaultProfile of 10 A on EVSE 1 → Accepted, listed as the CSMS's (CSO); the running transaction
    switches to it at once [K01.FR.32]: 6900 W; EVSE 2 is not concerned."""
    station = chargepoint(connectors=2)
    charging(csms, station, 1)
    charging(csms, station, 2)
    assert set_profile(csms, station, 1, profile(1, limit=10)).status == ACCEPTED
    wait_power(station, 1, 10 * WATTS_PER_AMPERE, 10 * WATTS_PER_AMPERE)
    assert station.api.connector(2)["powerW"] == SIMULATED_W
    assert installed(station) == {1: (1, "CSO", "TxDefaultProfile")}


def test_TC_K_10_CS_a_tx_default_profile_for_every_evse(csms, chargepoint):
    """A TxDefaultProfile on EVSE 0 applies to each EVSE [K01.FR.14]: both transactions draw 8 A × 3 × 230 V."""
    station = chargepoint(connectors=2)
    charging(csms, station, 1)
    charging(csms, station, 2)
    assert set_profile(csms, station, 0, profile(2, limit=8)).status == ACCEPTED
    wait_power(station, 1, 8 * WATTS_PER_AMPERE, 8 * WATTS_PER_AMPERE)
    wait_power(station, 2, 8 * WATTS_PER_AMPERE, 8 * WATTS_PER_AMPERE)


def test_TC_K_02_CS_a_tx_profile_without_transaction_and_with_it(csms, chargepoint):
    """A TxProfile while no transaction runs → Rejected TxNotFound [K01.FR.16]; with the running transaction's
    id → Accepted and in force; it goes when its transaction ends."""
    station = chargepoint(connectors=1)
    refused = set_profile(csms, station, 1, profile(3, purpose="TxProfile", transaction_id="none"))
    assert (refused.status, refused.status_info["reason_code"]) == ("Rejected", "TxNotFound")
    transaction_id = charging(csms, station)
    accepted = set_profile(csms, station, 1, profile(3, purpose="TxProfile", limit=6, transaction_id=transaction_id))
    assert accepted.status == ACCEPTED
    wait_power(station, 1, 6 * WATTS_PER_AMPERE, 6 * WATTS_PER_AMPERE)
    stop(station, 1)
    wait_until(lambda: installed(station) == {}, 10, "the TxProfile removed with its transaction")


def test_TC_K_03_CS_a_charging_station_max_profile(csms, chargepoint):
    """A ChargingStationMaxProfile of 9 kW on EVSE 0 → Accepted; on EVSE 1, or Relative → Rejected
    [K01.FR.38]; the composite of the station is 9 kW, in W."""
    station = chargepoint(connectors=1)
    absolute = profile(4, purpose="ChargingStationMaxProfile", unit="W", limit=9000, kind="Absolute",
                       start_schedule="2026-01-01T00:00:00Z")
    assert set_profile(csms, station, 1, absolute).status == "Rejected"
    assert set_profile(csms, station, 0, profile(4, purpose="ChargingStationMaxProfile")).status == "Rejected"
    assert set_profile(csms, station, 0, absolute).status == ACCEPTED
    result = csms.call(station.identity, call.GetCompositeSchedule(duration=300, evse_id=0))
    assert result.status == ACCEPTED
    assert result.schedule["charging_rate_unit"] == "W"
    assert result.schedule["charging_schedule_period"][0]["limit"] == 9000


def test_K01_FR_22_the_csms_cannot_set_external_constraints(csms, chargepoint):
    station = chargepoint(connectors=1)
    result = set_profile(csms, station, 0, profile(5, purpose="ChargingStationExternalConstraints", kind="Absolute",
                                                   start_schedule="2026-01-01T00:00:00Z"))
    assert (result.status, result.status_info["reason_code"]) == ("Rejected", "InvalidProfile")
    assert installed(station) == {}


def test_K01_invalid_schedules_are_rejected_with_their_reason(csms, chargepoint):
    """The first period not at 0 [K01.FR.31] → InvalidSchedule; a stackLevel above ProfileStackLevel →
    InvalidStackLevel; nothing is installed."""
    station = chargepoint(connectors=1)
    late = set_profile(csms, station, 1, profile(6, periods=[{"start_period": 60, "limit": 10}]))
    assert (late.status, late.status_info["reason_code"]) == ("Rejected", "InvalidSchedule")
    high = set_profile(csms, station, 1, profile(6, stack_level=11))
    assert (high.status, high.status_info["reason_code"]) == ("Rejected", "InvalidStackLevel")
    assert installed(station) == {}


def test_TC_K_05_CS_clear_charging_profile_by_id(csms, chargepoint):
    """ClearChargingProfile with the id → Accepted and the limit goes [K10.FR.05]; again → Unknown [K10.FR.08]."""
    station = chargepoint(connectors=1)
    charging(csms, station)
    assert set_profile(csms, station, 1, profile(7, limit=10)).status == ACCEPTED
    wait_power(station, 1, 10 * WATTS_PER_AMPERE, 10 * WATTS_PER_AMPERE)
    assert csms.call(station.identity, call.ClearChargingProfile(charging_profile_id=7)).status == ACCEPTED
    wait_power(station, 1, SIMULATED_W, None)
    assert csms.call(station.identity, call.ClearChargingProfile(charging_profile_id=7)).status == "Unknown"


def test_K10_clear_charging_profile_by_criteria(csms, chargepoint):
    station = chargepoint(connectors=2)
    for id_, evse_id, level in [(1, 1, 0), (2, 2, 0), (3, 2, 1)]:
        assert set_profile(csms, station, evse_id, profile(id_, stack_level=level)).status == ACCEPTED
    criteria = {"evse_id": 2, "charging_profile_purpose": "TxDefaultProfile"}
    assert csms.call(station.identity, call.ClearChargingProfile(charging_profile_criteria=criteria)).status == ACCEPTED
    assert installed(station) == {1: (1, "CSO", "TxDefaultProfile")}


def reports(csms, station, request_id: int, parts: int) -> list[dict]:
    return csms.wait_for_calls("ReportChargingProfiles", station.identity, parts,
                               where=lambda p: p["requestId"] == request_id)


def test_TC_K_32_CS_TC_K_35_CS_get_charging_profiles(csms, chargepoint):
    """GetChargingProfiles by id → Accepted and one ReportChargingProfiles with the requestId; by EVSE and
    purpose → that EVSE's; matching nothing → NoProfiles [K09]."""
    station = chargepoint(connectors=2)
    assert set_profile(csms, station, 1, profile(11)).status == ACCEPTED
    assert set_profile(csms, station, 2, profile(12)).status == ACCEPTED
    by_id = csms.call(station.identity, call.GetChargingProfiles(
        request_id=21, charging_profile={"charging_profile_id": [12]}))
    assert by_id.status == ACCEPTED
    [report] = reports(csms, station, 21, 1)
    assert (report["evseId"], report["chargingLimitSource"], [p["id"] for p in report["chargingProfile"]]) == \
        (2, "CSO", [12])
    assert "tbc" not in report
    by_evse = csms.call(station.identity, call.GetChargingProfiles(
        request_id=22, evse_id=1, charging_profile={"charging_profile_purpose": "TxDefaultProfile"}))
    assert by_evse.status == ACCEPTED
    assert [p["id"] for p in reports(csms, station, 22, 1)[0]["chargingProfile"]] == [11]
    none = csms.call(station.identity, call.GetChargingProfiles(
        request_id=23, charging_profile={"charging_profile_purpose": "ChargingStationMaxProfile"}))
    assert none.status == "NoProfiles"
    settle201(csms, station)
    assert [p for p in csms.calls("ReportChargingProfiles", station.identity) if p["requestId"] == 23] == []


def test_K08_get_composite_schedule(csms, chargepoint):
    """GetCompositeSchedule of EVSE 1 in A: 16 A, then 6 A after 30 minutes, from now [K08.FR.02]; an unknown
    EVSE → Rejected [K08.FR.05]."""
    station = chargepoint(connectors=1)
    periods = [{"start_period": 0, "limit": 16}, {"start_period": 1800, "limit": 6}]
    assert set_profile(csms, station, 1, profile(13, periods=periods)).status == ACCEPTED
    result = csms.call(station.identity, call.GetCompositeSchedule(duration=3600, evse_id=1, charging_rate_unit="A"))
    assert result.status == ACCEPTED
    schedule = result.schedule
    assert (schedule["evse_id"], schedule["duration"], schedule["charging_rate_unit"]) == (1, 3600, "A")
    assert [(p["start_period"], p["limit"]) for p in schedule["charging_schedule_period"]] == [(0, 16), (1800, 6)]
    rest = station.api.ok_json("GET", "/api/v1/connectors/1/composite-schedule?duration=3600&unit=A")
    assert [(p["startPeriod"], p["limit"]) for p in rest["chargingSchedule"]["chargingSchedulePeriod"]] == \
        [(0, 16), (1800, 6)]
    assert csms.call(station.identity, call.GetCompositeSchedule(duration=60, evse_id=5)).status == "Rejected"


def test_K01_FR_27_profiles_survive_a_power_cut(csms, chargepoint):
    """An accepted profile is stored before the answer: after a SIGKILL the restarted station lists it and a new
    transaction is limited by it."""
    station = chargepoint(connectors=1)
    assert set_profile(csms, station, 0, profile(14, limit=9)).status == ACCEPTED
    station.restart()
    station.wait_registered()
    assert installed(station) == {14: (0, "CSO", "TxDefaultProfile")}
    start(station, 1, "TAG1")
    wait_power(station, 1, 9 * WATTS_PER_AMPERE, 9 * WATTS_PER_AMPERE)


def test_F01_FR_08_a_remote_starts_tx_profile_limits_its_transaction(csms, chargepoint):
    """RequestStartTransaction with a TxProfile → Accepted; the transaction it starts runs under it, the profile
    bound to its id [K05]."""
    station = chargepoint(connectors=1)
    station.api.ok_json("POST", "/api/v1/connectors/1/plug")
    result = csms.call(station.identity, call.RequestStartTransaction(
        id_token={"id_token": "TAG1", "type": "ISO14443"}, remote_start_id=31, evse_id=1,
        charging_profile=profile(15, purpose="TxProfile", limit=7)))
    assert result.status == ACCEPTED
    started = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    wait_power(station, 1, 7 * WATTS_PER_AMPERE, 7 * WATTS_PER_AMPERE)
    body = station.api.ok_json("GET", "/api/v1/charging-profiles")
    assert [p["profile"].get("transactionId") for p in body["profiles"]] == \
        [started["transactionInfo"]["transactionId"]]


def test_K12_K13_an_external_limit_is_notified_and_cleared(csms, chargepoint):
    """PUT external-limit 7 kW on EVSE 1 → NotifyChargingLimit (source EMS) with the schedule [K12], the power
    follows, GetChargingProfiles reports it as EMS's, the CSMS cannot clear it [K10.FR.06]; DELETE →
    ClearedChargingLimit [K13] and the power returns."""
    station = chargepoint(connectors=1)
    charging(csms, station)
    assert station.api.ok_json("PUT", "/api/v1/connectors/1/external-limit", json={"limitW": 7000}) == \
        {"connectorId": 1, "limitW": 7000}
    [notified] = csms.wait_for_calls("NotifyChargingLimit", station.identity)
    assert notified["evseId"] == 1
    assert notified["chargingLimit"]["chargingLimitSource"] == "EMS"
    assert notified["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"] == 7000
    wait_power(station, 1, 7000, 7000)
    wait_event(csms, station, lambda e: e["triggerReason"] == "ChargingRateChanged", "triggerReason ChargingRateChanged")
    assert csms.call(station.identity, call.GetChargingProfiles(
        request_id=41, charging_profile={"charging_limit_source": ["EMS"]})).status == ACCEPTED
    [report] = reports(csms, station, 41, 1)
    assert report["chargingLimitSource"] == "EMS"
    assert report["chargingProfile"][0]["chargingProfilePurpose"] == "ChargingStationExternalConstraints"
    assert csms.call(station.identity, call.ClearChargingProfile()).status == "Unknown"
    assert station.api.ok_json("DELETE", "/api/v1/connectors/1/external-limit") == {"connectorId": 1, "limitW": None}
    [cleared] = csms.wait_for_calls("ClearedChargingLimit", station.identity)
    assert (cleared["chargingLimitSource"], cleared["evseId"]) == ("EMS", 1)
    wait_power(station, 1, SIMULATED_W, None)


def test_an_external_limit_out_of_range_is_a_422(csms, chargepoint):
    station = chargepoint(connectors=1)
    response = station.api.put("/api/v1/connectors/1/external-limit", json={"limitW": -5})
    assert response.status_code == 422, response.text
    assert station.api.put("/api/v1/connectors/9/external-limit", json={"limitW": 5}).status_code == 404


def test_malformed_smart_charging_requests_get_their_callerrors(csms, chargepoint):
    """SetChargingProfile without chargingProfile → OccurrenceConstraintViolation; GetCompositeSchedule with a
    negative duration → PropertyConstraintViolation; evseId beyond the integers → no crash, a CALLERROR."""
    station = chargepoint(connectors=1)
    missing = csms.call_raw(station.identity, '[2,"k1","SetChargingProfile",{"evseId":1}]')
    assert missing[:3] == [4, "k1", "OccurrenceConstraintViolation"]
    negative = csms.call_raw(station.identity, '[2,"k2","GetCompositeSchedule",{"duration":-1,"evseId":1}]')
    assert negative[:3] == [4, "k2", "PropertyConstraintViolation"]
    huge = csms.call_raw(station.identity, '[2,"k3","GetCompositeSchedule",{"duration":60,"evseId":99999999999999999999}]')
    assert huge[0] == 4 and huge[1] == "k3"
    assert csms.call(station.identity, call.GetCompositeSchedule(duration=60, evse_id=1)).status == ACCEPTED
