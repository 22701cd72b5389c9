"""OCPP 2.0.1 functional block F (remote control) on transactions, end to end: RequestStartTransaction,
RequestStopTransaction, UnlockConnector and TriggerMessage(TransactionEvent) from the PyPI `ocpp` 2.0.1 central
system to the real `chargepoint serve --ocpp 2.0.1` (every frame checked against the official schemas). Test
names carry the OCA compliance test cases (Charging Station side) they cover."""

from __future__ import annotations

import uuid

import pytest
from ocpp.v201 import call

from conftest import running_csms
from ocpp201_helpers import (assert_one_sequence, charging_state, ended, event_frames, events, plug,
                             settle201, start, statuses, wait_answered_event, wait_event, wait_status)

TAG1 = {"id_token": "TAG1", "type": "ISO14443"}
WIRE_TAG1 = {"idToken": "TAG1", "type": "ISO14443"}


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def request_start(csms, station, evse_id=None, id_token=TAG1, remote_start_id=42):
    return csms.call(station.identity, call.RequestStartTransaction(
        id_token=id_token, remote_start_id=remote_start_id, evse_id=evse_id))


def is_charging(event):
    return charging_state(event) == "Charging"


def test_TC_F_01_CS_remote_start_with_the_cable_already_in(csms, chargepoint):
    """Cable first, then RequestStartTransaction: Accepted, Started {RemoteStart, remoteStartId, idToken}
    [F01.FR.25, F02.FR.01]; AuthorizeRemoteStart false → no Authorize [F01.FR.02/03]."""
    station = chargepoint(connectors=1)
    plug(station, 1)
    wait_status(csms, station, 1, "Occupied")

    result = request_start(csms, station, evse_id=1, remote_start_id=42)
    assert result.status == "Accepted"
    first = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    assert (first["triggerReason"], first["seqNo"], first["transactionInfo"].get("remoteStartId")) == \
        ("RemoteStart", 0, 42)
    assert first["idToken"] == WIRE_TAG1 and first["evse"] == {"id": 1, "connectorId": 1}
    wait_event(csms, station, is_charging, "chargingState Charging")
    assert csms.calls("Authorize", station.identity) == []
    running = station.api.connector(1)["transaction"]
    assert (running["transactionId"], running["remoteStartId"], running["idTag"]) == \
        (first["transactionInfo"]["transactionId"], 42, "TAG1")


def test_TC_F_03_CS_remote_start_first_waits_for_the_cable(csms, chargepoint):
    """RequestStartTransaction without the cable (TxStartPoint PowerPathClosed): Accepted, nothing until the
    plug-in, then StatusNotification Occupied and Started {RemoteStart, remoteStartId, idToken} [F02.FR.21]."""
    station = chargepoint(connectors=1)
    assert request_start(csms, station, evse_id=1, remote_start_id=7).status == "Accepted"
    settle201(csms, station)
    assert events(csms, station) == []

    plug(station, 1)
    first = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    assert (first["triggerReason"], first["transactionInfo"].get("remoteStartId"), first["idToken"]) == \
        ("RemoteStart", 7, WIRE_TAG1)
    occupied = [f for f in csms.call_frames("StatusNotification", station.identity)
                if f.payload["connectorStatus"] == "Occupied"]
    assert occupied and occupied[0].seq < event_frames(csms, station)[0].seq
    assert csms.calls("Authorize", station.identity) == []


def test_TC_F_02_CS_remote_start_with_AuthorizeRemoteStart_authorizes_first(csms, chargepoint):
    """AuthorizeRemoteStart true: the token is authorized like a local one (Authorize) before anything
    starts [F01.FR.01]; the plug-in then starts it with RemoteStart."""
    station = chargepoint(connectors=1, ocpp_config={"AuthCtrlr.AuthorizeRemoteStart": "true"})
    assert request_start(csms, station, evse_id=1, remote_start_id=8).status == "Accepted"
    csms.wait_for_calls("Authorize", station.identity)
    assert csms.calls("Authorize", station.identity)[0]["idToken"] == WIRE_TAG1
    plug(station, 1)
    first = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    assert (first["triggerReason"], first["transactionInfo"].get("remoteStartId")) == ("RemoteStart", 8)
    authorize = csms.call_frames("Authorize", station.identity)[0]
    assert authorize.seq < event_frames(csms, station)[0].seq


def test_TC_E_13_CS_and_TC_F_04_CS_Authorized_start_point_remote_start_and_cable_timeout(csms, chargepoint):
    """TxStartPoint Authorized: a remote start begins the transaction before the cable (chargingState Idle);
    on EVSE 1 the cable follows (Updated CablePluggedIn); on EVSE 2 none comes within EVConnectionTimeOut →
    Ended {EVConnectTimeout, Timeout} [E03.FR.05, F02.FR.07]."""
    station = chargepoint(connectors=2, ocpp_config={"TxCtrlr.TxStartPoint": "Authorized",
                                                     "TxCtrlr.EVConnectionTimeOut": "3"})
    assert request_start(csms, station, evse_id=1, remote_start_id=1).status == "Accepted"
    first = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started on EVSE 1")
    assert (first["triggerReason"], first["transactionInfo"].get("remoteStartId"), first["idToken"]) == \
        ("RemoteStart", 1, WIRE_TAG1)
    assert charging_state(first) == "Idle" and first["evse"] == {"id": 1, "connectorId": 1}
    one = first["transactionInfo"]["transactionId"]
    plug(station, 1)
    plugged = wait_event(csms, station, lambda e: e["triggerReason"] == "CablePluggedIn", "CablePluggedIn")
    assert (plugged["eventType"], plugged["seqNo"], plugged["transactionInfo"]["transactionId"]) == ("Updated", 1, one)

    assert request_start(csms, station, evse_id=2, remote_start_id=2).status == "Accepted"
    second = wait_event(csms, station, lambda e: e.get("evse", {}).get("id") == 2, "a Started on EVSE 2")
    two = second["transactionInfo"]["transactionId"]
    assert two != one
    last = ended(csms, station, two, timeout=10)
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("EVConnectTimeout", "Timeout")
    assert_one_sequence(events(csms, station, two))
    settle201(csms, station)
    assert all(e["eventType"] != "Ended" for e in events(csms, station, one)), "the plugged-in one ended too"


def test_remote_start_is_rejected_without_an_evse_on_an_authorized_one_and_on_an_unavailable_one(
        csms, chargepoint):
    """Rejected: no evseId (this station does not choose one) [F01.FR.07], an EVSE with an authorized
    transaction [F01.FR.24], an Unavailable EVSE [F01.FR.23]; nothing starts."""
    station = chargepoint(connectors=2)
    assert request_start(csms, station).status == "Rejected"
    start(station, 1, "TAG1")
    assert request_start(csms, station, evse_id=1).status == "Rejected"
    result = csms.call(station.identity, call.ChangeAvailability(operational_status="Inoperative", evse={"id": 2}))
    assert result.status == "Accepted"
    wait_status(csms, station, 2, "Unavailable")
    assert request_start(csms, station, evse_id=2).status == "Rejected"
    settle201(csms, station)
    assert [e for e in events(csms, station) if e["eventType"] == "Started"] == \
        [events(csms, station)[0]] and events(csms, station)[0]["evse"]["id"] == 1


def test_TC_F_08_CS_TC_F_09_CS_and_TC_E_21_CS_remote_stop(csms, chargepoint):
    """RequestStopTransaction: an unknown id → Rejected [F03.FR.08]; the running one → Accepted and, with
    Authorized as stop point, Ended {RemoteStop, Remote} without idToken [F03.FR.02, E03/E07 optional fields]."""
    station = chargepoint(connectors=1, ocpp_config={"TxCtrlr.TxStopPoint": "Authorized"})
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_event(csms, station, is_charging, "chargingState Charging")

    assert csms.call(station.identity, call.RequestStopTransaction(transaction_id=str(uuid.uuid4()))).status == "Rejected"
    settle201(csms, station)
    assert all(e["eventType"] != "Ended" for e in events(csms, station))

    assert csms.call(station.identity, call.RequestStopTransaction(transaction_id=transaction_id)).status == "Accepted"
    last = ended(csms, station, transaction_id)
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("RemoteStop", "Remote")
    assert "idToken" not in last
    assert_one_sequence(events(csms, station, transaction_id))
    resource = station.api.ok_json("GET", f"/api/v1/transactions/{transaction_id}")
    assert resource["stopReason"] == "Remote"


def test_TC_F_05_CS_TC_F_06_CS_TC_F_07_CS_and_TC_F_10_CS_unlock_connector(csms, chargepoint):
    """UnlockConnector never stops a transaction: an authorized one → OngoingAuthorizedTransaction and nothing
    happens [F05.FR.02]; a cable without one, or no cable → Unlocked [F05.FR.06]; unknown → UnknownConnector."""
    station = chargepoint(connectors=2)
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")
    before = len(events(csms, station))

    def unlock(evse_id, connector_id=1):
        return csms.call(station.identity, call.UnlockConnector(evse_id=evse_id, connector_id=connector_id)).status

    assert unlock(1) == "OngoingAuthorizedTransaction"
    settle201(csms, station)
    assert len(events(csms, station)) == before
    assert station.api.connector(1)["transaction"]["transactionId"] == transaction_id
    assert unlock(2) == "Unlocked"  # TC_F_07: no cable
    plug(station, 2)
    assert unlock(2) == "Unlocked"  # TC_F_06: a cable, no transaction
    assert unlock(3) == "UnknownConnector"
    assert unlock(1, connector_id=2) == "UnknownConnector"
    settle201(csms, station)
    assert len(events(csms, station)) == before


def test_TC_F_13_CS_and_TC_F_14_CS_trigger_transaction_event(csms, chargepoint):
    """TriggerMessage(TransactionEvent): for one EVSE or for all, Accepted before an Updated {Trigger,
    chargingState} per running transaction [F06.FR.04/07/11]; with none running → Rejected."""
    station = chargepoint(connectors=2)
    assert csms.call(station.identity, call.TriggerMessage(requested_message="TransactionEvent")).status == "Rejected"
    one = start(station, 1, "TAG1")["transactionId"]
    two = start(station, 2, "TAG2")["transactionId"]
    wait_answered_event(csms, station, lambda e: is_charging(e) and e["transactionInfo"]["transactionId"] == two,
                        "EVSE 2 charging")
    wait_answered_event(csms, station, lambda e: is_charging(e) and e["transactionInfo"]["transactionId"] == one,
                        "EVSE 1 charging")

    def triggered(evse=None):
        mark = csms.frames()[-1].seq
        result = csms.call(station.identity, call.TriggerMessage(requested_message="TransactionEvent", evse=evse))
        assert result.status == "Accepted"
        answer = next(f for f in csms.frames(identity=station.identity, direction="in")
                      if f.seq > mark and f.action == "TriggerMessage")
        settle201(csms, station)
        frames = [f for f in event_frames(csms, station) if f.seq > mark and f.payload["triggerReason"] == "Trigger"]
        assert all(f.seq > answer.seq for f in frames), "the answer goes before the triggered message"
        return [f.payload for f in frames]

    specific = triggered({"id": 2})
    assert [(e["eventType"], e["transactionInfo"]["transactionId"], charging_state(e)) for e in specific] == \
        [("Updated", two, "Charging")]
    every = triggered()
    assert sorted((e["transactionInfo"]["transactionId"], charging_state(e)) for e in every) == \
        sorted([(one, "Charging"), (two, "Charging")])
    assert_one_sequence(events(csms, station, one))
    assert_one_sequence(events(csms, station, two))
    assert statuses(csms, station, 1)[-1] == "Occupied"
