"""OCPP 2.0.1 functional block E (transactions), end to end: the real `chargepoint serve --ocpp 2.0.1` against
the PyPI `ocpp` 2.0.1 central system, which validates every frame against the official 2.0.1 schemas (a
violation fails the test at teardown). The driver and the hardware act through the REST API (plug, unplug,
meter, start = present a token, stop); the CSMS through its CALLs. Test names carry the OCA compliance test
cases (Charging Station side) they cover."""

from __future__ import annotations

import subprocess
import uuid

import pytest
from ocpp.v201 import call

from conftest import running_csms
from csms import CALLERROR, CALLRESULT, parse_time, wait_until
from ocpp201_helpers import (assert_one_sequence, assert_problem_type, charging_state, contexts, energy, ended,
                             event_frames, events, plug, quiet_moment, set_variables, settle201, start, statuses,
                             stop, transaction, unplug, wait_answered_event, wait_delivered, wait_event,
                             wait_status)

# The CP chooses its reconnect back-off; allow some.
RECONNECT_TIMEOUT_S = 45
# E13 retries: a short wait so the retry tests stay quick.
RETRY = {"OCPPCommCtrlr.MessageAttempts[TransactionEvent]": "3",
         "OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]": "1"}


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def is_charging(event: dict) -> bool:
    return charging_state(event) == "Charging"


def go_offline(csms, station):
    """Crash the CSMS and wait until the station has noticed."""
    csms.stop(abrupt=True)
    csms.wait_for(lambda: station.api.status()["link"] != "connected", 15, "the station to notice the CSMS is gone")


def test_TC_E_01_CS_TC_E_03_CS_and_TC_E_15_CS_cable_first_then_token_then_local_stop(csms, chargepoint):
    """Default TxStartPoint PowerPathClosed, TxStopPoint EVConnected,Authorized [P2 E §1.1, the typical
    sequence]: plug-in → Occupied and no transaction yet [E02.FR.05]; the token → Authorize, Started; energy →
    Updated Charging; the driver's stop → Ended {StopAuthorized, idToken} [E07.FR.02]; unplug → Available."""
    station = chargepoint(connectors=1)

    connector = plug(station, 1)
    assert (connector["plugged"], connector["status"], connector["transaction"]) == (True, "Occupied", None)
    wait_status(csms, station, 1, "Occupied")
    settle201(csms, station)
    assert events(csms, station) == [], "a transaction started on plug-in with TxStartPoint PowerPathClosed"

    started = start(station, 1, "TAG1")
    transaction_id = started["transactionId"]
    assert str(uuid.UUID(transaction_id)) == transaction_id.lower()
    assert (started["evseId"], started["connectorId"], started["idTag"], started["idTokenType"],
            started["tokenStatus"]) == (1, 1, "TAG1", "ISO14443", "Accepted")
    assert (started["stoppedAt"], started["meterStopWh"], started["stopReason"]) == (None, None, None)
    assert csms.calls("Authorize", station.identity) == [{"idToken": {"idToken": "TAG1", "type": "ISO14443"}}]

    first = events(csms, station)[0]
    assert (first["eventType"], first["triggerReason"], first["seqNo"]) == ("Started", "Authorized", 0)
    assert first["evse"] == {"id": 1, "connectorId": 1}
    assert first["idToken"] == {"idToken": "TAG1", "type": "ISO14443"}
    assert first["transactionInfo"]["transactionId"] == transaction_id
    assert charging_state(first) == "EVConnected"
    assert contexts(first) == {"Transaction.Begin"}
    [begin_wh] = energy(first, "Transaction.Begin")
    assert abs(begin_wh - started["meterStartWh"]) < 1, "the API gives whole Wh"
    assert "offline" not in first

    charging = wait_event(csms, station, is_charging, "chargingState Charging")
    assert (charging["eventType"], charging["triggerReason"], charging["seqNo"]) == \
        ("Updated", "ChargingStateChanged", 1)
    assert "evse" not in charging and "idToken" not in charging, "evse and idToken only where E01.FR.16/E03.FR.01 say"
    busy = station.api.wait_connector(1, lambda c: c["powerW"] > 0, what="energy flowing")
    assert (busy["status"], busy["transaction"]["transactionId"], busy["transaction"]["chargingState"]) == \
        ("Occupied", transaction_id, "Charging")

    stopped = stop(station, 1, reason="Local")
    assert (stopped["transactionId"], stopped["stopReason"]) == (transaction_id, "Local")
    assert stopped["stoppedAt"] is not None and stopped["meterStopWh"] >= started["meterStartWh"]
    last = ended(csms, station, transaction_id)
    assert last["triggerReason"] == "StopAuthorized"
    assert last["transactionInfo"].get("stoppedReason", "Local") == "Local"
    assert last["idToken"] == {"idToken": "TAG1", "type": "ISO14443"}, "E07.FR.02: the token that stopped it"
    [end_wh] = energy(last, "Transaction.End")
    assert abs(end_wh - stopped["meterStopWh"]) < 1, "the API gives whole Wh"
    assert_one_sequence(events(csms, station))

    # The cable is still in: Occupied until it comes out.
    assert station.api.connector(1)["status"] == "Occupied"
    unplug(station, 1)
    assert wait_status(csms, station, 1, "Available") == ["Available", "Occupied", "Available"]
    settle201(csms, station)
    assert events(csms, station)[-1]["eventType"] == "Ended", "an event after Ended"

    final = wait_delivered(station, transaction_id)
    assert (final["stopReason"], final["meterStopWh"], final["seqNo"]) == ("Local", stopped["meterStopWh"], last["seqNo"])
    listed = station.api.transactions()
    assert listed[0]["transactionId"] == transaction_id


def test_TC_E_09_CS_and_TC_E_14_CS_EVConnected_start_and_stop_points(csms, chargepoint):
    """Connection-time billing: TxStartPoint and TxStopPoint EVConnected (set by the CSMS). Plug-in →
    Started {CablePluggedIn} without idToken; the token → Updated {Authorized, idToken} [E02.FR.01];
    unplug → Ended {EVCommunicationLost, EVDisconnected}."""
    station = chargepoint(connectors=1)
    set_variables(csms, station, {"TxCtrlr.TxStartPoint": "EVConnected", "TxCtrlr.TxStopPoint": "EVConnected"})

    connector = plug(station, 1)
    first = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    transaction_id = first["transactionInfo"]["transactionId"]
    assert (first["triggerReason"], first["seqNo"], first["evse"]) == ("CablePluggedIn", 0, {"id": 1, "connectorId": 1})
    assert "idToken" not in first
    assert charging_state(first) == "EVConnected"
    notification = csms.call_frames("StatusNotification", station.identity)[-1]
    assert notification.payload["connectorStatus"] == "Occupied"
    assert notification.seq < event_frames(csms, station)[0].seq, "StatusNotification Occupied before the Started"
    running = station.api.connector(1)["transaction"] or connector["transaction"]
    assert (running["transactionId"], running["idTag"]) == (transaction_id, None)

    started = start(station, 1, "TAG2")
    assert (started["transactionId"], started["idTag"], started["tokenStatus"]) == (transaction_id, "TAG2", "Accepted")
    authorized = wait_event(csms, station, lambda e: e["triggerReason"] == "Authorized", "triggerReason Authorized")
    assert (authorized["eventType"], authorized["seqNo"], authorized["idToken"]) == \
        ("Updated", 1, {"idToken": "TAG2", "type": "ISO14443"})
    assert "evse" not in authorized
    wait_event(csms, station, is_charging, "chargingState Charging")

    unplug(station, 1)
    last = ended(csms, station, transaction_id)
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("EVCommunicationLost", "EVDisconnected")
    assert_one_sequence(events(csms, station))
    wait_status(csms, station, 1, "Available")


def test_TC_E_02_CS_EnergyTransfer_start_point_starts_when_energy_flows(csms, chargepoint):
    """TxStartPoint EnergyTransfer: an authorized driver with an EV that draws nothing has no transaction yet
    (the start answers 202 with the connector); once the EV draws, Started {chargingState Charging}."""
    station = chargepoint(connectors=1, ocpp_config={"TxCtrlr.TxStartPoint": "EnergyTransfer"})
    station.api.set_meter(1, powerW=0)

    waiting = start(station, 1, "TAG1", expected=202)
    assert (waiting["id"], waiting["plugged"], waiting["transaction"]) == (1, True, None)
    assert len(csms.calls("Authorize", station.identity)) == 1
    settle201(csms, station)
    assert events(csms, station) == []

    station.api.set_meter(1, powerW=7400)
    first = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    assert (first["seqNo"], first["evse"], first["idToken"]) == \
        (0, {"id": 1, "connectorId": 1}, {"idToken": "TAG1", "type": "ISO14443"})
    assert charging_state(first) == "Charging", "the transaction starts because energy flows"
    assert first["triggerReason"] == "ChargingStateChanged"


def test_TC_E_16_CS_a_token_the_csms_refuses_in_the_transaction_answer_ends_it_deauthorized(csms, chargepoint):
    """The local list accepts FLEET-7 (LocalPreAuthorize: no Authorize), the CSMS answers the Started with
    Invalid: StopTxOnInvalidId true and Authorized among the stop points → Ended {Deauthorized, DeAuthorized}
    [E05.FR.10/11]; the start is refused with 403."""
    station = chargepoint(connectors=1)
    result = csms.call(station.identity, call.SendLocalList(version_number=1, update_type="Full", local_authorization_list=[
        {"id_token": {"id_token": "FLEET-7", "type": "ISO14443"}, "id_token_info": {"status": "Accepted"}}]))
    assert result.status == "Accepted"

    response = station.api.post("/api/v1/connectors/1/start", json={"idTag": "FLEET-7"})
    assert_problem_type(response, 403, "tag-refused", authorizationStatus="Invalid")
    assert csms.calls("Authorize", station.identity) == []
    first = events(csms, station)[0]
    assert (first["eventType"], first["triggerReason"], first["idToken"]["idToken"]) == ("Started", "Authorized", "FLEET-7")
    last = ended(csms, station, first["transactionInfo"]["transactionId"])
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("Deauthorized", "DeAuthorized")
    assert_one_sequence(events(csms, station))
    resource = transaction(station, first["transactionInfo"]["transactionId"])
    assert (resource["tokenStatus"], resource["stopReason"]) == ("Invalid", "DeAuthorized")


def test_rest_errors_of_sessions_under_2_0_1(csms, chargepoint):
    """409 connector-busy, 409 no-transaction, 422 meter-decrease, 404 transaction-not-found."""
    station = chargepoint(connectors=2)
    started = start(station, 1, "TAG1")
    assert_problem_type(station.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG2"}), 409, "connector-busy")
    assert_problem_type(station.api.post("/api/v1/connectors/2/stop", json={}), 409, "no-transaction")
    register = station.api.connector(2)["energyWh"] + 1000
    assert station.api.set_meter(2, energyWh=register)["energyWh"] == register
    response = station.api.put("/api/v1/connectors/2/meter", json={"energyWh": register - 1})
    assert_problem_type(response, 422, "meter-decrease")
    assert station.api.connector(2)["energyWh"] == register
    assert_problem_type(station.api.get(f"/api/v1/transactions/{uuid.uuid4()}"), 404, "transaction-not-found")
    assert transaction(station, started["transactionId"])["transactionId"] == started["transactionId"]
    assert statuses(csms, station, 2) == ["Available"]
    assert len([e for e in events(csms, station) if e["eventType"] == "Started"]) == 1


def test_TC_E_40_CS_connection_loss_during_a_transaction_queues_the_events_and_delivers_them_in_order(
        csms, chargepoint):
    """Events that happen while the CSMS is out of reach are stored and delivered FIFO after the reconnect,
    with offline true [E04.FR.01/03, E11.FR.01/02]; nothing is lost or sent twice."""
    station = chargepoint(connectors=1, ocpp_config={"SampledDataCtrlr.TxUpdatedInterval": "1"})
    started = start(station, 1, "TAG1")
    transaction_id = started["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")

    go_offline(csms, station)
    csms.wait_for(lambda: station.api.status()["queuedMessages"] >= 2, 15, "two events queued while offline")
    stopped = stop(station, 1)
    assert (stopped["transactionId"], stopped["pendingDelivery"]) == (transaction_id, True)
    delivered_before = len(events(csms, station, transaction_id))

    csms.restart()
    last = ended(csms, station, transaction_id, timeout=RECONNECT_TIMEOUT_S)
    assert last["triggerReason"] == "StopAuthorized"
    payloads = events(csms, station, transaction_id)
    assert_one_sequence(payloads)
    late = payloads[delivered_before:]
    assert len(late) >= 3 and all(e.get("offline") is True for e in late), \
        "E04.FR.03: events that happened offline say so"
    assert all(parse_time(e["timestamp"]) < parse_time(last["timestamp"]) or e is last for e in late)
    assert wait_delivered(station, transaction_id)["stopReason"] == "Local"
    station.api.wait_status(queuedMessages=0)


def test_TC_E_43_CS_and_TC_E_44_CS_a_whole_transaction_while_offline_is_delivered_after_the_reconnect(
        csms, chargepoint):
    """A token the cache holds starts a transaction while the CSMS is out of reach (LocalAuthorizeOffline):
    202 [C13]; it is stopped offline too; after the reconnect Started … Ended arrive in order, offline."""
    station = chargepoint(connectors=1)
    assert station.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG1"})["status"] == "Accepted"
    go_offline(csms, station)

    pending = start(station, 1, "TAG1", expected=202)
    transaction_id = pending["transactionId"]
    assert (pending["pendingDelivery"], pending["idTag"]) == (True, "TAG1")
    stopped = stop(station, 1)
    assert stopped["stopReason"] == "Local"

    csms.restart()
    last = ended(csms, station, transaction_id, timeout=RECONNECT_TIMEOUT_S)
    payloads = events(csms, station, transaction_id)
    assert_one_sequence(payloads)
    assert all(e.get("offline") is True for e in payloads)
    assert payloads[0]["idToken"]["idToken"] == "TAG1" and last["idToken"]["idToken"] == "TAG1"
    assert parse_time(payloads[0]["timestamp"]) <= parse_time(stopped["stoppedAt"]), "re-stamped at delivery"
    assert wait_delivered(station, transaction_id)["tokenStatus"] == "Accepted"


def test_sigkill_mid_transaction_ends_it_with_power_loss_and_loses_no_queued_event(csms, chargepoint):
    """kill -9 while the CSMS is out of reach and events wait in the queue: after the restart every queued
    event is delivered once, in order, and the cut transaction ends with Ended {AbnormalCondition, PowerLoss}
    continuing its seqNo (design principle 4; E06)."""
    station = chargepoint(connectors=1, ocpp_config={"SampledDataCtrlr.TxUpdatedInterval": "1"})
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")
    go_offline(csms, station)
    csms.wait_for(lambda: station.api.status()["queuedMessages"] >= 2, 15, "two events queued while offline")

    station.kill()
    csms.start()
    station.restart()
    last = ended(csms, station, transaction_id, timeout=RECONNECT_TIMEOUT_S)
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("AbnormalCondition", "PowerLoss")
    assert "idToken" not in last
    payloads = events(csms, station, transaction_id)
    assert_one_sequence(payloads)
    assert len(payloads) >= 4, "the events queued before the kill were lost"
    resource = wait_delivered(station, transaction_id)
    assert (resource["stopReason"], resource["seqNo"]) == ("PowerLoss", last["seqNo"])
    assert station.api.connector(1)["transaction"] is None


def test_sigkill_between_exchanges_online_ends_the_transaction_once(csms, chargepoint):
    """kill -9 with nothing in flight: after the reboot (BootNotification first) one Ended {AbnormalCondition,
    PowerLoss}, seqNo right after the last delivered one, no event sent again."""
    station = chargepoint(connectors=1)
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    delivered = wait_answered_event(csms, station, is_charging, "chargingState Charging")
    quiet_moment(csms, station)
    station.kill()
    station.restart()
    last = ended(csms, station, transaction_id)
    assert last["seqNo"] == delivered["seqNo"] + 1
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("AbnormalCondition", "PowerLoss")
    boots = csms.call_frames("BootNotification", station.identity)
    assert len(boots) == 2 and boots[1].seq < event_frames(csms, station)[-1].seq
    assert_one_sequence(events(csms, station, transaction_id))


def test_a_start_with_fewer_connectors_than_an_open_transaction_needs_is_refused(csms, chargepoint):
    """A transaction the data folder holds open on EVSE 2 could never end under --connectors 1: the start
    is refused with a message that says so, and the next start with 2 connectors ends it (PowerLoss)."""
    station = chargepoint(connectors=2)
    transaction_id = start(station, 2, "TAG1")["transactionId"]
    station.kill()
    station.connectors = 1
    refused = subprocess.run(station.command(), capture_output=True, text=True, timeout=30, env=station.environment())
    assert refused.returncode != 0
    assert f"transaction {transaction_id} is still open on EVSE 2" in refused.stderr, refused.stderr
    station.connectors = 2
    station.restart()
    last = ended(csms, station, transaction_id)
    assert last["transactionInfo"]["stoppedReason"] == "PowerLoss"


def test_TC_E_50_CS_a_transaction_event_refused_with_a_callerror_is_sent_message_attempts_times_then_dropped(
        csms, chargepoint):
    """E13: after a CALLERROR the event is sent again after MessageAttemptInterval × the transmissions so far,
    up to MessageAttempts transmissions, each time the same event (same seqNo and timestamp); then it is
    discarded and the queue goes on [E13.FR.02–04]."""
    station = chargepoint(connectors=1, ocpp_config=RETRY)
    csms.settings.transaction_event_failures = 3
    started = start(station, 1, "TAG1", expected=202)
    transaction_id = started["transactionId"]

    after = wait_answered_event(csms, station, lambda e: e["seqNo"] == 1, "seqNo 1 (the Started discarded)",
                                timeout=15)
    frames = event_frames(csms, station, transaction_id)
    attempts = [f for f in frames if f.payload["seqNo"] == 0]
    assert len(attempts) == 3, [f.payload["seqNo"] for f in frames]
    assert all(f.payload == attempts[0].payload for f in attempts), "a retry sends the same event"
    assert [csms.answer_to(f).type_id for f in attempts] == [CALLERROR] * 3
    waits = [b.time - csms.answer_to(a).time for a, b in zip(attempts, attempts[1:])]
    assert waits[0] >= 1 - 0.1 and waits[1] >= 2 - 0.1, f"waits {waits}: interval × transmissions so far"
    assert after["eventType"] == "Updated" and frames.index(attempts[-1]) < len(frames) - 1
    settle201(csms, station)
    assert len([f for f in event_frames(csms, station, transaction_id) if f.payload["seqNo"] == 0]) == 3


def test_TC_E_51_CS_a_transaction_event_is_delivered_by_a_retry_before_message_attempts(csms, chargepoint):
    """One CALLERROR, then the retry is answered: the event is delivered once more, not dropped, and the
    token's verdict of that answer counts."""
    station = chargepoint(connectors=1, ocpp_config=RETRY)
    csms.settings.transaction_event_failures = 1
    transaction_id = start(station, 1, "TAG1", expected=202)["transactionId"]

    wait_answered_event(csms, station, lambda e: e["seqNo"] == 0, "seqNo 0 answered")
    attempts = [f for f in event_frames(csms, station, transaction_id) if f.payload["seqNo"] == 0]
    assert [csms.answer_to(f).type_id for f in attempts] == [CALLERROR, CALLRESULT]
    assert attempts[1].time - csms.answer_to(attempts[0]).time >= 1 - 0.1
    wait_answered_event(csms, station, is_charging, "chargingState Charging")
    resource = wait_delivered(station, transaction_id)
    assert resource["tokenStatus"] == "Accepted"
    stop(station, 1)
    ended(csms, station, transaction_id)
    sent = events(csms, station, transaction_id)
    assert [e["seqNo"] for e in sent] == [0] + list(range(len(sent) - 1)), "one retry of seqNo 0, no other repeat"


def test_TC_E_28_CS_to_TC_E_34_CS_get_transaction_status(csms, chargepoint):
    """GetTransactionStatus [E14]: an unknown id → both false; ongoing / ended, with and without messages in
    the queue; without an id, messagesInQueue only. A CALLERROR keeps an event queued for the retry wait."""
    station = chargepoint(connectors=1, ocpp_config={
        "OCPPCommCtrlr.MessageAttempts[TransactionEvent]": "3",
        "OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]": "4"})

    def status(transaction_id=None):
        result = csms.call(station.identity, call.GetTransactionStatus(transaction_id=transaction_id))
        return result.ongoing_indicator, result.messages_in_queue

    assert status(str(uuid.uuid4())) == (False, False)  # TC_E_28
    assert status() == (None, False)  # TC_E_34
    transaction_id = start(station, 1, "TAG1")["transactionId"]
    wait_answered_event(csms, station, is_charging, "chargingState Charging")
    wait_delivered(station, transaction_id)
    assert status(transaction_id) == (True, False)  # TC_E_30

    csms.settings.transaction_event_failures = 1
    assert csms.call(station.identity, call.TriggerMessage(requested_message="TransactionEvent",
                                                            evse={"id": 1})).status == "Accepted"
    csms.wait_for(lambda: any(csms.answer_to(f) is not None and csms.answer_to(f).type_id == CALLERROR
                              for f in event_frames(csms, station)), 10, "the refused Updated")
    assert status(transaction_id) == (True, True)  # TC_E_29
    assert status() == (None, True)  # TC_E_33
    wait_delivered(station, transaction_id)

    csms.settings.transaction_event_failures = 1
    stop(station, 1)
    csms.wait_for(lambda: csms.answer_to(ended_frame(csms, station)) is not None, 10, "the refused Ended")
    assert status(transaction_id) == (False, True)  # TC_E_31
    wait_delivered(station, transaction_id)
    assert status(transaction_id) == (False, False)  # TC_E_32
    assert status() == (None, False)


def ended_frame(csms, station):
    return next((f for f in event_frames(csms, station) if f.payload["eventType"] == "Ended"), None) \
        or csms.wait_for(lambda: next((f for f in event_frames(csms, station)
                                       if f.payload["eventType"] == "Ended"), None), 10, "the Ended")


def test_TC_E_42_CS_a_transaction_event_left_unanswered_is_sent_again_after_the_timeout_and_the_interval(
        csms, chargepoint):
    """E13 without an answer: after MessageTimeout (30 s, read-only) plus MessageAttemptInterval × 1 the
    same event is sent again, and once answered the queue goes on [E13.FR.02/03]. (A remote start, so no
    REST caller waits through the timeout.)"""
    station = chargepoint(connectors=1, ocpp_config=RETRY)
    timeout = int(station.api.ok_json("GET", "/api/v1/configuration/OCPPCommCtrlr.MessageTimeout[Default]")["value"])
    plug(station, 1)
    csms.settings.transaction_event_silence = 1
    assert csms.call(station.identity, call.RequestStartTransaction(
        id_token={"id_token": "TAG1", "type": "ISO14443"}, remote_start_id=5, evse_id=1)).status == "Accepted"

    wait_answered_event(csms, station, lambda e: e["seqNo"] == 0, "seqNo 0 answered", timeout=timeout + 15)
    attempts = [f for f in event_frames(csms, station) if f.payload["seqNo"] == 0]
    assert len(attempts) == 2 and attempts[0].payload == attempts[1].payload
    assert csms.answer_to(attempts[0]) is None
    assert attempts[1].time - attempts[0].time >= timeout + 1 - 0.2, "resent before MessageTimeout + interval"
    charging = wait_answered_event(csms, station, is_charging, "chargingState Charging")
    assert charging["seqNo"] == 1


def test_TC_E_04_CS_authorization_first_then_the_cable_starts_the_transaction(csms, chargepoint):
    """Token before the cable (`plugIn: false`), TxStartPoint PowerPathClosed: Authorize, no transaction yet
    (202 with the connector); the plug-in starts it: Started {CablePluggedIn, idToken, evse} [E03]."""
    csms.settings.accept_tags.add("TAG1")
    station = chargepoint(connectors=1)
    waiting = start(station, 1, "TAG1", expected=202, plugIn=False)
    assert (waiting["plugged"], waiting["transaction"]) == (False, None)
    assert [a["idToken"]["idToken"] for a in csms.calls("Authorize", station.identity)] == ["TAG1"]
    settle201(csms, station)
    assert events(csms, station) == []
    plug(station, 1)
    started = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    assert (started["triggerReason"], started["idToken"]["idToken"], started["evse"]) == (
        "CablePluggedIn", "TAG1", {"id": 1, "connectorId": 1})


def test_TC_E_05_CS_authorization_first_and_no_cable_within_ev_connection_timeout(csms, chargepoint):
    """Token before the cable, and no cable within EVConnectionTimeOut: the authorization is given up, no
    transaction ever started, and a later plug-in starts none [E03.FR.05]."""
    csms.settings.accept_tags.add("TAG1")
    station = chargepoint(connectors=1, ocpp_config={"TxCtrlr.EVConnectionTimeOut": "1"})
    start(station, 1, "TAG1", expected=202, plugIn=False)
    wait_until(lambda: "authorization given up" in station.log_path.read_text(), 10, "the authorization to expire")
    plug(station, 1)
    wait_status(csms, station, 1, "Occupied")
    settle201(csms, station)
    assert events(csms, station) == []


def test_TC_E_10_CS_tx_start_point_authorized_starts_on_the_token_alone(csms, chargepoint):
    """TxStartPoint Authorized: the token alone starts the transaction, Started {Authorized, chargingState
    Idle}; the plug-in then is an Updated {CablePluggedIn} [E01, P2 E §1.1]."""
    csms.settings.accept_tags.add("TAG1")
    station = chargepoint(connectors=1, ocpp_config={"TxCtrlr.TxStartPoint": "Authorized"})
    started = start(station, 1, "TAG1", plugIn=False)
    first = wait_event(csms, station, lambda e: e["eventType"] == "Started", "eventType Started")
    assert (first["triggerReason"], charging_state(first)) == ("Authorized", "Idle")
    assert first["transactionInfo"]["transactionId"] == started["transactionId"]
    plug(station, 1)
    plugged = wait_event(csms, station, lambda e: e["triggerReason"] == "CablePluggedIn", "triggerReason CablePluggedIn")
    assert (plugged["eventType"], plugged["seqNo"]) == ("Updated", 1)
