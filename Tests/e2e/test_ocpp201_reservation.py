"""OCPP 2.0.1 functional block H (reservation), end to end: ReserveNow, CancelReservation and
ReservationStatusUpdate between the PyPI `ocpp` 2.0.1 central system (every frame checked against the official
schemas) and the real `chargepoint serve --ocpp 2.0.1`, with the REST API's `GET /api/v1/reservations`. Test
names carry the OCA compliance test cases (Charging Station side) they cover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ocpp.v201 import call

from conftest import running_csms
from ocpp201_helpers import (assert_problem_type, events, set_variables, settle201, start, statuses, wait_event,
                             wait_status)

FLEET = {"id_token": "FLEET", "type": "Central"}


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1", group_id_tokens={"TAG2": "FLEET"}) as csms:
        yield csms


def token(value: str) -> dict:
    return {"id_token": value, "type": "ISO14443"}


def expiry(seconds: float = 3600) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def reserve(csms, station, reservation_id: int, evse_id: int | None = None, id_token: str = "TAG1",
            seconds: float = 3600, **extra) -> str:
    return csms.call(station.identity, call.ReserveNow(
        id=reservation_id, expiry_date_time=expiry(seconds), id_token=token(id_token), evse_id=evse_id,
        **extra)).status


def cancel(csms, station, reservation_id: int) -> str:
    return csms.call(station.identity, call.CancelReservation(reservation_id=reservation_id)).status


def reservations(station) -> list[dict]:
    return station.api.ok_json("GET", "/api/v1/reservations")["reservations"]


def updates(csms, station) -> list[tuple[int, str]]:
    return [(p["reservationId"], p["reservationUpdateStatus"])
            for p in csms.calls("ReservationStatusUpdate", station.identity)]


def started(csms, station) -> dict:
    return wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")


def test_TC_H_01_CS_the_reserved_token_uses_the_reserved_evse(csms, chargepoint):
    """ReserveNow for EVSE 1 → Accepted, StatusNotification Reserved for it only [H01.FR.23], listed by the API;
    the reserved token starts there: the reservation is used up and the Started names it [H01.FR.15,
    H03.FR.01/09/10]."""
    station = chargepoint(connectors=2)
    assert reserve(csms, station, 7, evse_id=1) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    listed = reservations(station)
    assert [(r["reservationId"], r["connectorId"], r["evseId"], r["idTag"], r["type"]) for r in listed] == \
        [(7, 1, 1, "TAG1", "ISO14443")]
    assert station.api.connector(1)["status"] == "Reserved"

    start(station, 1, "TAG1")
    assert started(csms, station)["reservationId"] == 7
    wait_status(csms, station, 1, "Occupied")
    assert reservations(station) == []
    settle201(csms, station)
    assert statuses(csms, station, 2) == ["Available"], "the other EVSE is not concerned"
    assert updates(csms, station) == []


def test_TC_H_02_CS_another_token_is_refused_at_the_reserved_evse(csms, chargepoint):
    """At an EVSE reserved for TAG1, TAG2 is refused locally (409 connector-reserved) and remotely
    (RequestStartTransaction Rejected) [H03.FR.01, F01.FR.21]; no transaction, the reservation stays."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, evse_id=1) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    assert_problem_type(station.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG3"}), 409,
                        "connector-reserved")
    remote = csms.call(station.identity, call.RequestStartTransaction(id_token=token("TAG3"), remote_start_id=1,
                                                                      evse_id=1))
    assert remote.status == "Rejected"
    settle201(csms, station)
    assert events(csms, station) == []
    assert [r["reservationId"] for r in reservations(station)] == [7]


def test_TC_H_03_CS_TC_H_04_CS_TC_H_06_CS_an_evse_that_is_not_available(csms, chargepoint):
    """A reserved EVSE → Occupied [H01.FR.11]; one with a transaction → Occupied; an Inoperative one →
    Unavailable [H01.FR.14]."""
    station = chargepoint(connectors=3)
    assert reserve(csms, station, 1, evse_id=1) == "Accepted"
    assert reserve(csms, station, 2, evse_id=1, id_token="TAG2") == "Occupied"
    start(station, 2, "TAG2")
    started(csms, station)
    assert reserve(csms, station, 3, evse_id=2) == "Occupied"
    assert csms.call(station.identity, call.ChangeAvailability(
        operational_status="Inoperative", evse={"id": 3})).status == "Accepted"
    assert reserve(csms, station, 4, evse_id=3) == "Unavailable"
    assert [r["reservationId"] for r in reservations(station)] == [1]


def test_TC_H_07_CS_an_unused_reservation_expires(csms, chargepoint):
    """At expiryDateTime the connector turns Available, then ReservationStatusUpdate Expired follows
    [H04.FR.01–03]; anyone may start there again."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, evse_id=1, seconds=3) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    wait_status(csms, station, 1, "Available", timeout=15)
    csms.wait_for(lambda: updates(csms, station) == [(7, "Expired")], 10, "ReservationStatusUpdate Expired")
    update = csms.call_frames("ReservationStatusUpdate", station.identity)[0]
    available = [f for f in csms.call_frames("StatusNotification", station.identity)
                 if f.payload["connectorStatus"] == "Available"][-1]
    assert available.seq < update.seq
    assert reservations(station) == []
    start(station, 1, "TAG2")


def test_TC_H_08_CS_a_reservation_for_any_evse(csms, chargepoint):
    """Without evseId (NonEvseSpecific is true) → Accepted; with two EVSEs neither is Reserved, one stays
    free for the token [H01.FR.04/07]; the token uses it where it starts and the Started names it [H03.FR.03]."""
    station = chargepoint(connectors=2)
    assert reserve(csms, station, 7) == "Accepted"
    assert reservations(station)[0]["connectorId"] == 0
    settle201(csms, station)
    assert statuses(csms, station, 1) == ["Available"] and statuses(csms, station, 2) == ["Available"]
    start(station, 2, "TAG1")
    assert started(csms, station)["reservationId"] == 7
    assert reservations(station) == []


def test_TC_H_14_CS_TC_H_09_CS_as_many_reservations_for_any_evse_as_evses(csms, chargepoint):
    """As many reservations for any EVSE as EVSEs: every connector Reserved [H01.FR.20]; one more → Occupied
    [H01.FR.11]; another token is refused everywhere."""
    station = chargepoint(connectors=2)
    assert reserve(csms, station, 1, id_token="TAG1") == "Accepted"
    assert reserve(csms, station, 2, id_token="TAG2") == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    wait_status(csms, station, 2, "Reserved")
    assert reserve(csms, station, 3, id_token="TAG3") == "Occupied"
    assert_problem_type(station.api.post("/api/v1/connectors/2/start", json={"idTag": "TAG3"}), 409,
                        "connector-reserved")


def test_TC_H_10_CS_TC_H_12_CS_a_reservation_for_any_evse_when_none_is_available(csms, chargepoint):
    """For any EVSE: every EVSE with a transaction → Occupied [H01.FR.11]; the station Inoperative →
    Unavailable [H01.FR.14]."""
    station = chargepoint(connectors=1)
    start(station, 1, "TAG2")
    started(csms, station)
    assert reserve(csms, station, 7) == "Occupied"
    station.api.ok_json("POST", "/api/v1/connectors/1/stop")
    station.api.ok_json("POST", "/api/v1/connectors/1/unplug")
    wait_status(csms, station, 1, "Available")
    assert csms.call(station.identity, call.ChangeAvailability(operational_status="Inoperative")).status == "Accepted"
    assert reserve(csms, station, 8) == "Unavailable"
    assert reservations(station) == []


def test_TC_H_15_CS_TC_H_16_CS_a_reservation_for_a_connector_type(csms, chargepoint):
    """connectorType cType2 (the station's plug) on one EVSE → Accepted and Reserved [H01.FR.06/24]; a second
    → Occupied [H01.FR.11]; a plug the station does not have → Rejected; the token's Started names the
    reservation [H03.FR.02]."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, connector_type="cType2") == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    assert reserve(csms, station, 8, connector_type="cType2", id_token="TAG2") == "Occupied"
    refused = csms.call(station.identity, call.ReserveNow(
        id=9, expiry_date_time=expiry(), id_token=token("TAG2"), connector_type="cCCS2"))
    assert (refused.status, refused.status_info["reason_code"]) == ("Rejected", "UnknownConnectorType")
    assert reservations(station)[0]["connectorType"] == "cType2"
    start(station, 1, "TAG1")
    assert started(csms, station)["reservationId"] == 7


def test_TC_H_17_CS_TC_H_18_CS_cancel_reservation(csms, chargepoint):
    """CancelReservation of a known id → Accepted, the connector Available again, no ReservationStatusUpdate
    [H02.FR.02, ERR H02.FR.03/04]; an unknown id → Rejected [H02.FR.01]."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, evse_id=1) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    assert cancel(csms, station, 7) == "Accepted"
    assert wait_status(csms, station, 1, "Available") == ["Available", "Reserved", "Available"]
    assert cancel(csms, station, 7) == "Rejected"
    settle201(csms, station)
    assert updates(csms, station) == []
    assert reservations(station) == []


def test_TC_H_19_CS_a_token_of_the_reservations_group(csms, chargepoint):
    """A reservation with groupIdToken FLEET; TAG2, unknown to the list and the cache, is authorized at the
    CSMS, whose answer gives its group FLEET [H03.FR.04/08]: it starts on the reserved EVSE and the Started
    names the reservation [H01.FR.15]. TAG3, of no group, is refused."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, evse_id=1, group_id_token=FLEET) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    assert_problem_type(station.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG3"}), 409,
                        "connector-reserved")
    start(station, 1, "TAG2")
    assert [a["idToken"]["idToken"] for a in csms.calls("Authorize", station.identity)] == ["TAG3", "TAG2"]
    assert started(csms, station)["reservationId"] == 7


def test_TC_H_21_CS_an_evse_made_unavailable_removes_its_reservation(csms, chargepoint):
    """ChangeAvailability Inoperative of the reserved EVSE → Accepted, StatusNotification Unavailable, then
    ReservationStatusUpdate Removed [H01.FR.17]; Operative again → Available, and another token starts."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, evse_id=1) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    assert csms.call(station.identity, call.ChangeAvailability(
        operational_status="Inoperative", evse={"id": 1})).status == "Accepted"
    wait_status(csms, station, 1, "Unavailable")
    csms.wait_for(lambda: updates(csms, station) == [(7, "Removed")], 10, "ReservationStatusUpdate Removed")
    assert csms.call(station.identity, call.ChangeAvailability(
        operational_status="Operative", evse={"id": 1})).status == "Accepted"
    wait_status(csms, station, 1, "Available")
    start(station, 1, "TAG2")


def test_a_fault_removes_the_reservation_of_its_evse(csms, chargepoint):
    """A fault reported through the API (Faulted) removes the reservation: ReservationStatusUpdate Removed
    [H01.FR.16]."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, evse_id=1) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    station.api.ok_json("POST", "/api/v1/connectors/1/fault", json={"errorCode": "GroundFailure"})
    wait_status(csms, station, 1, "Faulted")
    csms.wait_for(lambda: updates(csms, station) == [(7, "Removed")], 10, "ReservationStatusUpdate Removed")


def test_TC_H_22_CS_reservations_disabled_are_rejected(csms, chargepoint):
    """ReservationCtrlr.Enabled false (SetVariables) → ReserveNow Rejected [H01.FR.01]."""
    station = chargepoint(connectors=1)
    set_variables(csms, station, {"ReservationCtrlr.Enabled": "false"})
    assert reserve(csms, station, 7, evse_id=1) == "Rejected"
    settle201(csms, station)
    assert statuses(csms, station, 1) == ["Available"]


def test_TC_H_23_CS_the_same_id_replaces_the_reservation(csms, chargepoint):
    """ReserveNow with the id of a reservation in force moves it: the old EVSE is Available again, the new one
    Reserved, for the new token [H01.FR.02]; that token uses it."""
    station = chargepoint(connectors=2)
    assert reserve(csms, station, 7, evse_id=1) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    assert reserve(csms, station, 7, evse_id=2, id_token="TAG2") == "Accepted"
    wait_status(csms, station, 2, "Reserved")
    wait_status(csms, station, 1, "Available")
    assert [(r["reservationId"], r["evseId"], r["idTag"]) for r in reservations(station)] == [(7, 2, "TAG2")]
    start(station, 2, "TAG2")
    assert started(csms, station)["reservationId"] == 7


def test_TC_H_24_CS_a_reservation_for_any_evse_with_a_group(csms, chargepoint):
    """A reservation for any EVSE with groupIdToken on a one-EVSE station: Reserved [H01.FR.20]; a token of
    the group uses it [H03.FR.06]."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, group_id_token=FLEET) == "Accepted"
    wait_status(csms, station, 1, "Reserved")
    assert reservations(station)[0]["groupIdToken"] == "FLEET"
    start(station, 1, "TAG2")
    assert started(csms, station)["reservationId"] == 7


def test_a_reservation_survives_a_power_cut(csms, chargepoint):
    """A reservation is stored before ReserveNow's answer: after a SIGKILL the restarted station reports the
    connector Reserved again, lists it and refuses another token [B01.FR.13]."""
    station = chargepoint(connectors=1)
    assert reserve(csms, station, 7, evse_id=1) == "Accepted"
    station.restart()
    station.wait_registered()
    wait_status(csms, station, 1, "Reserved")
    assert [r["reservationId"] for r in reservations(station)] == [7]
    assert_problem_type(station.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG2"}), 409,
                        "connector-reserved")


def test_a_malformed_reserve_now_gets_its_callerror(csms, chargepoint):
    """ReserveNow without idToken → OccurrenceConstraintViolation; an unknown connectorType →
    PropertyConstraintViolation; nothing is reserved."""
    station = chargepoint(connectors=1)
    missing = csms.call_raw(station.identity, f'[2,"r1","ReserveNow",{{"id":1,"expiryDateTime":"{expiry()}"}}]')
    assert missing[:3] == [4, "r1", "OccurrenceConstraintViolation"]
    unknown = csms.call_raw(station.identity, f'[2,"r2","ReserveNow",{{"id":1,"expiryDateTime":"{expiry()}",'
                                              '"idToken":{"idToken":"A","type":"ISO14443"},"connectorType":"cXYZ"}]')
    assert unknown[:3] == [4, "r2", "PropertyConstraintViolation"]
    assert reservations(station) == []
