"""The 1.6 REST paths that drive the station locally, under OCPP 2.0.1: a script written for 1.6 runs
unchanged against the real `chargepoint serve --ocpp 2.0.1`, and the PyPI `ocpp` 2.0.1 central system
sees (and checks against the official schemas) what each one sets in motion."""

from __future__ import annotations

import pytest
from ocpp.v201 import call

from conftest import running_csms
from ocpp201_helpers import ended, start, wait_status


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1", accept_tags={"TAG1"}) as csms:
        yield csms


def test_a_fault_ends_the_transaction_and_faults_the_connector_until_cleared(csms, chargepoint):
    station = chargepoint(connectors=2)
    transaction = start(station, 1, "TAG1")
    faulted = station.api.ok_json("POST", "/api/v1/connectors/1/fault", json={"errorCode": "GroundFailure"})
    assert (faulted["status"], faulted["errorCode"], faulted["transaction"]) == ("Faulted", "GroundFailure", None)
    last = ended(csms, station, transaction["transactionId"])
    assert (last["triggerReason"], last["transactionInfo"]["stoppedReason"]) == ("AbnormalCondition", "GroundFault")
    wait_status(csms, station, 1, "Faulted")
    refused = station.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG1"})
    assert refused.status_code == 409 and refused.json()["connectorStatus"] == "Faulted"
    cleared = station.api.ok_json("POST", "/api/v1/connectors/1/fault", json={"errorCode": "NoError"})
    assert (cleared["status"], cleared["errorCode"]) == ("Occupied", "NoError"), "the cable is still in"


def test_availability_unlock_trigger_and_local_list_answer_as_the_csms_would_be(csms, chargepoint):
    station = chargepoint(connectors=2)
    assert station.api.ok_json("POST", "/api/v1/connectors/0/availability", json={"type": "Inoperative"}) == {
        "status": "Accepted"}
    wait_status(csms, station, 2, "Unavailable")
    assert station.api.ok_json("POST", "/api/v1/connectors/0/availability", json={"type": "Operative"}) == {
        "status": "Accepted"}
    wait_status(csms, station, 2, "Available")
    start(station, 1, "TAG1")
    assert station.api.ok_json("POST", "/api/v1/connectors/1/unlock") == {"status": "OngoingAuthorizedTransaction"}
    assert station.api.ok_json("POST", "/api/v1/trigger", json={"message": "StatusNotification", "connectorId": 2}) == {
        "status": "Accepted"}
    assert station.api.ok_json("POST", "/api/v1/trigger", json={"message": "StatusNotification"}) == {
        "status": "Rejected"}, "2.0.1 needs the connector [F06.FR.12]"
    csms.call(station.identity, call.SendLocalList(version_number=4, update_type="Full", local_authorization_list=[
        {"id_token": {"id_token": "LIST1", "type": "ISO14443"}, "id_token_info": {"status": "Accepted"}}]))
    assert station.api.ok_json("GET", "/api/v1/local-list") == {
        "version": 4, "entries": [{"idTag": "LIST1", "type": "ISO14443", "status": "Accepted"}]}


def test_a_soft_reset_from_the_api_boots_again_saying_local_reset(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert station.api.ok_json("POST", "/api/v1/reset", 202, json={"type": "Soft"}) == {"status": "Accepted"}
    csms.wait_for_calls("BootNotification", station.identity, count=2)
    assert csms.calls("BootNotification", station.identity)[1]["reason"] == "LocalReset"
    refused = station.api.post("/api/v1/reset", json={"type": "Warm"})
    assert refused.status_code == 422
