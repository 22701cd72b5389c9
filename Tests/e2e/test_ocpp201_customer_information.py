"""OCPP 2.0.1 CustomerInformation (N09, N10), end to end against the PyPI `ocpp` 2.0.1 central system:
what the station holds about a token (its cache entry, its transactions) is reported in
NotifyCustomerInformation parts after the answer, and a clear removes it but keeps the local list."""

from __future__ import annotations

import pytest
from ocpp.v201 import call

from conftest import running_csms
from ocpp201_helpers import start, stop, wait_delivered

TOKEN = {"id_token": "CUSTOMER1", "type": "ISO14443"}


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def customer_information(csms, station, request_id: int, **reference_and_flags) -> str:
    flags = {"report": True, "clear": False} | reference_and_flags
    return csms.call(station.identity, call.CustomerInformation(request_id=request_id, **flags)).status


def reported(csms, station, request_id: int, parts: int = 1) -> list[dict]:
    def arrived():
        found = [p for p in csms.calls("NotifyCustomerInformation", station.identity) if p["requestId"] == request_id]
        return found if len(found) >= parts and not found[-1].get("tbc") else None
    return csms.wait_for(arrived, 10, f"the NotifyCustomerInformation parts of request {request_id}")


def test_TC_N_27_CS_and_TC_N_29_CS_a_token_is_reported_then_cleared(csms, chargepoint):
    csms.settings.accept_tags = ["CUSTOMER1"]
    station = chargepoint(connectors=1)
    transaction = start(station, 1, "CUSTOMER1")
    stop(station, 1)
    wait_delivered(station, transaction["transactionId"])

    assert customer_information(csms, station, 1, id_token=TOKEN) == "Accepted"
    [part] = reported(csms, station, 1)
    assert part["seqNo"] == 0
    assert f"Transaction {transaction['transactionId']} on EVSE 1" in part["data"]
    assert "Authorization cache: ISO14443 CUSTOMER1" in part["data"]

    assert customer_information(csms, station, 2, id_token=TOKEN, report=False, clear=True) == "Accepted"
    assert station.api.ok_json("GET", "/api/v1/transactions")["transactions"] == []
    assert customer_information(csms, station, 3, id_token=TOKEN) == "Accepted"
    assert [p["data"] for p in reported(csms, station, 3)] == ["No data held for this customer."]
    csms.assert_no_violations()


def test_TC_N_32_CS_a_request_naming_no_customer_or_two_is_invalid(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert customer_information(csms, station, 4) == "Invalid"
    assert customer_information(csms, station, 5, id_token=TOKEN, customer_identifier="C-1") == "Invalid"
    assert [p for p in csms.calls("NotifyCustomerInformation", station.identity)] == []
