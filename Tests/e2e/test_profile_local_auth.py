"""Local Auth List Management profile and the authorization cache (reference §3.3, §6.5):
SendLocalList Full and Differential, GetLocalListVersion, offline and pre-authorized starts
from the list, the cache learning from Authorize.conf, GET /api/v1/local-list."""

import time

from csms import parse_time
from harness import (assert_refused, assert_problem, ocpp_call, settle, transaction_id_of, utc_in,
                     wait_meter_values)

RECONNECT_TIMEOUT_S = 45
TOO_MANY = 101  # SendLocalListMaxLength is 100


def send_local_list(csms, cp, version, update_type, entries):
    payload = {"listVersion": version, "updateType": update_type}
    if entries is not None:
        payload["localAuthorizationList"] = entries
    return ocpp_call(csms, cp.identity, "SendLocalList", payload)["status"]


def list_version(csms, cp):
    return ocpp_call(csms, cp.identity, "GetLocalListVersion")["listVersion"]


def local_list(cp):
    """GET /api/v1/local-list with absent and null members read alike (the contract of this
    resource is not settled on which of the two it uses)."""
    body = cp.api.ok_json("GET", "/api/v1/local-list")
    assert set(body) == {"version", "entries"}, body
    body["entries"] = [{k: v for k, v in e.items() if v is not None} for e in body["entries"]]
    return body


def entry(id_tag, status=None, **extra):
    """AuthorizationData: with a status it carries idTagInfo, without one it means delete."""
    return {"idTag": id_tag} if status is None else {"idTag": id_tag, "idTagInfo": {"status": status, **extra}}


def rest_entry(id_tag, status):
    return {"idTag": id_tag, "status": status}


def go_offline(csms, cp):
    csms.stop(abrupt=True)
    csms.wait_for(lambda: cp.api.status()["link"] != "connected", 15, "the CP to notice the CSMS is gone")


def start(cp, connector_id, id_tag, expected):
    return cp.api.ok_json("POST", f"/api/v1/connectors/{connector_id}/start", expected, json={"idTag": id_tag})


def test_send_local_list_full_then_differential(csms, chargepoint):
    cp = chargepoint()
    expiry = utc_in(86_400)
    assert list_version(csms, cp) == 0
    assert local_list(cp) == {"version": 0, "entries": []}

    assert send_local_list(csms, cp, 1, "Full", [
        entry("LIST1", "Accepted"),
        entry("LIST2", "Blocked"),
        entry("LIST3", "Accepted", expiryDate=expiry, parentIdTag="PARENT1"),
    ]) == "Accepted"
    assert list_version(csms, cp) == 1
    listed = local_list(cp)
    assert listed["version"] == 1
    assert [e["idTag"] for e in listed["entries"]] == ["LIST1", "LIST2", "LIST3"]
    assert listed["entries"][:2] == [rest_entry("LIST1", "Accepted"), rest_entry("LIST2", "Blocked")]
    third = listed["entries"][2]
    assert (third["status"], third["parentIdTag"]) == ("Accepted", "PARENT1")
    assert parse_time(third["expiryDate"]) == parse_time(expiry)

    # A Differential update needs a newer version than the installed one.
    assert send_local_list(csms, cp, 1, "Differential", [entry("LIST9", "Accepted")]) == "VersionMismatch"
    assert list_version(csms, cp) == 1
    assert send_local_list(csms, cp, 2, "Differential", [
        entry("LIST4", "Accepted"),
        entry("LIST2"),               # no idTagInfo: delete
        entry("list1", "Expired"),    # idTags compare case-insensitively: updates LIST1
    ]) == "Accepted"
    assert list_version(csms, cp) == 2
    statuses = {e["idTag"].upper(): e["status"] for e in local_list(cp)["entries"]}
    assert statuses == {"LIST1": "Expired", "LIST3": "Accepted", "LIST4": "Accepted"}

    # Failed: nothing changes.
    before = local_list(cp)
    assert send_local_list(csms, cp, 3, "Full", [entry("LIST5", "Accepted"), entry("LIST6")]) == "Failed"
    assert send_local_list(csms, cp, 3, "Full", [entry("LIST5", "Accepted"), entry("list5", "Blocked")]) == "Failed"
    assert send_local_list(csms, cp, 3, "Differential",
                           [entry(f"MANY{i}", "Accepted") for i in range(TOO_MANY)]) == "Failed"
    assert list_version(csms, cp) == 2
    assert local_list(cp) == before

    assert send_local_list(csms, cp, 3, "Differential", [entry("LIST4")]) == "Accepted"
    assert {e["idTag"].upper() for e in local_list(cp)["entries"]} == {"LIST1", "LIST3"}
    assert send_local_list(csms, cp, 4, "Full", [entry("ONLY", "Accepted")]) == "Accepted"
    assert local_list(cp) == {"version": 4, "entries": [rest_entry("ONLY", "Accepted")]}
    # An empty Full list empties it; an empty list has version 0.
    assert send_local_list(csms, cp, 5, "Full", []) == "Accepted"
    assert list_version(csms, cp) == 0
    assert local_list(cp) == {"version": 0, "entries": []}


def test_offline_start_uses_the_local_list(csms, chargepoint):
    cp = chargepoint(ocpp_config={"LocalAuthorizeOffline": "true", "AllowOfflineTxForUnknownId": "false"})
    assert send_local_list(csms, cp, 1, "Full", [
        entry("TAG2", "Accepted"), entry("LISTBLOCK", "Blocked"), entry("OLDTAG", "Accepted", expiryDate=utc_in(-60)),
        entry("TAG3", "ConcurrentTx"),
    ]) == "Accepted"
    go_offline(csms, cp)

    pending = start(cp, 1, "TAG2", 202)
    assert (pending["transactionId"], pending["pendingDelivery"], pending["idTag"], pending["connectorId"]) == \
        (None, True, "TAG2", 1)
    assert_refused(cp.api.post("/api/v1/connectors/2/start", json={"idTag": "LISTBLOCK"}), "Blocked")
    assert_refused(cp.api.post("/api/v1/connectors/2/start", json={"idTag": "OLDTAG"}), "Expired")
    refused = assert_problem(cp.api.post("/api/v1/connectors/2/start", json={"idTag": "STRANGER"}), 409)
    assert refused["type"] == "urn:chargepoint:problem:offline-start-not-allowed"
    assert cp.api.connector(2)["transaction"] is None
    start(cp, 2, "TAG3", 202)  # ConcurrentTx in the list counts as valid
    restarted_at = time.time()
    csms.restart()

    start_reqs = csms.wait_for_calls("StartTransaction", cp.identity, 2, timeout=RECONNECT_TIMEOUT_S)
    assert [(r["connectorId"], r["idTag"]) for r in start_reqs] == [(1, "TAG2"), (2, "TAG3")]
    start_req = start_reqs[0]
    assert parse_time(start_req["timestamp"]).timestamp() <= restarted_at
    transaction_id = transaction_id_of(csms, cp.identity, 0)
    wait_meter_values(csms, cp.identity, transaction_id)
    cp.api.wait_connector(1, lambda c: (c["transaction"] or {}).get("transactionId") == transaction_id,
                          what=f"transaction {transaction_id}")
    assert csms.calls("Authorize", cp.identity) == []
    assert len(csms.calls("StartTransaction", cp.identity)) == 2
    cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    assert csms.wait_for_calls("StopTransaction", cp.identity)[0]["transactionId"] == transaction_id


def test_local_pre_authorize_starts_a_listed_tag_without_authorize(csms, chargepoint):
    cp = chargepoint(ocpp_config={"LocalPreAuthorize": "true"})
    assert send_local_list(csms, cp, 1, "Full", [entry("TAG2", "Accepted")]) == "Accepted"

    started = start(cp, 1, "TAG2", 201)
    assert started["idTag"] == "TAG2"
    assert csms.calls("Authorize", cp.identity) == []
    assert csms.calls("StartTransaction", cp.identity)[0]["idTag"] == "TAG2"

    # A tag the list does not know needs the CSMS even with LocalPreAuthorize.
    start(cp, 2, "TAG1", 201)
    assert csms.calls("Authorize", cp.identity) == [{"idTag": "TAG1"}]


def test_a_csms_answer_that_contradicts_the_local_list_is_reported_as_local_list_conflict(csms, chargepoint):
    """[CORE] §3.5.3: when Authorize.conf disagrees with the list, the CP should send a
    StatusNotification for connector 0 with errorCode LocalListConflict (reference §6.5)."""
    cp = chargepoint()
    assert send_local_list(csms, cp, 1, "Full", [entry("TAG3", "Blocked")]) == "Accepted"

    verdict = cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG3"})
    assert csms.calls("Authorize", cp.identity) == [{"idTag": "TAG3"}]
    assert (verdict["status"], verdict["source"]) == ("Accepted", "centralSystem")
    settle(csms, cp)
    conflicts = [p for p in csms.calls("StatusNotification", cp.identity)
                 if p["errorCode"] == "LocalListConflict"]
    assert [(p["connectorId"], p["status"]) for p in conflicts] == [(0, "Available")], \
        "no StatusNotification(connector 0, LocalListConflict) after Authorize.conf contradicted the list"


def test_authorization_cache_learns_from_authorize_and_decides_offline(csms, chargepoint):
    cp = chargepoint(ocpp_config={"LocalAuthorizeOffline": "true"})
    assert cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG1"})["status"] == "Accepted"
    assert cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "BLOCKED1"})["status"] == "Blocked"
    assert csms.calls("Authorize", cp.identity) == [{"idTag": "TAG1"}, {"idTag": "BLOCKED1"}]
    go_offline(csms, cp)

    offline = cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "tag1"})
    assert (offline["status"], offline["source"]) == ("Accepted", "cache")
    pending = start(cp, 1, "TAG1", 202)
    assert (pending["transactionId"], pending["pendingDelivery"]) == (None, True)
    assert_refused(cp.api.post("/api/v1/connectors/2/start", json={"idTag": "BLOCKED1"}), "Blocked")
    csms.restart()

    start_req = csms.wait_for_calls("StartTransaction", cp.identity, timeout=RECONNECT_TIMEOUT_S)[0]
    assert (start_req["connectorId"], start_req["idTag"]) == (1, "TAG1")
    transaction_id = transaction_id_of(csms, cp.identity)
    cp.api.wait_connector(1, lambda c: (c["transaction"] or {}).get("transactionId") == transaction_id,
                          what=f"transaction {transaction_id}")
    assert len(csms.calls("Authorize", cp.identity)) == 2


def test_a_differential_update_beyond_the_list_capacity_fails(csms, chargepoint):
    cp = chargepoint()
    capacity = int(ocpp_call(csms, cp.identity, "GetConfiguration",
                             {"key": ["LocalAuthListMaxLength"]})["configurationKey"][0]["value"])
    batch = int(ocpp_call(csms, cp.identity, "GetConfiguration",
                          {"key": ["SendLocalListMaxLength"]})["configurationKey"][0]["value"])
    version = 0
    for first in range(0, capacity, batch):
        version += 1
        chunk = [entry(f"CAP{i}", "Accepted") for i in range(first, min(first + batch, capacity))]
        assert send_local_list(csms, cp, version, "Full" if version == 1 else "Differential", chunk) == "Accepted"
    assert list_version(csms, cp) == version
    assert len(local_list(cp)["entries"]) == capacity

    assert send_local_list(csms, cp, version + 1, "Differential", [entry("ONEMORE", "Accepted")]) == "Failed"
    assert list_version(csms, cp) == version
    # Updating and deleting within the capacity still works.
    assert send_local_list(csms, cp, version + 1, "Differential",
                           [entry("CAP0"), entry("ONEMORE", "Accepted")]) == "Accepted"
    assert len(local_list(cp)["entries"]) == capacity
