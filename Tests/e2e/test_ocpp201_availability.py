"""OCPP 2.0.1 availability (G) and reset (B11/B12) while transactions run, end to end: the real
`chargepoint serve --ocpp 2.0.1` against the PyPI `ocpp` 2.0.1 central system (every frame checked against the
official schemas). Test names carry the OCA compliance test cases (Charging Station side) they cover."""

from __future__ import annotations

import pytest
from ocpp.v201 import call

from conftest import running_csms
from ocpp201_helpers import (assert_one_sequence, assert_problem_type, charging_state, ended, event_frames, events,
                             settle201, start, statuses, stop, unplug, wait_answered_event, wait_status)


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def is_charging(event):
    return charging_state(event) == "Charging"


def change_availability(csms, station, status, evse=None):
    return csms.call(station.identity, call.ChangeAvailability(operational_status=status, evse=evse)).status


def test_TC_G_11_CS_inoperative_evse_with_a_transaction_is_scheduled_until_it_ends(csms, chargepoint):
    """ChangeAvailability Inoperative on an EVSE with a transaction → Scheduled; the transaction goes on and
    the connector stays Occupied; when it has ended the connector turns Unavailable [G03.FR.05, G01.FR.05] and
    takes no new session; Operative makes it Available again."""
    station = chargepoint(connectors=2)
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")

    assert change_availability(csms, station, "Inoperative", {"id": 1}) == "Scheduled"
    settle201(csms, station)
    assert statuses(csms, station, 1) == ["Available", "Occupied"]
    assert all(e["eventType"] != "Ended" for e in events(csms, station)), "the transaction was ended"
    assert station.api.connector(1)["transaction"]["transactionId"] == transaction_id
    assert statuses(csms, station, 2) == ["Available"], "the other EVSE is not concerned"

    stop(station, 1)
    ended(csms, station, transaction_id)
    unplug(station, 1)
    sequence = wait_status(csms, station, 1, "Unavailable")
    assert "Available" not in sequence[2:], f"Available before the scheduled change was applied: {sequence}"
    response = station.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG1"})
    assert_problem_type(response, 409, "connector-inoperative")
    assert station.api.connector(1)["status"] == "Unavailable"

    assert change_availability(csms, station, "Operative", {"id": 1}) == "Accepted"
    wait_status(csms, station, 1, "Available")
    assert_one_sequence(events(csms, station, transaction_id))


def test_TC_G_14_CS_inoperative_station_with_a_transaction(csms, chargepoint):
    """ChangeAvailability Inoperative for the whole station while EVSE 1 charges → Scheduled; EVSE 2 turns
    Unavailable at once, EVSE 1 once its transaction has ended [G04.FR.06/07]."""
    station = chargepoint(connectors=2)
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")

    assert change_availability(csms, station, "Inoperative") == "Scheduled"
    wait_status(csms, station, 2, "Unavailable")
    settle201(csms, station)
    assert statuses(csms, station, 1)[-1] == "Occupied"
    stop(station, 1)
    ended(csms, station, transaction_id)
    unplug(station, 1)
    wait_status(csms, station, 1, "Unavailable")
    assert_problem_type(station.api.post("/api/v1/connectors/2/start", json={"idTag": "TAG1"}), 409,
                        "connector-inoperative")


def test_TC_B_21_CS_reset_on_idle_waits_for_the_transaction_to_end(csms, chargepoint):
    """Reset OnIdle while a transaction runs → Scheduled; nothing reboots until the transaction has ended
    normally, then a BootNotification with reason RemoteReset [B12.FR.01/03]."""
    station = chargepoint(connectors=1)
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")

    assert csms.call(station.identity, call.Reset(type="OnIdle")).status == "Scheduled"
    settle201(csms, station)
    assert len(csms.calls("BootNotification", station.identity)) == 1, "rebooted before the transaction ended"
    assert all(e["eventType"] != "Ended" for e in events(csms, station))

    stop(station, 1)
    last = ended(csms, station, transaction_id)
    assert last["triggerReason"] == "StopAuthorized"
    boots = csms.wait_for_calls("BootNotification", station.identity, count=2, timeout=20)
    assert boots[1]["reason"] == "RemoteReset"
    ended_frame = next(f for f in event_frames(csms, station) if f.payload["eventType"] == "Ended")
    assert ended_frame.seq < csms.call_frames("BootNotification", station.identity)[1].seq
    station.wait_registered()
    assert_one_sequence(events(csms, station, transaction_id))


def test_TC_B_22_CS_reset_immediate_ends_the_transaction_then_reboots(csms, chargepoint):
    """Reset Immediate → Accepted; the transaction ends with Ended {ResetCommand, ImmediateReset} (no idToken),
    the station reboots (RemoteReset) and the Ended is delivered exactly once [B12.FR.04/05]."""
    station = chargepoint(connectors=1)
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")

    assert csms.call(station.identity, call.Reset(type="Immediate")).status == "Accepted"
    last = ended(csms, station, transaction_id, timeout=20)
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("ResetCommand", "ImmediateReset")
    assert "idToken" not in last
    boots = csms.wait_for_calls("BootNotification", station.identity, count=2, timeout=20)
    assert boots[1]["reason"] == "RemoteReset"
    station.wait_registered()
    settle201(csms, station)
    assert_one_sequence(events(csms, station, transaction_id))
    assert station.api.connector(1)["transaction"] is None
