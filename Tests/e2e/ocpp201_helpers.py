"""Helpers of the OCPP 2.0.1 transaction tests (test_ocpp201_transactions.py, test_ocpp201_remote_control.py,
test_ocpp201_availability.py): TransactionEvents as the CSMS received them, device model variables, the
driver's side of the REST API, and a barrier that proves something was NOT sent."""

from __future__ import annotations

import time

from ocpp.v201 import call

from csms import CALLRESULT, parse_time, wait_until
from harness import assert_problem

ACCEPTED = "Accepted"


def set_variables(csms, station, values: dict[str, str]) -> None:
    """SetVariables from the CSMS: {"TxCtrlr.TxStartPoint": "EVConnected", ...}, every one Accepted."""
    data = []
    for key, value in values.items():
        component, _, variable = key.partition(".")
        name, _, instance = variable.rstrip("]").partition("[")
        data.append({"component": {"name": component},
                     "variable": {"name": name, **({"instance": instance} if instance else {})},
                     "attribute_value": value})
    result = csms.call(station.identity, call.SetVariables(set_variable_data=data))
    assert [r["attribute_status"] for r in result.set_variable_result] == [ACCEPTED] * len(data), \
        result.set_variable_result


def event_frames(csms, station, transaction_id: str | None = None) -> list:
    """The station's TransactionEvent CALL frames (retries included), oldest first, optionally of one
    transaction."""
    return [f for f in csms.call_frames("TransactionEvent", station.identity)
            if transaction_id is None or f.payload["transactionInfo"]["transactionId"] == transaction_id]


def events(csms, station, transaction_id: str | None = None) -> list[dict]:
    """TransactionEvent payloads, one per transmission, oldest first."""
    return [f.payload for f in event_frames(csms, station, transaction_id)]


def wait_event(csms, station, where, what: str, timeout: float = 10) -> dict:
    """The first TransactionEvent payload that satisfies `where`, waiting for it."""
    return csms.wait_for(lambda: next((e for e in events(csms, station) if where(e)), None), timeout,
                         f"a TransactionEvent with {what}")


def wait_answered_event(csms, station, where, what: str, timeout: float = 10) -> dict:
    """Like wait_event, but also waits until the CSMS has answered that event with a CALLRESULT."""
    def answered():
        for frame in event_frames(csms, station):
            if where(frame.payload):
                answer = csms.answer_to(frame)
                if answer is not None and answer.type_id == CALLRESULT:
                    return frame.payload
        return None
    return csms.wait_for(answered, timeout, f"an answered TransactionEvent with {what}")


def ended(csms, station, transaction_id: str, timeout: float = 10) -> dict:
    return wait_event(csms, station, lambda e: e["eventType"] == "Ended"
                      and e["transactionInfo"]["transactionId"] == transaction_id, f"eventType Ended of {transaction_id}",
                      timeout)


def charging_state(event: dict) -> str | None:
    return event["transactionInfo"].get("chargingState")


def contexts(event: dict) -> set[str]:
    """The reading contexts of an event's sampled values (absent = Sample.Periodic)."""
    return {sample.get("context", "Sample.Periodic")
            for value in event.get("meterValue", []) for sample in value["sampledValue"]}


def energy(event: dict, context: str) -> list[float]:
    """Energy.Active.Import.Register readings (Wh) of one context in an event."""
    return [sample["value"] for value in event.get("meterValue", []) for sample in value["sampledValue"]
            if sample.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register"
            and sample.get("context", "Sample.Periodic") == context]


def assert_one_sequence(payloads: list[dict]) -> None:
    """One transaction's events as delivered: one transactionId, seqNo 0, 1, 2 … without gaps or repeats
    [P2 E §1.3.2], Started first, Ended last (if there), timestamps never going back."""
    assert len({e["transactionInfo"]["transactionId"] for e in payloads}) == 1, payloads
    assert [e["seqNo"] for e in payloads] == list(range(len(payloads))), [e["seqNo"] for e in payloads]
    types = [e["eventType"] for e in payloads]
    assert types[0] == "Started" and "Started" not in types[1:], types
    assert "Ended" not in types[:-1], types
    times = [parse_time(e["timestamp"]) for e in payloads]
    assert times == sorted(times), [e["timestamp"] for e in payloads]


def settle201(csms, station) -> None:
    """A barrier: TriggerMessage(Heartbeat) and wait for the Heartbeat. The station sends its CALLs in the
    order they arose (a TransactionEvent queued before goes before), so whatever the station had to send
    before has been seen afterwards; lets a test assert that something was NOT sent."""
    before = len(csms.calls("Heartbeat", station.identity))
    assert csms.call(station.identity, call.TriggerMessage(requested_message="Heartbeat")).status == ACCEPTED
    csms.wait_for_calls("Heartbeat", station.identity, before + 1)


def statuses(csms, station, evse_id: int) -> list[str]:
    """The connectorStatus values the station reported for an EVSE's connector, in order."""
    return [p["connectorStatus"] for p in csms.calls("StatusNotification", station.identity)
            if p["evseId"] == evse_id]


def wait_status(csms, station, evse_id: int, status: str, timeout: float = 10) -> list[str]:
    def reached():
        sequence = statuses(csms, station, evse_id)
        return sequence if sequence and sequence[-1] == status else None
    return csms.wait_for(reached, timeout, f"EVSE {evse_id} reported {status}")


def start(station, evse_id: int, id_token: str, expected: int = 201, **body) -> dict:
    return station.api.ok_json("POST", f"/api/v1/connectors/{evse_id}/start", expected,
                               json={"idTag": id_token, **body})


def stop(station, evse_id: int, **body) -> dict:
    return station.api.ok_json("POST", f"/api/v1/connectors/{evse_id}/stop", json=body)


def plug(station, evse_id: int) -> dict:
    return station.api.ok_json("POST", f"/api/v1/connectors/{evse_id}/plug")


def unplug(station, evse_id: int) -> dict:
    return station.api.ok_json("POST", f"/api/v1/connectors/{evse_id}/unplug")


def transaction(station, transaction_id: str) -> dict:
    return station.api.ok_json("GET", f"/api/v1/transactions/{transaction_id}")


def wait_delivered(station, transaction_id: str, timeout: float = 10) -> dict:
    """Wait until none of the transaction's events waits for delivery; returns the transaction resource."""
    def delivered():
        resource = transaction(station, transaction_id)
        return resource if resource["pendingDelivery"] is False else None
    return wait_until(delivered, timeout, f"every event of {transaction_id} delivered")


def assert_problem_type(response, status: int, problem: str, **extensions) -> dict:
    """An RFC 9457 problem with this status whose type ends with `problem` (e.g. connector-busy)."""
    body = assert_problem(response, status, **extensions)
    assert body["type"].endswith(":" + problem), body
    return body


def quiet_moment(csms, station, seconds: float = 0.3) -> None:
    """Wait until no frame has crossed for a moment, so a SIGKILL lands between two exchanges."""
    csms.wait_for(lambda: time.time() - csms.frames(identity=station.identity)[-1].time >= seconds, 10,
                  "a quiet moment on the link")
