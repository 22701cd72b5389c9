"""CSMS-initiated start and stop (reference §6.6)."""

from ocpp.v16 import call

from harness import transaction_id_of, wait_for_status

UNKNOWN_TRANSACTION_OFFSET = 1000


def test_remote_start_waits_for_plug_and_remote_stop_ends_it(csms, chargepoint):
    cp = chargepoint()

    result = csms.call(cp.identity, call.RemoteStartTransaction(id_tag="TAG2", connector_id=1))
    assert result.status == "Accepted"
    wait_for_status(csms, cp.identity, 1, "Preparing")
    assert csms.calls("StartTransaction", cp.identity) == []

    assert cp.api.ok_json("POST", "/api/v1/connectors/1/plug")["plugged"] is True
    start_req = csms.wait_for_calls("StartTransaction", cp.identity)[0]
    assert (start_req["connectorId"], start_req["idTag"]) == (1, "TAG2")
    transaction_id = transaction_id_of(csms, cp.identity)
    cp.api.wait_connector(1, lambda c: (c["transaction"] or {}).get("transactionId") == transaction_id,
                          what=f"transaction {transaction_id}")

    again = csms.call(cp.identity, call.RemoteStartTransaction(id_tag="TAG1", connector_id=1))
    assert again.status == "Rejected"
    unknown = csms.call(cp.identity, call.RemoteStopTransaction(
        transaction_id=transaction_id + UNKNOWN_TRANSACTION_OFFSET))
    assert unknown.status == "Rejected"
    assert csms.calls("StopTransaction", cp.identity) == []

    stop = csms.call(cp.identity, call.RemoteStopTransaction(transaction_id=transaction_id))
    assert stop.status == "Accepted"
    stop_req = csms.wait_for_calls("StopTransaction", cp.identity)[0]
    assert (stop_req["transactionId"], stop_req["reason"]) == (transaction_id, "Remote")
    latest = cp.api.transactions()[0]
    assert (latest["transactionId"], latest["stopReason"]) == (transaction_id, "Remote")
    assert len(csms.calls("StartTransaction", cp.identity)) == 1
