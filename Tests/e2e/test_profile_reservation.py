"""Reservation profile (reference §3.3, §6.12): ReserveNow, CancelReservation, expiry,
connector 0, the refusals, GET /api/v1/reservations."""

from csms import parse_time
from harness import (assert_problem, ocpp_call, settle, status_sequence, transaction_id_of, utc_in,
                     wait_for_status)

LONG_S = 3600
SHORT_S = 2


def reserve(csms, cp, connector_id, reservation_id, id_tag="TAG1", expires_in=LONG_S, **extra):
    payload = {"connectorId": connector_id, "expiryDate": utc_in(expires_in), "idTag": id_tag,
               "reservationId": reservation_id, **extra}
    return ocpp_call(csms, cp.identity, "ReserveNow", payload)["status"]


def cancel(csms, cp, reservation_id):
    return ocpp_call(csms, cp.identity, "CancelReservation", {"reservationId": reservation_id})["status"]


def reservations(cp):
    """GET /api/v1/reservations as {reservationId: (connectorId, idTag)}."""
    body = cp.api.ok_json("GET", "/api/v1/reservations")
    return {r["reservationId"]: (r["connectorId"], r["idTag"]) for r in body["reservations"]}


def start(cp, connector_id, id_tag, expected=201):
    return cp.api.ok_json("POST", f"/api/v1/connectors/{connector_id}/start", expected, json={"idTag": id_tag})


def refused_as_reserved(response):
    body = assert_problem(response, 409)
    assert body["type"] == "urn:chargepoint:problem:connector-reserved", body


def test_reserved_connector_admits_only_its_tag_and_the_start_carries_the_reservation_id(csms, chargepoint):
    cp = chargepoint()
    expiry = utc_in(LONG_S)

    assert ocpp_call(csms, cp.identity, "ReserveNow", {"connectorId": 1, "expiryDate": expiry, "idTag": "TAG1",
                                                        "reservationId": 7}) == {"status": "Accepted"}
    assert wait_for_status(csms, cp.identity, 1, "Reserved") == ["Available", "Reserved"]
    assert cp.api.connector(1)["status"] == "Reserved"
    listed = cp.api.ok_json("GET", "/api/v1/reservations")["reservations"]
    assert len(listed) == 1
    assert (listed[0]["reservationId"], listed[0]["connectorId"], listed[0]["idTag"]) == (7, 1, "TAG1")
    assert parse_time(listed[0]["expiryDate"]) == parse_time(expiry)

    refused_as_reserved(cp.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG2"}))
    assert ocpp_call(csms, cp.identity, "RemoteStartTransaction",
                     {"idTag": "TAG2", "connectorId": 1}) == {"status": "Rejected"}
    assert reserve(csms, cp, 1, 8, "TAG2") == "Occupied"
    assert csms.calls("StartTransaction", cp.identity) == []
    assert reservations(cp) == {7: (1, "TAG1")}

    start(cp, 1, "tag1")  # idTags compare case-insensitively
    start_req = csms.calls("StartTransaction", cp.identity)[0]
    assert (start_req["connectorId"], start_req.get("reservationId")) == (1, 7)
    wait_for_status(csms, cp.identity, 1, "Charging")
    assert "Available" not in status_sequence(csms, cp.identity, 1)[1:]
    assert reservations(cp) == {}
    assert cancel(csms, cp, 7) == "Rejected"
    assert reserve(csms, cp, 1, 9, "TAG2") == "Occupied"


def test_cancel_reservation_and_expiry_free_the_connector(csms, chargepoint):
    cp = chargepoint()

    assert reserve(csms, cp, 1, 1) == "Accepted"
    wait_for_status(csms, cp.identity, 1, "Reserved")
    assert cancel(csms, cp, 1) == "Accepted"
    assert wait_for_status(csms, cp.identity, 1, "Available") == ["Available", "Reserved", "Available"]
    assert cancel(csms, cp, 1) == "Rejected"
    assert cancel(csms, cp, 999) == "Rejected"
    assert reservations(cp) == {}

    assert reserve(csms, cp, 2, 2, expires_in=SHORT_S) == "Accepted"
    wait_for_status(csms, cp.identity, 2, "Reserved")
    assert reservations(cp) == {2: (2, "TAG1")}
    assert wait_for_status(csms, cp.identity, 2, "Available", timeout=SHORT_S + 5) == \
        ["Available", "Reserved", "Available"]
    assert reservations(cp) == {}
    assert cancel(csms, cp, 2) == "Rejected"
    start(cp, 2, "TAG2")  # anyone may start once it expired
    assert "reservationId" not in csms.calls("StartTransaction", cp.identity)[0]


def test_the_same_reservation_id_replaces_the_reservation(csms, chargepoint):
    cp = chargepoint()

    assert reserve(csms, cp, 1, 3, "TAG1") == "Accepted"
    assert reserve(csms, cp, 1, 3, "TAG2") == "Accepted"
    assert reservations(cp) == {3: (1, "TAG2")}
    assert reserve(csms, cp, 2, 3, "TAG2") == "Accepted"
    assert reservations(cp) == {3: (2, "TAG2")}
    wait_for_status(csms, cp.identity, 2, "Reserved")
    wait_for_status(csms, cp.identity, 1, "Available")
    start(cp, 1, "TAG1")
    refused_as_reserved(cp.api.post("/api/v1/connectors/2/start", json={"idTag": "TAG1"}))


def test_reservation_of_connector_zero_keeps_one_connector_free(csms, chargepoint):
    cp = chargepoint()
    supported = ocpp_call(csms, cp.identity, "GetConfiguration", {"key": ["ReserveConnectorZeroSupported"]})
    assert supported["configurationKey"] == [{"key": "ReserveConnectorZeroSupported", "readonly": True,
                                              "value": "true"}]

    assert reserve(csms, cp, 0, 5, "TAG1") == "Accepted"
    assert reservations(cp) == {5: (0, "TAG1")}
    start(cp, 1, "TAG2")  # connector 2 is still free for TAG1
    assert "reservationId" not in csms.calls("StartTransaction", cp.identity)[0]
    refused_as_reserved(cp.api.post("/api/v1/connectors/2/start", json={"idTag": "TAG3"}))
    assert len(csms.calls("StartTransaction", cp.identity)) == 1

    start(cp, 2, "TAG1")
    start_req = csms.calls("StartTransaction", cp.identity)[1]
    assert (start_req["connectorId"], start_req.get("reservationId")) == (2, 5)
    assert reservations(cp) == {}
    # Both connectors are busy now: nothing is free to reserve.
    assert reserve(csms, cp, 0, 6, "TAG3") == "Occupied"


def test_reserve_now_refusals_and_reservations_ended_by_faults_and_unavailability(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1, "TAG1")
    transaction_id_of(csms, cp.identity)
    assert reserve(csms, cp, 1, 11) == "Occupied"

    fault = cp.api.ok_json("POST", "/api/v1/connectors/2/fault", json={"errorCode": "GroundFailure"})
    assert fault["status"] == "Faulted"
    assert reserve(csms, cp, 2, 12) == "Faulted"
    cp.api.ok_json("POST", "/api/v1/connectors/2/fault", json={"errorCode": "NoError"})

    assert reserve(csms, cp, 2, 13) == "Accepted"
    wait_for_status(csms, cp.identity, 2, "Reserved")
    cp.api.ok_json("POST", "/api/v1/connectors/2/fault", json={"errorCode": "HighTemperature"})
    wait_for_status(csms, cp.identity, 2, "Faulted")
    assert reservations(cp) == {}, "a Faulted connector keeps no reservation"
    cp.api.ok_json("POST", "/api/v1/connectors/2/fault", json={"errorCode": "NoError"})
    wait_for_status(csms, cp.identity, 2, "Available")

    assert reserve(csms, cp, 2, 14) == "Accepted"
    wait_for_status(csms, cp.identity, 2, "Reserved")
    assert ocpp_call(csms, cp.identity, "ChangeAvailability", {"connectorId": 2, "type": "Inoperative"}) == \
        {"status": "Accepted"}
    wait_for_status(csms, cp.identity, 2, "Unavailable")
    assert reservations(cp) == {}, "an Unavailable connector keeps no reservation"
    assert reserve(csms, cp, 2, 15) == "Unavailable"
    assert cancel(csms, cp, 14) == "Rejected"

    assert ocpp_call(csms, cp.identity, "ChangeAvailability", {"connectorId": 0, "type": "Inoperative"}) == \
        {"status": "Scheduled"}
    assert reserve(csms, cp, 0, 16) == "Unavailable"
    settle(csms, cp)
    assert reservations(cp) == {}


def test_a_reservation_with_a_parent_id_tag_admits_the_children_of_that_parent(csms, chargepoint):
    cp = chargepoint(ocpp_config={"LocalPreAuthorize": "true"})
    assert ocpp_call(csms, cp.identity, "SendLocalList", {
        "listVersion": 1, "updateType": "Full",
        "localAuthorizationList": [{"idTag": "TAG2", "idTagInfo": {"status": "Accepted", "parentIdTag": "FLEET"}}],
    }) == {"status": "Accepted"}
    assert reserve(csms, cp, 1, 21, "TAG1", parentIdTag="FLEET") == "Accepted"

    refused_as_reserved(cp.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG3"}))
    assert csms.calls("StartTransaction", cp.identity) == []
    start(cp, 1, "TAG2")
    start_req = csms.calls("StartTransaction", cp.identity)[0]
    assert (start_req["idTag"], start_req.get("reservationId")) == ("TAG2", 21)
    assert reservations(cp) == {}


def test_remote_start_on_the_connector_kept_for_a_connector_zero_reservation_is_rejected(csms, chargepoint):
    """Reference §6.6: RemoteStartTransaction is Rejected when the connector is reserved for
    someone else; Accepted means the start will be attempted ([CORE] §5.11)."""
    cp = chargepoint()
    assert reserve(csms, cp, 0, 31, "TAG1") == "Accepted"
    start(cp, 1, "TAG2")  # connector 2 is now the one kept for TAG1

    for request in ({"idTag": "TAG3", "connectorId": 2}, {"idTag": "TAG3"}):
        assert ocpp_call(csms, cp.identity, "RemoteStartTransaction", request) == {"status": "Rejected"}, \
            f"RemoteStartTransaction {request} accepted although connector 2 is held for reservation 31"
    settle(csms, cp)
    assert len(csms.calls("StartTransaction", cp.identity)) == 1
    assert ocpp_call(csms, cp.identity, "RemoteStartTransaction", {"idTag": "TAG1", "connectorId": 2}) == \
        {"status": "Accepted"}
    cp.api.ok_json("POST", "/api/v1/connectors/2/plug")
    start_req = csms.wait_for_calls("StartTransaction", cp.identity, 2)[1]
    assert (start_req["connectorId"], start_req["idTag"], start_req.get("reservationId")) == (2, "TAG1", 31)
